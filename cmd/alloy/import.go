package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

// Defaults of alloy users import.
const (
	defaultImportConcurrency = 8
	maxImportConcurrency     = 64 // the shared transport's connections per host
	// defaultImportRate paces the import's requests. Alloy documents no
	// rate limit for its REST APIs; 20 requests a second (a new user takes
	// two: the read that finds no user, then the create) keeps a bulk load
	// from crowding out the product's own calls, and imports 10,000 new
	// users in about 17 minutes. --rate raises it, or 0 lifts it.
	defaultImportRate    = 20
	defaultImportEvery   = 1000
	checkpointWriteEvery = time.Second
	importCheckpointV1   = 1
	reportSuffix         = ".report.jsonl"
	checkpointSuffix     = ".checkpoint.json"
	importFormatAuto     = "auto"
)

const importLong = `
Creates the users of FILE that do not exist yet. FILE is CSV with a header
row (columns username, required, and fullName; cells are trimmed) or JSON
Lines (one {"username": ..., "fullName": ...} object per line), told apart
by its extension (.csv; .jsonl, .ndjson, .json) or else its first
character; --format says it outright.

Each row goes through Users.Ensure, a get-or-create by username that never
creates a user twice: a user who exists is left as it is (counted as
existing), and a create whose answer was lost is checked, not sent again.
--concurrency rows are in flight at once, and the client sends at most
--rate requests a second (a new user takes two; 0: no pacing).

Rows that cannot be imported are reported, never skipped in silence: a row
without a username, one the SDK refuses (a control character), one that is
not CSV or JSON, a username an earlier row already holds, and a row the API
refused, each as one JSON line {"row", "line", "username", "error"} of the
report (--report; default FILE.report.jsonl, written only when a row
fails, in the order rows finish; a previous report there is replaced).
row counts the file's rows from 1 (a CSV header is not one), line is the
line of the file it starts on. The exit status is then 1.

Progress goes to stderr: on a terminal a bar with the count, the rate and
the time left; otherwise a line every --progress-every rows. The summary
(rows created, existing, failed...) goes to stdout.

Resuming: Ctrl-C stops the rows in flight, writes the report so far and a
checkpoint (--checkpoint; default FILE.checkpoint.json): the row up to
which every row has finished, and which of those failed or were
interrupted. Run the same command again to resume: rows the checkpoint has
as imported are not sent again, the others are; an interrupted create is
found by Ensure, not repeated. The checkpoint holds the file's SHA-256: if the file
changed, every row is processed again, which Ensure makes safe. --restart
ignores it. It is removed once every row is imported.`

// importOptions are alloy users import's flags.
type importOptions struct {
	format             string
	concurrency        int
	rate               float64
	every              int
	report, checkpoint string
	restart            bool
}

func (x *cli) usersImportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use: "import FILE [--concurrency N] [--rate N] [--report FILE] [--checkpoint FILE] [--restart]", Short: "create the users of a CSV or JSON Lines file, resumably",
		Args: one("FILE"), Long: importLong,
		Example: examples(
			"alloy users import cmd/alloy/testdata/users-import.csv",
			"alloy users import cmd/alloy/testdata/users-import.jsonl --concurrency 4 --rate 10 --json",
		),
	}
	var o importOptions
	fs := cmd.Flags()
	fs.StringVar(&o.format, "format", importFormatAuto, "the file's `format`: csv, jsonl, or auto (by extension, then content)")
	fs.IntVar(&o.concurrency, "concurrency", defaultImportConcurrency, "how many rows are in flight at once, 1 to 64")
	fs.Float64Var(&o.rate, "rate", defaultImportRate, "at most `N` requests a second, retries included; 0 for no pacing")
	fs.IntVar(&o.every, "progress-every", defaultImportEvery, "without a terminal, a progress line every `N` rows; 0 for none")
	fs.StringVar(&o.report, "report", "", "write the rows that failed to this `file` (default FILE.report.jsonl)")
	fs.StringVar(&o.checkpoint, "checkpoint", "", "keep the progress in this `file`, to resume (default FILE.checkpoint.json)")
	fs.BoolVar(&o.restart, "restart", false, "ignore the checkpoint: process every row (Ensure still creates no user twice)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return x.importUsers(args[0], o)
	}
	return cmd
}

// importCheckpoint is what a run of alloy users import leaves for the
// next: every row from 1 to Done was imported, except those in Retry,
// which failed or were interrupted, and are sent again. It applies to the
// file whose SHA-256 it holds.
type importCheckpoint struct {
	Version int       `json:"version"`
	File    string    `json:"file"` // as given, for people
	SHA256  string    `json:"sha256"`
	Rows    int       `json:"rows"`
	Done    int       `json:"done"`
	Retry   []int     `json:"retry"`
	Updated time.Time `json:"updated"`
}

// importSummary is what alloy users import prints at the end.
type importSummary struct {
	File       string `json:"file"`
	Rows       int    `json:"rows"`
	Created    int    `json:"created"`  // created by this run's create, answered
	Existing   int    `json:"existing"` // found by Ensure: there before, or made by a create whose answer was lost
	Skipped    int    `json:"skipped"`  // imported by an earlier run, per the checkpoint: not sent
	Failed     int    `json:"failed"`   // in the report
	NotDone    int    `json:"notDone"`  // interrupted before they finished
	Report     string `json:"report,omitempty"`
	Checkpoint string `json:"checkpoint,omitempty"`
}

// rowResult is how one row ended.
type rowResult struct {
	userRow
	created bool  // Ensure created the user
	pending bool  // interrupted: not finished
	err     error // the API's or the network's error
}

func (x *cli) importUsers(path string, o importOptions) error {
	switch {
	case o.concurrency < 1 || o.concurrency > maxImportConcurrency:
		return usagef("--concurrency must be from 1 to %d", maxImportConcurrency)
	case o.rate < 0:
		return usagef("--rate must not be negative")
	case o.every < 0:
		return usagef("--progress-every must not be negative")
	case path == "-":
		return usagef("FILE must be a file: a checkpoint needs to read it again")
	}
	format := strings.ToLower(o.format)
	switch format {
	case formatCSV, formatJSONL:
	case importFormatAuto:
		head := make([]byte, 512)
		f, err := os.Open(path)
		if err != nil {
			return configf("%v", err)
		}
		n, _ := io.ReadFull(f, head)
		f.Close()
		format = detectFormat(path, head[:n])
	default:
		return usagef("--format must be csv, jsonl or auto")
	}
	if o.report == "" {
		o.report = path + reportSuffix
	}
	if o.checkpoint == "" {
		o.checkpoint = path + checkpointSuffix
	}
	for _, p := range []string{o.report, o.checkpoint} {
		if samePath(p, path) {
			return usagef("--report and --checkpoint must not name FILE")
		}
	}
	if samePath(o.report, o.checkpoint) {
		return usagef("--report and --checkpoint must be different files")
	}

	// Read the file once before sending anything: a bad header is a usage
	// error, and the count and hash are needed below.
	total, sum, err := scanImportFile(path, format)
	if err != nil {
		return err
	}
	if o.rate > 0 {
		x.clientOpts = append(x.clientOpts, alloy.WithRateLimit(o.rate, 1))
	}
	c, err := x.api()
	if err != nil {
		return err
	}

	tty := isTerminal(x.stderr)
	prog := newProgress(x, tty, "rows", total, o.every)

	// What an earlier run did.
	var prev *importCheckpoint
	if !o.restart {
		prev, err = readCheckpoint(o.checkpoint)
		switch {
		case err != nil:
			prog.note("%s: %v: every row is processed (Ensure creates no user twice)", x.path, err)
			prev = nil
		case prev != nil && prev.SHA256 != sum:
			prog.note("%s: %s changed since the checkpoint %s: every row is processed (Ensure creates no user twice)", x.path, path, o.checkpoint)
			prev = nil
		}
	}
	prevDone, prevRetry := 0, map[int]bool{}
	if prev != nil {
		prevDone = min(prev.Done, total)
		for _, r := range prev.Retry {
			if r >= 1 && r <= prevDone {
				prevRetry[r] = true
			}
		}
		prog.note("%s: resuming from %s: rows 1 to %d were done by an earlier run, %d of them failed or were interrupted and are tried again",
			x.path, o.checkpoint, prevDone, len(prevRetry))
	}
	skipped := prevDone - len(prevRetry)
	prog.skip(skipped)

	// The report of this run replaces an earlier one.
	if err := os.Remove(o.report); err != nil && !errors.Is(err, os.ErrNotExist) {
		return configf("%v", err)
	}
	rep := &importReport{path: o.report, redact: x.g.redact}
	defer rep.close()

	f, err := os.Open(path)
	if err != nil {
		return configf("%v", err)
	}
	defer f.Close()
	rows, err := newRowReader(f, format)
	if err != nil {
		return err
	}

	ctx, stop := context.WithCancelCause(x.ctx)
	defer stop(nil)
	jobs := make(chan userRow)
	results := make(chan rowResult, o.concurrency)
	var wg sync.WaitGroup
	var readErr error
	wg.Add(1)
	go func() { // the reader: rows in order, bad and done ones straight to the results
		defer wg.Done()
		defer close(jobs)
		firstRow := map[string]int{}
		for {
			r, err := rows.next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				readErr = fmt.Errorf("read %s: %w", path, err)
				stop(readErr)
				return
			}
			checkRow(&r, firstRow)
			switch {
			case r.row <= prevDone && !prevRetry[r.row]:
				continue // imported by an earlier run
			case r.bad != "":
				select {
				case results <- rowResult{userRow: r}:
					continue
				case <-ctx.Done():
					return
				}
			}
			select {
			case jobs <- r:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range o.concurrency {
		wg.Add(1)
		go func() { // a worker
			defer wg.Done()
			for r := range jobs {
				res := rowResult{userRow: r}
				if ctx.Err() != nil {
					res.pending = true
				} else {
					_, res.created, res.err = c.Users.Ensure(ctx, r.params)
					if res.err != nil && ctx.Err() != nil {
						res.pending, res.err = true, nil
					}
				}
				results <- res
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	// The collector: counts, the report, the checkpoint and the progress.
	sum1 := importSummary{File: path, Rows: total, Skipped: skipped}
	mark := newWatermark(prevDone, prevRetry)
	lastSave := time.Now()
	var refused error // 401 or 403: the key will not do for any row
	var repErr error
	save := func() error {
		return writeCheckpoint(o.checkpoint, &importCheckpoint{Version: importCheckpointV1, File: path, SHA256: sum, Rows: total,
			Done: mark.done, Retry: mark.retryUpTo(mark.done), Updated: time.Now().UTC()})
	}
	for res := range results {
		switch {
		case res.pending:
			mark.finish(res.row, false)
			continue
		case res.bad == "" && res.err == nil:
			if res.created {
				sum1.Created++
			} else {
				sum1.Existing++
			}
			mark.finish(res.row, true)
			prog.add(false)
		default:
			why := res.bad
			if why == "" {
				why = errorText(res.err)
				var apiErr *alloy.Error
				if errors.As(res.err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden) && refused == nil {
					refused = res.err
					stop(res.err)
				}
			}
			sum1.Failed++
			mark.finish(res.row, false)
			if err := rep.add(res.userRow, why); err != nil && repErr == nil {
				repErr = err
				stop(err)
			}
			prog.add(true)
		}
		if time.Since(lastSave) >= checkpointWriteEvery {
			lastSave = time.Now()
			if err := save(); err != nil && repErr == nil {
				repErr = err
				stop(err)
			}
		}
	}
	prog.finish()

	sum1.NotDone = total - sum1.Created - sum1.Existing - sum1.Skipped - sum1.Failed
	if sum1.Failed > 0 {
		sum1.Report = o.report
	}
	if sum1.Failed == 0 && sum1.NotDone == 0 {
		if err := os.Remove(o.checkpoint); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the checkpoint: %w", err)
		}
	} else {
		sum1.Checkpoint = o.checkpoint
		if err := save(); err != nil {
			return err
		}
	}
	if err := rep.close(); err != nil && repErr == nil {
		repErr = err
	}
	if err := x.emit(sum1, func(t *table) {
		t.row("File", path)
		t.row("Rows", fmt.Sprint(sum1.Rows))
		t.row("Created", fmt.Sprint(sum1.Created))
		t.row("Existing", fmt.Sprint(sum1.Existing))
		t.row("Skipped", fmt.Sprintf("%d (imported by an earlier run)", sum1.Skipped))
		t.row("Failed", fmt.Sprint(sum1.Failed))
		t.row("Not done", fmt.Sprint(sum1.NotDone))
		if sum1.Report != "" {
			t.row("Report", sum1.Report)
		}
		if sum1.Checkpoint != "" {
			t.row("Checkpoint", sum1.Checkpoint)
		}
	}); err != nil {
		return err
	}

	switch {
	case x.ctx.Err() != nil:
		x.errorf("%s: stopped with %d rows not done; run the same command again to resume from %s", x.path, sum1.NotDone, o.checkpoint)
		return x.ctx.Err()
	case refused != nil:
		return refused
	case repErr != nil:
		return repErr
	case readErr != nil:
		return readErr
	case sum1.Failed > 0:
		return fmt.Errorf("%d of %d rows failed: see %s", sum1.Failed, total, o.report)
	}
	return nil
}

// samePath reports whether a and b name the same file.
func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// errorText is an error as the report and stderr say it.
func errorText(err error) string {
	var apiErr *alloy.Error
	if errors.As(err, &apiErr) {
		return describeAPIError(apiErr)
	}
	return strings.TrimPrefix(err.Error(), "alloy: ")
}

// watermark follows which rows have finished, to say up to which row all
// have (rows finish out of order with several in flight), and which of
// those must be sent again.
type watermark struct {
	done     int          // rows 1 to done have finished: imported, failed or interrupted
	finished map[int]bool // rows after done that have
	retry    map[int]bool // rows that failed or were interrupted, not imported since
}

// newWatermark starts from an earlier run's checkpoint: rows up to
// prevDone are done, those of prevRetry to be sent again.
func newWatermark(prevDone int, prevRetry map[int]bool) *watermark {
	w := &watermark{done: prevDone, finished: map[int]bool{}, retry: map[int]bool{}}
	for r := range prevRetry {
		w.retry[r] = true
	}
	return w
}

// finish records how a row ended: imported, or to be sent again.
func (w *watermark) finish(row int, imported bool) {
	if imported {
		delete(w.retry, row)
	} else {
		w.retry[row] = true
	}
	if row <= w.done {
		return
	}
	w.finished[row] = true
	for w.finished[w.done+1] {
		delete(w.finished, w.done+1)
		w.done++
	}
}

// retryUpTo lists, in order, the rows up to row n to send again.
func (w *watermark) retryUpTo(n int) []int {
	out := []int{}
	for r := range w.retry {
		if r <= n {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// readCheckpoint reads a checkpoint; nil when there is none.
func readCheckpoint(path string) (*importCheckpoint, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var cp importCheckpoint
	if err := json.Unmarshal(b, &cp); err != nil || cp.Version != importCheckpointV1 || cp.Done < 0 {
		return nil, fmt.Errorf("%s is not a checkpoint of alloy users import", path)
	}
	return &cp, nil
}

// writeCheckpoint replaces the checkpoint at path whole (a new file renamed
// over it), so that an interruption never leaves half of one.
func writeCheckpoint(path string, cp *importCheckpoint) error {
	b, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write the checkpoint: %w", err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write the checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write the checkpoint: %w", err)
	}
	return nil
}

// importReport is the report file, opened at the first failed row.
type importReport struct {
	path   string
	f      *os.File
	redact func(string) string
}

// reportLine is one line of the report.
type reportLine struct {
	Row      int    `json:"row"`
	Line     int    `json:"line"`
	Username string `json:"username"`
	Error    string `json:"error"`
}

func (r *importReport) add(row userRow, why string) error {
	if r.f == nil {
		f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
		r.f = f
	}
	b, err := json.Marshal(reportLine{Row: row.row, Line: row.line, Username: row.params.Username, Error: why})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(r.f, r.redact(string(b))+"\n"); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}

func (r *importReport) close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
