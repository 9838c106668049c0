package main

import (
	"github.com/spf13/cobra"
)

// The old spellings of 0.1, hidden, kept for one release. Each prints a
// notice on stderr naming its replacement. Besides these commands:
//
//	alloy apps                                   -> alloy apps list (apps.go)
//	alloy logs [--workflow ID] ...               -> alloy logs list / executions (logs.go)
//	alloy credentials list|create <user>         -> ... --user <user> (credentials.go)
//	alloy credentials delete <user> <id>         -> ... <id> --user <user>
//	alloy integrations list <user>               -> ... --user <user> (integrations.go)
//	alloy integrations get <user> <id>           -> ... <id> --user <user>
//	alloy workflows list <user>                  -> ... --user <user> (workflows.go)
//	alloy workflows activate|deactivate --id ID  -> ... <workflowId>
//	alloy events run --event E                   -> alloy events run <event> (events.go)
//	alloy credentials create --data-json FILE    -> --data @FILE (kept, documented)
func (x *cli) legacyCommands() []*cobra.Command {
	token := &cobra.Command{
		Use: "token <user> [--show-token]", Short: "old spelling of 'alloy tokens create --user'", Hidden: true, Args: one("<user>"),
	}
	show := token.Flags().Bool("show-token", false, "print the JWT itself")
	token.RunE = func(cmd *cobra.Command, args []string) error {
		x.deprecated("alloy token <user>", "alloy tokens create --user <user>")
		return x.mintToken(args[0], *show)
	}

	installURL := &cobra.Command{
		Use: "install-url <user> <integrationId> [--show-token]", Short: "old spelling of 'alloy integrations install-link'", Hidden: true,
		Args: args([]string{"<user>", "<integrationId>"}),
	}
	showLink := installURL.Flags().Bool("show-token", false, "print the link with its user token")
	installURL.RunE = func(cmd *cobra.Command, args []string) error {
		x.deprecated("alloy install-url <user> <integrationId>", "alloy integrations install-link <integrationId> --user <user>")
		return x.installLink(args[0], args[1], *showLink)
	}

	oauth := &cobra.Command{
		Use: "oauth-url --user U --app A [--field key=value ...]", Short: "old spelling of 'alloy credentials oauth-url'", Hidden: true, Args: none,
	}
	user := oauth.Flags().String("user", "", "the `user` (id or username) (required)")
	app := oauth.Flags().String("app", "", "the OAuth `app`, e.g. shopify (required)")
	var fields keyValues
	oauth.Flags().Var(&fields, "field", "a property the app needs, as `key=value`; repeat for each")
	oauth.RunE = func(cmd *cobra.Command, _ []string) error {
		if *user == "" || *app == "" {
			return usagef("--user and --app are required")
		}
		x.deprecated("alloy oauth-url --user <user> --app <app>", "alloy credentials oauth-url <app> --user <user>")
		return x.oauthURL(*user, *app, fields)
	}
	return []*cobra.Command{token, installURL, oauth}
}
