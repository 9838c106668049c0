package alloy

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCredentialsRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	shopify := &CredentialMetadata{
		Connector: "shopify", Icon: "https://cdn.runalloy.com/icons/shopify.png", IsOAuth: true,
		Properties: []CredentialProperty{{Name: "shopSubdomain", DisplayName: "Shop Subdomain", Description: "The part before .myshopify.com in the store URL."}},
	}
	runAPICases(t, []apiCase{
		{
			name: "List", op: "Credentials.List", ids: []string{"u1"},
			response: `{"data":[{"credentialId":"c1","type":"netsuite","name":"NetSuite","createdAt":"2025-03-04T08:15:09.552Z","updatedAt":null}]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Credentials.List(ctx, "u1") },
			want: []Credential{{ID: "c1", Type: "netsuite", Name: "NetSuite",
				CreatedAt: Timestamp{time.Date(2025, 3, 4, 8, 15, 9, 552e6, time.UTC)}}},
		},
		{
			// ids: the older route names the user; the body has userId on
			// every version, so either route has what it needs.
			name: "Create", op: "Credentials.Create", ids: []string{"u1"},
			response: `{"success":true,"credentialId":"6720cd5aef22a033b4c5d6f1"}`,
			wantBody: `{"userId":"u1","credential":{"type":"netsuite","data":{"accountId":"TSTDRV1","tokenId":"t"}}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Credentials.Create(ctx, "u1", CredentialCreateParams{Type: "netsuite", Data: map[string]any{"accountId": "TSTDRV1", "tokenId": "t"}})
			},
			want: &Credential{ID: "6720cd5aef22a033b4c5d6f1", Type: "netsuite"},
		},
		{
			name: "Delete", op: "Credentials.Delete", ids: []string{"u1", "c/1"},
			response: `{"success":true}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return nil, c.Credentials.Delete(ctx, "u1", "c/1") },
		},
		{
			name: "Metadata", op: "Credentials.ListMetadata",
			response: `{"data":[{"connector":"bigcommerce","isOauth":false,"properties":[{"name":"storeHash","displayName":"Store Hash"}]},{"name":"hubspot","isOauth":true,"properties":[]}]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Credentials.ListMetadata(ctx) },
			want: []CredentialMetadata{
				{Connector: "bigcommerce", Properties: []CredentialProperty{{Name: "storeHash", DisplayName: "Store Hash"}}},
				{Connector: "hubspot", IsOAuth: true, Properties: []CredentialProperty{}},
			},
		},
		{
			name: "MetadataForApp older name key", op: "Credentials.GetMetadata", ids: []string{"shopify"},
			response: `{"data":{"name":"shopify","icon":"https://cdn.runalloy.com/icons/shopify.png","isOauth":true,"properties":[{"name":"shopSubdomain","displayName":"Shop Subdomain","description":"The part before .myshopify.com in the store URL."}]}}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Credentials.GetMetadata(ctx, "shopify") },
			want:     shopify,
		},
		{
			name: "OAuthURL", op: "Credentials.GetOAuthURL", query: "app=shopify&credentialName=main&shopSubdomain=north+wind&userId=u1",
			response: `{"oauthUrl":"https://api.runalloy.com/api/strategy/shopify/authorize?userId=u1"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Credentials.GetOAuthURL(ctx, OAuthURLParams{UserID: "u1", App: "shopify",
					Fields: map[string]string{"shopSubdomain": "north wind", "credentialName": "main"}})
			},
			want: "https://api.runalloy.com/api/strategy/shopify/authorize?userId=u1",
		},
	})
}

func TestCredentialsFixturesDecode(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/credentials/users/u1", jsonResp(200, readFixture(t, "credentials_list.json")))
	h.on("GET", testRoot+"/metadata/credentials", jsonResp(200, readFixture(t, "credential_metadata_list_2025-09.json")))
	h.on("GET", testRoot+"/metadata/credentials/shopify", jsonResp(200, readFixture(t, "credential_metadata_app_2024-03.json")))
	h.on("GET", testRoot+"/headless/oauthUrl?app=shopify&shopSubdomain=northwind-goods&userId=u1", jsonResp(200, readFixture(t, "oauth_url.json")))
	h.on("POST", testRoot+"/headless/credentials", jsonResp(200, readFixture(t, "credential_create.json")))
	ctx := context.Background()

	creds, err := h.c.Credentials.List(ctx, "u1")
	require.NoError(t, err)
	assert.Equal(t, Credential{ID: "6720cd5aef22a033b4c5d6f1", Type: "netsuite", Name: "NetSuite TSTDRV1234567",
		CreatedAt: Timestamp{time.Date(2025, 3, 4, 8, 15, 9, 552e6, time.UTC)}, UpdatedAt: Timestamp{time.Date(2025, 5, 18, 22, 47, 13, 4e6, time.UTC)}}, creds[1])
	meta, err := h.c.Credentials.ListMetadata(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"bigcommerce", "hubspot"}, []string{meta[0].Connector, meta[1].Connector})
	assert.Equal(t, []CredentialProperty{{Name: "storeHash", DisplayName: "Store Hash"}, {Name: "accessToken", DisplayName: "Access Token"}}, meta[0].Properties)
	shop, err := h.c.Credentials.GetMetadata(ctx, "shopify")
	require.NoError(t, err)
	assert.Equal(t, "shopify", shop.Connector, "the 2024-03 'name' key fills Connector")
	u, err := h.c.Credentials.GetOAuthURL(ctx, OAuthURLParams{UserID: "u1", App: "shopify", Fields: map[string]string{"shopSubdomain": "northwind-goods"}})
	require.NoError(t, err)
	assert.Equal(t, "https://api.runalloy.com/api/strategy/shopify/authorize?userId=65f1c2a9d4e8b71a2c3d4e5f&shopSubdomain=northwind-goods", u)
	cred, err := h.c.Credentials.Create(ctx, "u1", CredentialCreateParams{Type: "netsuite", Data: map[string]any{"a": 1}})
	require.NoError(t, err)
	assert.Equal(t, "6720cd5aef22a033b4c5d6f1", cred.ID)
}

func TestCredentialsBadArgumentsSendNothing(t *testing.T) {
	t.Parallel()
	cases := map[string]func(context.Context, *Client) error{
		"List empty user": func(ctx context.Context, c *Client) error { _, err := c.Credentials.List(ctx, ""); return err },
		"Create empty user": func(ctx context.Context, c *Client) error {
			_, err := c.Credentials.Create(ctx, "", CredentialCreateParams{Type: "x", Data: map[string]any{}})
			return err
		},
		"Create empty type": func(ctx context.Context, c *Client) error {
			_, err := c.Credentials.Create(ctx, "u1", CredentialCreateParams{Data: map[string]any{}})
			return err
		},
		"Create nil data": func(ctx context.Context, c *Client) error {
			_, err := c.Credentials.Create(ctx, "u1", CredentialCreateParams{Type: "x"})
			return err
		},
		"Delete empty credential": func(ctx context.Context, c *Client) error { return c.Credentials.Delete(ctx, "u1", "") },
		"Delete empty user":       func(ctx context.Context, c *Client) error { return c.Credentials.Delete(ctx, "", "c1") },
		"MetadataForApp empty": func(ctx context.Context, c *Client) error {
			_, err := c.Credentials.GetMetadata(ctx, "")
			return err
		},
		"OAuthURL no user": func(ctx context.Context, c *Client) error {
			_, err := c.Credentials.GetOAuthURL(ctx, OAuthURLParams{App: "shopify"})
			return err
		},
		"OAuthURL no app": func(ctx context.Context, c *Client) error {
			_, err := c.Credentials.GetOAuthURL(ctx, OAuthURLParams{UserID: "u1"})
			return err
		},
		"OAuthURL reserved field": func(ctx context.Context, c *Client) error {
			_, err := c.Credentials.GetOAuthURL(ctx, OAuthURLParams{UserID: "u1", App: "x", Fields: map[string]string{"userId": "other"}})
			return err
		},
		"Integrations.List empty": func(ctx context.Context, c *Client) error { _, err := c.Integrations.List(ctx, ""); return err },
		"Integrations.Get no user": func(ctx context.Context, c *Client) error {
			_, err := c.Integrations.Get(ctx, "", "i1")
			return err
		},
		"Integrations.Get no id": func(ctx context.Context, c *Client) error {
			_, err := c.Integrations.Get(ctx, "u1", "")
			return err
		},
		"InstallURL no integration": func(ctx context.Context, c *Client) error {
			_, err := c.Integrations.GetInstallLink(ctx, "u1", " ")
			return err
		},
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			err := fn(context.Background(), h.c)
			require.ErrorIs(t, err, ErrInvalidArgument)
			assert.Zero(t, h.mt.GetTotalCallCount())
		})
	}
}

func TestCredentialsIncompleteResponsesAreErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/headless/credentials", jsonResp(200, `{"success":false,"credentialId":"c1"}`))
	h.on("GET", testRoot+"/metadata/credentials/x", jsonResp(200, `{}`))
	h.on("GET", testRoot+"/headless/oauthUrl?app=x&userId=u", jsonResp(200, `{}`))
	ctx := context.Background()
	_, err := h.c.Credentials.Create(ctx, "u", CredentialCreateParams{Type: "x", Data: map[string]any{}})
	assert.ErrorContains(t, err, "no credentialId")
	_, err = h.c.Credentials.GetMetadata(ctx, "x")
	assert.ErrorContains(t, err, "no data")
	_, err = h.c.Credentials.GetOAuthURL(ctx, OAuthURLParams{UserID: "u", App: "x"})
	assert.ErrorContains(t, err, "no oauthUrl")
}

func TestCredentialsCreateMissingPropertyIs422(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/headless/credentials", jsonResp(422, `{"message":"Missing required field: consumerKey"}`))
	_, err := h.c.Credentials.Create(context.Background(), "u", CredentialCreateParams{Type: "netsuite", Data: map[string]any{}})
	require.ErrorIs(t, err, ErrValidation)
	assert.Equal(t, 1, h.mt.GetTotalCallCount())
}

func TestCredentialMetadataValidate(t *testing.T) {
	t.Parallel()
	netsuite := CredentialMetadata{Connector: "netsuite", Properties: []CredentialProperty{
		{Name: "accountId"}, {Name: "consumerKey"}, {Name: "note"},
	}}
	assert.NoError(t, netsuite.Validate(map[string]any{"accountId": "A", "consumerKey": 7, "note": "n"}))
	err := netsuite.Validate(map[string]any{"accountId": "", "note": nil})
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "netsuite needs accountId, consumerKey, note", "every property is required: Alloy's metadata marks none optional")
	oauth := CredentialMetadata{Connector: "shopify", IsOAuth: true}
	err = oauth.Validate(map[string]any{})
	require.True(t, errors.Is(err, ErrInvalidArgument))
	assert.Contains(t, err.Error(), "OAuthURL")
}
