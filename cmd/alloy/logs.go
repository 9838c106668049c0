package main

import (
	"encoding/json"
	"iter"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// streamFlags are --limit and --max of the commands that stream pages.
type streamFlags struct{ limit, max int }

func (f *streamFlags) register(fs *pflag.FlagSet, pageHelp string) {
	fs.IntVar(&f.limit, "limit", 0, "page `size`; 0 for the SDK's default ("+pageHelp+")")
	fs.IntVar(&f.max, "max", 100, "stop after `N` entries; 0 for every entry")
}

func (f *streamFlags) check() error {
	switch {
	case f.limit < 0:
		return usagef("--limit must not be negative")
	case f.max < 0:
		return usagef("--max must not be negative")
	}
	return nil
}

func (x *cli) logsCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list [--user U] [--workflow ID] [--limit N] [--max N]", Short: "stream the account-wide execution log, newest first", Args: none,
		Long: `
Streams the account-wide log, newest first (API version 2025-09 on): entries
are printed as they arrive, page after page; stop any time with Ctrl-C.
--user and --workflow narrow it. --jsonl prints one JSON object per entry as
it arrives; --json prints them all as one array at the end.`,
		Example: examples(
			"alloy logs list --max 20",
			"alloy logs list --user ops@northwind.example --workflow 6712ab3acd56ef7890a1b2d9",
			`alloy logs list --max 0 --jsonl | jq -c 'select(.message == "executionError")'`,
		),
	}
	listUser := list.Flags().String("user", "", "only this `user`'s entries (id or username)")
	listWorkflow := list.Flags().String("workflow", "", "only the entries of this parent workflow `id`")
	var listStream streamFlags
	listStream.register(list.Flags(), "10")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := listStream.check(); err != nil {
			return err
		}
		return x.streamLog(alloy.LogListParams{UserID: *listUser, WorkflowID: *listWorkflow, Limit: listStream.limit}, listStream.max)
	}

	execs := &cobra.Command{
		Use: "executions <workflowId> [--user U] [--limit N] [--max N]", Short: "stream a parent workflow's executions", Args: one("<workflowId>"),
		Long: `
Streams the executions of a parent workflow, page after page, as they
arrive; --user narrows them to one user's.`,
		Example: examples("alloy logs executions 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example"),
	}
	execUser := execs.Flags().String("user", "", "only this `user`'s executions (id or username)")
	var execStream streamFlags
	execStream.register(execs.Flags(), "10, at most 30")
	execs.RunE = func(cmd *cobra.Command, args []string) error {
		if err := execStream.check(); err != nil {
			return err
		}
		return x.streamExecutions(args[0], *execUser, execStream)
	}

	get := &cobra.Command{
		Use: "get <executionId>", Short: "show one execution's log entry as Alloy sends it", Args: one("<executionId>"),
		Example: examples(`alloy logs get "$EXECUTION" --json`),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := x.api()
			if err != nil {
				return err
			}
			l, err := c.Logs.Get(x.ctx, args[0])
			if err != nil {
				return err
			}
			var whole any = l
			if len(l.Raw) > 0 {
				whole = json.RawMessage(l.Raw)
			}
			return x.emit(whole, func(t *table) {
				t.row("ID", l.ID)
				t.row("Mode", l.ExecutionMode)
				t.row("Execution", l.ExecutionUUID)
			})
		},
	}

	errs := &cobra.Command{
		Use: "errors <workflowId> [--user U]", Short: "list a workflow's recent errors", Args: one("<workflowId>"),
		Example: examples("alloy logs errors 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example"),
	}
	errUser := errs.Flags().String("user", "", "only this `user`'s errors (id or username)")
	errs.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := x.api()
		if err != nil {
			return err
		}
		list, err := c.Logs.ListErrors(x.ctx, args[0], *errUser)
		if err != nil {
			return err
		}
		return x.emit(list, func(t *table) {
			t.row("TIME", "BLOCK", "MESSAGE")
			for _, e := range list {
				t.row(when(e.Timestamp.Time), e.Block, e.Message)
			}
		})
	}

	rerun := &cobra.Command{
		Use: "rerun <executionId> --workflow ID [--user U]", Short: "run a past execution again", Args: one("<executionId>"),
		Long:    "Not retried on 5xx or timeouts, which could run it twice.",
		Example: examples(`alloy logs rerun "$EXECUTION" --workflow 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example`),
	}
	rerunWorkflow := rerun.Flags().String("workflow", "", "the parent workflow `id` (required)")
	rerunUser := rerun.Flags().String("user", "", "the `user` (id or username)")
	rerun.RunE = func(cmd *cobra.Command, args []string) error {
		if *rerunWorkflow == "" {
			return usagef("--workflow is required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		res, err := c.Logs.Rerun(x.ctx, *rerunWorkflow, args[0], *rerunUser)
		if err != nil {
			return err
		}
		return x.done(res, "Reran execution %s: %s (execution %s)", args[0], res.Message, res.ExecutionUUID)
	}

	g := x.group("logs", "workflow executions and errors: stream, read, rerun", `
Workflow executions and errors. Alloy keeps logs for 7 days; 'alloy users
delete-logs' erases a user's.`, list, x.logsExportCommand(), execs, get, errs, rerun)

	// The old "alloy logs [--workflow ID] [--user U] [--limit N] [--max N]".
	oldWorkflow := g.Flags().String("workflow", "", "")
	oldUser := g.Flags().String("user", "", "")
	var old streamFlags
	old.register(g.Flags(), "")
	for _, n := range []string{"workflow", "user", "limit", "max"} {
		_ = g.Flags().MarkHidden(n)
	}
	g.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return x.groupRun(cmd, args)
		}
		if err := old.check(); err != nil {
			return err
		}
		if *oldWorkflow != "" {
			x.deprecated("alloy logs --workflow <id>", "alloy logs executions <id>")
			return x.streamExecutions(*oldWorkflow, *oldUser, old)
		}
		x.deprecated("alloy logs", "alloy logs list")
		return x.streamLog(alloy.LogListParams{UserID: *oldUser, Limit: old.limit}, old.max)
	}
	return g
}

func (x *cli) streamLog(params alloy.LogListParams, maxEntries int) error {
	c, err := x.api()
	if err != nil {
		return err
	}
	params.SortBy, params.SortOrder = "createdAt", "desc"
	seq := c.Logs.ListIter(x.ctx, params)
	return streamOut(x, seq, maxEntries, []int{20, 16, 24, 24, 24},
		[]string{"CREATED", "MESSAGE", "WORKFLOW", "USER", "EXECUTION", "WORKFLOW NAME"},
		func(e alloy.LogEntry) []string {
			return []string{when(e.CreatedAt.Time), e.Message, e.ParentWorkflowID, e.UserID, e.ExecutionID(), e.ParentWorkflow.Name}
		})
}

func (x *cli) streamExecutions(workflowID, user string, f streamFlags) error {
	c, err := x.api()
	if err != nil {
		return err
	}
	seq := c.Logs.ListExecutionsIter(x.ctx, workflowID, alloy.WorkflowLogParams{UserID: user, Limit: f.limit})
	return streamOut(x, seq, f.max, []int{21, 20, 20, 8},
		[]string{"EXECUTION", "STARTED", "STOPPED", "FINISHED"},
		func(e alloy.Execution) []string {
			finished := yesNo(e.Finished)
			if e.Status != "" {
				finished = e.Status
			}
			return []string{e.ID, when(e.StartedAt.Time), when(e.StoppedAt.Time), finished}
		})
}

// streamOut prints what seq yields as it arrives, up to maxEntries (0: no
// bound): rows of fixed-width columns for people, a line per entry with
// --jsonl, or one array at the end with --json. Breaking out of the loop
// stops the iterator from fetching another page.
func streamOut[T any](x *cli, seq iter.Seq2[T, error], maxEntries int, widths []int, header []string, cells func(T) []string) error {
	var all []T
	out := &stream{w: x.stdout, widths: widths, redact: x.g.redact}
	n := 0
	for item, err := range seq {
		if err != nil {
			return err
		}
		switch {
		case x.g.json:
			all = append(all, item)
		case x.g.jsonl:
			if err := x.writeJSON(item, false); err != nil {
				return err
			}
		default:
			if n == 0 {
				out.row(header...)
			}
			out.row(cells(item)...)
		}
		if n++; maxEntries > 0 && n >= maxEntries {
			break
		}
	}
	switch {
	case x.g.json:
		return x.writeJSON(emptyList(all), true)
	case n == 0 && !x.g.jsonl:
		out.row(header...)
	}
	return nil
}
