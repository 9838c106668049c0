package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/unified"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The exports: alloy unified <collection> export and alloy logs export.
// Both walk an SDK iterator and write each item as it comes, so that
// memory stays bounded whatever the size: one page of the API's, and a
// write buffer.

// maxUnifiedPage is the Unified API's largest page.
const maxUnifiedPage = 100

// defaultExportEvery is how often, without a terminal, an export says how
// far it got.
const defaultExportEvery = 10000

// exportFlags are the flags the exports share.
type exportFlags struct {
	out   string
	every int
}

func (f *exportFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.out, "out", "", "write to this `file` instead of stdout (replaced)")
	fs.IntVar(&f.every, "progress-every", defaultExportEvery, "without a terminal, a progress line on stderr every `N` records; 0 for none")
}

func (f *exportFlags) check() error {
	if f.every < 0 {
		return usagef("--progress-every must not be negative")
	}
	return nil
}

// exportSink writes an export: a JSON object per line, or with --json one
// JSON array written as it goes. Everything passes the redactor.
type exportSink struct {
	x     *cli
	file  *os.File // --out, or nil for stdout
	w     *bufio.Writer
	buf   bytes.Buffer
	enc   *json.Encoder
	array bool
	n     int
	prog  *progress
	start time.Time
}

// newExportSink opens the export's output. total, when known, is how many
// items to expect, for the progress.
func (x *cli) newExportSink(f exportFlags, unit string, total int) (*exportSink, error) {
	s := &exportSink{x: x, array: x.g.json, start: time.Now()}
	var out io.Writer = x.stdout
	if f.out != "" {
		file, err := os.Create(f.out)
		if err != nil {
			return nil, configf("%v", err)
		}
		s.file, out = file, file
	}
	s.w = bufio.NewWriterSize(out, 64<<10)
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	// A bar on stderr, unless the records themselves go to the same
	// terminal.
	tty := isTerminal(x.stderr) && (s.file != nil || !isTerminal(x.stdout))
	every := f.every
	if s.file == nil && isTerminal(x.stdout) {
		every = 0
	}
	s.prog = newProgress(x, tty, unit, total, every)
	if s.array {
		if _, err := s.w.WriteString("["); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// write writes one item.
func (s *exportSink) write(v any) error {
	s.buf.Reset()
	if s.array && s.n > 0 {
		s.buf.WriteString(",\n")
	}
	if err := s.enc.Encode(v); err != nil {
		return fmt.Errorf("encode record %d: %w", s.n+1, err)
	}
	b := s.buf.Bytes()
	if s.array {
		b = bytes.TrimSuffix(b, []byte("\n"))
	}
	if _, err := s.w.WriteString(s.x.g.redact(string(b))); err != nil {
		return err
	}
	s.n++
	s.prog.add(false)
	return nil
}

// finish ends the output after the last item, or after err stopped the
// walk: the array is closed either way, and what was written is said.
func (s *exportSink) finish(err error) error {
	if s.array {
		closing := "]\n"
		if s.n > 0 {
			closing = "\n]\n"
		}
		if _, werr := s.w.WriteString(closing); err == nil {
			err = werr
		}
	}
	if ferr := s.w.Flush(); err == nil {
		err = ferr
	}
	if s.file != nil {
		if cerr := s.file.Close(); err == nil {
			err = cerr
		}
	}
	s.prog.finish()
	took := time.Since(s.start).Round(time.Millisecond)
	where := ""
	if s.file != nil {
		where = " to " + s.file.Name()
	}
	switch {
	case err != nil:
		s.prog.note("%s: stopped after %d %s%s: the output is incomplete", s.x.path, s.n, s.prog.unit, where)
	case !s.prog.tty && s.prog.every > 0:
		s.prog.note("%s: %d %s%s in %s", s.x.path, s.n, s.prog.unit, where, took)
	}
	return err
}

// exportCommand is "alloy unified <collection> export".
func (x *cli) exportCommand(col collection, newFlags func(*cobra.Command) *collectionFlags, ex func(verb, rest string) string) *cobra.Command {
	in := ""
	if col.nested {
		in = fmt.Sprintf(" --%s ID", col.parent)
	}
	cmd := &cobra.Command{
		Use: "export --connection ID" + in + " [--filter F ...] [--out FILE]", Short: "write every " + col.name + " record as JSON Lines", Args: none,
		Long: `
Writes every record (--filter narrows them) as JSON Lines, one record per
line in the SDK's model, to stdout or --out, page after page as they
arrive: memory stays the same whatever the number of records. --json
writes one JSON array instead, also as it goes. Progress goes to stderr: on
a terminal a bar (with the total and the time left when the collection
counts its records), otherwise a line every --progress-every records.`,
		Example: examples(ex("export", "")+" > "+strings.ReplaceAll(col.name, "/", "-")+".jsonl", ex("export", " --filter "+firstStringField(col.elem)+"~a --out /tmp/records.jsonl")),
	}
	f := newFlags(cmd)
	var filters filterList
	cmd.Flags().Var(&filters, "filter", filterHelp)
	size := cmd.Flags().Int("page-size", maxUnifiedPage, "records per request, at most 100")
	var ef exportFlags
	ef.register(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *size < 1 || *size > maxUnifiedPage {
			return usagef("--page-size must be from 1 to %d", maxUnifiedPage)
		}
		if err := ef.check(); err != nil {
			return err
		}
		rc, err := x.records(f)
		if err != nil {
			return err
		}
		sink, err := x.newExportSink(ef, "records", 0)
		if err != nil {
			return err
		}
		if col.can("Count") && (sink.prog.tty || sink.prog.every > 0) {
			if n, err := rc.count(filters); err == nil {
				sink.prog.total = n // else no total: the progress shows none
			}
		}
		var werr error
		err = rc.each(&unified.ListParams{PageSize: *size, Filters: filters}, func(rec any) bool {
			werr = sink.write(rec)
			return werr == nil
		})
		return sink.finish(errors.Join(err, werr))
	}
	return cmd
}

// timeFlag is a point in time given as RFC 3339 (2025-11-01T09:30:00Z), a
// date (2025-11-01, midnight UTC), or a duration before now (36h, 90m, 7d).
type timeFlag struct {
	t   time.Time
	now func() time.Time
}

func (f *timeFlag) String() string {
	if f.t.IsZero() {
		return ""
	}
	return f.t.Format(time.RFC3339Nano)
}
func (f *timeFlag) Type() string { return "time" }

func (f *timeFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			f.t = t.UTC()
			return nil
		}
	}
	d, err := time.ParseDuration(s)
	if days, ok := strings.CutSuffix(s, "d"); ok && err != nil {
		var n int
		if n, err = strconv.Atoi(days); err == nil {
			d = time.Duration(n) * 24 * time.Hour
		}
	}
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a time such as 2025-11-01T09:30:00Z, 2025-11-01, or a duration before now such as 36h or 7d", s)
	}
	f.t = f.now().Add(-d).UTC()
	return nil
}

// logTimeFormat is how the filters send a time: as Alloy writes its
// timestamps, UTC to the millisecond.
const logTimeFormat = "2006-01-02T15:04:05.000Z"

// logRangeFilters are the filters of GET /logs for [since, until): Alloy
// documents "greaterthan" and "lessthan" on createdAt, both strict, and
// keeps times to the millisecond, so the lower bound is sent as a
// millisecond before since.
func logRangeFilters(since, until time.Time) []alloy.LogFilter {
	var fs []alloy.LogFilter
	if !since.IsZero() {
		fs = append(fs, alloy.LogFilter{Column: "createdAt", Operator: "greaterthan", Value: since.Truncate(time.Millisecond).Add(-time.Millisecond).Format(logTimeFormat)})
	}
	if !until.IsZero() {
		fs = append(fs, alloy.LogFilter{Column: "createdAt", Operator: "lessthan", Value: until.Format(logTimeFormat)})
	}
	return fs
}

// defaultLogExportPage is the page size of alloy logs export: Alloy's
// default is 10, and it documents no maximum (the SDK follows the page
// size it answers with).
const defaultLogExportPage = 100

// logsExportCommand is "alloy logs export".
func (x *cli) logsExportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use: "export [--since T] [--until T] [--user U] [--workflow ID] [--out FILE]", Short: "write the account-wide log of a time range as JSON Lines", Args: none,
		Long: `
Writes the entries of the account-wide log (API version 2025-09 on) created
from --since (included) to --until (excluded), oldest first, one JSON
object per line in the structure Alloy sends, to stdout or --out, page
after page as they arrive: memory stays the same whatever the number of
entries. --json writes one JSON array instead. A time is RFC 3339
(2025-11-01T09:30:00Z), a date (2025-11-01, midnight UTC), or a duration
before now (36h, 7d); without --since the export starts at the oldest entry
Alloy keeps (7 days), without --until it ends at the newest.

The range is sent as Alloy's filters on createdAt (greaterthan a
millisecond before --since, lessthan --until), and checked again on each
entry: an entry outside it is left out, and counted on stderr. Oldest
first, pages do not shift as new entries arrive. Progress goes to stderr as
for the other exports.`,
		Example: examples("alloy logs export --since 24h --out /tmp/logs.jsonl",
			"alloy logs export --since 2025-11-01 --until 2025-11-02 --user ops@northwind.example | jq -c .message"),
	}
	now := time.Now
	since, until := &timeFlag{now: now}, &timeFlag{now: now}
	cmd.Flags().Var(since, "since", "the first `time` to export, included: RFC 3339, a date, or a duration before now (36h, 7d)")
	cmd.Flags().Var(until, "until", "the `time` to stop at, excluded: as --since")
	user := cmd.Flags().String("user", "", "only this `user`'s entries (id or username)")
	workflow := cmd.Flags().String("workflow", "", "only the entries of this parent workflow `id`")
	size := cmd.Flags().Int("page-size", defaultLogExportPage, "entries per request")
	var ef exportFlags
	ef.register(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		switch {
		case !since.t.IsZero() && !until.t.IsZero() && !since.t.Before(until.t):
			return usagef("--since must be before --until")
		case *size < 1:
			return usagef("--page-size must be positive")
		}
		if err := ef.check(); err != nil {
			return err
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		params := alloy.LogListParams{UserID: *user, WorkflowID: *workflow, Filters: logRangeFilters(since.t, until.t),
			SortBy: "createdAt", SortOrder: "asc", Limit: *size}
		sink, err := x.newExportSink(ef, "entries", 0)
		if err != nil {
			return err
		}
		outside := 0
		for e, err := range c.Logs.ListIter(x.ctx, params) {
			if err != nil {
				return sink.finish(err)
			}
			if t := e.CreatedAt.Time; !t.IsZero() && (!since.t.IsZero() && t.Before(since.t) || !until.t.IsZero() && !t.Before(until.t)) {
				outside++
				continue
			}
			if err := sink.write(e); err != nil {
				return sink.finish(err)
			}
		}
		err = sink.finish(nil)
		if outside > 0 {
			x.errorf("%s: left out %d entries the API sent from outside the range", x.path, outside)
		}
		return err
	}
	return cmd
}
