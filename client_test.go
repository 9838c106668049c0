package alloy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientDefaults(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey)
	require.NoError(t, err)
	assert.Equal(t, Production, c.Environment())
	assert.Equal(t, "2025-09", c.APIVersion())
	assert.Equal(t, RegionUS, c.Region())
	assert.Equal(t, "https://production.runalloy.com", c.BaseURL())
	assert.Equal(t, DefaultMaxRetries, c.cfg.maxRetries)
	assert.Equal(t, DefaultTimeout, c.cfg.timeout)
	assert.EqualValues(t, 32<<20, c.cfg.maxResponseBytes)
}

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []Option
		want string
	}{
		{"2025-09 default host", nil, "https://production.runalloy.com"},
		{"later header version", []Option{WithAPIVersion("2026-03")}, "https://production.runalloy.com"},
		{"2024-03 us", []Option{WithAPIVersion("2024-03")}, "https://embedded.runalloy.com/2024-03"},
		{"2023-12 us", []Option{WithAPIVersion("2023-12")}, "https://embedded.runalloy.com/2023-12"},
		{"2024-03 eu", []Option{WithAPIVersion("2024-03"), WithRegion(RegionEU)}, "https://eu-embedded.runalloy.com/2024-03"},
		{"base URL header version", []Option{WithBaseURL("https://proxy.example/alloy/")}, "https://proxy.example/alloy"},
		{"base URL path version", []Option{WithBaseURL("https://proxy.example"), WithAPIVersion("2024-03")}, "https://proxy.example/2024-03"},
		{"base URL overrides eu", []Option{WithBaseURL("https://proxy.example"), WithRegion(RegionEU)}, "https://proxy.example"},
		{"loopback http", []Option{WithBaseURL("http://127.0.0.1:8080")}, "http://127.0.0.1:8080"},
		{"localhost http", []Option{WithBaseURL("http://localhost:8080")}, "http://localhost:8080"},
		{"ipv6 loopback http", []Option{WithBaseURL("http://[::1]:8080")}, "http://[::1]:8080"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(testKey, tc.opts...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.BaseURL())
		})
	}
}

func TestNewClientRejectsBadConfiguration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		key  string
		opts []Option
		msg  string
	}{
		{"empty key", "", nil, "API key is empty"},
		{"blank key", "  ", nil, "API key is empty"},
		{"key with newline", "abc\r\nX-Evil: 1", nil, "control character"},
		{"bad version", testKey, []Option{WithAPIVersion("v2")}, "YYYY-MM"},
		{"bad month", testKey, []Option{WithAPIVersion("2024-13")}, "YYYY-MM"},
		{"eu with header version", testKey, []Option{WithRegion(RegionEU)}, "region eu"},
		{"unknown region", testKey, []Option{WithRegion("ap")}, "region"},
		{"unknown environment", testKey, []Option{WithEnvironment("staging")}, "environment"},
		{"plain http remote", testKey, []Option{WithBaseURL("http://alloy.example.com")}, "clear text"},
		{"relative base URL", testKey, []Option{WithBaseURL("/users")}, "absolute"},
		{"ftp base URL", testKey, []Option{WithBaseURL("ftp://x.example")}, "absolute"},
		{"base URL with query", testKey, []Option{WithBaseURL("https://x.example/?a=1")}, "query"},
		{"base URL with userinfo", testKey, []Option{WithBaseURL("https://u:p@x.example")}, "credentials"},
		{"base URL unparsable", testKey, []Option{WithBaseURL("https://x.example/%zz")}, "parse"},
		{"nil http client", testKey, []Option{WithHTTPClient(nil)}, "nil"},
		{"negative retries", testKey, []Option{WithMaxRetries(-1)}, "negative"},
		{"inverted wait", testKey, []Option{WithRetryWait(time.Second, time.Millisecond)}, "range"},
		{"negative timeout", testKey, []Option{WithTimeout(-time.Second)}, "negative"},
		{"zero body cap", testKey, []Option{WithMaxResponseBytes(0)}, "positive"},
		{"user agent with newline", testKey, []Option{WithUserAgent("a\nb")}, "control"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.key, tc.opts...)
			assert.Nil(t, c)
			require.ErrorIs(t, err, ErrInvalidArgument)
			assert.Contains(t, err.Error(), tc.msg)
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}

func TestNewClientIgnoresNilOption(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey, nil, WithMaxRetries(1))
	require.NoError(t, err)
	assert.Equal(t, 1, c.cfg.maxRetries)
}

func TestNewClientFromEnv(t *testing.T) {
	clear := func(t *testing.T) {
		for _, k := range []string{"ALLOY_API_KEY", "ALLOY_DEV_API_KEY", "ALLOY_PROD_API_KEY", "ALLOY_ENVIRONMENT", "ALLOY_API_VERSION", "ALLOY_REGION", "ALLOY_BASE_URL"} {
			t.Setenv(k, "")
		}
	}
	t.Run("everything from env", func(t *testing.T) {
		clear(t)
		t.Setenv("ALLOY_API_KEY", "k1")
		t.Setenv("ALLOY_ENVIRONMENT", "Development")
		t.Setenv("ALLOY_API_VERSION", "2024-03")
		t.Setenv("ALLOY_REGION", "EU")
		c, err := NewClientFromEnv()
		require.NoError(t, err)
		assert.Equal(t, "k1", c.cfg.apiKey)
		assert.Equal(t, Development, c.Environment())
		assert.Equal(t, "https://eu-embedded.runalloy.com/2024-03", c.BaseURL())
	})
	t.Run("dev key chosen by environment", func(t *testing.T) {
		clear(t)
		t.Setenv("ALLOY_DEV_API_KEY", "dev")
		t.Setenv("ALLOY_PROD_API_KEY", "prod")
		t.Setenv("ALLOY_ENVIRONMENT", "dev")
		c, err := NewClientFromEnv()
		require.NoError(t, err)
		assert.Equal(t, "dev", c.cfg.apiKey)
	})
	t.Run("prod key by default", func(t *testing.T) {
		clear(t)
		t.Setenv("ALLOY_DEV_API_KEY", "dev")
		t.Setenv("ALLOY_PROD_API_KEY", "prod")
		c, err := NewClientFromEnv()
		require.NoError(t, err)
		assert.Equal(t, "prod", c.cfg.apiKey)
		assert.Equal(t, Production, c.Environment())
	})
	t.Run("option overrides env and picks the key", func(t *testing.T) {
		clear(t)
		t.Setenv("ALLOY_DEV_API_KEY", "dev")
		t.Setenv("ALLOY_ENVIRONMENT", "production")
		t.Setenv("ALLOY_BASE_URL", "http://127.0.0.1:1")
		c, err := NewClientFromEnv(WithEnvironment(Development), WithAPIVersion("2023-12"))
		require.NoError(t, err)
		assert.Equal(t, "dev", c.cfg.apiKey)
		assert.Equal(t, "http://127.0.0.1:1/2023-12", c.BaseURL())
	})
	t.Run("no key", func(t *testing.T) {
		clear(t)
		t.Setenv("ALLOY_ENVIRONMENT", "development")
		_, err := NewClientFromEnv()
		require.ErrorIs(t, err, ErrInvalidArgument)
		assert.Contains(t, err.Error(), "ALLOY_DEV_API_KEY")
	})
	t.Run("bad env value", func(t *testing.T) {
		clear(t)
		t.Setenv("ALLOY_API_KEY", "k")
		t.Setenv("ALLOY_ENVIRONMENT", "staging")
		_, err := NewClientFromEnv()
		require.ErrorIs(t, err, ErrInvalidArgument)
	})
}

func TestUserAgentAndExtraHeaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithUserAgent("acme-backend/1.2"))
	h.on("GET", testRoot+"/users/u1", jsonResp(200, `{"userId":"u1"}`))
	_, err := h.c.Users.Get(context.Background(), "u1", WithHeader("X-Trace", "t-1"))
	require.NoError(t, err)
	r := h.only()
	want := fmt.Sprintf("alloy-go/%s (%s/%s; %s) acme-backend/1.2", Version, runtime.GOOS, runtime.GOARCH, runtime.Version())
	assert.Equal(t, want, r.Header.Get("User-Agent"))
	assert.Equal(t, "t-1", r.Header.Get("X-Trace"))
	// the per-call header must not leak into the client's shared headers
	_, hasTrace := h.c.cfg.header["X-Trace"]
	assert.False(t, hasTrace)
}

func TestCallOptionsCannotReplaceOwnHeaders(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Authorization", "x-api-version", "User-Agent", "accept", "Content-Type"} {
		h := newHarness(t)
		_, err := h.c.Users.Get(context.Background(), "u1", WithHeader(name, "x"))
		require.ErrorIs(t, err, ErrInvalidArgument, name)
		assert.Zero(t, h.mt.GetTotalCallCount())
	}
	h := newHarness(t)
	_, err := h.c.Users.Get(context.Background(), "u1", WithHeader("X-Ok", "a\r\nb"))
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Zero(t, h.mt.GetTotalCallCount())
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"../x?y":           "/users/..%2Fx%3Fy",
		"a/b":              "/users/a%2Fb",
		"ops@example.com":  "/users/ops@example.com",
		"with space#frag":  "/users/with%20space%23frag",
		"%2e%2e":           "/users/%252e%252e",
		"ünïcode":          "/users/%C3%BCn%C3%AFcode",
		"65f1c2a9d4e8b71a": "/users/65f1c2a9d4e8b71a",
	}
	for id, wantPath := range cases {
		t.Run(id, func(t *testing.T) {
			h := newHarness(t)
			h.on("GET", testRoot+wantPath, jsonResp(200, `{"userId":"x"}`))
			_, err := h.c.Users.Get(context.Background(), id)
			require.NoError(t, err)
			r := h.only()
			assert.Equal(t, testRoot+wantPath, r.URL)
		})
	}
}

func TestBadIDsAreRejectedWithoutSending(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", " ", ".", "..", "a\nb", "a\rb", "a\x00b", "a\x7fb", "\t"} {
		h := newHarness(t)
		_, err := h.c.Users.Get(context.Background(), id)
		require.ErrorIs(t, err, ErrInvalidArgument, "%q", id)
		assert.Contains(t, err.Error(), "userId")
		assert.Zero(t, h.mt.GetTotalCallCount(), "%q", id)
	}
}

func TestNilContextIsInvalidArgument(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var ctx context.Context
	_, err := h.c.Users.Get(ctx, "u1")
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Zero(t, h.mt.GetTotalCallCount())
}

func TestResponseBodyCap(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithMaxResponseBytes(64))
	h.on("GET", testRoot+"/users", jsonResp(200, `{"data":[`+strings.Repeat(`{"userId":"u"},`, 20)+`{}]}`))
	users, err := h.c.Users.List(context.Background(), nil)
	assert.Nil(t, users)
	require.ErrorIs(t, err, ErrResponseTooLarge)
	assert.Contains(t, err.Error(), "limit 64 bytes")

	// a body exactly at the cap is fine
	body := `{"userId":"` + strings.Repeat("a", 64-len(`{"userId":""}`)) + `"}`
	require.Len(t, body, 64)
	h2 := newHarness(t, WithMaxResponseBytes(64))
	h2.on("GET", testRoot+"/users/u", jsonResp(200, body))
	u, err := h2.c.Users.Get(context.Background(), "u")
	require.NoError(t, err)
	assert.Len(t, u.ID, 64-len(`{"userId":""}`))
}

func TestLenientDecoding(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/users/empty", jsonResp(200, ""))
	h.on("GET", testRoot+"/users/bad", jsonResp(200, "<html>oops</html>"))
	h.on("DELETE", testRoot+"/users/u1", jsonResp(200, "not json at all"))
	u, err := h.c.Users.Get(context.Background(), "empty")
	assert.Nil(t, u)
	assert.ErrorContains(t, err, "Users.Get: response has no userId", "an empty 200 is not a user")
	_, err = h.c.Users.Get(context.Background(), "bad")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "GET /users/{userId}: decode response")
	assert.NoError(t, h.c.Users.Delete(context.Background(), "u1"), "a body nobody reads is not decoded")
}

func TestClientNeverPrintsAPIKey(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey, WithBaseURL("https://x.example"))
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out := fmt.Sprintf(verb, c)
		assert.NotContains(t, out, testKey, verb)
		assert.NotContains(t, out, "SECRET", verb)
	}
	assert.Equal(t, "alloy.Client{environment: production, version: 2025-09, baseURL: https://x.example}", fmt.Sprint(c))

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})).Info("client", "c", c)
	assert.NotContains(t, buf.String(), "SECRET")
	assert.Contains(t, buf.String(), `"base_url":"https://x.example"`)
}

func TestTimeoutBoundsTheWholeCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithTimeout(50*time.Millisecond))
	var deadline time.Time
	h.on("GET", testRoot+"/users/u1", func(r *http.Request) (*http.Response, error) {
		deadline, _ = r.Context().Deadline()
		return jsonResp(200, `{"userId":"u1"}`)(r)
	})
	start := time.Now()
	_, err := h.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	require.False(t, deadline.IsZero(), "the call carries a deadline")
	assert.WithinDuration(t, start.Add(50*time.Millisecond), deadline, 40*time.Millisecond)

	// no timeout: no deadline is added
	h2 := newHarness(t, WithTimeout(0))
	hasDeadline := true
	h2.on("GET", testRoot+"/users/u1", func(r *http.Request) (*http.Response, error) {
		_, hasDeadline = r.Context().Deadline()
		return jsonResp(200, `{"userId":"u1"}`)(r)
	})
	_, err = h2.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.False(t, hasDeadline)

	// retries stop at the timeout: a backoff that would outlive it is not started
	h3 := newHarness(t, WithTimeout(50*time.Millisecond))
	h3.on("GET", testRoot+"/users/u1", jsonResp(503, `{}`))
	_, err = h3.c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Empty(t, h3.waits)
}

func TestCallerHTTPClientIsUsedAndNotModified(t *testing.T) {
	t.Parallel()
	h := newHarness(t) // for its recording mock transport
	var redirects int
	hc := &http.Client{
		Transport:     h.mt,
		CheckRedirect: func(*http.Request, []*http.Request) error { redirects++; return http.ErrUseLastResponse },
		Timeout:       time.Minute,
	}
	c, err := NewClient(testKey, WithBaseURL(testRoot), WithHTTPClient(hc))
	require.NoError(t, err)
	h.on("GET", testRoot+"/users/u1", func(r *http.Request) (*http.Response, error) {
		out, _ := jsonResp(302, `{}`)(r)
		out.Header.Set("Location", testRoot+"/users/u2") // same origin: the caller's policy decides
		return out, nil
	})
	_, err = c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr, "the caller's redirect policy applied: the 302 is returned, not followed")
	assert.Equal(t, 302, apiErr.StatusCode)
	assert.Equal(t, 1, redirects)
	assert.Equal(t, 1, h.mt.GetTotalCallCount(), "sent through the caller's transport")
	assert.Same(t, h.mt, hc.Transport, "the caller's client is not modified")
	assert.Equal(t, time.Minute, hc.Timeout)
}

func TestEchoedAPIKeyIsRedactedFromErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/users/u1", jsonResp(401, `{"message":"Invalid key Bearer `+testKey+`","key":"`+testKey+`"}`))
	_, err := h.c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Invalid key Bearer [REDACTED]", apiErr.Message)
	assert.JSONEq(t, `{"message":"Invalid key Bearer [REDACTED]","key":"[REDACTED]"}`, string(apiErr.Body))
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, err, apiErr), testKey)
}

func TestLargeErrorBodyStillGivesTheError(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithMaxResponseBytes(1024), WithMaxRetries(0))
	h.on("GET", testRoot+"/users/u1", jsonResp(502, "<html>"+strings.Repeat("x", 200<<10)+"</html>"))
	_, err := h.c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr, "a 5xx page larger than the cap is still a 5xx")
	assert.ErrorIs(t, err, ErrServer)
	assert.NotErrorIs(t, err, ErrResponseTooLarge)
	assert.Len(t, apiErr.Body, maxErrorBody)
}

func TestInvalidHeaderNamesAreRejected(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"bad key", "", "x:y", "ü"} {
		h := newHarness(t)
		_, err := h.c.Users.Get(context.Background(), "u1", WithHeader(name, "v"))
		require.ErrorIs(t, err, ErrInvalidArgument, "%q", name)
		assert.Zero(t, h.mt.GetTotalCallCount())
	}
}

func TestNewClientFromEnvHintsAtTheDevKey(t *testing.T) {
	for _, k := range []string{"ALLOY_API_KEY", "ALLOY_PROD_API_KEY", "ALLOY_ENVIRONMENT", "ALLOY_API_VERSION", "ALLOY_REGION", "ALLOY_BASE_URL"} {
		t.Setenv(k, "")
	}
	t.Setenv("ALLOY_DEV_API_KEY", "dev")
	_, err := NewClientFromEnv()
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "ALLOY_ENVIRONMENT=development")
	assert.NotContains(t, err.Error(), "dev\"")
}

func TestBaseURLErrorsNeverEchoAPassword(t *testing.T) {
	t.Parallel()
	_, err := NewClient(testKey, WithBaseURL("ftp://user:hunter2@x.example"))
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.NotContains(t, err.Error(), "hunter2")
}

func TestErrorsNeverCarryAPIKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/users/u401", jsonResp(401, readFixture(t, "error_401.json")))
	_, err := h.c.Users.Get(context.Background(), "u401")
	require.ErrorIs(t, err, ErrUnauthorized)
	_, err2 := h.c.Users.Get(context.Background(), "")
	for _, e := range []error{err, err2} {
		assert.NotContains(t, e.Error(), testKey)
		assert.NotContains(t, fmt.Sprintf("%+v %#v", e, e), testKey)
	}
	assert.False(t, errors.Is(err, ErrNotFound))
}

// TestOptionsFromEnv reads a map, not the process: the same rules as
// NewClientFromEnv, and what the alloy command uses.
func TestOptionsFromEnv(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		env     map[string]string
		key     string
		opts    []Option
		wantKey string
		wantErr string
		check   func(t *testing.T, c *Client)
	}{
		{name: "everything", env: map[string]string{"ALLOY_API_KEY": " k1 ", "ALLOY_ENVIRONMENT": "Development", "ALLOY_API_VERSION": "2024-03", "ALLOY_REGION": "EU"},
			wantKey: "k1", check: func(t *testing.T, c *Client) {
				assert.Equal(t, Development, c.Environment())
				assert.Equal(t, "https://eu-embedded.runalloy.com/2024-03", c.BaseURL())
			}},
		{name: "dev key by environment", env: map[string]string{"ALLOY_DEV_API_KEY": "dev", "ALLOY_PROD_API_KEY": "prod", "ALLOY_ENVIRONMENT": "dev"}, wantKey: "dev"},
		{name: "prod key by default", env: map[string]string{"ALLOY_DEV_API_KEY": "dev", "ALLOY_PROD_API_KEY": "prod"}, wantKey: "prod"},
		{name: "a later option picks the key", env: map[string]string{"ALLOY_DEV_API_KEY": "dev", "ALLOY_ENVIRONMENT": "prod"},
			opts: []Option{WithEnvironment(Development)}, wantKey: "dev"},
		{name: "an explicit key wins", env: map[string]string{"ALLOY_API_KEY": "env"}, key: "explicit", wantKey: "explicit"},
		{name: "no key, with a hint", env: map[string]string{"ALLOY_DEV_API_KEY": "dev"},
			wantErr: "no API key: set ALLOY_API_KEY (or ALLOY_PROD_API_KEY for the production environment) (ALLOY_DEV_API_KEY is set: choose the development environment, e.g. ALLOY_ENVIRONMENT=development, to use it)"},
		{name: "bad environment", env: map[string]string{"ALLOY_API_KEY": "k", "ALLOY_ENVIRONMENT": "staging"}, wantErr: `environment "staging"`},
		{name: "bad version", env: map[string]string{"ALLOY_API_KEY": "k", "ALLOY_API_VERSION": "2024-06"}, wantErr: "not one the SDK knows"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := append(OptionsFromEnv(func(k string) string { return tc.env[k] }), tc.opts...)
			c, err := NewClient(tc.key, opts...)
			if tc.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidArgument)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantKey, c.cfg.apiKey)
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}
