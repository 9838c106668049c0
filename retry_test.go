package alloy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/testharness"
)

// seq answers with each responder in turn, then repeats the last.
func seq(rs ...httpmock.Responder) httpmock.Responder { return testharness.Seq(rs...) }

func withRetryAfter(status int, retryAfter, body string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		resp, _ := jsonResp(status, body)(r)
		resp.Header.Set("Retry-After", retryAfter)
		return resp, nil
	}
}

var refusedErr = &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}

func TestRetry429WithRetryAfterThenSuccess(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRetryWait(10*time.Millisecond, 5*time.Second))
	h.on("GET", testRoot+"/users/u1", seq(
		withRetryAfter(429, "1", `{"message":"Rate limit exceeded"}`),
		jsonResp(200, `{"userId":"u1"}`)))
	u, err := h.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, "u1", u.ID)
	assert.Equal(t, 2, h.mt.GetTotalCallCount(), "one retry")
	assert.Equal(t, []time.Duration{time.Second}, h.waits, "waited exactly Retry-After")
}

func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRetryWait(10*time.Millisecond, 10*time.Second))
	at := time.Now().Add(4 * time.Second).UTC().Format(http.TimeFormat)
	h.on("POST", testRoot+"/users", seq(withRetryAfter(429, at, `{}`), jsonResp(200, `{"userId":"u1"}`)))
	_, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
	require.NoError(t, err)
	require.Len(t, h.waits, 1)
	assert.InDelta(t, 3.5, h.waits[0].Seconds(), 1.0, "the date is honoured, to its 1 s resolution")
}

func TestRetry503OnGETExhaustsBudget(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/users/u1", jsonResp(503, `{"message":"busy"}`))
	_, err := h.c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, errors.Is(err, ErrServer))
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, 4, apiErr.Attempts, "1 attempt + DefaultMaxRetries")
	assert.Equal(t, 4, h.mt.GetTotalCallCount())
	assert.Equal(t, "busy", apiErr.Message, "the last response's body is decoded")
	require.Len(t, h.waits, 3)
	// exponential backoff with equal jitter from 500ms: [250,500], [500,1000], [1000,2000] ms
	for i, w := range h.waits {
		base := 500 * time.Millisecond << i
		assert.GreaterOrEqual(t, w, base/2, "wait %d", i)
		assert.LessOrEqual(t, w, base, "wait %d", i)
	}
}

func TestRetryStatusTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method string
		status int
		calls  int
	}{
		{"GET", 408, 2}, {"GET", 429, 2}, {"GET", 500, 2}, {"GET", 502, 2}, {"GET", 503, 2}, {"GET", 504, 2},
		{"GET", 400, 1}, {"GET", 401, 1}, {"GET", 404, 1}, {"GET", 409, 1}, {"GET", 422, 1}, {"GET", 501, 1}, {"GET", 505, 1},
		{"PUT", 503, 2}, {"DELETE", 500, 2}, {"PUT", 429, 2},
		{"POST", 429, 2}, {"POST", 500, 1}, {"POST", 502, 1}, {"POST", 503, 1}, {"POST", 504, 1}, {"POST", 408, 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %d", tc.method, tc.status), func(t *testing.T) {
			h := newHarness(t, WithMaxRetries(1))
			var call func() error
			switch tc.method {
			case "GET":
				h.on("GET", testRoot+"/users/u1", seq(jsonResp(tc.status, `{}`), jsonResp(200, `{"userId":"u1"}`)))
				call = func() error { _, err := h.c.Users.Get(context.Background(), "u1"); return err }
			case "PUT":
				h.on("PUT", testRoot+"/users/u1", seq(jsonResp(tc.status, `{}`), jsonResp(200, `{"userId":"u1"}`)))
				call = func() error {
					_, err := h.c.Users.Update(context.Background(), "u1", UserUpdateParams{FullName: Ptr("x")})
					return err
				}
			case "DELETE":
				h.on("DELETE", testRoot+"/users/u1", seq(jsonResp(tc.status, `{}`), jsonResp(200, `{}`)))
				call = func() error { return h.c.Users.Delete(context.Background(), "u1") }
			case "POST":
				h.on("POST", testRoot+"/users", seq(jsonResp(tc.status, `{}`), jsonResp(200, `{"userId":"u1"}`)))
				call = func() error {
					_, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
					return err
				}
			}
			err := call()
			assert.Equal(t, tc.calls, h.mt.GetTotalCallCount())
			if tc.calls == 2 {
				assert.NoError(t, err)
			} else {
				var apiErr *Error
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 1, apiErr.Attempts)
			}
		})
	}
}

func TestPOST503IsNotRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/users", jsonResp(503, `{"message":"busy"}`))
	_, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Equal(t, 1, h.mt.GetTotalCallCount())
	assert.Empty(t, h.waits)
}

func TestPOSTOptInRetriesAndReplaysBodyByteExact(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/users", seq(jsonResp(503, `{}`), jsonResp(502, `{}`), jsonResp(200, `{"userId":"u9"}`)))
	u, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "zoë@example.com", FullName: "Zoë"}, WithIdempotent())
	require.NoError(t, err)
	assert.Equal(t, "u9", u.ID)
	reqs := h.requests()
	require.Len(t, reqs, 3)
	want := []byte(`{"username":"zoë@example.com","fullName":"Zoë"}`)
	for i, r := range reqs {
		assert.Equal(t, want, r.Body, "attempt %d body", i+1)
		assert.Equal(t, "Bearer "+testKey, r.Header.Get("Authorization"), "attempt %d auth", i+1)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	}
}

func TestRefusedConnectionOnPOSTIsRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/users", seq(httpmock.NewErrorResponder(refusedErr), jsonResp(200, `{"userId":"u1"}`)))
	u, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
	require.NoError(t, err)
	assert.Equal(t, "u1", u.ID)
	assert.Equal(t, 2, h.mt.GetTotalCallCount())
}

func TestRefusedConnectionAgainstRealClosedPort(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	c, err := NewClient(testKey, WithBaseURL("http://"+addr), WithMaxRetries(2))
	require.NoError(t, err)
	var waits []time.Duration
	c.tr.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	_, err = c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 3, te.Attempts, "a POST that never connected is retried")
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.Len(t, waits, 2)
	assert.Equal(t, "POST", te.Method)
	assert.Equal(t, "/users", te.Path)
}

func TestAmbiguousFailureOnPOSTIsNotRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	h.on("POST", testRoot+"/users", httpmock.NewErrorResponder(reset))
	_, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
	var te *TransportError
	require.ErrorAs(t, err, &te, "the server may have acted: reported as an error, never as success")
	assert.Equal(t, 1, te.Attempts)
	assert.ErrorIs(t, err, syscall.ECONNRESET)
	assert.Equal(t, 1, h.mt.GetTotalCallCount())
}

func TestConnectionErrorOnGETIsRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	h.on("GET", testRoot+"/users/u1", seq(httpmock.NewErrorResponder(reset), httpmock.NewErrorResponder(reset), jsonResp(200, `{"userId":"u1"}`)))
	_, err := h.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, 3, h.mt.GetTotalCallCount())
}

func TestRetryAfterBeyondCapStopsAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRetryWait(10*time.Millisecond, 2*time.Second))
	h.on("GET", testRoot+"/users/u1", withRetryAfter(429, "30", `{"message":"Rate limit exceeded"}`))
	_, err := h.c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, errors.Is(err, ErrRateLimited))
	assert.Equal(t, 30*time.Second, apiErr.RetryAfter)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Empty(t, h.waits, "no sleep")
	assert.Equal(t, 1, h.mt.GetTotalCallCount())
}

func TestDeadlineShorterThanRetryAfterReturnsPromptly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRetryWait(10*time.Millisecond, 10*time.Second))
	h.on("GET", testRoot+"/users/u1", withRetryAfter(503, "5", `{"message":"busy"}`))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := h.c.Users.Get(ctx, "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 5*time.Second, apiErr.RetryAfter)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Empty(t, h.waits, "a wait that would outlive the deadline is not started")
	assert.NoError(t, ctx.Err(), "returned before the deadline")
}

func TestDeadlineShorterThanBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRetryWait(time.Second, 2*time.Second))
	h.on("GET", testRoot+"/users/u1", jsonResp(500, `{}`))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := h.c.Users.Get(ctx, "u1")
	require.ErrorIs(t, err, ErrServer)
	assert.Empty(t, h.waits)
	assert.Equal(t, 1, h.mt.GetTotalCallCount())
}

func TestCancelDuringWaitReportsBothCauses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	h.c.tr.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	h.on("GET", testRoot+"/users/u1", jsonResp(503, `{"message":"busy"}`))
	_, err := h.c.Users.Get(ctx, "u1")
	require.ErrorIs(t, err, context.Canceled)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr, "the last response is kept")
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, "busy", apiErr.Message)
	assert.Equal(t, 1, h.mt.GetTotalCallCount())
	assert.Contains(t, err.Error(), "stopped waiting to retry: context canceled")
}

func TestRealSleepHonoursCancellation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRetryWait(time.Hour, time.Hour), WithTimeout(0))
	h.c.tr.Sleep = nil // the real, timer-based wait
	h.on("GET", testRoot+"/users/u1", jsonResp(503, `{}`))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := h.c.Users.Get(ctx, "u1")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, ErrServer)
}

func TestAlreadyCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/users/u1", jsonResp(200, `{"userId":"u1"}`))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.c.Users.Get(ctx, "u1")
	require.ErrorIs(t, err, context.Canceled)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Zero(t, te.Attempts)
	assert.Zero(t, h.mt.GetTotalCallCount())
}

func TestCancelDuringAttemptIsNotBlamedOnAnEarlierResponse(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	h.on("GET", testRoot+"/users/u1", seq(jsonResp(503, `{"message":"busy"}`), func(*http.Request) (*http.Response, error) {
		cancel() // the caller gives up while the second attempt is in flight
		return nil, context.Canceled
	}))
	_, err := h.c.Users.Get(ctx, "u1")
	require.ErrorIs(t, err, context.Canceled)
	var apiErr *Error
	assert.False(t, errors.As(err, &apiErr), "the 503 was retried; it is not why the call failed: %v", err)
	assert.NotContains(t, err.Error(), "waiting to retry")
	assert.Equal(t, 2, h.mt.GetTotalCallCount())
}

func TestRetryAfterEdgeCases(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRetryWait(200*time.Millisecond, 5*time.Second))
	h.on("GET", testRoot+"/users/zero", seq(withRetryAfter(429, "0", `{}`), jsonResp(200, `{"userId":"u"}`)))
	h.on("GET", testRoot+"/users/huge", withRetryAfter(429, "99999999999999999999", `{}`))
	_, err := h.c.Users.Get(context.Background(), "zero")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{200 * time.Millisecond}, h.waits, "Retry-After: 0 still waits the minimum")
	_, err = h.c.Users.Get(context.Background(), "huge")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 1, apiErr.Attempts, "an overflowing Retry-After is beyond the cap: stop")
	assert.Equal(t, 24*time.Hour, apiErr.RetryAfter)
}

func TestPerAttemptTimeoutIsRetriedForGET(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select { // stall the first attempt past the client's per-attempt timeout
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		_, _ = io.WriteString(w, `{"userId":"u1"}`)
	}))
	defer srv.Close()
	defer close(release) // runs before srv.Close, which waits for handlers
	c, err := NewClient(testKey, WithBaseURL(srv.URL), WithRetryWait(time.Millisecond, 10*time.Millisecond),
		WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
	require.NoError(t, err)
	u, err := c.Users.Get(context.Background(), "u1")
	require.NoError(t, err, "a timed-out attempt of a GET is retried")
	assert.Equal(t, "u1", u.ID)
	assert.EqualValues(t, 2, calls.Load())

	calls.Store(0)
	_, err = c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
	var te *TransportError
	require.ErrorAs(t, err, &te, "a timed-out POST may have been applied: not retried")
	assert.Equal(t, 1, te.Attempts)
	assert.EqualValues(t, 1, calls.Load())
}

func TestRedirectToAnotherHostIsNotFollowed(t *testing.T) {
	t.Parallel()
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
	}))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	}))
	defer origin.Close()
	c, err := NewClient(testKey, WithBaseURL(origin.URL))
	require.NoError(t, err)
	_, err = c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusFound, apiErr.StatusCode)
	assert.Nil(t, leaked.Load(), "the other host was never called")
}

func TestPerCallAndClientRetryBudgets(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/users/u1", jsonResp(503, `{}`))
	_, err := h.c.Users.Get(context.Background(), "u1", WithRetries(0))
	require.ErrorIs(t, err, ErrServer)
	assert.Equal(t, 1, h.mt.GetTotalCallCount())

	h2 := newHarness(t, WithMaxRetries(1))
	h2.on("GET", testRoot+"/users/u1", jsonResp(503, `{}`))
	_, err = h2.c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 2, apiErr.Attempts)

	h3 := newHarness(t, WithMaxRetries(0))
	h3.on("GET", testRoot+"/users/u1", jsonResp(503, `{}`))
	_, err = h3.c.Users.Get(context.Background(), "u1", WithRetries(2))
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 3, apiErr.Attempts, "the call's budget overrides the client's")

	h4 := newHarness(t)
	h4.on("GET", testRoot+"/users/u1", jsonResp(503, `{}`))
	_, err = h4.c.Users.Get(context.Background(), "u1", WithRetries(-5))
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 1, apiErr.Attempts, "a negative budget means no retries")
}

func TestLoggerOneLinePerAttemptWithoutSecrets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHarness(t, WithLogger(logger))
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MzY4NTAwMDB9.SECRETSIG"
	h.on("GET", testRoot+"/users/user-42/token?userId=user-42", seq(jsonResp(503, `{"message":"busy"}`), jsonResp(200, `{"token":"`+jwt+`"}`)))
	tok, err := h.c.Tokens.Create(context.Background(), "user-42")
	require.NoError(t, err)
	assert.Equal(t, jwt, tok.Token)

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2, buf.String())
	var first, second map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &second))
	assert.Equal(t, "WARN", first["level"])
	assert.Equal(t, "GET", first["method"])
	assert.Equal(t, "/users/{userId}/token", first["route"])
	assert.EqualValues(t, 503, first["status"])
	assert.EqualValues(t, 1, first["attempt"])
	assert.Contains(t, first, "duration")
	assert.Equal(t, "DEBUG", second["level"])
	assert.EqualValues(t, 200, second["status"])
	assert.EqualValues(t, 2, second["attempt"])
	for _, secret := range []string{testKey, "SECRET", jwt, "user-42", "Bearer"} {
		assert.NotContains(t, buf.String(), secret)
	}
}

func TestLoggerReportsTransportErrorKind(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHarness(t, WithLogger(logger), WithMaxRetries(0))
	h.on("POST", testRoot+"/users", httpmock.NewErrorResponder(refusedErr))
	_, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
	require.Error(t, err)
	assert.Contains(t, buf.String(), `error="connection refused"`)
	assert.Contains(t, buf.String(), "level=WARN")
	assert.NotContains(t, buf.String(), testRoot, "no URL in the log")
}

func TestLoggerAboveDebugSkipsSuccessfulAttempts(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := newHarness(t, WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	h.on("GET", testRoot+"/users/u1", jsonResp(200, `{"userId":"u1"}`))
	_, err := h.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.Empty(t, buf.String())
}
