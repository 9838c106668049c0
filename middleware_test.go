package alloy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordedCall is what a call middleware saw.
type recordedCall struct {
	info CallInfo
	resp *Response
	err  error
}

// TestCallMiddlewareSeesEveryCallOnce: a call middleware runs once per
// call, around every attempt, with the operation's name and template, and
// gets the last answer's metadata and the caller's error; the outermost
// is the first given; a derived context reaches the attempts.
func TestCallMiddlewareSeesEveryCallOnce(t *testing.T) {
	t.Parallel()
	type key struct{}
	var mu sync.Mutex
	var calls []recordedCall
	var order []string
	mark := func(name string) CallMiddleware {
		return func(ctx context.Context, call CallInfo, next CallNext) (*Response, error) {
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return next(context.WithValue(ctx, key{}, name))
		}
	}
	record := func(ctx context.Context, call CallInfo, next CallNext) (*Response, error) {
		resp, err := next(ctx)
		mu.Lock()
		calls = append(calls, recordedCall{call, resp, err})
		mu.Unlock()
		return resp, err
	}
	var seenCtx []any
	attempt := func(r *http.Request, next AttemptNext) (*http.Response, error) {
		mu.Lock()
		seenCtx = append(seenCtx, r.Context().Value(key{}))
		mu.Unlock()
		return next(r)
	}
	h := newHarness(t, WithCallMiddleware(mark("outer"), mark("inner")), WithCallMiddleware(record), WithAttemptMiddleware(attempt))
	h.on("GET", testRoot+"/users/u1", seq(jsonResp(503, `{}`), func(r *http.Request) (*http.Response, error) {
		resp, _ := jsonResp(200, `{"data":{"userId":"u1"}}`)(r)
		resp.Header.Set("X-Request-Id", "req_1")
		return resp, nil
	}))
	h.on("POST", testRoot+"/users", jsonResp(409, `{"message":"taken"}`))

	_, err := h.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	_, err = h.c.Users.Create(context.Background(), UserCreateParams{Username: "a@example.com"})
	require.ErrorIs(t, err, ErrConflict)
	require.NoError(t, h.c.Do(context.Background(), Request{Method: "GET", Route: "/users/{userId}", PathValues: []string{"u1"}}, nil))
	require.NoError(t, h.c.Do(context.Background(), Request{Operation: "Widgets.Get", Method: "GET", Route: "/users/{userId}", PathValues: []string{"u1"}}, nil))
	_, err = h.c.Users.Get(context.Background(), " ")
	require.ErrorIs(t, err, ErrInvalidArgument)

	require.Len(t, calls, 4, "one per call; a call refused for bad input never reaches middleware")
	assert.Equal(t, CallInfo{Operation: "Users.Get", Method: "GET", Route: "/users/{userId}", APIVersion: DefaultAPIVersion}, calls[0].info)
	require.NotNil(t, calls[0].resp)
	assert.Equal(t, 200, calls[0].resp.StatusCode)
	assert.Equal(t, 2, calls[0].resp.Attempts)
	assert.Equal(t, "req_1", calls[0].resp.RequestID)
	assert.Positive(t, calls[0].resp.Duration)
	assert.NoError(t, calls[0].err)

	assert.Equal(t, "Users.Create", calls[1].info.Operation)
	assert.Equal(t, 409, calls[1].resp.StatusCode)
	assert.ErrorIs(t, calls[1].err, ErrConflict)

	assert.Equal(t, "GET /users/{userId}", calls[2].info.Operation, "Do without an operation")
	assert.Equal(t, "Widgets.Get", calls[3].info.Operation)

	assert.Equal(t, []string{"outer", "inner", "outer", "inner", "outer", "inner", "outer", "inner"}, order)
	assert.Equal(t, []any{"inner", "inner", "inner", "inner", "inner"}, seenCtx, "every attempt carries the context the middleware passed on")
}

// TestAttemptMiddlewareNeverSeesTheKey: the request an attempt middleware
// is shown carries a redacted Authorization; whatever the middleware does
// to that header, the server gets the real key, and a header it adds goes
// out.
func TestAttemptMiddlewareNeverSeesTheKey(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(*http.Request){
		"left alone": func(*http.Request) {},
		"deleted":    func(r *http.Request) { r.Header.Del("Authorization") },
		"replaced":   func(r *http.Request) { r.Header.Set("Authorization", "Bearer forged") },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var seen []string
			mw := func(r *http.Request, next AttemptNext) (*http.Response, error) {
				seen = append(seen, r.Header.Get("Authorization"), fmt.Sprint(r.Header))
				r.Header.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
				change(r)
				return next(r)
			}
			h := newHarness(t, WithAttemptMiddleware(mw))
			h.on("POST", testRoot+"/users", jsonResp(200, `{"userId":"u1"}`))
			_, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a@example.com"})
			require.NoError(t, err)
			r := h.only()
			assert.Equal(t, "Bearer "+testKey, r.Header.Get("Authorization"), "the server gets the real key")
			assert.Equal(t, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", r.Header.Get("Traceparent"))
			assert.JSONEq(t, `{"username":"a@example.com"}`, string(r.Body), "the body went out")
			require.Len(t, seen, 2)
			assert.Equal(t, "Bearer [REDACTED]", seen[0])
			assert.NotContains(t, seen[1], testKey)
			assert.Empty(t, h.c.cfg.header.Get("Traceparent"), "the client's headers are untouched")
			assert.Equal(t, "Bearer "+testKey, h.c.cfg.header.Get("Authorization"))
		})
	}
}

// TestAttemptMiddlewareSeesEveryAttempt: one run per attempt, with the
// retries; an error it returns is a failed attempt.
func TestAttemptMiddlewareSeesEveryAttempt(t *testing.T) {
	t.Parallel()
	n := 0
	var statuses []int
	mw := func(r *http.Request, next AttemptNext) (*http.Response, error) {
		n++
		if n == 1 {
			return nil, fmt.Errorf("middleware refused attempt %d", n)
		}
		resp, err := next(r)
		if err == nil {
			statuses = append(statuses, resp.StatusCode)
		}
		return resp, err
	}
	h := newHarness(t, WithAttemptMiddleware(mw))
	h.on("GET", testRoot+"/users/u1", seq(jsonResp(503, `{}`), jsonResp(200, `{"data":{"userId":"u1"}}`)))
	_, err := h.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, []int{503, 200}, statuses)
	assert.Len(t, h.requests(), 2)
}

// TestMiddlewareAndPacingOptionsRefuseBadValues.
func TestMiddlewareAndPacingOptionsRefuseBadValues(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]Option{
		"nil call middleware":    WithCallMiddleware(nil),
		"nil attempt middleware": WithAttemptMiddleware(func(r *http.Request, n AttemptNext) (*http.Response, error) { return n(r) }, nil),
		"zero rate":              WithRateLimit(0, 1),
		"negative rate":          WithRateLimit(-1, 1),
		"NaN rate":               WithRateLimit(math.NaN(), 1),
		"zero burst":             WithRateLimit(5, 0),
		"zero in flight":         WithMaxInFlight(0),
	} {
		_, err := NewClient(testKey, o)
		assert.ErrorIs(t, err, ErrInvalidArgument, name)
	}
}

// TestLogLinesCarryRequestIDAndLevel: the request id is logged, redacted;
// 404, 409 and 422 log at Info, other failures at Warn, successes at Debug.
func TestLogLinesCarryRequestIDAndLevel(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		level  string
	}{
		{200, "DEBUG"}, {404, "INFO"}, {409, "INFO"}, {422, "INFO"},
		{400, "WARN"}, {401, "WARN"}, {403, "WARN"}, {429, "WARN"}, {500, "WARN"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			h := newHarness(t, WithLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))), WithMaxRetries(0))
			h.on("GET", testRoot+"/users/u1", func(r *http.Request) (*http.Response, error) {
				resp, _ := jsonResp(tc.status, `{"data":{"userId":"u1"}}`)(r)
				resp.Header.Set("X-Request-Id", "req_7 "+testKey)
				return resp, nil
			})
			_, _ = h.c.Users.Get(context.Background(), "u1")
			var line map[string]any
			require.NoError(t, json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &line), buf.String())
			assert.Equal(t, tc.level, line["level"])
			assert.Equal(t, "req_7 [REDACTED]", line["request_id"])
			assert.NotContains(t, buf.String(), testKey)
		})
	}
}

// TestRateLimitPacesAttempts: with 10 per second and a burst of 2, calls
// wait their turn: the waits are exactly the limiter's, every call is
// sent once, and a call whose context ends while it waits sends nothing.
func TestRateLimitPacesAttempts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRateLimit(10, 2))
	h.on("GET", testRoot+"/users/u1", jsonResp(200, `{"data":{"userId":"u1"}}`))
	for range 5 {
		_, err := h.c.Users.Get(context.Background(), "u1")
		require.NoError(t, err)
	}
	assert.Len(t, h.requests(), 5)
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}, h.waits,
		"the burst goes at once, then one every 100 ms")

	// A retry waits its turn too.
	h2 := newHarness(t, WithRateLimit(2, 1), WithRetryWait(time.Millisecond, time.Millisecond))
	h2.on("GET", testRoot+"/users/u1", seq(jsonResp(503, `{}`), jsonResp(200, `{"data":{"userId":"u1"}}`)))
	_, err := h2.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	require.Len(t, h2.waits, 2, "the backoff, then the rest of the limiter's interval")
	assert.LessOrEqual(t, h2.waits[0], time.Millisecond)
	assert.Equal(t, 500*time.Millisecond, h2.waits[0]+h2.waits[1], "the retry went out one interval (500 ms) after the first attempt")

	// The context ends during the wait: nothing is sent, and the call says so.
	h3 := newHarness(t, WithRateLimit(1, 1))
	h3.on("GET", testRoot+"/users/u1", jsonResp(200, `{"data":{"userId":"u1"}}`))
	_, err = h3.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	h3.c.tr.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err = h3.c.Users.Get(ctx, "u1")
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Zero(t, te.Attempts)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.Len(t, h3.requests(), 1)
}

// TestTooManyRequestsPausesTheWholeClient: a 429 with Retry-After makes
// every later call of the client wait out the rest of it before its first
// attempt, up to the longest wait the client honours.
func TestTooManyRequestsPausesTheWholeClient(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRetryWait(10*time.Millisecond, 5*time.Second))
	h.on("POST", testRoot+"/users", withRetryAfter(429, "2", `{"message":"slow down"}`))
	h.on("GET", testRoot+"/users/u1", jsonResp(200, `{"data":{"userId":"u1"}}`))
	_, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a@example.com"}, WithRetries(0))
	require.ErrorIs(t, err, ErrRateLimited)
	assert.Empty(t, h.waits, "no retry, so no wait of its own")
	_, err = h.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{2 * time.Second}, h.waits, "another call waits out the Retry-After")
	_, err = h.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.Len(t, h.waits, 1, "the pause is over")

	h2 := newHarness(t, WithRetryWait(10*time.Millisecond, time.Second))
	h2.on("POST", testRoot+"/users", withRetryAfter(429, "3600", `{}`))
	h2.on("GET", testRoot+"/users/u1", jsonResp(200, `{"data":{"userId":"u1"}}`))
	_, err = h2.c.Users.Create(context.Background(), UserCreateParams{Username: "a@example.com"})
	require.ErrorIs(t, err, ErrRateLimited)
	_, err = h2.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{time.Second}, h2.waits, "a pause never exceeds the longest wait honoured")
}

// TestMaxInFlightBoundsConcurrentCalls: with WithMaxInFlight(2), twelve
// goroutines never have more than two calls at the server at once.
func TestMaxInFlightBoundsConcurrentCalls(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithMaxInFlight(2))
	var mu sync.Mutex
	cur, peak, arrived := 0, 0, 0
	both := make(chan struct{}) // closed when two calls are at the server together
	h.on("GET", testRoot+"/users/u1", func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		cur++
		arrived++
		peak = max(peak, cur)
		first := arrived <= 2
		if arrived == 2 {
			close(both)
		}
		mu.Unlock()
		if first {
			<-both // the first two hold their slots until both are in
		}
		mu.Lock()
		cur--
		mu.Unlock()
		return jsonResp(200, `{"data":{"userId":"u1"}}`)(r)
	})
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for range 12 {
		wg.Go(func() {
			_, err := h.c.Users.Get(context.Background(), "u1")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 2, peak, "two at once, never more")
	assert.Len(t, h.requests(), 12)

	// A call that cannot get a slot before its context ends sends nothing.
	h2 := newHarness(t, WithMaxInFlight(1))
	h2.c.inFlight <- struct{}{} // the only slot, taken
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_, err := h2.c.Users.Get(ctx, "u1")
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Zero(t, te.Attempts)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Zero(t, h2.mt.GetTotalCallCount())
}

// TestSharedTransport: every client built without WithHTTPClient uses one
// transport, http.DefaultTransport's clone with the larger pool.
func TestSharedTransport(t *testing.T) {
	t.Parallel()
	tr, ok := sharedTransport().(*http.Transport)
	require.True(t, ok)
	assert.Same(t, tr, sharedTransport())
	assert.Equal(t, DefaultMaxConnsPerHost, tr.MaxConnsPerHost)
	assert.Equal(t, DefaultMaxConnsPerHost, tr.MaxIdleConnsPerHost)
	assert.Zero(t, tr.MaxIdleConns, "idle connections bounded per host only")
	def := http.DefaultTransport.(*http.Transport)
	assert.True(t, tr.ForceAttemptHTTP2, "HTTP/2 kept")
	assert.Equal(t, def.TLSHandshakeTimeout, tr.TLSHandshakeTimeout)
	assert.Equal(t, def.IdleConnTimeout, tr.IdleConnTimeout)
	assert.NotNil(t, tr.Proxy, "proxy from the environment kept")
	assert.False(t, strings.Contains(fmt.Sprint(tr.MaxConnsPerHost), "-"))
}

// TestAttemptMiddlewareCannotReachTheKeyThroughTheResponse: the response
// next returns, and on a redirect the next hop's req.Response, point at
// the request the middleware saw, never at the one sent with the key (a
// real server, so that net/http sets resp.Request and follows the
// redirect).
func TestAttemptMiddlewareCannotReachTheKeyThroughTheResponse(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/old") {
			http.Redirect(w, r, strings.Replace(r.URL.Path, "/old", "/new", 1), http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"userId":"u1","username":"a@example.com"}`)
	}))
	t.Cleanup(srv.Close)
	var seen []string
	mw := func(r *http.Request, next AttemptNext) (*http.Response, error) {
		if r.Response != nil { // the redirect's second hop
			seen = append(seen, fmt.Sprint(r.Response.Request.Header))
		}
		resp, err := next(r)
		if resp != nil {
			seen = append(seen, fmt.Sprint(resp.Request.Header))
		}
		return resp, err
	}
	c, err := NewClient(testKey, WithBaseURL(srv.URL), WithAttemptMiddleware(mw))
	require.NoError(t, err)
	_, err = c.Users.Get(context.Background(), "old")
	require.NoError(t, err)
	require.Len(t, seen, 3, "the first hop's response, the second hop's req.Response, its response")
	for _, s := range seen {
		assert.NotContains(t, s, testKey)
		assert.Contains(t, s, "Bearer [REDACTED]")
	}
}

// TestResponseHeadersAreRedacted: WithResponseInto's headers, like every
// value taken from a response, have the key and JWTs a server echoed
// redacted, in every header; the others are as received.
func TestResponseHeadersAreRedacted(t *testing.T) {
	t.Parallel()
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	h := newHarness(t)
	h.on("GET", testRoot+"/users/u1", func(r *http.Request) (*http.Response, error) {
		resp, _ := jsonResp(200, `{"userId":"u1"}`)(r)
		resp.Header.Set("X-Debug-Auth", r.Header.Get("Authorization"))
		resp.Header.Set("X-Request-Id", "rid-"+testKey)
		resp.Header.Add("X-Token", "ok")
		resp.Header.Add("X-Token", jwt)
		resp.Header.Set("X-Plain", "as sent")
		return resp, nil
	})
	var resp Response
	_, err := h.c.Users.Get(context.Background(), "u1", WithResponseInto(&resp))
	require.NoError(t, err)
	all := fmt.Sprintf("%+v", resp)
	assert.NotContains(t, all, testKey)
	assert.NotContains(t, all, jwt)
	assert.Equal(t, "as sent", resp.Header.Get("X-Plain"))
	assert.Equal(t, []string{"ok", "[REDACTED JWT]"}, resp.Header.Values("X-Token"))
	assert.NotContains(t, resp.RequestID, testKey)
}

// TestCallMiddlewareCannotSendAPostTwice: call middleware that calls next
// again (a home-made retry) sends a GET again but not a POST: its second
// next sends nothing and fails with ErrInvalidArgument.
func TestCallMiddlewareCannotSendAPostTwice(t *testing.T) {
	t.Parallel()
	twice := func(ctx context.Context, _ CallInfo, next CallNext) (*Response, error) {
		_, _ = next(ctx)
		return next(ctx)
	}
	h := newHarness(t, WithCallMiddleware(twice))
	h.on("POST", testRoot+"/users", jsonResp(503, `{}`))
	h.on("GET", testRoot+"/users/u1", jsonResp(200, `{"userId":"u1"}`))
	_, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a@example.com"})
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "next twice")
	require.Len(t, h.requests(), 1, "sent once")

	_, err = h.c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.Len(t, h.requests(), 3, "an idempotent call may go twice")
}
