package alloy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenServer mints JWTs that expire ttl after the fake clock's now (plus
// skew: Alloy's clock minus the local one), counts mints per user, and can
// hold requests until released.
type tokenServer struct {
	*httptest.Server
	mints   sync.Map // user -> *atomic.Int64
	ttl     time.Duration
	skew    time.Duration // set before the first request
	iat     bool          // add an iat claim; set before the first request
	clock   *fakeClock
	hold    chan struct{} // when non-nil, mints wait for it to close
	status  atomic.Int32  // when non-zero, answer this with an error body
	counter atomic.Int64
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newTokenServer(t *testing.T, ttl time.Duration) *tokenServer {
	ts := &tokenServer{ttl: ttl, clock: &fakeClock{now: time.Unix(1_900_000_000, 0)}}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // users/{id}/token
		if len(parts) != 3 || parts[2] != "token" {
			http.NotFound(w, r)
			return
		}
		if ts.hold != nil {
			<-ts.hold
		}
		n, _ := ts.mints.LoadOrStore(parts[1], new(atomic.Int64))
		seq := n.(*atomic.Int64).Add(1)
		ts.counter.Add(1)
		if status := int(ts.status.Load()); status != 0 {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"message":"User not found"}`))
			return
		}
		serverNow := ts.clock.Now().Add(ts.skew)
		c := map[string]any{"userId": parts[1], "exp": serverNow.Add(ts.ttl).Unix(), "seq": seq}
		if ts.iat {
			c["iat"] = serverNow.Unix()
		}
		claims, _ := json.Marshal(c)
		tok := "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(claims) + ".sig"
		_ = json.NewEncoder(w).Encode(map[string]string{"token": tok})
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) mintsFor(user string) int64 {
	n, ok := ts.mints.Load(user)
	if !ok {
		return 0
	}
	return n.(*atomic.Int64).Load()
}

func (ts *tokenServer) cache(t *testing.T, opts ...TokenCacheOption) *TokenCache {
	c, err := NewClient(testKey, WithBaseURL(ts.URL), WithMaxRetries(0))
	require.NoError(t, err)
	tc, err := NewTokenCache(c, append([]TokenCacheOption{WithTokenClock(ts.clock.Now)}, opts...)...)
	require.NoError(t, err)
	return tc
}

func TestTokenCacheHitMissAndExpiry(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, 60*time.Minute)
	cache := ts.cache(t)
	ctx := context.Background()

	first, err := cache.Token(ctx, "u1")
	require.NoError(t, err)
	second, err := cache.Token(ctx, "u1")
	require.NoError(t, err)
	assert.Equal(t, first.Token, second.Token, "hit")
	assert.EqualValues(t, 1, ts.mintsFor("u1"))

	// A 60-minute token is handed out for at most 25 minutes after minting.
	ts.clock.Advance(24*time.Minute + 59*time.Second)
	_, err = cache.Token(ctx, "u1")
	require.NoError(t, err)
	assert.EqualValues(t, 1, ts.mintsFor("u1"))
	ts.clock.Advance(time.Second)
	third, err := cache.Token(ctx, "u1")
	require.NoError(t, err)
	assert.NotEqual(t, first.Token, third.Token, "max age reached: minted again")
	assert.EqualValues(t, 2, ts.mintsFor("u1"))

	// Another user is another entry.
	_, err = cache.Token(ctx, "u2")
	require.NoError(t, err)
	assert.Equal(t, 2, cache.Len())
}

func TestTokenCacheMarginBeforeExpiry(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, 10*time.Minute) // shorter than the max age
	cache := ts.cache(t)
	ctx := context.Background()
	_, err := cache.Token(ctx, "u1")
	require.NoError(t, err)
	ts.clock.Advance(4*time.Minute + 59*time.Second)
	_, err = cache.Token(ctx, "u1")
	require.NoError(t, err)
	assert.EqualValues(t, 1, ts.mintsFor("u1"), "still more than 5 minutes left")
	ts.clock.Advance(time.Second)
	_, err = cache.Token(ctx, "u1")
	require.NoError(t, err)
	assert.EqualValues(t, 2, ts.mintsFor("u1"), "5 minutes left: too close to expiry")
}

func TestTokenCacheNeverCachesATokenTooShortToUse(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, 3*time.Minute) // shorter than the margin
	cache := ts.cache(t)
	for i := 0; i < 3; i++ {
		tok, err := cache.Token(context.Background(), "u1")
		require.NoError(t, err)
		assert.NotEmpty(t, tok.Token)
	}
	assert.EqualValues(t, 3, ts.mintsFor("u1"))
	assert.Zero(t, cache.Len())
}

func TestTokenCacheConcurrentCallersShareOneMint(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, time.Hour)
	ts.hold = make(chan struct{})
	cache := ts.cache(t)
	const callers = 100
	var wg sync.WaitGroup
	tokens := make([]string, callers)
	errs := make([]error, callers)
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := cache.Token(context.Background(), "u1")
			errs[i] = err
			if err == nil {
				tokens[i] = tok.Token
			}
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them pile up behind the held request
	close(ts.hold)
	wg.Wait()
	for i := range errs {
		require.NoError(t, errs[i])
		assert.Equal(t, tokens[0], tokens[i])
	}
	assert.EqualValues(t, 1, ts.counter.Load(), "exactly one request for 100 callers")
}

// A caller that missed the cache just before another caller's mint stored
// its result takes that result instead of minting again. The interleaving
// is replayed step by step: B's lookup misses, A mints, then B goes on to
// the shared mint. With the local clock an hour ahead, the result is the
// refusal, still from one mint.
func TestTokenCacheLateCallerDoesNotMintAgain(t *testing.T) {
	t.Parallel()
	for _, skew := range []time.Duration{0, -time.Hour} {
		t.Run(fmt.Sprint("skew ", skew), func(t *testing.T) {
			ts := skewedTokenServer(t, skew, true)
			cache := ts.cache(t)
			ctx := context.Background()
			_, hit, err := cache.lookup("u1") // B
			require.False(t, hit)
			require.NoError(t, err)
			a, errA := cache.Token(ctx, "u1") // A
			b, errB := cache.mint(ctx, "u1")  // B again
			if skew == 0 {
				require.NoError(t, errA)
				require.NoError(t, errB)
				assert.Equal(t, a.Token, b.Token)
			} else {
				assert.ErrorIs(t, errA, ErrTokenUnusable)
				assert.ErrorIs(t, errB, ErrTokenUnusable)
			}
			assert.EqualValues(t, 1, ts.mintsFor("u1"))
		})
	}
}

func TestTokenCacheCallerCancellationDoesNotFailOthers(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, time.Hour)
	ts.hold = make(chan struct{})
	cache := ts.cache(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := cache.Token(ctx, "u1")
		done <- err
	}()
	other := make(chan error, 1)
	go func() {
		time.Sleep(20 * time.Millisecond)
		_, err := cache.Token(context.Background(), "u1")
		other <- err
	}()
	time.Sleep(40 * time.Millisecond)
	cancel()
	err := <-done
	assert.ErrorIs(t, err, context.Canceled)
	var te *TransportError
	assert.ErrorAs(t, err, &te)
	close(ts.hold)
	require.NoError(t, <-other)
	assert.EqualValues(t, 1, ts.counter.Load())
	assert.Equal(t, 1, cache.Len(), "the shared mint was cached")
}

func TestTokenCacheEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, time.Hour)
	cache := ts.cache(t, WithTokenCacheSize(2))
	ctx := context.Background()
	for _, u := range []string{"a", "b"} {
		_, err := cache.Token(ctx, u)
		require.NoError(t, err)
	}
	_, err := cache.Token(ctx, "a") // a is now the most recent
	require.NoError(t, err)
	_, err = cache.Token(ctx, "c") // evicts b
	require.NoError(t, err)
	assert.Equal(t, 2, cache.Len())
	for _, u := range []string{"a", "c", "b"} {
		_, err := cache.Token(ctx, u)
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, ts.mintsFor("a"))
	assert.EqualValues(t, 1, ts.mintsFor("c"), "c was kept")
	assert.EqualValues(t, 2, ts.mintsFor("b"), "b was evicted and minted again")
}

func TestTokenCacheBoundedUnderManyUsers(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, time.Hour)
	cache := ts.cache(t, WithTokenCacheSize(50))
	for i := 0; i < 500; i++ {
		_, err := cache.Token(context.Background(), fmt.Sprint("user", i))
		require.NoError(t, err)
	}
	assert.Equal(t, 50, cache.Len())
	assert.Len(t, cache.entries, 50)
}

func TestTokenCacheInvalidateAndErrors(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, time.Hour)
	cache := ts.cache(t, WithTokenMargin(time.Minute), WithTokenMaxAge(time.Hour))
	ctx := context.Background()
	_, err := cache.Token(ctx, "u1")
	require.NoError(t, err)
	cache.Invalidate("u1")
	cache.Invalidate("nobody")
	_, err = cache.Token(ctx, "u1")
	require.NoError(t, err)
	assert.EqualValues(t, 2, ts.mintsFor("u1"))

	_, err = cache.Token(ctx, " ")
	assert.ErrorIs(t, err, ErrInvalidArgument)
	var nilCtx context.Context
	_, err = cache.Token(nilCtx, "u1")
	assert.ErrorIs(t, err, ErrInvalidArgument)

	ts.status.Store(http.StatusNotFound)
	cache.Invalidate("u1")
	_, err = cache.Token(ctx, "u1")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 0, cache.Len(), "failures are not cached")
}

func TestTokenHandler(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, time.Hour)
	cache := ts.cache(t)
	resolve := func(r *http.Request) (string, error) {
		c, err := r.Cookie("session")
		if err != nil {
			return "", err
		}
		return strings.TrimPrefix(c.Value, "s-"), nil
	}
	h := TokenHandler(cache, resolve)
	do := func(method, cookie string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/alloy/token", nil)
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: "session", Value: cookie})
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	for _, m := range []string{http.MethodGet, http.MethodPost} {
		w := do(m, "s-u1")
		require.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
		var body struct{ Token, ExpiresAt string }
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
		assert.True(t, strings.HasPrefix(body.Token, "eyJ"))
		assert.Equal(t, ts.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339), body.ExpiresAt)
	}
	assert.EqualValues(t, 1, ts.mintsFor("u1"), "the handler goes through the cache")

	w := do(http.MethodGet, "")
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	w = do(http.MethodDelete, "s-u1")
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Equal(t, "GET, POST", w.Header().Get("Allow"))

	ts.status.Store(http.StatusNotFound)
	w = do(http.MethodGet, "s-ghost")
	assert.Equal(t, http.StatusNotFound, w.Code)
	ts.status.Store(http.StatusInternalServerError)
	w = do(http.MethodGet, "s-u9")
	assert.Equal(t, http.StatusBadGateway, w.Code)
	assert.NotContains(t, w.Body.String(), "User not found", "upstream details are not echoed")

	h = TokenHandler(cache, func(*http.Request) (string, error) { return "", errors.New("no session") })
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.JSONEq(t, `{"message":"not signed in"}`, w.Body.String())
}

// A panic in the resolver answers 500 with a generic body, and nothing of
// its value reaches the body, the headers or the server's log.
func TestTokenHandlerRecoversResolverPanic(t *testing.T) {
	t.Parallel()
	const secret = "sk_live_resolver_secret_42"
	ts := newTokenServer(t, time.Hour)
	cache := ts.cache(t)
	var panicWith func()
	h := TokenHandler(cache, func(r *http.Request) (string, error) {
		if r.URL.Query().Get("panic") != "" {
			panicWith()
		}
		return "u1", nil
	})
	var logs bytes.Buffer
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(&logs, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)

	for _, tc := range []struct {
		name string
		p    func()
	}{
		{"string", func() { panic("session " + secret) }},
		{"error", func() { panic(fmt.Errorf("lookup %s: %w", secret, errors.New("db down"))) }},
		{"runtime error", func() { _ = strings.Fields(secret)[len(secret)] }},
		{"nil", func() { panic(nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			panicWith = tc.p
			resp, err := srv.Client().Get(srv.URL + "/alloy/token?panic=1")
			require.NoError(t, err)
			defer resp.Body.Close()
			var body bytes.Buffer
			_, _ = body.ReadFrom(resp.Body)
			assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
			assert.JSONEq(t, `{"message":"internal error"}`, body.String())
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.NotContains(t, fmt.Sprint(resp.Header), secret)
		})
	}
	resp, err := srv.Client().Get(srv.URL + "/alloy/token")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the server keeps serving")
	assert.Empty(t, logs.String(), "nothing is logged")
}

// http.ErrAbortHandler is re-raised, for net/http to abort the response
// silently.
func TestTokenHandlerReraisesErrAbortHandler(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, time.Hour)
	h := TokenHandler(ts.cache(t), func(*http.Request) (string, error) { panic(http.ErrAbortHandler) })
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/alloy/token", nil))
	})

	var logs bytes.Buffer
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(&logs, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL)
	if err == nil {
		resp.Body.Close()
	}
	require.Error(t, err, "the response is aborted")
	assert.Empty(t, logs.String())
	assert.Zero(t, ts.counter.Load())
}

// TestNewTokenCacheRefusesBadOptions: every bad option value, and a nil
// client, is an ErrInvalidArgument from the constructor, never replaced by
// a default.
func TestNewTokenCacheRefusesBadOptions(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey, WithBaseURL(testRoot))
	require.NoError(t, err)
	bad := map[string]TokenCacheOption{
		"negative margin":    WithTokenMargin(-time.Second),
		"zero max age":       WithTokenMaxAge(0),
		"negative max age":   WithTokenMaxAge(-time.Minute),
		"negative tolerance": WithTokenSkewTolerance(-time.Second),
		"zero size":          WithTokenCacheSize(0),
		"nil clock":          WithTokenClock(nil),
	}
	for name, o := range bad {
		tc, err := NewTokenCache(c, o)
		assert.Nil(t, tc, name)
		assert.ErrorIs(t, err, ErrInvalidArgument, name)
	}
	_, err = NewTokenCache(nil)
	assert.ErrorIs(t, err, ErrInvalidArgument)
	tc, err := NewTokenCache(c, nil, WithTokenMargin(0), WithTokenSkewTolerance(0), WithTokenCacheSize(1))
	require.NoError(t, err, "a nil option is skipped; zero margin and tolerance are meaningful")
	assert.Equal(t, time.Duration(0), tc.margin)
	assert.Equal(t, 1, tc.size)
}
