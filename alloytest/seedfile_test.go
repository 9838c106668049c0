package alloytest_test

import (
	"context"
	"strings"
	"testing"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const seedJSON = `{
  "users": [
    {"username": "ops@northwind.example", "fullName": "Northwind Goods", "workflows": ["Paid order to ERP"]},
    {"username": "it@contoso.example"}
  ],
  "connections": [
    {"user": "ops@northwind.example", "app": "shop", "clear": true,
     "records": {
       "commerce/products/{productId}/variants": [{"id": "var_1", "productId": "prd_1", "price": 129.50}],
       "commerce/products": [{"id": "prd_1", "name": "Mug"}],
       "commerce/customers": [{"id": "cus_9001", "email": "buyer@example.com"}]
     }},
    {"user": "it@contoso.example", "app": "shop"}
  ],
  "apps": [
    {"name": "shop", "displayName": "Shop", "oauth": true, "category": "commerce", "types": ["action"],
     "properties": [{"name": "shopSubdomain", "displayName": "Subdomain"}]},
    {"name": "ledger", "displayName": "Ledger", "properties": [{"name": "token"}, {"name": "region", "optional": true}]}
  ],
  "integrations": [
    {"id": "int_1", "app": "Shop", "description": "Orders to the ledger", "credentials": ["shop", "ledger"],
     "workflows": [{"id": "wf_1", "name": "Paid order to ERP", "version": 3,
                    "steps": [{"id": "s1", "name": "Shop Trigger", "connector": "shopTrigger"}]}]}
  ],
  "events": [{"name": "Order Paid", "description": "an order was paid", "body": {"orderId": 1}}]
}`

func TestLoadSeedMakesUsersInstallsConnectionsAndCatalog(t *testing.T) {
	f, err := alloytest.ReadSeed(strings.NewReader(seedJSON))
	require.NoError(t, err)
	srv, err := alloytest.Start(f.Options()...)
	require.NoError(t, err)
	t.Cleanup(srv.Close)

	res, err := srv.LoadSeed(f)
	require.NoError(t, err)
	users := srv.Users()
	require.Len(t, users, 2)
	assert.Equal(t, users, res.Users)
	assert.Equal(t, "ops@northwind.example", users[0].Username)
	assert.Equal(t, "Northwind Goods", users[0].FullName)
	assert.Equal(t, "it@contoso.example", users[1].Username)
	require.Len(t, res.Connections, 2)
	assert.Equal(t, alloytest.LoadedConnection{ID: res.Connections[0].ID, UserID: users[0].ID, App: "shop"}, res.Connections[0])
	assert.Equal(t, users[1].ID, res.Connections[1].UserID)

	ctx := context.Background()
	c := srv.Client(alloy.WithMaxRetries(0))
	apps, err := c.Apps.List(ctx)
	require.NoError(t, err)
	require.Len(t, apps, 2, "the file's apps replace the defaults")
	assert.Equal(t, alloy.App{Name: "shop", OAuth: true, Type: []string{"action"}}, apps[0])
	meta, err := c.Credentials.GetMetadata(ctx, "ledger")
	require.NoError(t, err)
	// The metadata does not say region is optional (Alloy's never marks
	// one), so Validate wants it; Create does without it.
	require.ErrorIs(t, meta.Validate(map[string]any{"token": "t"}), alloy.ErrInvalidArgument)
	require.NoError(t, meta.Validate(map[string]any{"token": "t", "region": "eu"}))
	other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ledger-check@example.com"})
	require.NoError(t, err)
	_, err = c.Credentials.Create(ctx, other.ID, alloy.CredentialCreateParams{Type: "ledger", Data: map[string]any{"token": "t"}})
	require.NoError(t, err, "region is optional to Create")

	wfs, err := c.Workflows.List(ctx, "ops@northwind.example")
	require.NoError(t, err)
	require.Len(t, wfs, 1)
	assert.Equal(t, "wf_1", wfs[0].ID)
	assert.True(t, wfs[0].Installed, "installed by name")
	assert.True(t, wfs[0].Active)

	events, err := c.Events.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, "Order Paid", events[0].Name)
	assert.JSONEq(t, `{"orderId": 1}`, string(events[0].Body))

	conn := res.Connections[0].ID
	customers := srv.Records(conn, "commerce/customers")
	require.Len(t, customers, 1, "clear removed the samples")
	assert.Equal(t, "buyer@example.com", customers[0]["email"])
	variants := srv.Records(conn, "commerce/products/prd_1/variants")
	require.Len(t, variants, 1, "the parent was seeded first")
	assert.Equal(t, 129.5, variants[0]["price"])
	assert.Len(t, srv.Records(res.Connections[1].ID, "commerce/customers"), 3, "without clear the samples stay")

	creds, err := c.Credentials.List(ctx, users[0].ID)
	require.NoError(t, err)
	require.Len(t, creds, 1)
	assert.Equal(t, conn, creds[0].ID)
}

func TestLoadSeedOnDefaults(t *testing.T) {
	f, err := alloytest.ReadSeed(strings.NewReader(`{"users": [{"username": "a@example.com", "workflows": ["6712ab3acd56ef7890a1b2d9"]}],
		"connections": [{"user": "a@example.com", "app": "netsuite"}]}`))
	require.NoError(t, err)
	assert.Empty(t, f.Options(), "no catalog section: the defaults stay")
	srv := newServer(t, f.Options()...)
	res, err := srv.LoadSeed(f)
	require.NoError(t, err)
	require.Len(t, res.Connections, 1)
	assert.NotEmpty(t, srv.Records(res.Connections[0].ID, "accounting/invoices"))
	users, err := srv.Client().Users.ListByWorkflow(context.Background(), "6712ab3acd56ef7890a1b2d9")
	require.NoError(t, err)
	require.Len(t, users, 1)
	assert.True(t, users[0].WorkflowActive)
}

func TestReadSeedRejectsBadFiles(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"not JSON", `{"users": [`, "unexpected EOF"},
		{"unknown key", `{"user": []}`, `unknown field "user"`},
		{"unknown user key", `{"users": [{"username": "a", "email": "a@example.com"}]}`, `unknown field "email"`},
		{"trailing data", `{} {}`, "data after the JSON document"},
		{"no username", `{"users": [{"fullName": "A"}]}`, "users[0]: username is required"},
		{"duplicate", `{"users": [{"username": "a"}, {"username": "a"}]}`, `users[1]: username "a" appears twice`},
		{"connection without app", `{"connections": [{"user": "a"}]}`, "connections[0]: user and app are required"},
		{"unknown collection", `{"connections": [{"user": "a", "app": "shopify", "records": {"commerce/widgets": []}}]}`,
			`connections[0]: no Unified API collection "commerce/widgets"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := alloytest.ReadSeed(strings.NewReader(tc.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "alloytest: seed file: "), err.Error())
		})
	}
}

func TestLoadSeedChecksBeforeChangingAnything(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"taken username", `{"users": [{"username": "new@example.com"}, {"username": "taken@example.com"}]}`,
			`users[1]: a user with username "taken@example.com" already exists`},
		{"unknown workflow", `{"users": [{"username": "new@example.com", "workflows": ["nope"]}]}`,
			`users[0]: no workflow with id or name "nope"`},
		{"unknown user", `{"users": [{"username": "new@example.com"}], "connections": [{"user": "ghost", "app": "shopify"}]}`,
			`connections[0]: no user "ghost"`},
		{"unknown app", `{"users": [{"username": "new@example.com"}], "connections": [{"user": "new@example.com", "app": "nope"}]}`,
			`connections[0]: no app "nope"`},
		{"app without category", `{"users": [{"username": "new@example.com"}], "connections": [{"user": "new@example.com", "app": "mailer"}]}`,
			`connections[0]: app "mailer" has no Unified API category`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, alloytest.WithApps(append(alloytest.DefaultApps(), alloytest.AppDef{Name: "mailer"})))
			_, err := srv.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: "taken@example.com"})
			require.NoError(t, err)
			f, err := alloytest.ReadSeed(strings.NewReader(tc.doc))
			require.NoError(t, err)

			_, err = srv.LoadSeed(f)
			require.Error(t, err)
			assert.Equal(t, "alloytest: seed: "+tc.want, err.Error())
			require.Len(t, srv.Users(), 1, "nothing was added")
		})
	}
}

func TestLoadSeedStopsAtABadRecord(t *testing.T) {
	srv := newServer(t)
	f, err := alloytest.ReadSeed(strings.NewReader(`{"users": [{"username": "a@example.com"}],
		"connections": [{"user": "a@example.com", "app": "shopify", "records": {"commerce/customers": [{"id": 7}]}}]}`))
	require.NoError(t, err)
	res, err := srv.LoadSeed(f)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connections[0]: commerce/customers: alloytest: record 0: id must be a string")
	require.NotNil(t, res)
	assert.Len(t, res.Users, 1, "the users before the bad record stay")
}
