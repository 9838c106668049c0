package alloy

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnalyticsUsage(t *testing.T) {
	t.Parallel()
	runAPICases(t, []apiCase{{
		name: "Usage", op: "Analytics.GetUsage",
		response: readFixture(t, "analytics_usage.json"),
		call:     func(ctx context.Context, c *Client) (any, error) { return c.Analytics.GetUsage(ctx) },
		want: &Usage{StartDate: "2025-01-01", EndDate: "2025-12-31", ExecutionsLimit: 50000, SevenDays: 1204, ThirtyDays: 5120,
			LastThreeMonths: 14877, BillingCycle: 16022, AppActions: 16022, APIActions: 431},
	}, {
		name: "UsageByUser", op: "Analytics.GetUsageByUser", query: "userId=ops%40northwind.example",
		response: `{"data":{"userName":"ops@northwind.example","userId":"65f1c2a9d4e8b71a2c3d4e5f","userCreatedDate":"2025-01-09T11:07:13.963Z","isDeleted":false,` +
			`"startDate":"2025-01-01","endDate":"2025-12-31","totalActions":9,"data":[{"month":"Mar-25","userName":"ops@northwind.example","isDeleted":false,` +
			`"date":"2025-03-10","userId":"65f1c2a9d4e8b71a2c3d4e5f","userCreatedDate":"2025-01-09","apiActions":2,"count":9,"appActions":7}],"timePeriod":"current-billing-cycle"}}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.Analytics.GetUsageByUser(ctx, "ops@northwind.example")
		},
		want: &UsageByUser{UserName: "ops@northwind.example", UserID: "65f1c2a9d4e8b71a2c3d4e5f", UserCreatedDate: Timestamp{time.Date(2025, 1, 9, 11, 7, 13, 963e6, time.UTC)},
			StartDate: "2025-01-01", EndDate: "2025-12-31", TotalActions: 9, TimePeriod: "current-billing-cycle",
			Months: []UserUsageMonth{{Month: "Mar-25", Date: "2025-03-10", UserName: "ops@northwind.example", UserID: "65f1c2a9d4e8b71a2c3d4e5f",
				UserCreatedDate: "2025-01-09", AppActions: 7, APIActions: 2, Count: 9}}},
	}})
	h := newHarness(t)
	_, err := h.c.Analytics.GetUsageByUser(context.Background(), " ")
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Zero(t, h.mt.GetTotalCallCount(), "a missing user sends nothing")
}

func TestConnectorsGetWithoutAConnector(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"connector":{"name":"Slack"}}`, `[1]`} {
		h := newHarness(t)
		h.on("GET", testRoot+"/connectors/slack", jsonResp(200, body))
		_, err := h.c.Connectors.Get(context.Background(), "slack")
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), "Connectors.Get", body)
	}
	h := newHarness(t)
	_, err := h.c.Connectors.Get(context.Background(), "")
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Zero(t, h.mt.GetTotalCallCount())
}

func TestPassthrough(t *testing.T) {
	t.Parallel()
	runAPICases(t, []apiCase{
		{
			name: "Do with body, query and headers", op: "Passthrough.Do", query: "credentialId=cred%2F1",
			// The guide's shape: the provider's headers, statusCode and data.
			response: `{"headers":{"content-type":"application/json","set-cookie":["a=1","b=2"],"x-count":3},"statusCode":201,"data":{"customers":[{"id":1}]}}`,
			wantBody: `{"method":"POST","path":"/admin/api/2024-01/customers.json","body":"{\"customer\":{\"email\":\"a@b.example\"}}","query":{"limit":"5"},"extraHeaders":"{\"X-Shopify-Api-Version\":\"2024-01\"}"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Passthrough.Do(ctx, "cred/1", PassthroughRequest{
					Method: "post", Path: "/admin/api/2024-01/customers.json", Query: map[string]string{"limit": "5"},
					Headers: map[string]string{"X-Shopify-Api-Version": "2024-01"},
					Body:    map[string]any{"customer": map[string]string{"email": "a@b.example"}},
				})
			},
			want: &PassthroughResponse{StatusCode: 201, Body: json.RawMessage(`{"customers":[{"id":1}]}`),
				Headers: http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"a=1", "b=2"}, "X-Count": {"3"}}},
		},
		{
			name: "Do, a provider's error status", op: "Passthrough.Do", query: "credentialId=c1",
			response: `{"headers":{},"statusCode":404,"data":"Not Found"}`,
			wantBody: `{"method":"GET","path":"/orders/9","body":null,"query":null,"extraHeaders":null}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Passthrough.Do(ctx, "c1", PassthroughRequest{Method: "GET", Path: "/orders/9"})
			},
			want: &PassthroughResponse{StatusCode: 404, Headers: http.Header{}, Body: json.RawMessage(`"Not Found"`)},
		},
		{
			name: "Do a bare GET: an answer that is not the guide's shape is the body", op: "Passthrough.Do", query: "credentialId=c1",
			response: `<xml>not json</xml>`,
			wantBody: `{"method":"GET","path":"/orders","body":null,"query":null,"extraHeaders":null}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Passthrough.Do(ctx, "c1", PassthroughRequest{Method: "GET", Path: "/orders"})
			},
			want: &PassthroughResponse{StatusCode: 200, Body: json.RawMessage(`<xml>not json</xml>`)},
		},
	})
}

func TestPassthroughDecodeAndErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	h.on("POST", testRoot+"/passthrough?credentialId=c1", jsonResp(201, `{"id":7}`))
	resp, err := h.c.Passthrough.Do(ctx, "c1", PassthroughRequest{Method: "POST", Path: "/x", Body: json.RawMessage(`{"a":1}`)})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	var out struct{ ID int }
	require.NoError(t, resp.Decode(&out))
	assert.Equal(t, 7, out.ID)
	assert.JSONEq(t, `{"method":"POST","path":"/x","body":"{\"a\":1}","query":null,"extraHeaders":null}`, string(h.only().Body))
	assert.Error(t, (&PassthroughResponse{Body: json.RawMessage(`<x/>`)}).Decode(&out))

	t.Run("provider error is an *Error with its body", func(t *testing.T) {
		h := newHarness(t)
		h.on("POST", testRoot+"/passthrough?credentialId=c1", jsonResp(404, `{"errors":"Not Found"}`))
		_, err := h.c.Passthrough.Do(ctx, "c1", PassthroughRequest{Method: "GET", Path: "/nope"}, WithIdempotent())
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, `{"errors":"Not Found"}`, string(apiErr.Body))
	})
	t.Run("not retried on 502", func(t *testing.T) {
		h := newHarness(t)
		h.on("POST", testRoot+"/passthrough?credentialId=c1", jsonResp(502, `{}`))
		_, err := h.c.Passthrough.Do(ctx, "c1", PassthroughRequest{Method: "GET", Path: "/x"})
		require.ErrorIs(t, err, ErrServer)
		assert.Len(t, h.requests(), 1)
	})
	t.Run("bad input sends nothing", func(t *testing.T) {
		h := newHarness(t)
		for name, tc := range map[string]struct {
			cred string
			req  PassthroughRequest
		}{
			"no credential":   {"", PassthroughRequest{Method: "GET", Path: "/x"}},
			"no method":       {"c", PassthroughRequest{Path: "/x"}},
			"bad method":      {"c", PassthroughRequest{Method: "GE T", Path: "/x"}},
			"no path":         {"c", PassthroughRequest{Method: "GET"}},
			"control in path": {"c", PassthroughRequest{Method: "GET", Path: "/x\n"}},
			"bad header":      {"c", PassthroughRequest{Method: "GET", Path: "/x", Headers: map[string]string{"A B": "v"}}},
			"header value":    {"c", PassthroughRequest{Method: "GET", Path: "/x", Headers: map[string]string{"A": "v\r\nB: c"}}},
			"body not JSON":   {"c", PassthroughRequest{Method: "GET", Path: "/x", Body: make(chan int)}},
		} {
			_, err := h.c.Passthrough.Do(ctx, tc.cred, tc.req)
			assert.ErrorIs(t, err, ErrInvalidArgument, name)
		}
		assert.Zero(t, h.mt.GetTotalCallCount())
	})
}

func TestConnectorsRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	created := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	updated := time.Date(2025, 6, 20, 9, 30, 0, 0, time.UTC)
	runAPICases(t, []apiCase{
		{
			name: "List", op: "Connectors.List",
			response: `{"connectors":[{"id":"slack","name":"Slack","icon":"i"},{"connectorId":"hubspot","displayName":"HubSpot"}]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Connectors.List(ctx) },
			want: []Connector{
				{ID: "slack", Name: "Slack", Icon: "i", Raw: json.RawMessage(`{"id":"slack","name":"Slack","icon":"i"}`)},
				{ID: "hubspot", Name: "HubSpot", Raw: json.RawMessage(`{"connectorId":"hubspot","displayName":"HubSpot"}`)},
			},
		},
		{
			name: "List bare", op: "Connectors.List",
			response: `[{"id":"slack"}]`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Connectors.List(ctx) },
			want:     []Connector{{ID: "slack", Raw: json.RawMessage(`{"id":"slack"}`)}},
		},
		{
			name: "Get, under connector", op: "Connectors.Get", ids: []string{"slack/x"},
			response: `{"connector":{"id":"slack","name":"Slack","icon":"i","actions":3}}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Connectors.Get(ctx, "slack/x") },
			want:     &Connector{ID: "slack", Name: "Slack", Icon: "i", Raw: json.RawMessage(`{"id":"slack","name":"Slack","icon":"i","actions":3}`)},
		},
		{
			name: "Get, under data", op: "Connectors.Get", ids: []string{"slack"},
			response: `{"data":{"connectorId":"slack","displayName":"Slack"}}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Connectors.Get(ctx, "slack") },
			want:     &Connector{ID: "slack", Name: "Slack", Raw: json.RawMessage(`{"connectorId":"slack","displayName":"Slack"}`)},
		},
		{
			name: "Get, bare", op: "Connectors.Get", ids: []string{"slack"},
			response: `{"id":"slack","connector":"slack"}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Connectors.Get(ctx, "slack") },
			want:     &Connector{ID: "slack", Raw: json.RawMessage(`{"id":"slack","connector":"slack"}`)},
		},
		{
			name: "Resources", op: "Connectors.ListResources", ids: []string{"slack"},
			response: `{"resources":[{"name":"messages","actions":[{"id":"chat_postMessage","displayName":"Post message"},{"actionId":"chat_delete"}]}]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Connectors.ListResources(ctx, "slack") },
			want: []ConnectorResource{{Name: "messages", Actions: []ActionSummary{{ID: "chat_postMessage", DisplayName: "Post message"}, {ID: "chat_delete"}},
				Raw: json.RawMessage(`{"name":"messages","actions":[{"id":"chat_postMessage","displayName":"Post message"},{"actionId":"chat_delete"}]}`)}},
		},
		{
			name: "Action", op: "Connectors.GetAction", ids: []string{"slack", "chat_postMessage"},
			response: `{"action":{"id":"chat_postMessage","displayName":"Post message","description":"d","httpMethod":"POST","path":"/chat.postMessage","parameters":[{"name":"channel","in":"query","required":true,"schema":{"type":"string"}}],"requestBody":{"type":"object"}}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Connectors.GetAction(ctx, "slack", "chat_postMessage")
			},
			want: &Action{ID: "chat_postMessage", DisplayName: "Post message", Description: "d", HTTPMethod: "POST", Path: "/chat.postMessage",
				Parameters:  []ActionParameter{{Name: "channel", In: "query", Required: true, Schema: json.RawMessage(`{"type":"string"}`)}},
				RequestBody: json.RawMessage(`{"type":"object"}`)},
		},
		{
			name: "Execute", op: "Connectors.Execute", ids: []string{"slack", "chat_postMessage"},
			response: readFixture(t, "connectivity_action_execute.json"),
			wantBody: `{"credentialId":"67b01c2d3e4f5a6b7c8d9e0f","requestBody":{"channel":"C0123ABCD","text":"hi"},"queryParameters":{"q":"1"}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.Connectors.Execute(ctx, "slack", "chat_postMessage", ConnectorExecuteParams{
					CredentialID: "67b01c2d3e4f5a6b7c8d9e0f", RequestBody: map[string]string{"channel": "C0123ABCD", "text": "hi"},
					QueryParameters: map[string]string{"q": "1"},
				})
				if r != nil {
					r.Raw = nil // compared separately below
				}
				return r, err
			},
			want: &ActionResult{Success: true, Result: json.RawMessage(`{
    "ok": true,
    "channel": "C0123ABCD",
    "ts": "1718900000.000100"
  }`)},
		},
		{
			name: "Credentials", op: "Connectors.ListCredentials", ids: []string{"slack"},
			response: readFixture(t, "connectivity_credentials_list.json"),
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Connectors.ListCredentials(ctx, "slack") },
			want:     []Credential{{ID: "67b01c2d3e4f5a6b7c8d9e0f", Name: "Ops team Slack", Type: "slack-oauth2", CreatedAt: Timestamp{created}, UpdatedAt: Timestamp{updated}}},
		},
		{
			name: "CreateCredential OAuth", op: "Connectors.CreateCredential", ids: []string{"slack"},
			response: `{"oauthUrl":"https://slack.com/oauth/v2/authorize?state=s"}`,
			wantBody: `{"userId":"u1","authenticationType":"oauth2","redirectUri":"https://app.example.com/oauth/done"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Connectors.CreateCredential(ctx, "slack", ConnectorCredentialCreateParams{UserID: "u1", AuthenticationType: "oauth2", RedirectURI: "https://app.example.com/oauth/done"})
			},
			want: &ConnectorCredential{OAuthURL: "https://slack.com/oauth/v2/authorize?state=s"},
		},
		{
			name: "CreateCredential key", op: "Connectors.CreateCredential", ids: []string{"openai"},
			response: `{"credentialId":"c7"}`,
			wantBody: `{"userId":"u1","authenticationType":"apiKey","authConfigId":"cfg","data":{"apiKey":"sk-provider"}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Connectors.CreateCredential(ctx, "openai", ConnectorCredentialCreateParams{UserID: "u1", AuthenticationType: "apiKey", AuthConfigID: "cfg", Data: map[string]any{"apiKey": "sk-provider"}})
			},
			want: &ConnectorCredential{CredentialID: "c7"},
		},
		{
			name: "CredentialMetadata", op: "Connectors.ListCredentialMetadata", ids: []string{"slack"},
			response: `{"metadata":[{"authenticationType":"oauth2","authConfigRequired":false,"inputSchema":{"type":"object"},"sampleInput":{"userId":"u"}}]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Connectors.ListCredentialMetadata(ctx, "slack")
			},
			want: []AuthMetadata{{AuthenticationType: "oauth2", InputSchema: json.RawMessage(`{"type":"object"}`), SampleInput: json.RawMessage(`{"userId":"u"}`)}},
		},
	})
}

func TestConnectorsMetadataFixture(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/connectors/slack/credentials/metadata", jsonResp(200, readFixture(t, "connectivity_credentials_metadata.json")))
	md, err := h.c.Connectors.ListCredentialMetadata(context.Background(), "slack")
	require.NoError(t, err)
	require.Len(t, md, 1)
	assert.Equal(t, "oauth2", md[0].AuthenticationType)
	assert.JSONEq(t, `{"userId":"68aa11bb22cc33dd44ee55ff","authenticationType":"oauth2","redirectUri":"https://app.example.com/oauth/done"}`, string(md[0].SampleInput))
}

func TestConnectorsActAsUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	h.on("POST", testRoot+"/connectors/slack/actions/a/execute", jsonResp(200, `{"success":false,"result":{"error":"channel_not_found"}}`))
	h.on("GET", testRoot+"/connectors/slack/credentials", jsonResp(200, `{"credentials":[]}`))
	h.on("GET", testRoot+"/connectors/slack/actions/a", jsonResp(200, `{"action":{"id":"a"}}`))

	r, err := h.c.Connectors.Execute(ctx, "slack", "a", ConnectorExecuteParams{UserID: "u1", CredentialID: "c1"})
	require.NoError(t, err)
	assert.False(t, r.Success)
	assert.JSONEq(t, `{"error":"channel_not_found"}`, string(r.Result))
	assert.JSONEq(t, `{"success":false,"result":{"error":"channel_not_found"}}`, string(r.Raw))
	_, err = h.c.Connectors.ListCredentials(ctx, "slack", AsUser("ops@northwind.example"))
	require.NoError(t, err)
	_, err = h.c.Connectors.GetAction(ctx, "slack", "a")
	require.NoError(t, err)

	reqs := h.requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, []string{"u1"}, reqs[0].Header.Values("X-Alloy-Userid"))
	assert.JSONEq(t, `{"credentialId":"c1"}`, string(reqs[0].Body), "the user travels in the header, not the body")
	assert.Equal(t, []string{"ops@northwind.example"}, reqs[1].Header.Values("X-Alloy-Userid"))
	assert.Empty(t, reqs[2].Header.Values("X-Alloy-Userid"), "without AsUser the call acts as the key's owner")
}

func TestConnectorsBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	calls := map[string]func() error{
		"Resources no id":  func() error { _, err := h.c.Connectors.ListResources(ctx, ""); return err },
		"Action no action": func() error { _, err := h.c.Connectors.GetAction(ctx, "slack", ""); return err },
		"Execute no cred": func() error {
			_, err := h.c.Connectors.Execute(ctx, "slack", "a", ConnectorExecuteParams{})
			return err
		},
		"Execute bad path": func() error {
			_, err := h.c.Connectors.Execute(ctx, "..", "a", ConnectorExecuteParams{CredentialID: "c"})
			return err
		},
		"Credentials AsUser": func() error { _, err := h.c.Connectors.ListCredentials(ctx, "slack", AsUser(" ")); return err },
		"Create no user": func() error {
			_, err := h.c.Connectors.CreateCredential(ctx, "slack", ConnectorCredentialCreateParams{AuthenticationType: "oauth2"})
			return err
		},
		"Create no auth type": func() error {
			_, err := h.c.Connectors.CreateCredential(ctx, "slack", ConnectorCredentialCreateParams{UserID: "u"})
			return err
		},
		"Metadata no id": func() error { _, err := h.c.Connectors.ListCredentialMetadata(ctx, ""); return err },
	}
	for name, call := range calls {
		assert.ErrorIs(t, call(), ErrInvalidArgument, name)
	}
	assert.Zero(t, h.mt.GetTotalCallCount())
}

func TestConnectorsOddResponses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	h.on("GET", testRoot+"/connectors", jsonResp(200, `{"items":[]}`))
	h.on("GET", testRoot+"/connectors/x/actions/y", jsonResp(200, `{}`))
	h.on("POST", testRoot+"/connectors/x/credentials", jsonResp(200, `{}`))
	h.on("GET", testRoot+"/connectors/x/resources", jsonResp(200, ``))
	_, err := h.c.Connectors.List(ctx)
	assert.ErrorContains(t, err, "decode response: no list under connectors or data")
	_, err = h.c.Connectors.GetAction(ctx, "x", "y")
	assert.ErrorContains(t, err, "response has no action")
	_, err = h.c.Connectors.CreateCredential(ctx, "x", ConnectorCredentialCreateParams{UserID: "u", AuthenticationType: "apiKey"})
	assert.ErrorContains(t, err, "neither oauthUrl nor credentialId")
	res, err := h.c.Connectors.ListResources(ctx, "x")
	assert.NoError(t, err)
	assert.Empty(t, res)
}

func TestConnectivityIsRefusedBefore2025(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithAPIVersion("2024-03"))
	_, err := h.c.Connectors.Execute(context.Background(), "slack", "a", ConnectorExecuteParams{CredentialID: "c"})
	require.ErrorIs(t, err, ErrUnsupportedVersion)
	assert.Equal(t, "alloy: Connectors.Execute: not available in API version 2024-03 (from 2025-09 on)", err.Error())
	assert.Zero(t, h.mt.GetTotalCallCount())
}
