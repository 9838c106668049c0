package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	paidOrderWorkflow   = "6712ab3acd56ef7890a1b2d9" // alloytest's default "Paid order to ERP"
	newCustomerWorkflow = "6712ab3acd56ef7890a1b2da"
	bigcommerceIntegr   = "6712ab34cd56ef7890a1b2c3"
)

func TestUsersLifecycle(t *testing.T) {
	h := newHarness(t)

	out := h.ok("users", "create", "--username", "ops@northwind.example", "--full-name", "Northwind Goods")
	users := h.srv.Users()
	require.Len(t, users, 1)
	id := users[0].ID
	assert.Equal(t, "ID         "+id+"\nUsername   ops@northwind.example\nFull name  Northwind Goods\n", out)

	// flags before the positional argument, global flags before the command
	assert.Equal(t, out, h.ok("users", "get", "ops@northwind.example"))
	assert.Equal(t, out, h.ok("--json=false", "users", "get", id))

	h.user("it@contoso.example", "")
	assert.Equal(t,
		"ID                        USERNAME               FULL NAME\n"+
			id+"  ops@northwind.example  Northwind Goods\n"+
			h.srv.Users()[1].ID+"  it@contoso.example\n",
		h.ok("users", "list"))

	var list []alloy.User
	h.jsonOut(&list, "users", "list")
	assert.Equal(t, h.srv.Users(), list)
	jsonl := lines(h.ok("users", "list", "--jsonl"))
	require.Len(t, jsonl, 2)
	var first alloy.User
	require.NoError(t, json.Unmarshal([]byte(jsonl[0]), &first))
	assert.Equal(t, users[0], first)

	var got alloy.User
	h.jsonOut(&got, "users", "update", id, "--username", "finance@northwind.example", "--full-name", "")
	assert.Equal(t, alloy.User{ID: id, Username: "finance@northwind.example"}, got, `--full-name "" clears it`)

	assert.Equal(t, "Deleted user finance@northwind.example.\n", h.ok("users", "delete", "finance@northwind.example", "--yes"))
	r := h.run("users", "get", id)
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.Regexp(t, `^alloy users get: User not found \(HTTP 404 Not Found, request id req_\d+\)\n$`, r.stderr)

	var deleted map[string]any
	h.jsonOut(&deleted, "users", "delete", "it@contoso.example", "--yes")
	assert.Equal(t, map[string]any{"user": "it@contoso.example", "deleted": true}, deleted)
	assert.Empty(t, h.srv.Users())
}

func TestUsersListEmptyAndByWorkflow(t *testing.T) {
	h := newHarness(t)
	assert.Equal(t, "ID  USERNAME  FULL NAME\n", h.ok("users", "list"))
	var list []alloy.User
	h.jsonOut(&list, "users", "list")
	assert.Equal(t, []alloy.User{}, list, "[] rather than null")
	assert.Equal(t, "", h.ok("users", "list", "--jsonl"))

	u := h.user("ops@northwind.example", "Northwind")
	h.user("it@contoso.example", "")
	require.NoError(t, h.srv.InstallWorkflow(u.ID, paidOrderWorkflow))
	h.jsonOut(&list, "users", "list", "--workflow", paidOrderWorkflow)
	assert.Equal(t, []alloy.User{*u}, list)
}

func TestUsersCreateConflictIsAnAPIError(t *testing.T) {
	h := newHarness(t)
	h.user("ops@northwind.example", "")
	r := h.run("users", "create", "--username", "ops@northwind.example")
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.Regexp(t, `^alloy users create: A user with username "ops@northwind.example" already exists \(HTTP 409 Conflict, request id req_\d+\)\n$`, r.stderr)
}

func TestTokenShowsTheJWTOnlyWhenAsked(t *testing.T) {
	h := newHarness(t)
	h.user("ops@northwind.example", "")

	out := h.ok("tokens", "create", "--user", "ops@northwind.example")
	assert.Regexp(t, `^Token for ops@northwind.example expires at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ. Pass --show-token to print it.\n$`, out)

	var noToken map[string]any
	h.jsonOut(&noToken, "tokens", "create", "--user", "ops@northwind.example")
	assert.Equal(t, []string{"expiresAt", "user"}, sortedKeys(noToken), "no token without --show-token")
	exp, err := time.Parse(time.RFC3339, noToken["expiresAt"].(string))
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(30*time.Minute), exp, time.Minute)

	r := h.run("tokens", "create", "--user", "ops@northwind.example", "--show-token")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$`, r.stdout, "the JWT alone on stdout")
	assert.Regexp(t, `^alloy tokens create: expires at \S+Z\n$`, r.stderr)

	var withToken tokenOutput
	h.jsonOut(&withToken, "tokens", "create", "--user", "ops@northwind.example", "--show-token")
	assert.Regexp(t, `^eyJ`, withToken.Token)
	assert.Equal(t, "ops@northwind.example", withToken.User)

	jl := h.ok("tokens", "create", "--user", "ops@northwind.example", "--jsonl")
	assert.Equal(t, 1, strings.Count(jl, "\n"))
	assert.NotContains(t, jl, "token\"")
}

func TestCredentials(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")

	assert.Equal(t, ""+
		"APP          OAUTH  PROPERTIES\n"+
		"shopify      yes    shopSubdomain\n"+
		"hubspot      yes\n"+
		"netsuite     no     accountId, consumerKey, consumerSecret, tokenId, tokenSecret\n"+
		"bigcommerce  no     storeHash, accessToken\n",
		h.ok("credentials", "metadata"))
	assert.Equal(t, ""+
		"App    bigcommerce\n"+
		"OAuth  no\n"+
		"\n"+
		"PROPERTY     DISPLAY NAME  DESCRIPTION\n"+
		"storeHash    Store Hash\n"+
		"accessToken  Access Token\n",
		h.ok("credentials", "metadata", "bigcommerce"))
	var meta alloy.CredentialMetadata
	h.jsonOut(&meta, "credentials", "metadata", "netsuite")
	assert.Equal(t, "netsuite", meta.Connector)
	assert.Len(t, meta.Properties, 5)

	// --data pairs
	var created map[string]string
	h.jsonOut(&created, "credentials", "create", "--user", "ops@northwind.example", "--type", "bigcommerce", "--data", "storeHash=abc123", "--data", "accessToken=secret-1")
	assert.Equal(t, "bigcommerce", created["type"])
	// --data-json from stdin, with --data overriding one property
	r := h.runStdin(`{"accountId": "TSTDRV1", "consumerKey": "k", "consumerSecret": "s", "tokenId": "t", "tokenSecret": "x"}`,
		"credentials", "create", "--user", u.ID, "--type", "netsuite", "--data", "-", "--data", "accountId=TSTDRV2")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^ID    [0-9a-f]{24}\nType  netsuite\n$`, r.stdout)
	assert.NotContains(t, r.stdout, "secret", "the properties are never echoed")
	creates := 0
	for _, req := range h.srv.Requests() {
		if req.Method == http.MethodPost && req.Path == "/headless/credentials" && strings.Contains(string(req.Body), "TSTDRV2") {
			creates++
			assert.Contains(t, string(req.Body), `"consumerSecret":"s"`)
		}
	}
	assert.Equal(t, 1, creates)

	var creds []alloy.Credential
	h.jsonOut(&creds, "credentials", "list", "--user", "ops@northwind.example")
	require.Len(t, creds, 2)
	assert.Equal(t, created["credentialId"], creds[0].ID)
	table := lines(h.ok("credentials", "list", "--user", u.ID))
	require.Len(t, table, 3)
	assert.Equal(t, "ID                        TYPE         NAME                CREATED", table[0])
	assert.True(t, strings.HasPrefix(table[1], creds[0].ID+"  bigcommerce  BigCommerce "), table[1])

	// a missing property is the API's 422
	r = h.run("credentials", "create", "--user", u.ID, "--type", "netsuite", "--data", "accountId=1")
	assert.Equal(t, 1, r.code)
	assert.Regexp(t, `^alloy credentials create: Missing required field\(s\) for netsuite: consumerKey, consumerSecret, tokenId, tokenSecret \(HTTP 422 Unprocessable Entity, request id req_\d+\)\n$`, r.stderr)

	assert.Equal(t, fmt.Sprintf("Deleted credential %s of user %s.\n", creds[0].ID, u.ID), h.ok("credentials", "delete", creds[0].ID, "--user", u.ID, "--yes"))
	r = h.run("credentials", "delete", creds[0].ID, "--user", u.ID, "--yes")
	assert.Equal(t, 1, r.code, "deleted already: 404")
	assert.Contains(t, r.stderr, "HTTP 404 Not Found")
}

func TestCredentialsDataJSONFile(t *testing.T) {
	h := newHarness(t)
	h.user("ops@northwind.example", "")
	file := t.TempDir() + "/bc.json"
	require.NoError(t, os.WriteFile(file, []byte(`{"storeHash": "abc", "accessToken": "tok"}`), 0o600))
	h.ok("credentials", "create", "--user", "ops@northwind.example", "--type", "bigcommerce", "--data", "@"+file)

	r := h.run("credentials", "create", "--user", "ops@northwind.example", "--type", "bigcommerce", "--data-json", t.TempDir()+"/missing.json")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "missing.json: no such file or directory")
	r = h.runStdin(`[1, 2]`, "credentials", "create", "--user", "ops@northwind.example", "--type", "bigcommerce", "--data", "-")
	assert.Equal(t, 2, r.code)
	assert.Equal(t, "alloy credentials create: --data must be one JSON object\nRun 'alloy credentials create --help' for usage.\n", r.stderr)
}

func TestOAuthURL(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	out := h.ok("credentials", "oauth-url", "shopify", "--user", "ops@northwind.example", "--field", "shopSubdomain=northwind-goods")
	assert.Regexp(t, `^`+h.srv.URL+`/oauth/shopify/authorize\?shopSubdomain=northwind-goods&state=[0-9a-f]+&userId=`+u.ID+`\n$`, out)

	// visiting the link grants: the credential appears
	resp, err := http.Get(strings.TrimSpace(out))
	require.NoError(t, err)
	resp.Body.Close()
	var creds []alloy.Credential
	h.jsonOut(&creds, "credentials", "list", "--user", u.ID)
	require.Len(t, creds, 1)
	assert.Equal(t, "shopify", creds[0].Type)

	var link map[string]string
	h.jsonOut(&link, "credentials", "oauth-url", "hubspot", "--user", u.ID)
	assert.True(t, strings.HasPrefix(link["url"], h.srv.URL+"/oauth/hubspot/authorize?"), link["url"])

	r := h.run("credentials", "oauth-url", "shopify", "--user", u.ID)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "Missing required field(s) for shopify: shopSubdomain (HTTP 422")
}

func TestIntegrationsAppsAndInstallURL(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	require.NoError(t, h.srv.InstallWorkflow(u.ID, paidOrderWorkflow))

	assert.Equal(t, ""+
		"ID                        APP          INSTALLED  WORKFLOWS  DESCRIPTION\n"+
		"6712ab34cd56ef7890a1b2c3  BigCommerce  yes        1          Sync paid orders into the ERP\n"+
		"6712ab34cd56ef7890a1b2c4  Shopify      no         2          Push new Shopify customers to HubSpot\n",
		h.ok("integrations", "list", "--user", u.ID))
	assert.Equal(t, ""+
		"ID           6712ab34cd56ef7890a1b2c3\n"+
		"App          BigCommerce\n"+
		"Description\n"+ // the 2025-09 get carries none (get-an-integration)
		"Installed    yes\n"+
		"Credentials  bigcommerce, netsuite\n"+
		"\n"+
		"WORKFLOW                  NAME               INSTALLED  ACTIVE  VERSION       STEPS\n"+
		"6712ab3acd56ef7890a1b2d9  Paid order to ERP  yes        yes     1 (latest 4)  bigcommerceTrigger > netsuite\n",
		h.ok("integrations", "get", bigcommerceIntegr, "--user", "ops@northwind.example"))
	var in alloy.Integration
	h.jsonOut(&in, "integrations", "get", bigcommerceIntegr, "--user", u.ID)
	assert.Equal(t, "BigCommerce", in.App)
	require.Len(t, in.Workflows, 1)
	assert.Len(t, in.Workflows[0].Steps, 2)

	r := h.run("integrations", "get", "nope", "--user", u.ID)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "(HTTP 404 Not Found")

	out := h.ok("integrations", "install-link", bigcommerceIntegr, "--user", u.ID)
	assert.Equal(t, h.srv.URL+"/embedded-install?integrationId="+bigcommerceIntegr+"&token=[REDACTED]\n", out, "the token only with --show-token")
	out = h.ok("integrations", "install-link", bigcommerceIntegr, "--user", u.ID, "--show-token")
	assert.Regexp(t, `^`+h.srv.URL+`/embedded-install\?integrationId=`+bigcommerceIntegr+`&token=eyJ\S+\n$`, out, "the URL carries a user token, as documented")

	assert.Equal(t, ""+
		"NAME         OAUTH  TYPES\n"+
		"shopify      yes    action, trigger\n"+
		"hubspot      yes    action, trigger\n"+
		"netsuite     no     action\n"+
		"bigcommerce  no     action, trigger\n",
		h.ok("apps", "list"))
	var apps []alloy.App
	h.jsonOut(&apps, "apps", "list")
	assert.Len(t, apps, 4)
	h.jsonOut(&apps, "apps", "list", "--api-version", "2023-12")
	assert.Len(t, apps, 4, "GET /apps on 2023-12")
}

func TestWorkflowsAndEvents(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	require.NoError(t, h.srv.InstallWorkflow(u.ID, paidOrderWorkflow))

	assert.Equal(t, ""+
		"ID                        NAME                             INSTALLED  ACTIVE  VERSION       INTEGRATION\n"+
		"6712ab3acd56ef7890a1b2d9  Paid order to ERP                yes        yes     1 (latest 4)  6712ab34cd56ef7890a1b2c3\n"+
		"6712ab3acd56ef7890a1b2da  New customer to HubSpot contact  no         no      2             6712ab34cd56ef7890a1b2c4\n"+
		"6712ab3acd56ef7890a1b2db  Order fulfilled to HubSpot note  no         no      1             6712ab34cd56ef7890a1b2c4\n",
		h.ok("workflows", "list", "--user", "ops@northwind.example"))

	assert.Equal(t, "Workflow Paid order to ERP is inactive for user ops@northwind.example.\n",
		h.ok("workflows", "deactivate", "--user", "ops@northwind.example", "--name", "Paid order to ERP", "--yes"))
	var wfs []alloy.Workflow
	h.jsonOut(&wfs, "workflows", "list", "--user", u.ID)
	assert.False(t, wfs[0].Active)

	var out map[string]any
	h.jsonOut(&out, "workflows", "activate", paidOrderWorkflow, "--user", u.ID)
	assert.Equal(t, map[string]any{"user": u.ID, "workflow": paidOrderWorkflow, "active": true}, out)
	h.jsonOut(&wfs, "workflows", "list", "--user", u.ID)
	assert.True(t, wfs[0].Active)

	r := h.run("workflows", "activate", newCustomerWorkflow, "--user", u.ID)
	assert.Equal(t, 1, r.code)
	assert.Regexp(t, `^alloy workflows activate: Workflow "New customer to HubSpot contact" is not installed for this user \(HTTP 404 Not Found, request id req_\d+\)\n$`, r.stderr)

	assert.Equal(t, ""+
		"NAME            DESCRIPTION\n"+
		"Invoice Paid    Fired by the host app when an invoice is settled\n"+
		"Account Closed  Fired when a tenant cancels\n",
		h.ok("events", "list"))

	assert.Equal(t, "Fired \"Invoice Paid\" for user ops@northwind.example: Event successfully triggered\n",
		h.ok("events", "run", "Invoice Paid", "--user", "ops@northwind.example", "--data", `{"invoiceId": "INV-1009", "amount": 129.50}`))
	var res alloy.RunResult
	require.Equal(t, 0, h.runStdin(`{"invoiceId": "INV-1010"}`, "events", "run", "Invoice Paid", "--user", u.ID, "--data", "-").code)
	h.jsonOut(&res, "events", "run", "Account Closed", "--user", u.ID)
	assert.Equal(t, "Event successfully triggered", res.Message)
	execs := h.srv.Executions(paidOrderWorkflow)
	require.Len(t, execs, 3)
	var bodies []string
	for _, req := range h.srv.Requests() {
		if req.Path == "/run/event" {
			bodies = append(bodies, string(req.Body))
		}
	}
	require.Len(t, bodies, 3)
	assert.Contains(t, bodies[0], `"data":{"amount":129.50,"invoiceId":"INV-1009"}`, "numbers are sent as written")
	assert.Contains(t, bodies[1], `"data":{"invoiceId":"INV-1010"}`)
	assert.Contains(t, bodies[2], `"data":{}`)

	r = h.run("events", "run", "Nope", "--user", u.ID)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, `Event "Nope" not found (HTTP 404 Not Found`)
}

func TestLogsStreamPageByPage(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	other := h.user("it@contoso.example", "")
	require.NoError(t, h.srv.InstallWorkflow(u.ID, paidOrderWorkflow))
	require.NoError(t, h.srv.InstallWorkflow(other.ID, paidOrderWorkflow))
	c := h.srv.Client()
	for i := range 5 {
		user := u.ID
		if i == 4 {
			user = other.ID
		}
		_, err := c.Events.Run(context.Background(), alloy.EventRunParams{Event: "Invoice Paid", UserID: user})
		require.NoError(t, err)
	}

	table := lines(h.ok("logs", "list"))
	require.Len(t, table, 6)
	assert.Equal(t, "CREATED               MESSAGE           WORKFLOW                  USER                      EXECUTION                 WORKFLOW NAME", table[0])
	assert.Regexp(t, `^\S+Z  executionSuccess  `+paidOrderWorkflow+`  `+other.ID+`  [0-9a-f]{24}  Paid order to ERP$`, table[1], "newest first")

	h.srv.ResetRequests()
	jsonl := lines(h.ok("logs", "list", "--limit", "2", "--max", "3", "--jsonl"))
	require.Len(t, jsonl, 3)
	var entry alloy.LogEntry // each line is Alloy's notification structure, which decodes back
	require.NoError(t, json.Unmarshal([]byte(jsonl[0]), &entry))
	assert.Equal(t, other.ID, entry.UserID)
	assert.Equal(t, paidOrderWorkflow, entry.ParentWorkflowID)
	assert.Equal(t, "Paid order to ERP", entry.ParentWorkflow.Name)
	assert.Len(t, entry.ExecutionID(), 24)
	again, err := json.Marshal(entry)
	require.NoError(t, err)
	assert.JSONEq(t, jsonl[0], string(again), "round-trips")
	var skips []string
	for _, req := range h.srv.Requests() {
		skips = append(skips, req.Path+"?"+req.Query)
	}
	assert.Equal(t, []string{
		"/logs?limit=2&sortBy=createdAt&sortOrder=desc",
		"/logs?limit=2&skip=2&sortBy=createdAt&sortOrder=desc",
	}, skips, "two pages for three entries, then no more requests")

	var all []alloy.LogEntry
	h.jsonOut(&all, "logs", "list", "--user", "ops@northwind.example", "--max", "0")
	assert.Len(t, all, 4)

	table = lines(h.ok("logs", "executions", paidOrderWorkflow, "--user", u.ID))
	require.Len(t, table, 5)
	assert.Equal(t, "EXECUTION              STARTED               STOPPED               FINISHED", table[0])
	assert.Regexp(t, `^\S{21}  \S+Z  \S+Z  yes$`, table[1])
	var execs []alloy.Execution
	h.jsonOut(&execs, "logs", "executions", paidOrderWorkflow, "--limit", "1")
	assert.Len(t, execs, 5)

	r := h.run("logs", "executions", "nope")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "Workflow not found (HTTP 404 Not Found")
	assert.Empty(t, r.stdout)
	var none []alloy.LogEntry
	h.jsonOut(&none, "logs", "list", "--user", "nobody")
	assert.Equal(t, []alloy.LogEntry{}, none)
	assert.Equal(t, "CREATED               MESSAGE           WORKFLOW                  USER                      EXECUTION                 WORKFLOW NAME\n",
		h.ok("logs", "list", "--user", "nobody"))
}

func TestAPIKeyAndJWTNeverPrintedEvenWhenEchoed(t *testing.T) {
	const key = "sk_live_0123456789abcdef"
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ4In0.c2lnbmF0dXJl"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req_echo")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"message": "key %s is not valid here; token %s"}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), jwt)
	}))
	t.Cleanup(echo.Close)
	h := newHarness(t)
	h.env = map[string]string{"ALLOY_BASE_URL": echo.URL, "ALLOY_PROD_API_KEY": key}

	for _, tc := range []struct {
		command string
		args    []string
	}{
		{"alloy users list", []string{"users", "list"}},
		{"alloy users list", []string{"users", "list", "--json"}},
		{"alloy tokens create", []string{"tokens", "create", "--user", "u", "--show-token"}},
		{"alloy apps list", []string{"apps", "list", "--api-key", key}},
	} {
		r := h.run(tc.args...)
		assert.Equal(t, 4, r.code, "a refused key: %v", tc.args)
		assert.Empty(t, r.stdout)
		assert.Equal(t, tc.command+": key [REDACTED] is not valid here; token [REDACTED JWT] (HTTP 401 Unauthorized, request id req_echo)\n"+
			tc.command+": the API refused the key: check ALLOY_API_KEY (or --api-key) and that --env and --base-url match it.\n", r.stderr)
	}
}

func TestNetworkErrorsExitOne(t *testing.T) {
	h := newHarness(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	h.env["ALLOY_BASE_URL"] = closed.URL
	r := h.run("users", "list", "--timeout", "300ms")
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.True(t, strings.HasPrefix(r.stderr, "alloy users list: network error: GET /users: "), r.stderr)
}

func TestAPIVersionsAndEnvironmentConfiguration(t *testing.T) {
	h := newHarness(t)
	h.user("ops@northwind.example", "Northwind")
	// the dev key is picked for the development environment
	h.env = map[string]string{"ALLOY_BASE_URL": h.srv.URL, "ALLOY_DEV_API_KEY": h.srv.APIKey, "ALLOY_ENVIRONMENT": "dev", "ALLOY_API_VERSION": "2024-03"}
	var users []alloy.User
	h.jsonOut(&users, "users", "list")
	require.Len(t, users, 1)
	h.jsonOut(&users, "users", "list", "--api-version", "2023-12")
	require.Len(t, users, 1)
	var paths []string
	for _, req := range h.srv.Requests() {
		paths = append(paths, req.Method+" "+req.Path)
	}
	assert.Equal(t, []string{"POST /users", "GET /2024-03/users", "GET /2023-12/users"}, paths)

	// flags override the environment
	h.env = map[string]string{"ALLOY_BASE_URL": "https://example.invalid", "ALLOY_API_KEY": "wrong"}
	h.jsonOut(&users, "users", "list", "--base-url", h.srv.URL, "--api-key", h.srv.APIKey)
	require.Len(t, users, 1)
}
