package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHeadlessInstallation starts an installation, answers its form from
// a file, and reads it back.
func TestHeadlessInstallation(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	h.ok("credentials", "create", "--user", u.ID, "--type", "bigcommerce", "--data", "storeHash=a", "--data", "accessToken=b")
	_, err := h.srv.Connect(u.ID, "netsuite")
	require.NoError(t, err)

	var form alloy.InstallationForm
	h.jsonOut(&form, "installations", "start", "--user", u.ID, "--integration", bigcommerceIntegr)
	require.NotEmpty(t, form.InstallationID)
	require.Len(t, form.Steps, 1)
	table := h.ok("installations", "start", "--user", u.ID, "--integration", bigcommerceIntegr)
	assert.Contains(t, table, "subsidiary  string  yes")

	assert.Equal(t, "Completed installation "+form.InstallationID+".\n",
		h.ok("installations", "complete", form.InstallationID, "--data", "@testdata/answers.json"))
	var sent map[string]any
	for _, r := range h.srv.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/completeInstallation") {
			require.NoError(t, json.Unmarshal(r.Body, &sent))
		}
	}
	assert.Equal(t, form.InstallationID, sent["installationId"])
	assert.Contains(t, string(mustJSON(t, sent["data"])), `"value":"Northwind US"`)

	var list []alloy.Installation
	h.jsonOut(&list, "installations", "list")
	require.Len(t, list, 1)
	assert.Equal(t, u.ID, list[0].UserID)
	var got alloy.Installation
	h.jsonOut(&got, "installations", "get", list[0].ID)
	assert.Equal(t, bigcommerceIntegr, got.IntegrationID)

	r := h.run("installations", "complete", form.InstallationID, "--data", `{"not": "an array"}`)
	assert.Equal(t, 2, r.code)
}

// TestConnectorsAndActions lists, reads and executes an action, with the
// body, path parameters and user sent as given.
func TestConnectorsAndActions(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	assert.Contains(t, h.ok("connectors", "list"), "hubspot")
	assert.Contains(t, h.ok("connectors", "get", "hubspot"), "contacts  contacts_get")
	r := h.run("connectors", "get", "nope")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, `no connector "nope"`)
	assert.Contains(t, h.ok("actions", "list", "--connector", "hubspot"), "contacts_create")
	assert.Contains(t, h.ok("actions", "get", "contacts_get", "--connector", "hubspot"), "contactId")

	var cred alloy.ConnectorCredential
	h.jsonOut(&cred, "connectors", "create-credential", "hubspot", "--user", u.ID, "--auth-type", "apiKey", "--data", `{"apiKey": "pat-1"}`)
	require.NotEmpty(t, cred.CredentialID)

	h.srv.ResetRequests()
	out := h.ok("actions", "execute", "contacts_create", "--connector", "hubspot", "--credential", cred.CredentialID,
		"--user", u.ID, "--data", `{"properties": {"email": "ada@example.com"}}`, "--query", "a=1")
	assert.True(t, json.Valid([]byte(out)), out)
	reqs := h.srv.Requests()
	require.Len(t, reqs, 1)
	var body map[string]any
	require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
	assert.Equal(t, cred.CredentialID, body["credentialId"])
	assert.Equal(t, map[string]any{"properties": map[string]any{"email": "ada@example.com"}}, body["requestBody"])
	assert.Equal(t, map[string]any{"a": "1"}, body["queryParameters"])
	assert.Equal(t, u.ID, reqs[0].Header.Get("X-Alloy-Userid"))
}

func TestAnalyticsAndPassthrough(t *testing.T) {
	h := newHarness(t)
	var usage alloy.Usage
	h.jsonOut(&usage, "analytics", "usage")
	assert.NotEmpty(t, usage.StartDate)
	assert.Contains(t, h.ok("analytics", "usage"), "Billing cycle")
	assert.Contains(t, h.ok("analytics", "usage-by-time"), "MONTH")

	u := h.user("ops@northwind.example", "")
	var cred map[string]string
	h.jsonOut(&cred, "credentials", "create", "--user", u.ID, "--type", "bigcommerce", "--data", "storeHash=a", "--data", "accessToken=b")
	h.srv.ResetRequests()
	r := h.run("passthrough", "post", "/v3/customers", "--credential", cred["credentialId"], "--data", `{"email": "a@b.c"}`, "--header", "X-Test=1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^alloy passthrough: HTTP \d+\n$`, r.stderr)
	reqs := h.srv.Requests()
	require.Len(t, reqs, 1)
	var body map[string]any
	require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
	assert.Equal(t, "POST", body["method"])
	assert.JSONEq(t, `{"email": "a@b.c"}`, body["body"].(string), "the body as given")
	assert.Equal(t, "/v3/customers", body["path"])
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
