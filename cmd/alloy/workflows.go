package main

import (
	"flag"

	alloy "github.com/alloysdk/alloy-go"
)

func workflowsCommand() *command {
	return &command{
		name:    "workflows",
		summary: "list users' workflows and switch them on and off",
		subs: []*command{
			{
				name: "list", synopsis: "<user>", summary: "list the workflows a user can use", minArgs: 1, maxArgs: 1,
				examples: []string{"alloy workflows list ops@northwind.example"},
				define: func(*flag.FlagSet) action {
					return func(x *cli, args []string) error {
						list, err := x.c.Workflows.List(x.ctx, args[0])
						if err != nil {
							return err
						}
						return x.emit(list, func(t *table) {
							t.row("ID", "NAME", "INSTALLED", "ACTIVE", "VERSION", "INTEGRATION")
							for _, w := range list {
								t.row(w.ID, w.Name, yesNo(w.Installed), yesNo(w.Active), version(w.Version, w.InstalledVersion), w.IntegrationID)
							}
						})
					}
				},
			},
			switchCommand("activate", true),
			switchCommand("deactivate", false),
		},
	}
}

// switchCommand is workflows activate or deactivate.
func switchCommand(name string, on bool) *command {
	summary := "switch a user's workflow on"
	if !on {
		summary = "switch a user's workflow off: its triggers stop until it is activated"
	}
	return &command{
		name: name, synopsis: "--user U (--id ID | --name NAME)", summary: summary, maxArgs: 0,
		examples: []string{
			"alloy workflows " + name + " --user ops@northwind.example --id 6712ab3acd56ef7890a1b2d9",
			`alloy workflows ` + name + ` --user ops@northwind.example --name "Paid order to ERP"`,
		},
		define: func(fs *flag.FlagSet) action {
			user := fs.String("user", "", "the `user` (id or username) (required)")
			id := fs.String("id", "", "the workflow's `id`")
			wfName := fs.String("name", "", "the workflow's `name`, instead of --id")
			return func(x *cli, _ []string) error {
				switch {
				case *user == "":
					return usagef("--user is required")
				case (*id == "") == (*wfName == ""):
					return usagef("give exactly one of --id and --name")
				}
				params := alloy.WorkflowActivateParams{UserID: *user, WorkflowID: *id, WorkflowName: *wfName}
				call := x.c.Workflows.Activate
				if !on {
					call = x.c.Workflows.Deactivate
				}
				if err := call(x.ctx, params); err != nil {
					return err
				}
				ref := *id
				if ref == "" {
					ref = *wfName
				}
				out := map[string]any{"user": *user, "workflow": ref, "active": on}
				return x.done(out, "Workflow %s is %s for user %s.", ref, map[bool]string{true: "active", false: "inactive"}[on], *user)
			}
		},
	}
}

func eventsCommand() *command {
	return &command{
		name:    "events",
		summary: "list and fire the custom events that trigger workflows",
		subs: []*command{
			{
				name: "list", synopsis: "", summary: "list the custom events your account defines", maxArgs: 0,
				examples: []string{"alloy events list"},
				define: func(*flag.FlagSet) action {
					return func(x *cli, _ []string) error {
						events, err := x.c.Events.List(x.ctx, nil)
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
				},
			},
			{
				name: "run", synopsis: "--user U --event E [--data JSON]", summary: "fire an event for a user, running every workflow it triggers", maxArgs: 0,
				detail: `
Runs are not retried on 5xx or timeouts, which could fire the event twice: on
such a failure, check the logs before trying again.`,
				examples: []string{
					`alloy events run --user ops@northwind.example --event "Invoice Paid" --data '{"invoiceId": "INV-1009"}'`,
					`jq -c . payload.json | alloy events run --user ops@northwind.example --event "Invoice Paid" --data -`,
				},
				define: func(fs *flag.FlagSet) action {
					user := fs.String("user", "", "the `user` (id or username) (required)")
					event := fs.String("event", "", "the event's `name` (required)")
					data := fs.String("data", "", "the payload, a JSON `object`; - reads it from stdin (default {})")
					return func(x *cli, _ []string) error {
						if *user == "" || *event == "" {
							return usagef("--user and --event are required")
						}
						payload := map[string]any{}
						switch *data {
						case "":
						case "-":
							if err := x.readObject("-", "--data", &payload); err != nil {
								return err
							}
						default:
							if err := decodeObject([]byte(*data), "--data", &payload); err != nil {
								return err
							}
						}
						res, err := x.c.Events.Run(x.ctx, alloy.EventRunParams{Event: *event, UserID: *user, Data: payload})
						if err != nil {
							return err
						}
						return x.done(res, "Fired %q for user %s: %s", *event, *user, res.Message)
					}
				},
			},
		},
	}
}
