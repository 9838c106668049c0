package main

import (
	"flag"
	"iter"

	alloy "github.com/alloysdk/alloy-go"
)

func logsCommand() *command {
	return &command{
		name: "logs", synopsis: "[--workflow ID] [--user U] [--limit N] [--max N]", summary: "stream workflow executions, page after page", maxArgs: 0,
		detail: `
Without --workflow, streams the account-wide log (newest first; API version
2025-09 on). With --workflow, streams that parent workflow's executions.
--user narrows either to one user. Entries are printed as they arrive; stop
any time with Ctrl-C. --jsonl prints one JSON object per entry as it
arrives; --json prints them all as one array at the end.`,
		examples: []string{
			"alloy logs --max 20",
			"alloy logs --workflow 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example",
			"alloy logs --max 0 --jsonl | jq -c 'select(.message == \"executionError\")'",
		},
		define: func(fs *flag.FlagSet) action {
			workflow := fs.String("workflow", "", "a parent workflow `id`: stream its executions")
			user := fs.String("user", "", "only this `user`'s entries (id or username)")
			limit := fs.Int("limit", 0, "page `size`; 0 for the SDK's default (10, or 30 with --workflow, the most allowed)")
			maxEntries := fs.Int("max", 100, "stop after `N` entries; 0 for every entry")
			return func(x *cli, _ []string) error {
				switch {
				case *limit < 0:
					return usagef("--limit must not be negative")
				case *maxEntries < 0:
					return usagef("--max must not be negative")
				}
				if *workflow != "" {
					seq := x.c.Logs.ListExecutionsIter(x.ctx, *workflow, alloy.WorkflowLogParams{UserID: *user, Limit: *limit})
					return streamOut(x, seq, *maxEntries, []int{21, 20, 20, 8},
						[]string{"EXECUTION", "STARTED", "STOPPED", "FINISHED"},
						func(e alloy.Execution) []string {
							finished := yesNo(e.Finished)
							if e.Status != "" {
								finished = e.Status
							}
							return []string{e.ID, when(e.StartedAt), when(e.StoppedAt), finished}
						})
				}
				seq := x.c.Logs.ListIter(x.ctx, alloy.LogListParams{UserID: *user, Limit: *limit, SortBy: "createdAt", SortOrder: "desc"})
				return streamOut(x, seq, *maxEntries, []int{20, 16, 24, 24, 24},
					[]string{"CREATED", "MESSAGE", "WORKFLOW", "USER", "EXECUTION", "WORKFLOW NAME"},
					func(e alloy.LogEntry) []string {
						return []string{when(e.CreatedAt), e.Message, e.ParentWorkflowID, e.UserID, e.ExecutionID(), e.ParentWorkflow.Name}
					})
			}
		},
	}
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
