package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
)

func credentialsCommand() *command {
	return &command{
		name:    "credentials",
		summary: "list, create and delete users' credentials to third-party apps",
		detail: `
Key-based apps (netsuite, bigcommerce) get a credential from 'credentials
create' with the properties 'credentials metadata <app>' lists; OAuth apps
(shopify, hubspot) send the user to the link 'alloy oauth-url' prints.`,
		subs: []*command{
			{
				name: "list", synopsis: "<user>", summary: "list a user's credentials", minArgs: 1, maxArgs: 1,
				examples: []string{"alloy credentials list ops@northwind.example"},
				define: func(*flag.FlagSet) action {
					return func(x *cli, args []string) error {
						creds, err := x.c.Credentials.List(x.ctx, args[0])
						if err != nil {
							return err
						}
						return x.emit(creds, func(t *table) {
							t.row("ID", "TYPE", "NAME", "CREATED")
							for _, c := range creds {
								t.row(c.ID, c.Type, c.Name, when(c.CreatedAt))
							}
						})
					}
				},
			},
			{
				name: "create", synopsis: "<user> --type T (--data key=value ... | --data-json file|-)", summary: "store a credential for a key-based app",
				minArgs: 1, maxArgs: 1,
				detail: `
The properties are secrets: on the command line (--data) other users of this
machine can read them in ps, and they stay in your shell history. Prefer
--data-json with a file or - (stdin). --data values override --data-json's.
A missing property fails with HTTP 422 naming it (exit status 1).`,
				examples: []string{
					"alloy credentials create ops@northwind.example --type netsuite --data-json netsuite.json",
					"alloy credentials metadata netsuite   # which properties to give",
					`pass show netsuite | alloy credentials create ops@northwind.example --type netsuite --data-json -`,
					"alloy credentials create ops@northwind.example --type bigcommerce --data storeHash=abc123 --data accessToken=...",
				},
				define: func(fs *flag.FlagSet) action {
					typ := fs.String("type", "", "credential `type`: the app's connector name, e.g. netsuite (required)")
					var data keyValues
					fs.Var(&data, "data", "a property as `key=value`; repeat for each")
					dataJSON := fs.String("data-json", "", "read the properties from a JSON object in `file` (- for stdin)")
					return func(x *cli, args []string) error {
						if *typ == "" {
							return usagef("--type is required")
						}
						if *dataJSON == "" && len(data) == 0 {
							return usagef("give the properties with --data key=value or --data-json file")
						}
						props := map[string]any{}
						if *dataJSON != "" {
							if err := x.readObject(*dataJSON, "--data-json", &props); err != nil {
								return err
							}
						}
						for _, kv := range data {
							props[kv.key] = kv.value
						}
						cred, err := x.c.Credentials.Create(x.ctx, args[0], alloy.CredentialCreateParams{Type: *typ, Data: props})
						if err != nil {
							return err
						}
						out := map[string]string{"credentialId": cred.ID, "type": cred.Type, "user": args[0]}
						return x.emit(out, func(t *table) {
							t.row("ID", cred.ID)
							t.row("Type", cred.Type)
						})
					}
				},
			},
			{
				name: "delete", synopsis: "<user> <credentialId>", summary: "delete one of a user's credentials", minArgs: 2, maxArgs: 2,
				examples: []string{"alloy credentials delete ops@northwind.example 6712ab34cd56ef7890a1b2f0"},
				define: func(*flag.FlagSet) action {
					return func(x *cli, args []string) error {
						if err := x.c.Credentials.Delete(x.ctx, args[0], args[1]); err != nil {
							return err
						}
						out := map[string]any{"user": args[0], "credentialId": args[1], "deleted": true}
						return x.done(out, "Deleted credential %s of user %s.", args[1], args[0])
					}
				},
			},
			{
				name: "metadata", synopsis: "[app]", summary: "what a credential needs: every app, or one app's properties", maxArgs: 1,
				detail:   "From API version 2024-03 on. A property marked optional may be left out.",
				examples: []string{"alloy credentials metadata", "alloy credentials metadata netsuite"},
				define: func(*flag.FlagSet) action {
					return func(x *cli, args []string) error {
						if len(args) == 1 {
							m, err := x.c.Credentials.GetMetadata(x.ctx, args[0])
							if err != nil {
								return err
							}
							return x.emit(m, func(t *table) { metadataTable(t, m) })
						}
						list, err := x.c.Credentials.ListMetadata(x.ctx)
						if err != nil {
							return err
						}
						return x.emit(list, func(t *table) {
							t.row("APP", "OAUTH", "PROPERTIES")
							for _, m := range list {
								var props []string
								for _, p := range m.Properties {
									props = append(props, p.Name)
								}
								t.row(m.Connector, yesNo(m.IsOAuth), strings.Join(props, ", "))
							}
						})
					}
				},
			},
		},
	}
}

func metadataTable(t *table, m *alloy.CredentialMetadata) {
	t.row("App", m.Connector)
	t.row("OAuth", yesNo(m.IsOAuth))
	if len(m.Properties) == 0 {
		return
	}
	t.blank()
	t.row("PROPERTY", "DISPLAY NAME", "DESCRIPTION")
	for _, p := range m.Properties {
		t.row(p.Name, p.DisplayName, p.Description)
	}
}

func oauthURLCommand() *command {
	return &command{
		name: "oauth-url", synopsis: "--user U --app A [--field key=value ...]", summary: "print the link where a user authorises an OAuth app",
		detail: `
Prints the link to send the user to; once they approve, the credential shows
in 'alloy credentials list'. The link acts for that user: send it to them
only. From API version 2024-03 on.`,
		examples: []string{
			"alloy oauth-url --user ops@northwind.example --app hubspot",
			"alloy oauth-url --user ops@northwind.example --app shopify --field shopSubdomain=northwind-goods",
		},
		define: func(fs *flag.FlagSet) action {
			user := fs.String("user", "", "the `user` (id or username) (required)")
			app := fs.String("app", "", "the OAuth `app`, e.g. shopify (required)")
			var fields keyValues
			fs.Var(&fields, "field", "a property the app needs, as `key=value`; repeat for each")
			return func(x *cli, _ []string) error {
				if *user == "" || *app == "" {
					return usagef("--user and --app are required")
				}
				link, err := x.c.Credentials.GetOAuthURL(x.ctx, alloy.OAuthURLParams{UserID: *user, App: *app, Fields: fields.strings()})
				if err != nil {
					return err
				}
				return x.emit(map[string]string{"url": link}, func(t *table) { t.row(link) })
			}
		},
	}
}

// keyValues is a repeatable key=value flag, in the order given.
type keyValues []struct{ key, value string }

func (kv *keyValues) String() string { return "" }

func (kv *keyValues) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("%q is not key=value", s)
	}
	*kv = append(*kv, struct{ key, value string }{k, v})
	return nil
}

func (kv keyValues) strings() map[string]string {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]string, len(kv))
	for _, p := range kv {
		m[p.key] = p.value
	}
	return m
}

// readObject reads a JSON object from a file or stdin ("-") into v,
// keeping numbers as they are written.
func (x *cli) readObject(name, flagName string, v *map[string]any) error {
	b, err := x.readInput(name)
	if err != nil {
		return err
	}
	return decodeObject(b, flagName, v)
}

// decodeObject decodes b, which must be one JSON object.
func decodeObject(b []byte, what string, v *map[string]any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil || *v == nil || d.More() {
		return usagef("%s must be one JSON object", what)
	}
	return nil
}
