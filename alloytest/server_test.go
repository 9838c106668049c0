package alloytest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// raw sends a request without the SDK and returns the status and body.
func raw(t *testing.T, srv *alloytest.Server, method, path, auth, version, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if version != "" {
		req.Header.Set("X-Api-Version", version)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// newServer is alloytest.New: closed with the test, its clients retrying
// in milliseconds.
func newServer(t *testing.T, opts ...alloytest.Option) *alloytest.Server {
	t.Helper()
	return alloytest.New(t, opts...)
}

func TestUserLifecycleInBothVersionStyles(t *testing.T) {
	for _, version := range []string{"2025-09", "2024-03", "2023-12"} {
		t.Run(version, func(t *testing.T) {
			srv := newServer(t)
			c := srv.Client(alloy.WithAPIVersion(version))
			ctx := context.Background()

			u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example", FullName: "Northwind"})
			require.NoError(t, err)
			assert.Len(t, u.ID, 24, "an ObjectId-shaped id")

			got, err := c.Users.Get(ctx, u.ID)
			require.NoError(t, err)
			assert.Equal(t, u, got)
			byName, err := c.Users.Get(ctx, "ops@northwind.example")
			require.NoError(t, err, "a username works wherever an id does")
			assert.Equal(t, u.ID, byName.ID)

			updated, err := c.Users.Update(ctx, u.ID, alloy.UserUpdateParams{FullName: alloy.Ptr("Northwind LLC")})
			require.NoError(t, err)
			assert.Equal(t, &alloy.User{ID: u.ID, Username: "ops@northwind.example", FullName: "Northwind LLC"}, updated)

			_, err = c.Users.CreateBatch(ctx, []alloy.UserCreateParams{{Username: "b1"}, {Username: "b2", FullName: "B2"}})
			require.NoError(t, err)
			list, err := c.Users.List(ctx, nil)
			require.NoError(t, err)
			require.Len(t, list, 3)
			assert.Equal(t, []string{"ops@northwind.example", "b1", "b2"}, []string{list[0].Username, list[1].Username, list[2].Username})
			assert.Equal(t, list, srv.Users())

			require.NoError(t, c.Users.DeleteLogs(ctx, u.ID))
			require.NoError(t, c.Users.Delete(ctx, u.ID))
			_, err = c.Users.Get(ctx, u.ID)
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			assert.ErrorIs(t, c.Users.Delete(ctx, u.ID), alloy.ErrNotFound)
			assert.ErrorIs(t, c.Users.DeleteLogs(ctx, u.ID), alloy.ErrNotFound)
			assert.Len(t, srv.Users(), 2)
		})
	}
}

func TestErrorsAreAlloyShaped(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(alloy.WithMaxRetries(0))
	ctx := context.Background()
	_, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "dup"})
	require.NoError(t, err)

	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "dup"})
	var apiErr *alloy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, alloy.ErrConflict)
	assert.Equal(t, `A user with username "dup" already exists`, apiErr.Message)
	assert.True(t, strings.HasPrefix(apiErr.RequestID, "req_"))

	// A batch creates its valid users and lists the others (batch-create-users).
	res, err := c.Users.CreateBatch(ctx, []alloy.UserCreateParams{{Username: "new"}, {Username: "dup", FullName: "Dup"}})
	require.NoError(t, err)
	assert.Equal(t, &alloy.BatchResult{Message: "success", InvalidUsers: []alloy.InvalidUser{{Username: "dup", FullName: "Dup"}}}, res)
	assert.Len(t, srv.Users(), 2, "the valid user was created")
	res, err = c.Users.CreateBatch(ctx, []alloy.UserCreateParams{{Username: "x"}, {Username: "x"}})
	require.NoError(t, err)
	assert.Equal(t, []alloy.InvalidUser{{Username: "x"}}, res.InvalidUsers, "a username repeated in the batch")
	assert.Len(t, srv.Users(), 3)
	// No valid user: 400, nobody created.
	_, err = c.Users.CreateBatch(ctx, []alloy.UserCreateParams{{Username: "dup"}, {Username: "new"}})
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, alloy.ErrBadRequest)
	assert.Equal(t, "No valid users provided", apiErr.Message)
	assert.Len(t, srv.Users(), 3)

	other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "other"})
	require.NoError(t, err)
	_, err = c.Users.Update(ctx, other.ID, alloy.UserUpdateParams{Username: alloy.Ptr("dup")})
	assert.ErrorIs(t, err, alloy.ErrConflict)
	_, err = c.Users.Update(ctx, "nobody", alloy.UserUpdateParams{FullName: alloy.Ptr("x")})
	assert.ErrorIs(t, err, alloy.ErrNotFound)
	_, err = c.Tokens.Create(ctx, "nobody")
	assert.ErrorIs(t, err, alloy.ErrNotFound)

	wrong, err := alloy.NewClient("wrong-key", alloy.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = wrong.Users.List(ctx, nil)
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, alloy.ErrUnauthorized)
	assert.Equal(t, "Unauthorized", apiErr.Message)
}

func TestTokensAreJWTsWithExp(t *testing.T) {
	srv := newServer(t, alloytest.WithTokenTTL(10*time.Minute))
	c := srv.Client()
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "t"})
	require.NoError(t, err)
	before := time.Now()
	tok, err := c.Tokens.Create(ctx, u.ID)
	require.NoError(t, err)
	assert.WithinDuration(t, before.Add(10*time.Minute), tok.ExpiresAt, 2*time.Second)

	parts := strings.Split(tok.Token, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	assert.Equal(t, u.ID, claims["userId"])

	tok2, err := c.Tokens.Create(ctx, "t")
	require.NoError(t, err)
	assert.NotEqual(t, tok.Token, tok2.Token, "every mint is a new token")
}

func TestListByWorkflow(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := context.Background()
	a, _ := c.Users.Create(ctx, alloy.UserCreateParams{Username: "a"})
	_, _ = c.Users.Create(ctx, alloy.UserCreateParams{Username: "b"})
	require.NoError(t, srv.InstallWorkflow("a", "wf-1"))
	assert.Error(t, srv.InstallWorkflow("nobody", "wf-1"))
	assert.Error(t, srv.InstallWorkflow("a", ""))

	wu, err := c.Users.ListByWorkflow(ctx, "wf-1")
	require.NoError(t, err)
	require.Len(t, wu, 1)
	assert.Equal(t, a.ID, wu[0].ID)
	assert.True(t, wu[0].WorkflowActive)
	assert.Equal(t, 1, *wu[0].InstalledVersion)
	assert.WithinDuration(t, time.Now(), wu[0].InstalledAt.Time, 5*time.Second)

	list, err := c.Users.List(ctx, &alloy.UserListParams{ParentWorkflowID: "wf-1"})
	require.NoError(t, err)
	assert.Equal(t, []alloy.User{*a}, list)
	none, err := c.Users.ListByWorkflow(ctx, "wf-unknown")
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestEscapedIDsStayOneSegment(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := context.Background()
	for _, name := range []string{"../x?y", "a/b", "x#y", "%2e%2e", "ünï code"} {
		u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: name})
		require.NoError(t, err)
		got, err := c.Users.Get(ctx, name)
		require.NoError(t, err, name)
		assert.Equal(t, u.ID, got.ID, name)
	}
}

func TestRawHTTPBehaviour(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	assert.Equal(t, "k", srv.APIKey)
	cases := []struct {
		name, method, path, auth, version, body string
		status                                  int
		contains                                string
	}{
		{"no auth", "GET", "/users", "", "", "", 401, `{"message":"Unauthorized"}`},
		{"wrong scheme", "GET", "/users", "Basic k", "", "", 401, "Unauthorized"},
		{"lowercase bearer", "GET", "/users", "bearer k", "", "", 200, `{"data":[]}`},
		{"path version", "GET", "/2024-03/users", "Bearer k", "", "", 200, `"data"`},
		{"trailing slash", "POST", "/users/", "Bearer k", "2025-09", `{"username":"s"}`, 200, `"userId"`},
		{"bad version header", "GET", "/users", "Bearer k", "latest", "", 400, "x-api-version"},
		{"unknown route", "GET", "/nope", "Bearer k", "", "", 404, "Route not found"},
		{"wrong method", "PATCH", "/users/x", "Bearer k", "", "", 405, "Method not allowed"},
		{"bad json", "POST", "/users", "Bearer k", "", `{"username":`, 400, "request body is not valid JSON"},
		{"missing username", "POST", "/users", "Bearer k", "", `{"fullName":"x"}`, 400, `at /username: property \"username\" is missing`},
		{"empty batch", "POST", "/users/batch", "Bearer k", "", `{"users":[]}`, 400, "between 1 and 1000"},
		{"batch without a valid user", "POST", "/users/batch", "Bearer k", "", `{"users":[{}]}`, 400, `{"message":"No valid users provided"}`},
		{"batch, partly valid", "POST", "/users/batch", "Bearer k", "", `{"users":[{"fullName":"Missing Username"},{"username":"b1"}]}`, 200,
			`{"invalidUsers":[{"fullName":"Missing Username"}],"message":"success"}`},
		{"update to empty username", "PUT", "/users/s", "Bearer k", "", `{"username":""}`, 400, "cannot be empty"},
		{"huge body", "POST", "/users", "Bearer k", "", `{"username":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "too large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := raw(t, srv, tc.method, tc.path, tc.auth, tc.version, tc.body)
			assert.Equal(t, tc.status, status, body)
			assert.Contains(t, body, tc.contains)
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "user-" + string(rune('A'+i))})
			if err != nil {
				errs <- err
				return
			}
			if _, err := c.Tokens.Create(ctx, u.ID); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Len(t, srv.Users(), 32)
}

// TestConcurrentUpdatesTokensAndDeletes mixes writes and reads of the same
// users so that -race sees every handler's locking.
func TestConcurrentUpdatesTokensAndDeletes(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(alloy.WithMaxRetries(0))
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "shared"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(4)
		go func() {
			defer wg.Done()
			_, _ = c.Users.Update(ctx, u.ID, alloy.UserUpdateParams{Username: alloy.Ptr("shared-" + strings.Repeat("x", i))})
		}()
		go func() { defer wg.Done(); _, _ = c.Tokens.Create(ctx, u.ID) }()
		go func() { defer wg.Done(); _, _ = c.Integrations.GetInstallLink(ctx, u.ID, "6712ab34cd56ef7890a1b2c3") }()
		go func() {
			defer wg.Done()
			cred, err := c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "bigcommerce", Data: map[string]any{"storeHash": "h", "accessToken": "a"}})
			if err == nil {
				_, _ = c.Credentials.List(ctx, u.ID)
				_ = c.Credentials.Delete(ctx, u.ID, cred.ID)
			}
		}()
	}
	wg.Wait()
	creds, err := c.Credentials.List(ctx, u.ID)
	require.NoError(t, err)
	assert.Empty(t, creds, "every credential created was deleted")
}

func TestStartReportsListenErrors(t *testing.T) {
	srv := newServer(t)
	addr := strings.TrimPrefix(srv.URL, "http://")
	_, err := alloytest.Start(alloytest.WithAddr(addr))
	require.Error(t, err, "the port is taken")
	assert.NotErrorIs(t, err, alloy.ErrInvalidArgument, "a good value, on a port in use")
	assert.PanicsWithError(t, "alloytest: "+err.Error(), func() { alloytest.NewServer(alloytest.WithAddr(addr)) })
	assert.Panics(t, func() { srv.Client(alloy.WithAPIVersion("bogus")) })
}

func TestShutdown(t *testing.T) {
	srv := alloytest.NewServer()
	require.NoError(t, srv.Shutdown(context.Background()))
	_, err := srv.Client(alloy.WithMaxRetries(0)).Users.List(context.Background(), nil)
	var te *alloy.TransportError
	assert.True(t, errors.As(err, &te), "%v", err)
}

// TestOddInputNeverFails sends malformed and mistyped input to every
// route with a body or parameters: each must answer a 4xx or 2xx, never a
// 5xx or a dropped connection (a handler panic).
func TestOddInputNeverFails(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	c := srv.Client()
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "u"})
	require.NoError(t, err)
	require.NoError(t, srv.InstallWorkflow(u.ID, "6712ab3acd56ef7890a1b2d9"))
	_, err = c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "bigcommerce", Data: map[string]any{"storeHash": "h", "accessToken": "a"}})
	require.NoError(t, err)
	_, err = c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "netsuite", Data: netsuiteData})
	require.NoError(t, err)
	form, err := c.Installations.Start(ctx, alloy.InstallationStartParams{UserID: u.ID, IntegrationID: "6712ab34cd56ef7890a1b2c3"})
	require.NoError(t, err)

	bodies := []string{"", "null", "[]", "7", `"x"`, "{}", `{"userId":5}`, `{"userId":"u","workflowId":["x"]}`,
		`{"userId":"u","workflowName":"Paid order to ERP","data":{"a":[1,{"b":null}]}}`,
		`{"installationId":"` + form.InstallationID + `","data":[null,{"workflowId":7},{"fields":[null,{"name":"subsidiary","value":[1]}]}]}`,
		`{"installationId":"` + form.InstallationID + `","data":[{"workflowId":"6712ab3acd56ef7890a1b2d9","blockId":"5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","fields":[{"name":"syncMode","value":{"x":1}},{"name":"subsidiary","value":true}]}]}`,
		`{"credentialId":{},"pathParams":{"contactId":[1]},"requestBody":[1,2]}`, `{"method":"GET","path":"/x","body":"null","extraHeaders":"null","query":{}}`,
		`{"event":"Invoice Paid","userId":"u","data":{}}`, `{"authenticationType":"apiKey","userId":"u","data":{"k":[]}}`,
	}
	routes := []struct{ method, path string }{
		{"PUT", "/workflows/activate"}, {"PUT", "/workflows/deactivate"}, {"POST", "/run/workflow"}, {"POST", "/run/event"},
		{"POST", "/headless/startInstallation"}, {"POST", "/headless/completeInstallation"}, {"POST", "/headless/editInstallation"},
		{"POST", "/passthrough?credentialId=x"}, {"POST", "/connectors/hubspot/actions/contacts_get/execute"},
		{"POST", "/connectors/hubspot/credentials"}, {"POST", "/workflows/6712ab3acd56ef7890a1b2d9/rerun/x?userId=u"},
		{"GET", "/logs?filters=%5Bnull%2C7%2C%7B%22columns%22%3A%7B%22value%22%3A7%7D%7D%5D"},
		{"GET", "/logs?filters=%5B%7B%22columns%22%3A%7B%22value%22%3A%22message%22%7D%2C%22operators%22%3A%7B%22value%22%3A%22equals%22%7D%7D%5D&sortBy=userId&sortOrder=asc"},
		{"GET", "/workflows/6712ab3acd56ef7890a1b2d9/logs?page=-1&limit=%20"}, {"GET", "/workflows/%20/versions"},
		{"PUT", "/users/%20/deactivate-workflows"}, {"GET", "/connectors/%2F/credentials"},
	}
	for _, rt := range routes {
		for _, b := range bodies {
			status, body := raw(t, srv, rt.method, rt.path, "Bearer k", "2025-09", b)
			assert.True(t, status < 500, "%s %s %s: %d %s", rt.method, rt.path, b, status, body)
			assert.Contains(t, body, "{", "%s %s %s: a JSON answer", rt.method, rt.path, b)
		}
	}
}

func TestStartListensOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "127.0.0.2:0", "127.255.255.254:0", "localhost:0", "LocalHost:0", "[::1]:0", "[::ffff:127.0.0.1]:0"} {
		t.Run("accepts "+addr, func(t *testing.T) {
			var logs strings.Builder
			srv, err := alloytest.Start(alloytest.WithAddr(addr), alloytest.WithLogger(log.New(&logs, "", 0)))
			require.NoError(t, err)
			defer srv.Close()
			_, err = srv.Client().Users.List(context.Background(), nil)
			require.NoError(t, err)
			assert.Empty(t, logs.String(), "no warning on loopback")
		})
	}
	notLoopback := ": " + alloytest.ErrNotLoopback.Error()
	const invalid = "alloy: alloytest.Start: invalid argument: "
	for addr, want := range map[string]string{
		":0":                      `an empty host listens on every interface` + notLoopback,
		":8080":                   `an empty host listens on every interface` + notLoopback,
		"0.0.0.0:0":               `"0.0.0.0" is not a loopback host` + notLoopback,
		"[::]:0":                  `"::" is not a loopback host` + notLoopback,
		"192.0.2.2:0":             `"192.0.2.2" is not a loopback host` + notLoopback,
		"[fd00::2]:0":             `"fd00::2" is not a loopback host` + notLoopback,
		"example.com:0":           `"example.com" is not a loopback host` + notLoopback,
		"localhost.localdomain:0": `"localhost.localdomain" is not a loopback host` + notLoopback,
		"ip6-localhost:0":         `"ip6-localhost" is not a loopback host` + notLoopback,
	} {
		t.Run("refuses "+addr, func(t *testing.T) {
			srv, err := alloytest.Start(alloytest.WithAddr(addr))
			if srv != nil {
				srv.Close()
			}
			require.Error(t, err)
			assert.Equal(t, fmt.Sprintf(invalid+"listen on %q: %s", addr, want), err.Error())
			assert.ErrorIs(t, err, alloytest.ErrNotLoopback)
			assert.ErrorIs(t, err, alloy.ErrInvalidArgument, "a bad value of WithAddr")
			assert.PanicsWithError(t, err.Error(), func() { alloytest.NewServer(alloytest.WithAddr(addr)) },
				"NewServer panics with Start's error")
		})
	}
}

func TestWithAllowRemoteWarns(t *testing.T) {
	// net.Listen binds "0.0.0.0" as "[::]" (dual stack) where IPv6 is on.
	for _, addr := range []string{"0.0.0.0:0", ":0"} {
		t.Run(addr, func(t *testing.T) {
			var logs strings.Builder
			srv, err := alloytest.Start(alloytest.WithAddr(addr), alloytest.WithAllowRemote(), alloytest.WithLogger(log.New(&logs, "", 0)))
			require.NoError(t, err)
			defer srv.Close()
			assert.Regexp(t, `^http://(\[::1\]|127\.0\.0\.1):\d+$`, srv.URL, "reached from this machine on loopback")
			assert.Regexp(t, `^warning: the fake Alloy API \(alloytest\) listens on (0\.0\.0\.0|\[::\]):\d+, beyond loopback: anyone who can reach it can use it\n$`, logs.String())
			assert.NotContains(t, logs.String(), srv.APIKey)
			_, err = srv.Client().Users.List(context.Background(), nil)
			require.NoError(t, err)
		})
	}
	var logs strings.Builder
	srv, err := alloytest.Start(alloytest.WithAllowRemote(), alloytest.WithLogger(log.New(&logs, "", 0)))
	require.NoError(t, err)
	srv.Close()
	assert.Empty(t, logs.String(), "allowed, yet on loopback: nothing to warn about")
}
