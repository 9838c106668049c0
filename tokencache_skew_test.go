package alloy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Clock-skew tests: the fake clock is the local clock; tokenServer.skew is
// Alloy's clock minus it (negative: the local clock runs ahead). Alloy grants
// 30-minute tokens; the cache keeps its defaults (5-minute margin, 25-minute
// maximum age, 1-minute tolerance) unless a case says otherwise.

// tokenSeqExp reads the test server's seq and exp claims from a token.
func tokenSeqExp(t *testing.T, tok string) (int64, time.Time) {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c struct{ Seq, Exp int64 }
	require.NoError(t, json.Unmarshal(payload, &c))
	return c.Seq, time.Unix(c.Exp, 0)
}

func skewedTokenServer(t *testing.T, skew time.Duration, iat bool) *tokenServer {
	ts := newTokenServer(t, 30*time.Minute)
	ts.skew, ts.iat = skew, iat
	return ts
}

// requireUnusable asserts err is the cache's refusal with these values.
func requireUnusable(t *testing.T, err error, left, retryAfter, clockSkew time.Duration) *TokenUnusableError {
	t.Helper()
	require.ErrorIs(t, err, ErrTokenUnusable)
	var ue *TokenUnusableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, left, ue.Left, "Left")
	assert.Equal(t, retryAfter, ue.RetryAfter, "RetryAfter")
	assert.Equal(t, clockSkew, ue.ClockSkew, "ClockSkew")
	assert.NotContains(t, err.Error(), "eyJ", "the error never carries the token")
	return ue
}

// A skew up to the tolerance changes nothing: reuse ends with the lifetime
// (25 minutes). One second more and the exp rule ends reuse one second
// early; the cache then refuses until the lifetime would have ended, and
// mints then, not before.
func TestTokenCacheSkewToleranceBoundary(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []TokenCacheOption
		tol  time.Duration // the tolerance in effect
	}{
		{"default", nil, time.Minute},
		{"two minutes", []TokenCacheOption{WithTokenSkewTolerance(2 * time.Minute)}, 2 * time.Minute},
		{"zero trusts the local clock", []TokenCacheOption{WithTokenSkewTolerance(0)}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/ahead by tolerance-1s: served", func(t *testing.T) {
			ts := skewedTokenServer(t, -(tc.tol - time.Second), true)
			cache := ts.cache(t, tc.opts...)
			ctx := context.Background()
			_, err := cache.Token(ctx, "u1")
			require.NoError(t, err)
			ts.clock.Advance(25*time.Minute - time.Second)
			tok, err := cache.Token(ctx, "u1")
			require.NoError(t, err)
			seq, _ := tokenSeqExp(t, tok.Token)
			assert.EqualValues(t, 1, seq, "reused until the lifetime ends")
			ts.clock.Advance(time.Second)
			tok, err = cache.Token(ctx, "u1")
			require.NoError(t, err)
			seq, _ = tokenSeqExp(t, tok.Token)
			assert.EqualValues(t, 2, seq, "minted at the end of the lifetime")
			assert.EqualValues(t, 2, ts.mintsFor("u1"))
		})
		t.Run(tc.name+"/ahead by tolerance+1s: refused", func(t *testing.T) {
			ts := skewedTokenServer(t, -(tc.tol + time.Second), true)
			cache := ts.cache(t, tc.opts...)
			ctx := context.Background()
			_, err := cache.Token(ctx, "u1")
			require.NoError(t, err)
			ts.clock.Advance(25*time.Minute - 2*time.Second)
			tok, err := cache.Token(ctx, "u1")
			require.NoError(t, err)
			seq, _ := tokenSeqExp(t, tok.Token)
			assert.EqualValues(t, 1, seq)
			ts.clock.Advance(time.Second) // 25m-1s: exp - margin + tolerance reached
			tok, err = cache.Token(ctx, "u1")
			assert.Nil(t, tok)
			requireUnusable(t, err, 5*time.Minute-tc.tol, time.Second, tc.tol+time.Second)
			assert.EqualValues(t, 1, ts.mintsFor("u1"), "no mint before the lifetime ends")
			ts.clock.Advance(time.Second)
			tok, err = cache.Token(ctx, "u1")
			require.NoError(t, err)
			seq, _ = tokenSeqExp(t, tok.Token)
			assert.EqualValues(t, 2, seq)
			assert.EqualValues(t, 2, ts.mintsFor("u1"))
		})
	}
}

// A fresh token is handed out while the local clock is at most the tolerance
// past its exp; beyond that Token refuses, and does not mint again for the
// maximum age.
func TestTokenCacheFreshTokenAtTolerance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("expired by tolerance-1s: returned once, not reused", func(t *testing.T) {
		ts := skewedTokenServer(t, -(30*time.Minute + time.Minute - time.Second), true)
		cache := ts.cache(t)
		tok, err := cache.Token(ctx, "u1")
		require.NoError(t, err)
		seq, exp := tokenSeqExp(t, tok.Token)
		assert.EqualValues(t, 1, seq)
		assert.Equal(t, ts.clock.Now().Add(-time.Minute+time.Second), exp)
		tok, err = cache.Token(ctx, "u1")
		assert.Nil(t, tok)
		requireUnusable(t, err, -time.Minute+time.Second, 25*time.Minute, 31*time.Minute-time.Second)
		assert.EqualValues(t, 1, ts.mintsFor("u1"))
	})
	t.Run("expired by tolerance+1s: refused", func(t *testing.T) {
		ts := skewedTokenServer(t, -(30*time.Minute + time.Minute + time.Second), true)
		cache := ts.cache(t)
		for range 3 {
			tok, err := cache.Token(ctx, "u1")
			assert.Nil(t, tok)
			requireUnusable(t, err, -time.Minute-time.Second, 25*time.Minute, 31*time.Minute+time.Second)
		}
		assert.EqualValues(t, 1, ts.mintsFor("u1"))
		assert.Equal(t, 1, cache.Len(), "the refused token holds back the next mint")
	})
}

// With the local clock behind Alloy's, exp looks far away; the lifetime
// counted from the local mint still ends reuse after 30 - 5 minutes, even
// under a long maximum age. Without it, a token that expired at Alloy 55
// minutes earlier would be handed out.
func TestTokenCacheLocalClockBehindServesNoExpiredToken(t *testing.T) {
	t.Parallel()
	ts := skewedTokenServer(t, time.Hour, true)
	cache := ts.cache(t, WithTokenMaxAge(2*time.Hour))
	ctx := context.Background()
	_, err := cache.Token(ctx, "u1")
	require.NoError(t, err)
	ts.clock.Advance(25*time.Minute - time.Second)
	tok, err := cache.Token(ctx, "u1")
	require.NoError(t, err)
	seq, _ := tokenSeqExp(t, tok.Token)
	assert.EqualValues(t, 1, seq)
	ts.clock.Advance(time.Second)
	tok, err = cache.Token(ctx, "u1")
	require.NoError(t, err)
	seq, _ = tokenSeqExp(t, tok.Token)
	assert.EqualValues(t, 2, seq, "the 30-minute token is not reused past 25 minutes")
	assert.EqualValues(t, 2, ts.mintsFor("u1"))
}

// Calls every 10 s for 100 minutes under a skewed clock: the cache mints at
// most once per maximum age, and every token it hands out is unexpired by
// its exp (within the tolerance) and by its lifetime from the local mint.
func TestTokenCacheMintsOncePerMaxAgeUnderSkew(t *testing.T) {
	t.Parallel()
	const (
		step  = 10 * time.Second
		span  = 100 * time.Minute
		calls = int(span / step)
	)
	cases := []struct {
		name   string
		skew   time.Duration // Alloy's clock minus the local one
		iat    bool
		mints  int64
		served int
	}{
		{"local ahead 1h", -time.Hour, true, 4, 0},
		{"local ahead 1h, no iat", -time.Hour, false, 4, 0},
		{"local behind 1h", time.Hour, true, 4, calls},
		{"local behind 1h, no iat", time.Hour, false, 4, calls},
		// exp - margin + tolerance ends reuse at 16 minutes: 96 calls served,
		// 54 refused, per 25-minute cycle.
		{"local ahead 10m", -10 * time.Minute, true, 4, 4 * 96},
		// Each fresh token has 2 minutes left by the local clock: handed out
		// to the call that minted it, then refused for the rest of the cycle.
		{"local ahead 28m", -28 * time.Minute, true, 4, 4},
		// Without iat, a clock 10 minutes ahead looks exactly like a
		// 20-minute token: reuse ends at 15 minutes and the cache mints at
		// that token's rate, the documented limit.
		{"local ahead 10m, no iat", -10 * time.Minute, false, 7, calls},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := skewedTokenServer(t, tc.skew, tc.iat)
			cache := ts.cache(t)
			ctx := context.Background()
			start := ts.clock.Now()
			mintedAt := map[int64]time.Time{}
			served := 0
			for i := 0; i < calls; i++ {
				now := ts.clock.Now()
				before := ts.mintsFor("u1")
				tok, err := cache.Token(ctx, "u1")
				if after := ts.mintsFor("u1"); after != before {
					require.Equal(t, before+1, after)
					mintedAt[after] = now
				}
				if err != nil {
					assert.Nil(t, tok)
					require.ErrorIs(t, err, ErrTokenUnusable, "call %d", i)
				} else {
					served++
					seq, exp := tokenSeqExp(t, tok.Token)
					require.Contains(t, mintedAt, seq)
					assert.True(t, now.Before(exp.Add(DefaultTokenSkewTolerance)), "call %d: token past exp beyond the tolerance", i)
					assert.True(t, now.Before(mintedAt[seq].Add(30*time.Minute)), "call %d: token past its lifetime", i)
					if !now.Equal(mintedAt[seq]) { // reused: the margin applies too
						assert.True(t, now.Before(exp.Add(DefaultTokenSkewTolerance-DefaultTokenMargin)), "call %d", i)
						assert.True(t, now.Before(mintedAt[seq].Add(DefaultTokenMaxAge)), "call %d", i)
					}
				}
				ts.clock.Advance(step)
			}
			assert.Equal(t, tc.mints, ts.mintsFor("u1"), "mints")
			assert.Equal(t, tc.served, served, "calls served")
			if tc.mints == 4 {
				for k := int64(1); k <= 4; k++ {
					assert.Equal(t, start.Add(time.Duration(k-1)*DefaultTokenMaxAge), mintedAt[k], "mint %d", k)
				}
			}
		})
	}
}

// The margin and maximum age boundaries stay exact for tokens with iat.
func TestTokenCacheMarginAndMaxAgeWithIssuedAt(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		ttl   time.Duration
		reuse time.Duration // how long after the mint the token is reused
	}{
		{"10-minute token: the margin ends reuse", 10 * time.Minute, 5 * time.Minute},
		{"60-minute token: the maximum age ends reuse", time.Hour, 25 * time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTokenServer(t, tc.ttl)
			ts.iat = true
			cache := ts.cache(t)
			ctx := context.Background()
			_, err := cache.Token(ctx, "u1")
			require.NoError(t, err)
			ts.clock.Advance(tc.reuse - time.Second)
			_, err = cache.Token(ctx, "u1")
			require.NoError(t, err)
			assert.EqualValues(t, 1, ts.mintsFor("u1"))
			ts.clock.Advance(time.Second)
			_, err = cache.Token(ctx, "u1")
			require.NoError(t, err)
			assert.EqualValues(t, 2, ts.mintsFor("u1"))
		})
	}
}

// Callers piling up on a skewed clock share one mint and all get the error.
func TestTokenCacheConcurrentCallersUnderSkew(t *testing.T) {
	t.Parallel()
	ts := skewedTokenServer(t, -time.Hour, true)
	cache := ts.cache(t)
	errs := make(chan error, 50)
	for range 50 {
		go func() {
			_, err := cache.Token(context.Background(), "u1")
			errs <- err
		}()
	}
	for range 50 {
		assert.ErrorIs(t, <-errs, ErrTokenUnusable)
	}
	assert.EqualValues(t, 1, ts.counter.Load())
}

// Invalidate ends the wait at once; setting the local clock right ends it
// too, as the held token then passes both rules.
func TestTokenCacheWaitEndsOnInvalidateOrClockFix(t *testing.T) {
	t.Parallel()
	ts := skewedTokenServer(t, -time.Hour, true)
	cache := ts.cache(t)
	ctx := context.Background()
	_, err := cache.Token(ctx, "u1")
	require.ErrorIs(t, err, ErrTokenUnusable)
	cache.Invalidate("u1")
	_, err = cache.Token(ctx, "u1")
	require.ErrorIs(t, err, ErrTokenUnusable)
	assert.EqualValues(t, 2, ts.mintsFor("u1"), "Invalidate allowed a new mint")

	ts.clock.Advance(-time.Hour) // the local clock is set right
	ts.skew = 0
	tok, err := cache.Token(ctx, "u1")
	require.NoError(t, err)
	seq, _ := tokenSeqExp(t, tok.Token)
	assert.EqualValues(t, 2, seq, "the held token is handed out")
	assert.EqualValues(t, 2, ts.mintsFor("u1"))
}

func TestTokenUnusableErrorMessage(t *testing.T) {
	t.Parallel()
	err := error(&TokenUnusableError{Left: -30 * time.Minute, RetryAfter: 25 * time.Minute, ClockSkew: time.Hour})
	assert.Equal(t, "alloy: no usable user token: by the local clock it expired 30m0s ago; next mint in 25m0s; "+
		"the local clock looks 1h0m0s ahead of Alloy's", err.Error())
	assert.True(t, errors.Is(err, ErrTokenUnusable))
	err = &TokenUnusableError{Left: 4 * time.Minute, RetryAfter: time.Second}
	assert.Equal(t, "alloy: no usable user token: by the local clock it has 4m0s left; next mint in 1s", err.Error())
}

// TokenHandler does not hand the browser a token the cache refuses: 503
// with Retry-After until the next mint, a generic body, one mint.
func TestTokenHandlerUnusableToken(t *testing.T) {
	t.Parallel()
	ts := skewedTokenServer(t, -time.Hour, true)
	h := TokenHandler(ts.cache(t), func(*http.Request) (string, error) { return "u1", nil })
	get := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/alloy/token", nil))
		return w
	}
	for _, tc := range []struct {
		advance    time.Duration
		retryAfter string
		mints      int64
	}{
		{0, "1500", 1},
		{0, "1500", 1},
		{10*time.Second + time.Millisecond, "1490", 1}, // rounded up
		{25*time.Minute - 10*time.Second - time.Millisecond, "1500", 2},
	} {
		ts.clock.Advance(tc.advance)
		w := get()
		assert.Equal(t, http.StatusServiceUnavailable, w.Code)
		assert.Equal(t, tc.retryAfter, w.Header().Get("Retry-After"))
		assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		assert.JSONEq(t, `{"message":"no usable token right now"}`, w.Body.String())
		assert.Equal(t, tc.mints, ts.mintsFor("u1"))
	}
}
