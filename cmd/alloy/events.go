package main

import (
	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

func (x *cli) eventsCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list [--user U]", Short: "list the custom events your account defines", Args: none,
		Example: examples("alloy events list"),
	}
	listUser := list.Flags().String("user", "", "only the events of this `user` (id or username)")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := x.api()
		if err != nil {
			return err
		}
		var params *alloy.EventListParams
		if *listUser != "" {
			params = &alloy.EventListParams{UserID: *listUser}
		}
		events, err := c.Events.List(x.ctx, params)
		if err != nil {
			return err
		}
		return x.emit(events, func(t *table) {
			t.row("NAME", "DESCRIPTION")
			for _, e := range events {
				t.row(e.Name, e.Description)
			}
		})
	}

	run := &cobra.Command{
		Use: "run <event> --user U [--data JSON]", Short: "fire an event for a user, running every workflow it triggers",
		Args: args(nil, "<event>"),
		Long: `
Fires the event for the user, with --data as its payload (a JSON object:
text, @file or - for stdin; default {}). Runs are not retried on 5xx or
timeouts, which could fire the event twice: on such a failure, check the
logs before trying again.`,
		Example: examples(
			`alloy events run "Invoice Paid" --user ops@northwind.example --data '{"invoiceId": "INV-1009"}'`,
			`echo '{"invoiceId": "INV-1010"}' | alloy events run "Invoice Paid" --user ops@northwind.example --data -`,
		),
	}
	user := userFlag(run)
	event := run.Flags().String("event", "", "the event's `name`")
	_ = run.Flags().MarkHidden("event") // the old spelling of the argument
	data := run.Flags().String("data", "", "the payload, a JSON `object`: text, @file or - (stdin) (default {})")
	run.RunE = func(cmd *cobra.Command, args []string) error {
		name := *event
		switch {
		case len(args) == 1 && name != "":
			return usagef("give the event once: as the argument")
		case len(args) == 1:
			name = args[0]
		case name != "":
			x.deprecated("alloy events run --event <event>", "alloy events run <event>")
		default:
			return usagef("missing <event>: usage: %s", cmd.UseLine())
		}
		if *user == "" {
			return usagef("--user is required")
		}
		payload := map[string]any{}
		if *data != "" {
			if err := x.readObject(*data, "--data", &payload); err != nil {
				return err
			}
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		res, err := c.Events.Run(x.ctx, alloy.EventRunParams{Event: name, UserID: *user, Data: payload})
		if err != nil {
			return err
		}
		return x.done(res, "Fired %q for user %s: %s", name, *user, res.Message)
	}
	return x.group("events", "list and fire the custom events that trigger workflows", "", list, run)
}
