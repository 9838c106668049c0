package alloytest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnectorCatalogue(t *testing.T) {
	_, c, _ := setup(t, "2025-09")
	ctx := context.Background()
	list, err := c.Connectors.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, []string{"slack", "hubspot"}, []string{list[0].ID, list[1].ID})
	assert.Equal(t, "Slack", list[0].Name)
	assert.Equal(t, "https://cdn.runalloy.com/icons/slack.png", list[0].Icon)
	one, err := c.Connectors.Get(ctx, "hubspot")
	require.NoError(t, err)
	assert.Equal(t, list[1].ID, one.ID)
	assert.Equal(t, list[1].Name, one.Name)
	assert.JSONEq(t, `{"id":"hubspot","name":"HubSpot","icon":"https://cdn.runalloy.com/icons/hubspot.png"}`, string(one.Raw))
	_, err = c.Connectors.Get(ctx, "nope")
	assert.ErrorIs(t, err, alloy.ErrNotFound)

	res, err := c.Connectors.ListResources(ctx, "slack")
	require.NoError(t, err)
	require.Len(t, res, 2)
	assert.Equal(t, "messages", res[0].Name)
	assert.Equal(t, []alloy.ActionSummary{{ID: "chat_postMessage", DisplayName: "Send message", Description: "Sends a message to a channel."}}, res[0].Actions)
	assert.Equal(t, "conversations_list", res[1].Actions[0].ID)

	action, err := c.Connectors.GetAction(ctx, "hubspot", "contacts_get")
	require.NoError(t, err)
	assert.Equal(t, &alloy.Action{ID: "contacts_get", DisplayName: "Get contact", Description: "Reads one contact.", HTTPMethod: "GET",
		Path:       "/crm/v3/objects/contacts/{contactId}",
		Parameters: []alloy.ActionParameter{{Name: "contactId", In: "path", Description: "The contact's id", Required: true, Schema: json.RawMessage(`{"type":"string"}`)}},
	}, action)
	post, err := c.Connectors.GetAction(ctx, "slack", "chat_postMessage")
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"object","required":["channel","text"],"properties":{"channel":{"type":"string"},"text":{"type":"string"}}}`, string(post.RequestBody))
	assert.Empty(t, post.Parameters)

	meta, err := c.Connectors.ListCredentialMetadata(ctx, "hubspot")
	require.NoError(t, err)
	require.Len(t, meta, 2)
	assert.Equal(t, "oauth2", meta[0].AuthenticationType)
	assert.False(t, meta[0].AuthConfigRequired)
	assert.JSONEq(t, `{"type":"object","properties":{"userId":{"type":"string"},"authenticationType":{"type":"string","const":"oauth2"},"redirectUri":{"type":"string","format":"uri"}},"required":["userId","authenticationType","redirectUri"]}`, string(meta[0].InputSchema))
	assert.JSONEq(t, `{"userId":"68aa11bb22cc33dd44ee55ff","authenticationType":"apiKey","data":{"apiKey":"sample-apiKey"}}`, string(meta[1].SampleInput))

	for _, err := range []error{
		func() error { _, err := c.Connectors.ListResources(ctx, "nope"); return err }(),
		func() error { _, err := c.Connectors.GetAction(ctx, "nope", "x"); return err }(),
		func() error { _, err := c.Connectors.GetAction(ctx, "slack", "nope"); return err }(),
		func() error { _, err := c.Connectors.ListCredentialMetadata(ctx, "nope"); return err }(),
		func() error { _, err := c.Connectors.ListCredentials(ctx, "nope"); return err }(),
	} {
		assert.ErrorIs(t, err, alloy.ErrNotFound)
	}
}

func TestConnectorCredentialsAndExecute(t *testing.T) {
	srv, c, u := setup(t, "2025-09")
	ctx := context.Background()
	other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "other"})
	require.NoError(t, err)

	created, err := c.Connectors.CreateCredential(ctx, "hubspot", alloy.ConnectorCredentialCreateParams{UserID: u.ID, AuthenticationType: "apiKey", Data: map[string]any{"apiKey": "pat-1"}})
	require.NoError(t, err)
	assert.Len(t, created.CredentialID, 24)
	assert.Empty(t, created.OAuthURL)

	link, err := c.Connectors.CreateCredential(ctx, "slack", alloy.ConnectorCredentialCreateParams{UserID: "other", AuthenticationType: "oauth2", RedirectURI: "https://app.example.com/oauth/done"})
	require.NoError(t, err)
	assert.Contains(t, link.OAuthURL, srv.URL+"/oauth/slack-oauth2/authorize?state=")
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(link.OAuthURL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "https://app.example.com/oauth/done", resp.Header.Get("Location"))

	hub, err := c.Connectors.ListCredentials(ctx, "hubspot")
	require.NoError(t, err)
	require.Len(t, hub, 1)
	assert.Equal(t, created.CredentialID, hub[0].ID)
	assert.Equal(t, "hubspot-apiKey", hub[0].Type)
	assert.Equal(t, "HubSpot "+created.CredentialID[18:], hub[0].Name)
	assert.WithinDuration(t, time.Now(), hub[0].CreatedAt.Time, 5*time.Second)
	slack, err := c.Connectors.ListCredentials(ctx, "slack")
	require.NoError(t, err)
	require.Len(t, slack, 1, "granted by visiting the link")
	assert.Equal(t, "slack-oauth2", slack[0].Type)
	mine, err := c.Connectors.ListCredentials(ctx, "slack", alloy.AsUser(u.ID))
	require.NoError(t, err)
	assert.Empty(t, mine, "x-alloy-userid limits the list to that user")
	theirs, err := c.Connectors.ListCredentials(ctx, "slack", alloy.AsUser("other"))
	require.NoError(t, err)
	assert.Equal(t, slack, theirs)
	_, err = c.Connectors.ListCredentials(ctx, "slack", alloy.AsUser("ghost"))
	assert.ErrorIs(t, err, alloy.ErrNotFound)
	embedded, err := c.Credentials.List(ctx, other.ID)
	require.NoError(t, err)
	assert.Equal(t, slack, embedded, "one store of credentials")

	res, err := c.Connectors.Execute(ctx, "slack", "chat_postMessage", alloy.ConnectorExecuteParams{UserID: other.ID, CredentialID: slack[0].ID,
		RequestBody: map[string]any{"channel": "C1", "text": "hi"}, AdditionalHeaders: map[string]string{"X-Trace": "1"}})
	require.NoError(t, err)
	assert.True(t, res.Success)
	assert.JSONEq(t, `{"connectorId":"slack","actionId":"chat_postMessage","credentialId":"`+slack[0].ID+`","method":"POST","path":"/chat.postMessage",
		"query":null,"headers":{"X-Trace":"1"},"body":{"channel":"C1","text":"hi"}}`, string(res.Result))
	assert.Contains(t, string(res.Raw), `"success":true`)

	got, err := c.Connectors.Execute(ctx, "hubspot", "contacts_get", alloy.ConnectorExecuteParams{CredentialID: created.CredentialID, PathParams: map[string]string{"contactId": "a/1"}})
	require.NoError(t, err, "without x-alloy-userid any user's credential works")
	var echo struct{ Path string }
	require.NoError(t, json.Unmarshal(got.Result, &echo))
	assert.Equal(t, "/crm/v3/objects/contacts/a%2F1", echo.Path)

	var apiErr *alloy.Error
	_, err = c.Connectors.Execute(ctx, "hubspot", "contacts_get", alloy.ConnectorExecuteParams{CredentialID: created.CredentialID})
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, alloy.ErrBadRequest)
	assert.Equal(t, "Missing required parameter(s): contactId", apiErr.Message)
	_, err = c.Connectors.Execute(ctx, "slack", "chat_postMessage", alloy.ConnectorExecuteParams{UserID: u.ID, CredentialID: slack[0].ID})
	assert.ErrorIs(t, err, alloy.ErrNotFound, "another user's credential")
	_, err = c.Connectors.Execute(ctx, "slack", "chat_postMessage", alloy.ConnectorExecuteParams{CredentialID: created.CredentialID})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, `Credential "`+created.CredentialID+`" is a hubspot-apiKey credential, not a slack one`, apiErr.Message)
	_, err = c.Connectors.Execute(ctx, "slack", "chat_postMessage", alloy.ConnectorExecuteParams{CredentialID: "nope"})
	assert.ErrorIs(t, err, alloy.ErrNotFound)
	_, err = c.Connectors.Execute(ctx, "slack", "nope", alloy.ConnectorExecuteParams{CredentialID: slack[0].ID})
	assert.ErrorIs(t, err, alloy.ErrNotFound)

	usage, err := c.Analytics.GetUsage(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, usage.APIActions, "only the executions that succeeded")

	for _, p := range []alloy.ConnectorCredentialCreateParams{
		{UserID: u.ID, AuthenticationType: "apiKey"},                                // no data
		{UserID: u.ID, AuthenticationType: "oauth2"},                                // no redirectUri
		{UserID: u.ID, AuthenticationType: "oauth2", RedirectURI: "/relative"},      // not absolute
		{UserID: u.ID, AuthenticationType: "basic", Data: map[string]any{"k": "v"}}, // not supported
	} {
		_, err := c.Connectors.CreateCredential(ctx, "hubspot", p)
		assert.ErrorIs(t, err, alloy.ErrBadRequest, "%v", p)
	}
	_, err = c.Connectors.CreateCredential(ctx, "hubspot", alloy.ConnectorCredentialCreateParams{UserID: "ghost", AuthenticationType: "apiKey", Data: map[string]any{"apiKey": "k"}})
	assert.ErrorIs(t, err, alloy.ErrNotFound)
}

func TestConnectorsRaw(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	for _, tc := range []struct {
		name, method, path, version, body string
		status                            int
		contains                          string
	}{
		{"list", "GET", "/connectors", "2025-09", "", 200, `{"connectors":[{"icon":"https://cdn.runalloy.com/icons/slack.png","id":"slack","name":"Slack"}`},
		{"list on 2024-03", "GET", "/2024-03/connectors", "", "", 404, "Route not found"},
		{"resources on 2024-03", "GET", "/2024-03/connectors/slack/resources", "", "", 404, "Route not found"},
		{"metadata on 2024-03", "GET", "/2024-03/connectors/slack/credentials/metadata", "", "", 404, "Route not found"},
		{"execute on 2024-03", "POST", "/2024-03/connectors/slack/actions/chat_postMessage/execute", "", "{}", 404, "Route not found"},
		{"execute without credential", "POST", "/connectors/slack/actions/chat_postMessage/execute", "2025-09", "{}", 400, `at /credentialId: property \"credentialId\" is missing`},
		{"execute bad json", "POST", "/connectors/slack/actions/chat_postMessage/execute", "2025-09", `{"pathParams":[]}`, 400, "at /pathParams: value must be an object"},
		{"unknown connector", "GET", "/connectors/nope/resources", "2025-09", "", 404, `Connector \"nope\" not found`},
		{"create without type", "POST", "/connectors/slack/credentials", "2025-09", `{"userId":"x"}`, 400, `at /authenticationType: property \"authenticationType\" is missing`},
		{"create without user", "POST", "/connectors/hubspot/credentials", "2025-09", `{"authenticationType":"apiKey","data":{"apiKey":"k"}}`, 400, `at /userId: property \"userId\" is missing`},
	} {
		status, body := raw(t, srv, tc.method, tc.path, "Bearer k", tc.version, tc.body)
		assert.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		assert.Contains(t, body, tc.contains, tc.name)
	}
}

func TestWithConnectorsKeepsACopy(t *testing.T) {
	connectors := []alloytest.ConnectorDef{{ID: "acme", Name: "Acme", AuthTypes: []string{"token"}, Resources: []alloytest.ResourceDef{{Name: "things", Actions: []alloytest.ActionDef{
		{ID: "get", HTTPMethod: "GET", Path: "/things/{id}", Parameters: []alloytest.ParameterDef{{Name: "id", In: "path", Required: true, Schema: map[string]any{"type": "string"}}},
			RequestBody: map[string]any{"type": "object"}},
	}}}}}
	_, c, _ := setup(t, "2025-09", alloytest.WithConnectors(connectors))
	connectors[0].Resources[0].Actions[0].Parameters[0].Schema["type"] = "changed"
	connectors[0].Resources[0].Actions[0].RequestBody["type"] = "changed"
	connectors[0].Resources[0].Actions[0].ID = "changed"
	connectors[0].AuthTypes[0] = "changed"
	ctx := context.Background()
	a, err := c.Connectors.GetAction(ctx, "acme", "get")
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"string"}`, string(a.Parameters[0].Schema))
	assert.JSONEq(t, `{"type":"object"}`, string(a.RequestBody))
	meta, err := c.Connectors.ListCredentialMetadata(ctx, "acme")
	require.NoError(t, err)
	require.Len(t, meta, 1)
	assert.Equal(t, "token", meta[0].AuthenticationType)
}

func TestPassthroughEchoes(t *testing.T) {
	for _, version := range []string{"2025-09", "2024-03"} {
		t.Run(version, func(t *testing.T) {
			srv, c, u := setup(t, version)
			ctx := context.Background()
			cred, err := c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "netsuite", Data: netsuiteData})
			require.NoError(t, err)
			resp, err := c.Passthrough.Do(ctx, cred.ID, alloy.PassthroughRequest{Method: "post", Path: "/record/v1/salesOrder",
				Query: map[string]string{"limit": "5"}, Headers: map[string]string{"X-Trace": "1"}, Body: map[string]any{"entity": 7}})
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "application/json; charset=utf-8", resp.Headers.Get("Content-Type"), "the provider's headers")
			assert.JSONEq(t, `{"method":"POST","path":"/record/v1/salesOrder","query":{"limit":"5"},"headers":{"X-Trace":"1"},"body":{"entity":7},"credentialType":"netsuite"}`, string(resp.Body))
			plain, err := c.Passthrough.Do(ctx, cred.ID, alloy.PassthroughRequest{Method: "GET", Path: "/x"})
			require.NoError(t, err)
			assert.JSONEq(t, `{"method":"GET","path":"/x","query":{},"headers":{},"body":null,"credentialType":"netsuite"}`, string(plain.Body))
			_, err = c.Passthrough.Do(ctx, "nope", alloy.PassthroughRequest{Method: "GET", Path: "/x"})
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			_, err = srv.Client(alloy.WithAPIVersion("2023-12")).Passthrough.Do(ctx, cred.ID, alloy.PassthroughRequest{Method: "GET", Path: "/x"})
			assert.ErrorIs(t, err, alloy.ErrUnsupportedVersion)
		})
	}
}

func TestPassthroughRaw(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	c := srv.Client()
	u, err := c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "u"})
	require.NoError(t, err)
	cred, err := c.Credentials.Create(context.Background(), u.ID, alloy.CredentialCreateParams{Type: "bigcommerce", Data: bigcommerceData})
	require.NoError(t, err)
	p := "/passthrough?credentialId=" + cred.ID
	for _, tc := range []struct {
		name, path, body string
		status           int
		contains         string
	}{
		{"no credential", "/passthrough", `{"method":"GET","path":"/x"}`, 400, `query parameter \"credentialId\": value is required but missing`},
		{"no method", p, `{"path":"/x"}`, 400, `at /method: property \"method\" is missing`},
		{"body not a string", p, `{"method":"POST","path":"/x","body":{"a":1}}`, 400, "at /body: value must be a string"},
		{"body not JSON", p, `{"method":"POST","path":"/x","body":"{a"}`, 400, "body must be a string holding JSON"},
		{"headers not an object", p, `{"method":"GET","path":"/x","extraHeaders":"[1]"}`, 400, "extraHeaders must be a string holding a JSON object"},
		{"headers not a string", p, `{"method":"GET","path":"/x","extraHeaders":{"a":"b"}}`, 400, "at /extraHeaders: value must be a string"},
		{"query not an object", p, `{"method":"GET","path":"/x","query":[1]}`, 400, "query must be an object or null"},
		{"nulls", p, `{"method":"GET","path":"/x","body":null,"query":null,"extraHeaders":null}`, 200, `"credentialType":"bigcommerce"`},
		{"answered as the guide documents", p, `{"method":"GET","path":"/x"}`, 200, `"statusCode":200}`},
		{"string body", p, `{"method":"POST","path":"/x","body":"\"text\""}`, 200, `"body":"text"`},
		{"on 2023-12", "/2023-12" + p, `{"method":"GET","path":"/x"}`, 404, "Route not found"},
	} {
		status, body := raw(t, srv, "POST", tc.path, "Bearer k", "", tc.body)
		assert.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		assert.Contains(t, body, tc.contains, tc.name)
	}
	usage, err := c.Analytics.GetUsage(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, usage.APIActions, "the three calls that succeeded")
}

func TestUsageCounters(t *testing.T) {
	srv, c, u := setup(t, "2025-09")
	ctx := context.Background()
	now := time.Now().UTC()
	zero, err := c.Analytics.GetUsage(ctx)
	require.NoError(t, err)
	assert.Equal(t, &alloy.Usage{
		StartDate:       time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
		EndDate:         time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
		ExecutionsLimit: 50000,
	}, zero)

	runN(t, srv, c, u.ID, 2)
	require.NoError(t, srv.InstallWorkflow(u.ID, orderFulfilledWorkflow))
	_, err = c.Events.Run(ctx, alloy.EventRunParams{Event: "Invoice Paid", UserID: u.ID})
	require.NoError(t, err)
	cred, err := c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "netsuite", Data: netsuiteData})
	require.NoError(t, err)
	_, err = c.Passthrough.Do(ctx, cred.ID, alloy.PassthroughRequest{Method: "GET", Path: "/x"})
	require.NoError(t, err)
	require.NoError(t, c.Users.DeleteLogs(ctx, u.ID))

	usage, err := c.Analytics.GetUsage(ctx)
	require.NoError(t, err)
	want := *zero
	want.SevenDays, want.ThirtyDays, want.LastThreeMonths, want.BillingCycle = 4, 4, 4, 4 // 2 runs, and the event ran 2 workflows
	want.AppActions = 3                                                                   // 1 per paid-order run; the one-step workflow has none
	want.APIActions = 1
	assert.Equal(t, &want, usage, "deleting logs does not change usage")

	// By user: the user's own runs only, in the month they ran.
	other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "other@example.com"})
	require.NoError(t, err)
	runN(t, srv, c, other.ID, 1)
	byUser, err := c.Analytics.GetUsageByUser(ctx, u.ID)
	require.NoError(t, err)
	assert.WithinDuration(t, now, byUser.UserCreatedDate.Time, 5*time.Second)
	assert.Equal(t, &alloy.UsageByUser{UserName: "ops@northwind.example", UserID: u.ID, UserCreatedDate: byUser.UserCreatedDate,
		StartDate: time.Date(now.Year(), now.Month()-11, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), EndDate: now.Format(time.DateOnly),
		TotalActions: 3, TimePeriod: "current-billing-cycle",
		Months: []alloy.UserUsageMonth{{Month: now.Format("Jan-06"), Date: now.Format(time.DateOnly), UserName: "ops@northwind.example", UserID: u.ID,
			UserCreatedDate: byUser.UserCreatedDate.Format(time.DateOnly), AppActions: 3, Count: 3}}}, byUser)
	none, err := c.Analytics.GetUsageByUser(ctx, "other@example.com")
	require.NoError(t, err)
	assert.Equal(t, 1, none.TotalActions, "by username too")
	_, err = c.Analytics.GetUsageByUser(ctx, "ghost")
	assert.ErrorIs(t, err, alloy.ErrNotFound)
	status, body := raw(t, srv, "GET", "/analytics/detail-usage-user", "Bearer "+srv.APIKey, "2025-09", "")
	assert.Equal(t, 400, status, "userId is required: %s", body)

	_, err = srv.Client(alloy.WithAPIVersion("2024-03")).Analytics.GetUsage(ctx)
	assert.ErrorIs(t, err, alloy.ErrUnsupportedVersion)
	status, _ = raw(t, srv, "GET", "/2024-03/analytics/usage", "Bearer "+srv.APIKey, "", "")
	assert.Equal(t, 404, status)
}
