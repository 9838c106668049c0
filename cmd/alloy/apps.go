package main

import (
	"strings"

	"github.com/spf13/cobra"
)

func (x *cli) appsCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list", Short: "list the apps Alloy connects to", Args: none,
		Example: examples("alloy apps list", "alloy apps list --json | jq -r '.[] | select(.oauth) | .name'"),
		RunE:    func(*cobra.Command, []string) error { return x.listApps() },
	}
	g := x.group("apps", "the third-party apps Alloy connects to", "", list)
	g.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 { // the old "alloy apps"
			x.deprecated("alloy apps", "alloy apps list")
			return x.listApps()
		}
		return x.groupRun(cmd, args)
	}
	return g
}

func (x *cli) listApps() error {
	c, err := x.api()
	if err != nil {
		return err
	}
	apps, err := c.Apps.List(x.ctx)
	if err != nil {
		return err
	}
	return x.emit(apps, func(t *table) {
		t.row("NAME", "OAUTH", "TYPES")
		for _, a := range apps {
			t.row(a.Name, yesNo(a.OAuth), strings.Join(a.Type, ", "))
		}
	})
}
