package alloytest_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var netsuiteData = map[string]any{"accountId": "TSTDRV1", "consumerKey": "ck", "consumerSecret": "cs", "tokenId": "ti", "tokenSecret": "ts"}

func TestCredentialFlowInEveryVersion(t *testing.T) {
	for _, version := range []string{"2025-09", "2024-03", "2023-12"} {
		t.Run(version, func(t *testing.T) {
			srv := newServer(t)
			c := srv.Client(alloy.WithAPIVersion(version), alloy.WithMaxRetries(0))
			ctx := context.Background()
			u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
			require.NoError(t, err)

			apps, err := c.Apps.List(ctx)
			require.NoError(t, err)
			require.Len(t, apps, 4)
			assert.Equal(t, alloy.App{Name: "shopify", Icon: "https://cdn.runalloy.com/icons/shopify.png", OAuth: true, Type: []string{"action", "trigger"}}, apps[0])

			meta, err := c.Credentials.GetMetadata(ctx, "netsuite")
			if version == "2023-12" {
				require.ErrorIs(t, err, alloy.ErrUnsupportedVersion, "credential metadata starts with 2024-03")
			} else {
				require.NoError(t, err)
				assert.Equal(t, "netsuite", meta.Connector, "decoded from 'connector' or 'name' alike")
				assert.False(t, meta.IsOAuth)
				require.Len(t, meta.Properties, 5)
				require.ErrorIs(t, meta.Validate(map[string]any{"accountId": "x"}), alloy.ErrInvalidArgument)
				require.NoError(t, meta.Validate(netsuiteData))
			}

			cred, err := c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "netsuite", Data: netsuiteData})
			require.NoError(t, err)
			assert.Len(t, cred.ID, 24)

			list, err := c.Credentials.List(ctx, u.ID)
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.Equal(t, cred.ID, list[0].ID)
			assert.Equal(t, "netsuite", list[0].Type)
			assert.False(t, list[0].CreatedAt.IsZero())

			require.NoError(t, c.Credentials.Delete(ctx, u.ID, cred.ID))
			list, err = c.Credentials.List(ctx, u.ID)
			require.NoError(t, err)
			assert.Empty(t, list, "deleted for real")
			assert.ErrorIs(t, c.Credentials.Delete(ctx, u.ID, cred.ID), alloy.ErrNotFound)
		})
	}
}

func TestCredentialCreateRules(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(alloy.WithMaxRetries(0))
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "u"})
	require.NoError(t, err)

	_, err = c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "netsuite", Data: map[string]any{"accountId": "A", "tokenId": ""}})
	var apiErr *alloy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, alloy.ErrValidation)
	assert.Equal(t, "Missing required field(s) for netsuite: consumerKey, consumerSecret, tokenId, tokenSecret", apiErr.Message)

	_, err = c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "shopify", Data: map[string]any{"shopSubdomain": "x"}})
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, alloy.ErrBadRequest)
	assert.Contains(t, apiErr.Message, "OAuth")

	_, err = c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "nope", Data: map[string]any{}})
	assert.ErrorIs(t, err, alloy.ErrBadRequest)
	_, err = c.Credentials.Create(ctx, "ghost", alloy.CredentialCreateParams{Type: "netsuite", Data: netsuiteData})
	assert.ErrorIs(t, err, alloy.ErrNotFound)
	_, err = c.Credentials.List(ctx, "ghost")
	assert.ErrorIs(t, err, alloy.ErrNotFound)
	assert.ErrorIs(t, c.Credentials.Delete(ctx, "ghost", "c"), alloy.ErrNotFound)
	_, err = c.Credentials.GetMetadata(ctx, "nope")
	assert.ErrorIs(t, err, alloy.ErrNotFound)

	all, err := c.Credentials.ListMetadata(ctx)
	require.NoError(t, err)
	require.Len(t, all, 4)
	assert.True(t, all[0].IsOAuth)
	assert.Equal(t, "shopSubdomain", all[0].Properties[0].Name)
}

func TestOAuthLinkCreatesTheCredentialWhenVisited(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(alloy.WithMaxRetries(0))
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "shop-owner"})
	require.NoError(t, err)

	_, err = c.Credentials.GetOAuthURL(ctx, alloy.OAuthURLParams{UserID: u.ID, App: "shopify"})
	var apiErr *alloy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, alloy.ErrValidation)
	assert.Equal(t, "Missing required field(s) for shopify: shopSubdomain", apiErr.Message)
	_, err = c.Credentials.GetOAuthURL(ctx, alloy.OAuthURLParams{UserID: u.ID, App: "netsuite"})
	assert.ErrorIs(t, err, alloy.ErrBadRequest, "netsuite is not OAuth")
	_, err = c.Credentials.GetOAuthURL(ctx, alloy.OAuthURLParams{UserID: "ghost", App: "hubspot"})
	assert.ErrorIs(t, err, alloy.ErrNotFound)

	link, err := c.Credentials.GetOAuthURL(ctx, alloy.OAuthURLParams{UserID: "shop-owner", App: "shopify", Fields: map[string]string{"shopSubdomain": "northwind"}})
	require.NoError(t, err)
	assert.Regexp(t, `^`+regexp.QuoteMeta(srv.URL+"/oauth/shopify/authorize?shopSubdomain=northwind&state=")+`[0-9a-f]{32}&userId=`+u.ID+`$`, link)

	visit := func(link string) (int, string) {
		resp, err := http.Get(link) // the user's browser: no API key
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	status, body := visit(link)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "Shopify is connected")
	status, _ = visit(link)
	assert.Equal(t, 400, status, "a link works once")
	status, _ = visit(srv.URL + "/oauth/shopify/authorize?userId=" + u.ID)
	assert.Equal(t, 400, status, "only a link the server handed out works")

	creds, err := c.Credentials.List(ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, creds, 1)
	assert.Equal(t, "shopify", creds[0].Type)
}

func TestIntegrationsInBothShapes(t *testing.T) {
	for _, version := range []string{"2025-09", "2024-03"} {
		t.Run(version, func(t *testing.T) {
			srv := newServer(t)
			c := srv.Client(alloy.WithAPIVersion(version), alloy.WithMaxRetries(0))
			ctx := context.Background()
			u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "u"})
			require.NoError(t, err)
			require.NoError(t, srv.InstallWorkflow(u.ID, "6712ab3acd56ef7890a1b2d9"))

			list, err := c.Integrations.List(ctx, u.ID)
			require.NoError(t, err)
			require.Len(t, list, 2)
			bc := list[0]
			assert.Equal(t, "6712ab34cd56ef7890a1b2c3", bc.ID)
			assert.Equal(t, "BigCommerce", bc.App, "from primaryConnector or app alike")
			assert.True(t, bc.Installed)
			require.Len(t, bc.Workflows, 1)
			wf := bc.Workflows[0]
			assert.True(t, wf.Installed)
			assert.True(t, wf.Active)
			assert.Equal(t, 4, wf.Version)
			assert.Equal(t, 1, *wf.InstalledVersion)
			require.Len(t, wf.Steps, 2, "from connectors or blocks alike")
			assert.Equal(t, alloy.WorkflowStep{ID: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", Name: "NetSuite", Connector: "netsuite",
				Icon: "https://cdn.runalloy.com/icons/netsuite.png", Subtitle: map[string]string{"2025-09": "Create sales order"}[version]}, wf.Steps[1])
			if version == "2025-09" {
				assert.Equal(t, []string{"bigcommerce", "netsuite"}, bc.Credentials)
				assert.Equal(t, "Sync paid orders into the ERP", bc.Description)
			}
			assert.False(t, list[1].Installed)
			assert.Nil(t, list[1].Workflows[0].InstalledVersion)

			byApp, err := c.Integrations.Get(ctx, u.ID, "Shopify")
			require.NoError(t, err)
			want := list[1]
			if version == "2025-09" {
				want.Description = "" // the list carries it, the get (get-an-integration) does not
			}
			assert.Equal(t, want, *byApp)
			_, err = c.Integrations.Get(ctx, u.ID, "nope")
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			_, err = c.Integrations.List(ctx, "ghost")
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			link, err := c.Integrations.GetInstallLink(ctx, u.ID, bc.ID)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(link.URL(), srv.URL+"/embedded-install?integrationId="+bc.ID+"&token=ey"), link)
			_, err = c.Integrations.GetInstallLink(ctx, u.ID, "nope")
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			_, err = c.Integrations.GetInstallLink(ctx, "ghost", bc.ID)
			assert.ErrorIs(t, err, alloy.ErrNotFound)
		})
	}
}

func TestSeedDataCanBeReplaced(t *testing.T) {
	apps := []alloytest.AppDef{{Name: "acme", DisplayName: "Acme", Properties: []alloytest.PropertyDef{{Name: "key"}, {Name: "region", Optional: true}}}}
	integrations := []alloytest.IntegrationDef{{ID: "int-1", App: "Acme", Workflows: []alloytest.WorkflowDef{{ID: "wf-1", Name: "Sync", Version: 1}}}}
	srv := newServer(t, alloytest.WithApps(apps), alloytest.WithIntegrations(integrations))
	apps[0].Properties[0].Name = "changed-after-start" // the server keeps its own copy
	integrations[0].Workflows[0].Name = "changed-after-start"
	c := srv.Client()
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "u"})
	require.NoError(t, err)
	listed, err := c.Apps.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []alloy.App{{Name: "acme"}}, listed)
	_, err = c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "acme", Data: map[string]any{"key": "k"}})
	require.NoError(t, err, "optional properties may be omitted")
	list, err := c.Integrations.List(ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "int-1", list[0].ID)
	assert.Equal(t, "Sync", list[0].Workflows[0].Name)
	assert.Empty(t, list[0].Workflows[0].Steps)
}

func TestVersionSpecificRoutesAreStrict(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	get := func(path, version string) (int, string) { return raw(t, srv, "GET", path, "Bearer k", version, "") }
	u, err := srv.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: "real"})
	require.NoError(t, err)
	// each route is right in one version and must be "Route not found" in the other
	for _, tc := range []struct {
		path, version string
		want          int
	}{
		{"/credentials/users/" + u.ID, "2025-09", 200},
		{"/users/" + u.ID + "/credentials", "2025-09", 404}, // moved in 2025-09
		{"/2024-03/users/" + u.ID + "/credentials", "", 200},
		{"/2024-03/credentials/users/" + u.ID, "", 404}, // not there before 2025-09
		{"/2024-03/metadata/apps", "", 200},
		{"/2023-12/metadata/apps", "", 404},
		{"/2023-12/apps", "", 200},
		{"/apps", "2025-09", 404},
		{"/2024-03/metadata/credentials", "", 200},
		{"/2023-12/metadata/credentials", "", 404},
		{"/integrations", "2025-09", 400}, // userId is required
	} {
		status, body := get(tc.path, tc.version)
		assert.Equal(t, tc.want, status, "%s %s: %s", tc.version, tc.path, body)
		if tc.want == 404 {
			assert.Contains(t, body, "Route not found", tc.path)
		}
	}
}
