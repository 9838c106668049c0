package main

import (
	"flag"
	"net/url"
	"strconv"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
)

func integrationsCommand() *command {
	return &command{
		name:    "integrations",
		summary: "the integrations a user can install, with what they installed",
		subs: []*command{
			{
				name: "list", synopsis: "<user>", summary: "list the integrations a user can install", minArgs: 1, maxArgs: 1,
				examples: []string{"alloy integrations list ops@northwind.example"},
				define: func(*flag.FlagSet) action {
					return func(x *cli, args []string) error {
						list, err := x.c.Integrations.List(x.ctx, args[0])
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
				},
			},
			{
				name: "get", synopsis: "<user> <integrationId>", summary: "show one integration and its workflows as a user sees them", minArgs: 2, maxArgs: 2,
				examples: []string{"alloy integrations get ops@northwind.example 6712ab34cd56ef7890a1b2c3"},
				define: func(*flag.FlagSet) action {
					return func(x *cli, args []string) error {
						in, err := x.c.Integrations.Get(x.ctx, args[0], args[1])
						if err != nil {
							return err
						}
						return x.emit(in, func(t *table) { integrationTable(t, in) })
					}
				},
			},
		},
	}
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

func installURLCommand() *command {
	return &command{
		name: "install-url", synopsis: "<user> <integrationId> [--show-token]", summary: "print a hosted link where a user installs an integration", minArgs: 2, maxArgs: 2,
		detail: `
Prints an Alloy Link: a hosted page where the user installs the integration
without your frontend embedding Alloy's SDK. The URL carries a user token
that acts as the user, so like alloy token it is printed whole only with
--show-token; otherwise the token is shown as [REDACTED]. Hand the link to
that user only, and keep it out of logs.`,
		examples: []string{
			"alloy install-url ops@northwind.example 6712ab34cd56ef7890a1b2c3",
			"alloy install-url ops@northwind.example 6712ab34cd56ef7890a1b2c3 --show-token",
		},
		define: func(fs *flag.FlagSet) action {
			show := fs.Bool("show-token", false, "print the link with its user token")
			return func(x *cli, args []string) error {
				link, err := x.c.Integrations.GetInstallLink(x.ctx, args[0], args[1])
				if err != nil {
					return err
				}
				x.g.showToken = *show
				if !*show {
					link = withoutToken(link)
				}
				return x.emit(map[string]string{"url": link}, func(t *table) { t.row(link) })
			}
		},
	}
}

// withoutToken replaces the value of a link's token query parameter,
// keeping the rest of the link as it was.
func withoutToken(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return "[unparsable link]"
	}
	parts := strings.Split(u.RawQuery, "&")
	for i, p := range parts {
		if k, _, _ := strings.Cut(p, "="); k == "token" {
			parts[i] = "token=[REDACTED]"
		}
	}
	u.RawQuery = strings.Join(parts, "&")
	return u.String()
}

func appsCommand() *command {
	return &command{
		name: "apps", synopsis: "", summary: "list the apps Alloy connects to", maxArgs: 0,
		examples: []string{"alloy apps", "alloy apps --json | jq -r '.[] | select(.oauth) | .name'"},
		define: func(*flag.FlagSet) action {
			return func(x *cli, _ []string) error {
				apps, err := x.c.Apps.List(x.ctx)
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
		},
	}
}
