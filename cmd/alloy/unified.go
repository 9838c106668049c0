package main

import (
	"strings"

	"github.com/alloysdk/alloy-go/unified"
	"github.com/spf13/cobra"
)

func (x *cli) unifiedCommand() *cobra.Command {
	var subs []*cobra.Command
	families := map[string]bool{}
	var groups []*cobra.Group
	for _, col := range unifiedCollections() {
		fam := strings.SplitN(col.name, "/", 2)[0]
		if !families[fam] {
			families[fam] = true
			groups = append(groups, &cobra.Group{ID: fam, Title: "Records, " + fam + ":"})
		}
		subs = append(subs, x.collectionCommand(col))
	}
	services := []*cobra.Command{x.unifiedUsersCommand(), x.unifiedConnectionsCommand(), x.unifiedMetadataCommand(),
		x.unifiedWebhooksCommand(), x.unifiedPassthroughCommand()}
	for _, s := range services {
		s.GroupID = "services"
	}
	g := x.group("unified", "the Unified API: commerce, accounting and CRM records over any connected app", `
The Unified API: normalised commerce, accounting and CRM records over
whichever app a user connected. Each collection is a command with the verbs
it supports:

  alloy unified <collection> list|get|create|update|delete|count --connection ID

--connection is the connection (the user's credential for the app; 'alloy
credentials list --user U' shows them). A nested collection also names its
parent record: --product for commerce/variants, --order for
commerce/fulfillments. Records are read and written in the SDK's models
(package unified); --data takes a JSON object as text, @file or - (stdin).`,
		append(subs, services...)...)
	g.Example = examples(
		`alloy unified commerce/customers list --connection "$CONN"`,
		`alloy unified commerce/orders list --connection "$CONN" --filter 'totalPrice>=100' --all --jsonl`,
		`alloy unified commerce/variants list --connection "$CONN" --product "$PRODUCT"`,
		`alloy unified commerce/customers create --connection "$CONN" --data '{"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"}'`,
	)
	g.AddGroup(groups...)
	g.AddGroup(&cobra.Group{ID: "services", Title: "Services:"})
	return g
}

// connectionFlag adds --connection.
func connectionFlag(cmd *cobra.Command) *string {
	return cmd.Flags().String("connection", "", "the connection `id` (the user's credential for the app) (required)")
}

func (x *cli) unifiedClient() (*unified.Client, error) {
	c, err := x.api()
	if err != nil {
		return nil, err
	}
	return unified.New(c)
}

func (x *cli) unifiedUsersCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list", Short: "list the Unified API's users", Args: none,
		Example: examples("alloy unified users list"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			u, err := x.unifiedClient()
			if err != nil {
				return err
			}
			users, err := u.Users.List(x.ctx)
			if err != nil {
				return err
			}
			return x.emitUsers(users)
		},
	}
	api := func() (userAPI, error) {
		u, err := x.unifiedClient()
		if err != nil {
			return nil, err
		}
		return u.Users, nil
	}
	get := x.userGetCommand(api, "show one Unified API user", "alloy unified users get ops@northwind.example")
	create := x.userCreateCommand(api, "create a Unified API user", "",
		`alloy unified users create --username shop@contoso.example --full-name "Contoso Shop"`)
	update := x.userUpdateCommand(api, "change a Unified API user",
		`alloy unified users update ops@northwind.example --full-name "Northwind Goods Ltd"`)
	del := x.userDeleteCommand(api, "Unified API user", "delete a Unified API user", "alloy unified users delete it@contoso.example --yes")
	return x.group("users", "the Unified API's users (/one/users)", "", list, get, create, update, del)
}

func (x *cli) unifiedConnectionsCommand() *cobra.Command {
	del := destructiveCommand(&cobra.Command{
		Use: "delete <connectionId> [--user U]", Short: "delete a connection and Alloy's copy of its data", Args: one("<connectionId>"),
		Long:    "Deletes a connection and Alloy's copy of its data, e.g. when a customer churns. It cannot be undone.",
		Example: examples(`alloy unified connections delete "$CONN" --user ops@northwind.example --yes`),
	})
	user := del.Flags().String("user", "", "the `user` (id or username) who owns it")
	del.RunE = func(cmd *cobra.Command, args []string) error {
		u, err := x.unifiedClient()
		if err != nil {
			return err
		}
		if err := x.confirm(cmd, "delete connection "+args[0]+" and Alloy's copy of its data"); err != nil {
			return err
		}
		if err := u.Connections.Delete(x.ctx, args[0], *user); err != nil {
			return err
		}
		return x.done(map[string]any{"connectionId": args[0], "deleted": true}, "Deleted connection %s.", args[0])
	}
	return x.group("connections", "remove connections", "", del)
}

func (x *cli) unifiedMetadataCommand() *cobra.Command {
	ops := &cobra.Command{
		Use: "operations <app>", Short: "the operations an app supports, per model", Args: one("<app>"),
		Example: examples("alloy unified metadata operations shopify"),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := x.unifiedClient()
			if err != nil {
				return err
			}
			m, err := u.Metadata.ListOperations(x.ctx, args[0])
			if err != nil {
				return err
			}
			return x.emit(m, func(t *table) {
				t.row("MODEL", "OPERATIONS")
				for _, k := range sortedKeys(m) {
					t.row(k, strings.Join(m[k], ", "))
				}
			})
		},
	}
	fields := &cobra.Command{
		Use: "fields <app> --operation OP", Short: "the fields of one operation of an app, as Alloy describes them", Args: one("<app>"),
		Example: examples("alloy unified metadata fields shopify --operation listCustomers"),
	}
	op := fields.Flags().String("operation", "", "the `operation`, e.g. listOrders (required)")
	fields.RunE = func(cmd *cobra.Command, args []string) error {
		if *op == "" {
			return usagef("--operation is required")
		}
		u, err := x.unifiedClient()
		if err != nil {
			return err
		}
		raw, err := u.Metadata.ListFields(x.ctx, args[0], *op)
		if err != nil {
			return err
		}
		if x.scripting() {
			return x.emit(raw, nil)
		}
		return x.writeJSON(raw, true)
	}
	return x.group("metadata", "what an app supports through the Unified API", "", ops, fields)
}

func (x *cli) unifiedWebhooksCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list --connection ID [--user U]", Short: "list a connection's webhook subscriptions", Args: none,
		Example: examples(`alloy unified webhooks list --connection "$CONN"`),
	}
	listConn := connectionFlag(list)
	listUser := list.Flags().String("user", "", "the `user` (id or username) who owns the connection")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		if *listConn == "" {
			return usagef("--connection is required")
		}
		u, err := x.unifiedClient()
		if err != nil {
			return err
		}
		subs, err := u.Webhooks.List(x.ctx, *listConn, *listUser)
		if err != nil {
			return err
		}
		return x.emit(subs, func(t *table) {
			t.row("ID", "ADDRESS", "ENABLED", "TOPICS")
			for _, s := range subs {
				t.row(s.ID, s.Address, yesNo(s.Enabled), strings.Join(s.Topics, ", "))
			}
		})
	}
	get := &cobra.Command{
		Use: "get <subscriptionId> --connection ID", Short: "show one webhook subscription", Args: one("<subscriptionId>"),
		Example: examples(`alloy unified webhooks get "$SUBSCRIPTION" --connection "$CONN"`),
	}
	getConn := connectionFlag(get)
	get.RunE = func(cmd *cobra.Command, args []string) error {
		if *getConn == "" {
			return usagef("--connection is required")
		}
		u, err := x.unifiedClient()
		if err != nil {
			return err
		}
		s, err := u.Webhooks.Get(x.ctx, *getConn, args[0])
		if err != nil {
			return err
		}
		return x.emitSubscription(s)
	}
	create := &cobra.Command{
		Use: "create --connection ID --address URL --topic T ...", Short: "subscribe an https address to change events", Args: none,
		Example: examples(`alloy unified webhooks create --connection "$CONN" --address https://hooks.northwind.example/alloy --topic commerce/orders`),
	}
	createConn := connectionFlag(create)
	address := create.Flags().String("address", "", "the https `url` Alloy POSTs events to (required)")
	topics := create.Flags().StringSlice("topic", nil, "a `topic`, e.g. commerce/orders or sync/completed; repeat or comma-separate (required)")
	create.RunE = func(cmd *cobra.Command, _ []string) error {
		if *createConn == "" || *address == "" || len(*topics) == 0 {
			return usagef("--connection, --address and --topic are required")
		}
		u, err := x.unifiedClient()
		if err != nil {
			return err
		}
		s, err := u.Webhooks.Create(x.ctx, *createConn, unified.SubscriptionCreateParams{Address: *address, Topics: *topics})
		if err != nil {
			return err
		}
		return x.emitSubscription(s)
	}
	del := destructiveCommand(&cobra.Command{
		Use: "delete <subscriptionId> --connection ID", Short: "remove a webhook subscription", Args: one("<subscriptionId>"),
		Example: examples(`alloy unified webhooks delete "$SUBSCRIPTION" --connection "$CONN" --yes`),
	})
	delConn := connectionFlag(del)
	del.RunE = func(cmd *cobra.Command, args []string) error {
		if *delConn == "" {
			return usagef("--connection is required")
		}
		u, err := x.unifiedClient()
		if err != nil {
			return err
		}
		if err := x.confirm(cmd, "delete webhook subscription "+args[0]); err != nil {
			return err
		}
		if err := u.Webhooks.Delete(x.ctx, *delConn, args[0]); err != nil {
			return err
		}
		return x.done(map[string]any{"subscriptionId": args[0], "deleted": true}, "Deleted subscription %s.", args[0])
	}
	return x.group("webhooks", "subscriptions to unified change events", "", list, get, create, del)
}

func (x *cli) emitSubscription(s *unified.Subscription) error {
	return x.emit(s, func(t *table) {
		t.row("ID", s.ID)
		t.row("Address", s.Address)
		t.row("Enabled", yesNo(s.Enabled))
		t.row("Topics", strings.Join(s.Topics, ", "))
	})
}

func (x *cli) unifiedPassthroughCommand() *cobra.Command {
	var f rawCallFlags
	cmd := &cobra.Command{
		Use: "passthrough METHOD PATH --connection ID [--data JSON] [--query k=v] [--header k=v]", Short: "call the connected app's own API through Alloy",
		Args: args([]string{"METHOD", "PATH"}),
		Long: `
Sends METHOD PATH to the app behind the connection (Alloy's /one/forward) and
prints its answer unchanged. Not retried on 5xx or timeouts, which could act
twice.`,
		Example: examples(`alloy unified passthrough GET /admin/api/2024-01/shop.json --connection "$CONN"`),
	}
	conn := connectionFlag(cmd)
	f.register(cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *conn == "" {
			return usagef("--connection is required")
		}
		req, err := f.request(x, args)
		if err != nil {
			return err
		}
		u, err := x.unifiedClient()
		if err != nil {
			return err
		}
		res, err := u.Passthrough.Do(x.ctx, *conn, req)
		if err != nil {
			return err
		}
		return x.emitPassthrough(res)
	}
	return cmd
}
