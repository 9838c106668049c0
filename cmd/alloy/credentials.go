package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

func (x *cli) credentialsCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list --user U", Short: "list a user's credentials", Args: args(nil, "<user>"),
		Example: examples("alloy credentials list --user ops@northwind.example"),
	}
	listUser := userFlag(list)
	list.RunE = func(cmd *cobra.Command, args []string) error {
		user, err := x.legacyUser(cmd, *listUser, args, "alloy credentials list <user>", "alloy credentials list --user <user>")
		if err != nil {
			return err
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		creds, err := c.Credentials.List(x.ctx, user)
		if err != nil {
			return err
		}
		return x.emit(creds, func(t *table) {
			t.row("ID", "TYPE", "NAME", "CREATED")
			for _, c := range creds {
				t.row(c.ID, c.Type, c.Name, when(c.CreatedAt.Time))
			}
		})
	}

	create := &cobra.Command{
		Use: "create --user U --type T --data key=value ...", Short: "store a credential for a key-based app", Args: args(nil, "<user>"),
		Long: `
Stores a credential for a key-based app (netsuite, bigcommerce) with the
properties 'alloy credentials metadata <app>' lists. --data gives them as
key=value (repeat it), or as a JSON object: text, @file or - (stdin); later
--data values override earlier ones.

The properties are secrets: on the command line other users of this machine
can read them in ps, and they stay in your shell history. Prefer @file or -.
A missing property fails with HTTP 422 naming it (exit status 1).`,
		Example: examples(
			"alloy credentials create --user ops@northwind.example --type netsuite --data @cmd/alloy/testdata/netsuite.json",
			"alloy credentials metadata netsuite   # which properties to give",
			`cat cmd/alloy/testdata/netsuite.json | alloy credentials create --user ops@northwind.example --type netsuite --data -`,
			"alloy credentials create --user ops@northwind.example --type bigcommerce --data storeHash=abc123 --data accessToken=tok_1",
		),
	}
	createUser := userFlag(create)
	typ := create.Flags().String("type", "", "credential `type`: the app's connector name, e.g. netsuite (required)")
	var data credentialData
	create.Flags().Var(&data, "data", "a property as `key=value`, or a JSON object (text, @file or -); repeat for each")
	create.Flags().Var(jsonFileValue{&data}, "data-json", "read the properties from a JSON object in `file` (- for stdin); same as --data @file")
	create.RunE = func(cmd *cobra.Command, args []string) error {
		user, err := x.legacyUser(cmd, *createUser, args, "alloy credentials create <user>", "alloy credentials create --user <user>")
		if err != nil {
			return err
		}
		if *typ == "" {
			return usagef("--type is required")
		}
		if len(data) == 0 {
			return usagef("give the properties with --data key=value or --data @file")
		}
		props, err := data.resolve(x)
		if err != nil {
			return err
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		cred, err := c.Credentials.Create(x.ctx, user, alloy.CredentialCreateParams{Type: *typ, Data: props})
		if err != nil {
			return err
		}
		out := map[string]string{"credentialId": cred.ID, "type": cred.Type, "user": user}
		return x.emit(out, func(t *table) {
			t.row("ID", cred.ID)
			t.row("Type", cred.Type)
		})
	}

	del := destructiveCommand(&cobra.Command{
		Use: "delete <credentialId> --user U", Short: "delete one of a user's credentials", Args: args([]string{"<credentialId>"}, "<credentialId>"),
		Example: examples(`alloy credentials delete "$CRED" --user ops@northwind.example --yes`),
	})
	delUser := userFlag(del)
	del.RunE = func(cmd *cobra.Command, args []string) error {
		user, id := *delUser, args[0]
		if len(args) == 2 { // alloy credentials delete <user> <credentialId>
			if user != "" {
				return usagef("unexpected argument %q: usage: %s", args[1], cmd.UseLine())
			}
			x.deprecated("alloy credentials delete <user> <credentialId>", "alloy credentials delete <credentialId> --user <user>")
			user, id = args[0], args[1]
		}
		if user == "" {
			return usagef("--user is required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		if err := x.confirm(cmd, fmt.Sprintf("delete credential %s of user %s", id, user)); err != nil {
			return err
		}
		if err := c.Credentials.Delete(x.ctx, user, id); err != nil {
			return err
		}
		out := map[string]any{"user": user, "credentialId": id, "deleted": true}
		return x.done(out, "Deleted credential %s of user %s.", id, user)
	}

	metadata := &cobra.Command{
		Use: "metadata [app]", Short: "what a credential needs: every app, or one app's properties", Args: args(nil, "[app]"),
		Long:    "From API version 2024-03 on. A property marked optional may be left out.",
		Example: examples("alloy credentials metadata", "alloy credentials metadata netsuite"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := x.api()
			if err != nil {
				return err
			}
			if len(args) == 1 {
				m, err := c.Credentials.GetMetadata(x.ctx, args[0])
				if err != nil {
					return err
				}
				return x.emit(m, func(t *table) { metadataTable(t, m) })
			}
			list, err := c.Credentials.ListMetadata(x.ctx)
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
		},
	}

	return x.group("credentials", "list, create and delete users' credentials to third-party apps", `
Users' credentials to third-party apps. Key-based apps (netsuite,
bigcommerce) get one from 'alloy credentials create' with the properties
'alloy credentials metadata <app>' lists; OAuth apps (shopify, hubspot) send
the user to the link 'alloy credentials oauth-url <app>' prints.`,
		list, create, del, metadata, x.oauthURLCommand())
}

func (x *cli) oauthURLCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use: "oauth-url <app> --user U [--field key=value ...]", Short: "print the link where a user authorises an OAuth app", Args: one("<app>"),
		Long: `
Prints the link to send the user to; once they approve, the credential shows
in 'alloy credentials list'. The link acts for that user: send it to them
only. From API version 2024-03 on.`,
		Example: examples(
			"alloy credentials oauth-url hubspot --user ops@northwind.example",
			"alloy credentials oauth-url shopify --user ops@northwind.example --field shopSubdomain=northwind-goods",
		),
	}
	user := userFlag(cmd)
	var fields keyValues
	cmd.Flags().Var(&fields, "field", "a property the app needs, as `key=value`; repeat for each")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *user == "" {
			return usagef("--user is required")
		}
		return x.oauthURL(*user, args[0], fields)
	}
	return cmd
}

// oauthURL is alloy credentials oauth-url (and the old alloy oauth-url).
func (x *cli) oauthURL(user, app string, fields keyValues) error {
	c, err := x.api()
	if err != nil {
		return err
	}
	link, err := c.Credentials.GetOAuthURL(x.ctx, alloy.OAuthURLParams{UserID: user, App: app, Fields: fields.strings()})
	if err != nil {
		return err
	}
	return x.emit(map[string]string{"url": link}, func(t *table) { t.row(link) })
}

// legacyUser returns the user of a command that took it as its argument
// before --user: the flag, or the old positional argument (with a notice).
func (x *cli) legacyUser(cmd *cobra.Command, flagValue string, args []string, old, now string) (string, error) {
	switch {
	case len(args) == 1 && flagValue != "":
		return "", usagef("unexpected argument %q: usage: %s", args[0], cmd.UseLine())
	case len(args) == 1:
		x.deprecated(old, now)
		return args[0], nil
	case flagValue == "":
		return "", usagef("--user is required")
	}
	return flagValue, nil
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

// credentialData is the repeatable --data of credentials create: each
// value a key=value pair or a JSON object source (text, @file or -).
type credentialData []string

func (d *credentialData) String() string { return "" }
func (d *credentialData) Type() string   { return "key=value|json" }

func (d *credentialData) Set(s string) error {
	if s != "-" && !strings.HasPrefix(s, "@") && !strings.HasPrefix(strings.TrimSpace(s), "{") {
		if k, _, ok := strings.Cut(s, "="); !ok || strings.TrimSpace(k) == "" {
			return fmt.Errorf("%q is not key=value, a JSON object, @file or -", s)
		}
	}
	*d = append(*d, s)
	return nil
}

// resolve merges the values in order into one object, keeping numbers as
// they are written.
func (d credentialData) resolve(x *cli) (map[string]any, error) {
	props := map[string]any{}
	for _, s := range d {
		if s == "-" || strings.HasPrefix(s, "@") || strings.HasPrefix(strings.TrimSpace(s), "{") {
			b, err := x.jsonSource(s, "--data")
			if err != nil {
				return nil, err
			}
			var obj map[string]any
			if err := decodeObject(b, "--data", &obj); err != nil {
				return nil, err
			}
			for k, v := range obj {
				props[k] = v
			}
			continue
		}
		k, v, _ := strings.Cut(s, "=")
		props[k] = v
	}
	return props, nil
}

// jsonFileValue is --data-json FILE, the older spelling of --data @FILE.
type jsonFileValue struct{ d *credentialData }

func (v jsonFileValue) String() string { return "" }
func (v jsonFileValue) Type() string   { return "file" }
func (v jsonFileValue) Set(s string) error {
	if s != "-" {
		s = "@" + s
	}
	*v.d = append(*v.d, s)
	return nil
}

// keyValues is a repeatable key=value flag, in the order given.
type keyValues []struct{ key, value string }

func (kv *keyValues) String() string { return "" }
func (kv *keyValues) Type() string   { return "key=value" }

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

// decodeObject decodes b, which must be one JSON object, keeping numbers
// as they are written.
func decodeObject(b []byte, what string, v *map[string]any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil || *v == nil || d.More() {
		return usagef("%s must be one JSON object", what)
	}
	return nil
}

// readObject reads a JSON object given as text, @file or - into v.
func (x *cli) readObject(src, flagName string, v *map[string]any) error {
	b, err := x.jsonSource(src, flagName)
	if err != nil {
		return err
	}
	return decodeObject(b, flagName, v)
}
