package main

import (
	"strconv"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

func (x *cli) integrationsCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list --user U", Short: "list the integrations a user can install", Args: args(nil, "<user>"),
		Example: examples("alloy integrations list --user ops@northwind.example",
			"alloy integrations list --user ops@northwind.example --json | jq '.[].integrationId'"),
	}
	listUser := userFlag(list)
	list.RunE = func(cmd *cobra.Command, args []string) error {
		user, err := x.legacyUser(cmd, *listUser, args, "alloy integrations list <user>", "alloy integrations list --user <user>")
		if err != nil {
			return err
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		list, err := c.Integrations.List(x.ctx, user)
		if err != nil {
			return err
		}
		return x.emit(list, func(t *table) {
			t.row("ID", "APP", "INSTALLED", "WORKFLOWS", "DESCRIPTION")
			for _, in := range list {
				t.row(in.ID, in.App, yesNo(in.Installed), strconv.Itoa(len(in.Workflows)), in.Description)
			}
		})
	}

	get := &cobra.Command{
		Use: "get <integrationId> --user U", Short: "show one integration and its workflows as a user sees them",
		Args:    args([]string{"<integrationId>"}, "<integrationId>"),
		Example: examples("alloy integrations get 6712ab34cd56ef7890a1b2c3 --user ops@northwind.example"),
	}
	getUser := userFlag(get)
	get.RunE = func(cmd *cobra.Command, args []string) error {
		user, id, err := x.userAndID(cmd, *getUser, args, "alloy integrations get <user> <integrationId>", "alloy integrations get <integrationId> --user <user>")
		if err != nil {
			return err
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		in, err := c.Integrations.Get(x.ctx, user, id)
		if err != nil {
			return err
		}
		return x.emit(in, func(t *table) { integrationTable(t, in) })
	}

	link := &cobra.Command{
		Use: "install-link <integrationId> --user U [--show-token]", Short: "print a hosted link where a user installs an integration",
		Args: one("<integrationId>"),
		Long: `
Prints an Alloy Link: a hosted page where the user installs the integration
without your frontend embedding Alloy's SDK. The URL carries a user token
that acts as the user, so like 'alloy tokens create' it is printed whole only
with --show-token; otherwise the token is shown as [REDACTED]. Hand the link
to that user only, and keep it out of logs.`,
		Example: examples(
			"alloy integrations install-link 6712ab34cd56ef7890a1b2c3 --user ops@northwind.example",
			"alloy integrations install-link 6712ab34cd56ef7890a1b2c3 --user ops@northwind.example --show-token",
		),
	}
	linkUser := userFlag(link)
	show := link.Flags().Bool("show-token", false, "print the link with its user token")
	link.RunE = func(cmd *cobra.Command, args []string) error {
		if *linkUser == "" {
			return usagef("--user is required")
		}
		return x.installLink(*linkUser, args[0], *show)
	}

	return x.group("integrations", "the integrations a user can install, and install links", "", list, get, link)
}

// installLink is alloy integrations install-link (and the old alloy
// install-url).
func (x *cli) installLink(user, integrationID string, show bool) error {
	c, err := x.api()
	if err != nil {
		return err
	}
	link, err := c.Integrations.GetInstallLink(x.ctx, user, integrationID)
	if err != nil {
		return err
	}
	x.g.showToken = show
	shown := link.String() // the token redacted
	if show {
		shown = link.URL()
	}
	return x.emit(map[string]string{"url": shown}, func(t *table) { t.row(shown) })
}

// userAndID returns the user and object id of a command that took both as
// arguments before --user: "<id> --user U", or the old "<user> <id>"
// (with a notice).
func (x *cli) userAndID(cmd *cobra.Command, flagValue string, args []string, old, now string) (user, id string, err error) {
	if len(args) == 2 {
		if flagValue != "" {
			return "", "", usagef("unexpected argument %q: usage: %s", args[1], cmd.UseLine())
		}
		x.deprecated(old, now)
		return args[0], args[1], nil
	}
	if flagValue == "" {
		return "", "", usagef("--user is required")
	}
	return flagValue, args[0], nil
}

func integrationTable(t *table, in *alloy.Integration) {
	t.row("ID", in.ID)
	t.row("App", in.App)
	t.row("Description", in.Description)
	t.row("Installed", yesNo(in.Installed))
	t.row("Credentials", strings.Join(in.Credentials, ", "))
	t.blank()
	t.row("WORKFLOW", "NAME", "INSTALLED", "ACTIVE", "VERSION", "STEPS")
	for _, w := range in.Workflows {
		var steps []string
		for _, s := range w.Steps {
			steps = append(steps, s.Connector)
		}
		t.row(w.ID, w.Name, yesNo(w.Installed), yesNo(w.Active), version(w.Version, w.InstalledVersion), strings.Join(steps, " > "))
	}
}

// version shows the latest version and, when it differs, the user's.
func version(latest int, installed *int) string {
	s := strconv.Itoa(latest)
	if installed != nil && *installed != latest {
		s = strconv.Itoa(*installed) + " (latest " + s + ")"
	}
	return s
}
