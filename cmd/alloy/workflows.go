package main

import (
	"fmt"
	"strconv"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

func (x *cli) workflowsCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list --user U", Short: "list the workflows a user can use", Args: args(nil, "<user>"),
		Example: examples("alloy workflows list --user ops@northwind.example"),
	}
	listUser := userFlag(list)
	list.RunE = func(cmd *cobra.Command, args []string) error {
		user, err := x.legacyUser(cmd, *listUser, args, "alloy workflows list <user>", "alloy workflows list --user <user>")
		if err != nil {
			return err
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		list, err := c.Workflows.List(x.ctx, user)
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

	get := &cobra.Command{
		Use: "get <workflowId> --user U", Short: "show one of a user's workflows", Args: one("<workflowId>"),
		Example: examples("alloy workflows get 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example"),
	}
	getUser := userFlag(get)
	get.RunE = func(cmd *cobra.Command, args []string) error {
		if *getUser == "" {
			return usagef("--user is required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		w, err := c.Workflows.Get(x.ctx, *getUser, args[0])
		if err != nil {
			return err
		}
		return x.emit(w, func(t *table) {
			t.row("ID", w.ID)
			t.row("Name", w.Name)
			t.row("Integration", w.IntegrationID)
			t.row("Installed", yesNo(w.Installed))
			t.row("Active", yesNo(w.Active))
			t.row("Version", version(w.Version, w.InstalledVersion))
			t.row("Created", when(w.CreatedAt.Time))
			t.row("Updated", when(w.UpdatedAt.Time))
		})
	}

	deactivateAll := destructiveCommand(&cobra.Command{
		Use: "deactivate-all --user U", Short: "switch off every workflow of a user", Args: none,
		Example: examples("alloy workflows deactivate-all --user ops@northwind.example --yes"),
	})
	daUser := userFlag(deactivateAll)
	deactivateAll.RunE = func(cmd *cobra.Command, _ []string) error {
		if *daUser == "" {
			return usagef("--user is required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		if err := x.confirm(cmd, "switch off every workflow of user "+*daUser); err != nil {
			return err
		}
		if err := c.Workflows.DeactivateAll(x.ctx, *daUser); err != nil {
			return err
		}
		return x.done(map[string]any{"user": *daUser, "active": false}, "Every workflow of user %s is inactive.", *daUser)
	}

	del := destructiveCommand(&cobra.Command{
		Use: "delete <workflowId> --user U", Short: "delete a user's copy of a workflow", Args: one("<workflowId>"),
		Example: examples("alloy workflows delete 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example --yes"),
	})
	delUser := userFlag(del)
	del.RunE = func(cmd *cobra.Command, args []string) error {
		if *delUser == "" {
			return usagef("--user is required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		if err := x.confirm(cmd, fmt.Sprintf("delete workflow %s of user %s", args[0], *delUser)); err != nil {
			return err
		}
		if err := c.Workflows.Delete(x.ctx, *delUser, args[0]); err != nil {
			return err
		}
		return x.done(map[string]any{"user": *delUser, "workflow": args[0], "deleted": true}, "Deleted workflow %s of user %s.", args[0], *delUser)
	}

	run := &cobra.Command{
		Use: "run (<workflowId> | --name NAME) --user U [--data JSON]", Short: "run a user's workflow now, with a payload", Args: args(nil, "<workflowId>"),
		Long: `
Runs the workflow for the user with --data as its trigger's payload (a JSON
object: text, @file or - for stdin; default {}). Runs are not retried on 5xx
or timeouts, which could run it twice: on such a failure, check the logs
before trying again.`,
		Example: examples(
			`alloy workflows run 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example --data '{"orderId": "1001"}'`,
			`alloy workflows run --name "Paid order to ERP" --user ops@northwind.example`,
		),
	}
	runUser := userFlag(run)
	runName := run.Flags().String("name", "", "the workflow's `name`, instead of its id")
	runData := run.Flags().String("data", "", "the payload, a JSON `object`: text, @file or - (stdin) (default {})")
	run.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := workflowRef(args, "", *runName)
		if err != nil {
			return err
		}
		if *runUser == "" {
			return usagef("--user is required")
		}
		payload := map[string]any{}
		if *runData != "" {
			if err := x.readObject(*runData, "--data", &payload); err != nil {
				return err
			}
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		res, err := c.Workflows.Run(x.ctx, alloy.WorkflowRunParams{UserID: *runUser, WorkflowID: id, WorkflowName: *runName, Data: payload})
		if err != nil {
			return err
		}
		return x.done(res, "Ran workflow %s for user %s: %s", firstOf(id, *runName), *runUser, res.Message)
	}

	upgrade := &cobra.Command{
		Use: "upgrade <workflowId> --user U", Short: "move a user's workflow to the latest version", Args: one("<workflowId>"),
		Example: examples("alloy workflows upgrade 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example"),
	}
	upUser := userFlag(upgrade)
	upgrade.RunE = func(cmd *cobra.Command, args []string) error {
		if *upUser == "" {
			return usagef("--user is required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		if err := c.Workflows.Upgrade(x.ctx, *upUser, args[0]); err != nil {
			return err
		}
		return x.done(map[string]any{"user": *upUser, "workflow": args[0], "upgraded": true}, "Upgraded workflow %s of user %s.", args[0], *upUser)
	}

	versions := &cobra.Command{
		Use: "versions <workflowId> [--user U]", Short: "list a workflow's versions", Args: one("<workflowId>"),
		Example: examples("alloy workflows versions 6712ab3acd56ef7890a1b2d9"),
	}
	verUser := versions.Flags().String("user", "", "the `user` (id or username) whose copy to show")
	versions.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := x.api()
		if err != nil {
			return err
		}
		list, err := c.Workflows.ListVersions(x.ctx, args[0], *verUser)
		if err != nil {
			return err
		}
		return x.emit(list, func(t *table) {
			t.row("ID", "NAME", "STATUS", "LAST MODIFIED")
			for _, v := range list {
				t.row(v.ID, v.Name, v.Status, when(v.LastModified.Time))
			}
		})
	}

	analytics := &cobra.Command{
		Use: "analytics <workflowId>", Short: "a workflow's totals: runs, app actions, errors", Args: one("<workflowId>"),
		Example: examples("alloy workflows analytics 6712ab3acd56ef7890a1b2d9"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := x.api()
			if err != nil {
				return err
			}
			a, err := c.Workflows.GetAnalytics(x.ctx, args[0])
			if err != nil {
				return err
			}
			return x.emit(a, func(t *table) {
				t.row("Workflow runs", strconv.Itoa(a.TotalWorkflowRuns))
				t.row("App actions", strconv.Itoa(a.TotalAppActions))
				t.row("Errors", strconv.Itoa(a.TotalErrors))
			})
		},
	}

	users := &cobra.Command{
		Use: "users <workflowId>", Short: "list the users who installed a parent workflow", Args: one("<workflowId>"),
		Example: examples("alloy workflows users 6712ab3acd56ef7890a1b2d9"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := x.api()
			if err != nil {
				return err
			}
			list, err := c.Users.ListByWorkflow(x.ctx, args[0])
			if err != nil {
				return err
			}
			return x.emit(list, func(t *table) {
				t.row("ID", "USERNAME", "ACTIVE", "VERSION", "INSTALLED")
				for _, u := range list {
					v := "-"
					if u.InstalledVersion != nil {
						v = strconv.Itoa(*u.InstalledVersion)
					}
					t.row(u.ID, u.Username, yesNo(u.WorkflowActive), v, when(u.InstalledAt.Time))
				}
			})
		},
	}

	return x.group("workflows", "users' workflows: read, switch on and off, run, upgrade, delete", `
Users' copies of workflows. A workflow is named by its id, or by --name.`,
		list, get, x.switchCommand("activate", true), x.switchCommand("deactivate", false), deactivateAll, del, run, upgrade, versions, analytics, users)
}

// switchCommand is workflows activate or deactivate.
func (x *cli) switchCommand(name string, on bool) *cobra.Command {
	short := "switch a user's workflow on"
	if !on {
		short = "switch a user's workflow off: its triggers stop until it is activated"
	}
	cmd := &cobra.Command{
		Use: name + " (<workflowId> | --name NAME) --user U", Short: short, Args: args(nil, "<workflowId>"),
		Example: examples(
			"alloy workflows "+name+" 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example"+map[bool]string{true: "", false: " --yes"}[on],
			`alloy workflows `+name+` --name "Paid order to ERP" --user ops@northwind.example`+map[bool]string{true: "", false: " --yes"}[on],
		),
	}
	if !on {
		destructiveCommand(cmd)
	}
	user := userFlag(cmd)
	id := cmd.Flags().String("id", "", "the workflow's `id`")
	_ = cmd.Flags().MarkHidden("id") // the old spelling of the argument
	wfName := cmd.Flags().String("name", "", "the workflow's `name`, instead of its id")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *id != "" {
			x.deprecated("alloy workflows "+name+" --id <workflowId>", "alloy workflows "+name+" <workflowId> --user <user>")
		}
		ref, err := workflowRef(args, *id, *wfName)
		if err != nil {
			return err
		}
		if *user == "" {
			return usagef("--user is required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		shown := firstOf(ref, *wfName)
		if !on {
			if err := x.confirm(cmd, fmt.Sprintf("switch off workflow %s of user %s", shown, *user)); err != nil {
				return err
			}
		}
		params := alloy.WorkflowActivateParams{UserID: *user, WorkflowID: ref, WorkflowName: *wfName}
		call := c.Workflows.Activate
		if !on {
			call = c.Workflows.Deactivate
		}
		if err := call(x.ctx, params); err != nil {
			return err
		}
		out := map[string]any{"user": *user, "workflow": shown, "active": on}
		return x.done(out, "Workflow %s is %s for user %s.", shown, map[bool]string{true: "active", false: "inactive"}[on], *user)
	}
	return cmd
}

// workflowRef returns the workflow id of a command that takes it as its
// argument (or, the old way, --id), or "" with --name.
func workflowRef(args []string, idFlag, name string) (string, error) {
	id := idFlag
	if len(args) == 1 {
		if id != "" {
			return "", usagef("give the workflow id once: as the argument")
		}
		id = args[0]
	}
	if (id == "") == (name == "") {
		return "", usagef("give exactly one of <workflowId> and --name")
	}
	return id, nil
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
