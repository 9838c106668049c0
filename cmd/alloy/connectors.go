package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

// asUser adds --user to a Connectivity API read, which acts as the API
// key's owner unless it names a user.
func asUser(cmd *cobra.Command) func() []alloy.RequestOption {
	user := cmd.Flags().String("user", "", "act as this `user` (id or username) instead of the API key's owner")
	return func() []alloy.RequestOption {
		if *user == "" {
			return nil
		}
		return []alloy.RequestOption{alloy.AsUser(*user)}
	}
}

func (x *cli) connectorsCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list", Short: "list the connectors of the Connectivity API", Args: none,
		Example: examples("alloy connectors list"),
	}
	listAs := asUser(list)
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		list, err := x.connectors(listAs())
		if err != nil {
			return err
		}
		return x.emit(list, func(t *table) {
			t.row("ID", "NAME")
			for _, c := range list {
				t.row(c.ID, c.Name)
			}
		})
	}

	get := &cobra.Command{
		Use: "get <connectorId>", Short: "show one connector, its resources and actions", Args: one("<connectorId>"),
		Example: examples("alloy connectors get slack"),
	}
	getAs := asUser(get)
	get.RunE = func(cmd *cobra.Command, args []string) error {
		list, err := x.connectors(getAs())
		if err != nil {
			return err
		}
		var found *alloy.Connector
		for i := range list {
			if list[i].ID == args[0] {
				found = &list[i]
			}
		}
		if found == nil {
			return fmt.Errorf("no connector %q among the %d that 'alloy connectors list' shows", args[0], len(list))
		}
		resources, err := x.c.Connectors.ListResources(x.ctx, args[0], getAs()...)
		if err != nil {
			return err
		}
		out := struct {
			alloy.Connector
			Resources []alloy.ConnectorResource `json:"resources"`
		}{*found, resources}
		return x.emit(out, func(t *table) {
			t.row("ID", found.ID)
			t.row("Name", found.Name)
			t.blank()
			resourcesTable(t, resources)
		})
	}

	resources := &cobra.Command{
		Use: "resources <connectorId>", Short: "list a connector's resources and their actions", Args: one("<connectorId>"),
		Example: examples("alloy connectors resources hubspot"),
	}
	resAs := asUser(resources)
	resources.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := x.api()
		if err != nil {
			return err
		}
		list, err := c.Connectors.ListResources(x.ctx, args[0], resAs()...)
		if err != nil {
			return err
		}
		return x.emit(list, func(t *table) { resourcesTable(t, list) })
	}

	creds := &cobra.Command{
		Use: "credentials <connectorId>", Short: "list the credentials made for a connector", Args: one("<connectorId>"),
		Example: examples("alloy connectors credentials hubspot --user ops@northwind.example"),
	}
	credsAs := asUser(creds)
	creds.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := x.api()
		if err != nil {
			return err
		}
		list, err := c.Connectors.ListCredentials(x.ctx, args[0], credsAs()...)
		if err != nil {
			return err
		}
		return x.emit(list, func(t *table) {
			t.row("ID", "TYPE", "NAME", "CREATED")
			for _, c := range list {
				t.row(c.ID, c.Type, c.Name, when(c.CreatedAt.Time))
			}
		})
	}

	meta := &cobra.Command{
		Use: "credential-metadata <connectorId>", Short: "how a credential for a connector is made", Args: one("<connectorId>"),
		Example: examples("alloy connectors credential-metadata hubspot"),
	}
	metaAs := asUser(meta)
	meta.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := x.api()
		if err != nil {
			return err
		}
		list, err := c.Connectors.ListCredentialMetadata(x.ctx, args[0], metaAs()...)
		if err != nil {
			return err
		}
		return x.emit(list, func(t *table) {
			t.row("AUTHENTICATION", "CONFIG REQUIRED", "INPUT SCHEMA")
			for _, m := range list {
				t.row(m.AuthenticationType, yesNo(m.AuthConfigRequired), compactJSON(m.InputSchema))
			}
		})
	}

	create := &cobra.Command{
		Use: "create-credential <connectorId> --user U --auth-type T [--data JSON]", Short: "make a credential for a connector (or an OAuth link)",
		Args: one("<connectorId>"),
		Long: `
Makes a credential for the user: with an OAuth type, prints the link to send
the user to; otherwise stores --data (a JSON object: text, @file or -) at
once. 'alloy connectors credential-metadata <connectorId>' says what to give.`,
		Example: examples(`alloy connectors create-credential hubspot --user ops@northwind.example --auth-type apiKey --data '{"apiKey": "pat-example"}'`),
	}
	createUser := userFlag(create)
	authType := create.Flags().String("auth-type", "", "the `type` of authentication, e.g. oauth2 or apiKey (required)")
	authConfig := create.Flags().String("auth-config", "", "an auth config `id`, where the metadata requires one")
	redirect := create.Flags().String("redirect-uri", "", "where OAuth returns the user (`url`)")
	createData := create.Flags().String("data", "", "the connector's fields, a JSON `object`: text, @file or - (stdin)")
	create.RunE = func(cmd *cobra.Command, args []string) error {
		if *createUser == "" || *authType == "" {
			return usagef("--user and --auth-type are required")
		}
		var data map[string]any
		if *createData != "" {
			if err := x.readObject(*createData, "--data", &data); err != nil {
				return err
			}
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		cred, err := c.Connectors.CreateCredential(x.ctx, args[0], alloy.ConnectorCredentialCreateParams{UserID: *createUser,
			AuthenticationType: *authType, AuthConfigID: *authConfig, RedirectURI: *redirect, Data: data})
		if err != nil {
			return err
		}
		return x.emit(cred, func(t *table) {
			if cred.CredentialID != "" {
				t.row("Credential", cred.CredentialID)
			}
			if cred.OAuthURL != "" {
				t.row("OAuth link", cred.OAuthURL)
			}
		})
	}

	return x.group("connectors", "the Connectivity API's connectors, and their credentials", `
The Connectivity API (API version 2025-09 on): connectors, their resources and
actions, and the credentials the actions run with. Reads act as the API
key's owner unless --user names a user. Run actions with 'alloy actions'.`,
		list, get, resources, creds, meta, create)
}

// connectors lists the connectors.
func (x *cli) connectors(opts []alloy.RequestOption) ([]alloy.Connector, error) {
	c, err := x.api()
	if err != nil {
		return nil, err
	}
	return c.Connectors.List(x.ctx, opts...)
}

func resourcesTable(t *table, list []alloy.ConnectorResource) {
	t.row("RESOURCE", "ACTION", "NAME", "DESCRIPTION")
	for _, r := range list {
		for _, a := range r.Actions {
			t.row(r.Name, a.ID, a.DisplayName, a.Description)
		}
	}
}

func (x *cli) actionsCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list --connector ID", Short: "list a connector's actions", Args: none,
		Example: examples("alloy actions list --connector slack"),
	}
	listConn := list.Flags().String("connector", "", "the connector `id`, e.g. slack (required)")
	listAs := asUser(list)
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		if *listConn == "" {
			return usagef("--connector is required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		res, err := c.Connectors.ListResources(x.ctx, *listConn, listAs()...)
		if err != nil {
			return err
		}
		type actionOut struct {
			Resource string `json:"resource"`
			alloy.ActionSummary
		}
		var out []actionOut
		for _, r := range res {
			for _, a := range r.Actions {
				out = append(out, actionOut{r.Name, a})
			}
		}
		return x.emit(out, func(t *table) { resourcesTable(t, res) })
	}

	get := &cobra.Command{
		Use: "get <actionId> --connector ID", Short: "show an action: its route, parameters and body schema", Args: one("<actionId>"),
		Example: examples("alloy actions get contacts_get --connector hubspot"),
	}
	getConn := get.Flags().String("connector", "", "the connector `id` (required)")
	getAs := asUser(get)
	get.RunE = func(cmd *cobra.Command, args []string) error {
		if *getConn == "" {
			return usagef("--connector is required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		a, err := c.Connectors.GetAction(x.ctx, *getConn, args[0], getAs()...)
		if err != nil {
			return err
		}
		return x.emit(a, func(t *table) {
			t.row("ID", a.ID)
			t.row("Name", a.DisplayName)
			t.row("Route", a.HTTPMethod+" "+a.Path)
			t.row("Description", a.Description)
			if len(a.RequestBody) > 0 {
				t.row("Body schema", compactJSON(a.RequestBody))
			}
			if len(a.Parameters) > 0 {
				t.blank()
				t.row("PARAMETER", "IN", "REQUIRED", "DESCRIPTION")
				for _, p := range a.Parameters {
					t.row(p.Name, p.In, yesNo(p.Required), p.Description)
				}
			}
		})
	}

	exec := &cobra.Command{
		Use:   "execute <actionId> --connector ID --credential ID [--data JSON] [--path-param k=v] [--query k=v] [--header k=v]",
		Short: "run an action with a credential", Args: one("<actionId>"),
		Long: `
Runs the action with the credential and prints the provider's answer. The
request body is --data (JSON: text, @file or - for stdin); path parameters,
query parameters and headers are key=value flags. Not retried on 5xx or
timeouts, which could act twice.`,
		Example: examples(
			`alloy actions execute contacts_get --connector hubspot --credential "$HUBSPOT_CRED" --path-param contactId=101`,
			`alloy actions execute contacts_create --connector hubspot --credential "$HUBSPOT_CRED" --data '{"properties": {"email": "ada@example.com"}}'`,
		),
	}
	execConn := exec.Flags().String("connector", "", "the connector `id` (required)")
	execCred := exec.Flags().String("credential", "", "the credential `id` to run with (required)")
	execUser := exec.Flags().String("user", "", "run as this `user` (id or username) instead of the API key's owner")
	var execFlags rawCallFlags
	execFlags.register(exec, true)
	var pathParams keyValues
	exec.Flags().Var(&pathParams, "path-param", "a path parameter as `key=value`; repeat for each")
	exec.RunE = func(cmd *cobra.Command, args []string) error {
		if *execConn == "" || *execCred == "" {
			return usagef("--connector and --credential are required")
		}
		body, err := execFlags.body(x)
		if err != nil {
			return err
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		res, err := c.Connectors.Execute(x.ctx, *execConn, args[0], alloy.ConnectorExecuteParams{UserID: *execUser, CredentialID: *execCred,
			RequestBody: body, AdditionalHeaders: execFlags.headers.strings(), QueryParameters: execFlags.query.strings(), PathParams: pathParams.strings()})
		if err != nil {
			return err
		}
		var whole any = res
		if len(res.Raw) > 0 {
			whole = json.RawMessage(res.Raw)
		}
		if x.scripting() {
			return x.emit(whole, nil)
		}
		return x.writeJSON(whole, true)
	}

	return x.group("actions", "the Connectivity API's actions: list, read, execute", "", list, get, exec)
}

// compactJSON shows raw JSON on one line.
func compactJSON(b json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}
