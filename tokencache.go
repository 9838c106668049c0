package alloy

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/alloysdk/alloy-go/internal/jwt"
)

// TokenCache hands out user JWTs, minting one only when the user has none
// with enough life left. Concurrent calls for the same user share a single
// request. It holds at most a fixed number of users (least recently used
// ones are dropped) and is safe for concurrent use.
//
//	cache, err := alloy.NewTokenCache(c)
//	...
//	tok, err := cache.Token(ctx, userID) // mints, or reuses a recent token
//
// A token's life is judged by two clocks, because the JWT's exp is written
// by Alloy's clock and compared with this host's:
//
//   - by its lifetime counted from the local mint: Alloy grants exp - iat
//     (exp minus the local mint time when the JWT has no iat; 30 minutes
//     when it has no exp), measured on the local monotonic clock from the
//     moment the mint request was sent, so no skew and no wall-clock jump
//     can stretch it;
//   - by its exp against the local wall clock, allowing the skew tolerance
//     (WithTokenSkewTolerance, default 1 minute): the cache never hands
//     out a token whose exp the local clock has passed by more than that.
//
// A cached token is reused while both leave it more than the margin, and
// for at most the maximum age after its mint. When the local clock runs
// ahead of Alloy's by more than the tolerance, the exp rule ends a token's
// reuse early; the cache then does not mint again for that user before the
// token's lifetime would have ended it anyway (its mint plus the maximum
// age, or the lifetime less the margin if shorter), and Token returns a
// *TokenUnusableError in between. A skewed clock therefore never makes the
// cache mint more often than a correct one would (with the defaults, once
// per user per 25 minutes), and never makes it hand out an expired token.
// Invalidate ends the wait at once, e.g. after fixing the clock.
//
// Without an iat claim the lifetime can only be read as exp minus the local
// mint time, which a clock running ahead shortens: such tokens are then
// minted as often as tokens that much shorter would be (and, like tokens
// that live less than the margin, on every call once nothing is left to
// reuse), though still never handed out expired.
type TokenCache struct {
	c         *Client
	margin    time.Duration // a token is not reused this close to its end
	maxAge    time.Duration // nor this long after it was minted
	tolerance time.Duration // how far past its exp by the local clock a token may be
	size      int
	now       func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element // of *tokenEntry
	lru     *list.List               // front: most recently used
	group   singleflight.Group
}

// tokenEntry is a minted token and the times that govern it. Times derived
// from minted keep its monotonic reading (with time.Now); exp comes from the
// JWT and is compared by wall clock.
type tokenEntry struct {
	userID    string
	token     UserToken
	minted    time.Time     // local, when the mint request was sent
	lifeEnd   time.Time     // minted + the lifetime Alloy granted
	exp       time.Time     // the JWT's exp; zero when it has none
	skew      time.Duration // local clock minus Alloy's at the mint, from iat; 0 when unknown
	mintAfter time.Time     // no other mint for the user before this
}

// TokenCacheOption configures a TokenCache. A bad value makes NewTokenCache
// fail with ErrInvalidArgument.
type TokenCacheOption func(*TokenCache) error

// Defaults of a TokenCache.
const (
	DefaultTokenMargin    = 5 * time.Minute
	DefaultTokenMaxAge    = 25 * time.Minute
	DefaultTokenCacheSize = 10_000

	// DefaultTokenSkewTolerance: NTP keeps hosts within milliseconds of
	// each other, so a minute absorbs any healthy clock plus the mint's
	// latency, while staying small against the 5-minute margin: a reused
	// token always has at least 4 minutes left by the local clock too.
	DefaultTokenSkewTolerance = time.Minute
)

// WithTokenMargin sets how long before its end a cached token stops being
// reused (default 5 minutes): the frontend needs time to use it. A token
// just minted is handed out with whatever life it has. d must not be
// negative.
func WithTokenMargin(d time.Duration) TokenCacheOption {
	return func(tc *TokenCache) error {
		if d < 0 {
			return fmt.Errorf("token margin %s is negative", d)
		}
		tc.margin = d
		return nil
	}
}

// WithTokenMaxAge caps how long after minting a token is handed out
// (default 25 minutes), whatever its expiry says. It is also the longest
// the cache waits before minting again for a user whose token a skewed
// clock made unusable. d must be positive.
func WithTokenMaxAge(d time.Duration) TokenCacheOption {
	return func(tc *TokenCache) error {
		if d <= 0 {
			return fmt.Errorf("token max age %s is not positive", d)
		}
		tc.maxAge = d
		return nil
	}
}

// WithTokenSkewTolerance sets how far the local clock may disagree with
// Alloy's (default 1 minute). A token is never handed out once the local
// clock is past its exp by more than d, nor reused once it is within the
// margin less d of its exp; skew up to d changes nothing. 0 trusts the local
// clock exactly; d must not be negative.
func WithTokenSkewTolerance(d time.Duration) TokenCacheOption {
	return func(tc *TokenCache) error {
		if d < 0 {
			return fmt.Errorf("token skew tolerance %s is negative", d)
		}
		tc.tolerance = d
		return nil
	}
}

// WithTokenCacheSize caps how many users' tokens are kept (default 10,000);
// the least recently used are dropped first. n must be positive.
func WithTokenCacheSize(n int) TokenCacheOption {
	return func(tc *TokenCache) error {
		if n <= 0 {
			return fmt.Errorf("token cache size %d is not positive", n)
		}
		tc.size = n
		return nil
	}
}

// WithTokenClock replaces time.Now, for tests. now must not be nil.
func WithTokenClock(now func() time.Time) TokenCacheOption {
	return func(tc *TokenCache) error {
		if now == nil {
			return fmt.Errorf("token clock is nil")
		}
		tc.now = now
		return nil
	}
}

// NewTokenCache returns a cache that mints tokens with c.Tokens.Create. A
// nil client or a bad option value is an error matching ErrInvalidArgument.
func NewTokenCache(c *Client, opts ...TokenCacheOption) (*TokenCache, error) {
	if c == nil {
		return nil, invalidArg("new token cache", "client is nil")
	}
	tc := &TokenCache{
		c: c, margin: DefaultTokenMargin, maxAge: DefaultTokenMaxAge, tolerance: DefaultTokenSkewTolerance,
		size: DefaultTokenCacheSize, now: time.Now,
		entries: map[string]*list.Element{}, lru: list.New(),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(tc); err != nil {
			return nil, invalidArg("new token cache", "%s", err.Error())
		}
	}
	return tc, nil
}

// ErrTokenUnusable is matched by the *TokenUnusableError that Token returns
// when it has no token it may hand out and must not mint one yet.
var ErrTokenUnusable = errors.New("alloy: no usable user token")

// TokenUnusableError reports that the local clock is too far ahead of
// Alloy's for the user's token to be handed out: by the local clock it has
// expired (beyond the skew tolerance) or is within the margin of its exp.
// Minting again would give a token in the same state, so the cache waits
// RetryAfter before it does; Invalidate ends the wait. It never contains the
// token.
type TokenUnusableError struct {
	ExpiresAt  time.Time     // the token's exp claim, by Alloy's clock
	Left       time.Duration // exp minus the local clock's now; negative once past
	RetryAfter time.Duration // until the cache mints for this user again
	ClockSkew  time.Duration // local clock minus Alloy's, from the token's iat; 0 when it has none
}

// Error says how far off the clock looks, without the token.
func (e *TokenUnusableError) Error() string {
	msg := fmt.Sprintf("%v: by the local clock it has %s left", ErrTokenUnusable, e.Left.Round(time.Second))
	if e.Left < 0 {
		msg = fmt.Sprintf("%v: by the local clock it expired %s ago", ErrTokenUnusable, -e.Left.Round(time.Second))
	}
	msg += fmt.Sprintf("; next mint in %s", e.RetryAfter.Round(time.Second))
	switch skew := e.ClockSkew.Round(time.Second); {
	case skew > 0:
		msg += fmt.Sprintf("; the local clock looks %s ahead of Alloy's", skew)
	case skew < 0:
		msg += fmt.Sprintf("; the local clock looks %s behind Alloy's", -skew)
	}
	return msg
}

// Unwrap returns ErrTokenUnusable.
func (e *TokenUnusableError) Unwrap() error { return ErrTokenUnusable }

// Token returns a JWT for a user (id or username), minting one when the cache
// holds none it may reuse (see TokenCache for the rule). Callers asking for
// the same user at the same time share one mint; each still returns when its
// own ctx ends. The returned token is the caller's copy.
//
// A freshly minted token is returned while it has any life left by both
// clocks: the margin is for reuse, and no other token is to be had. When
// even a fresh token has expired by the local clock (beyond the tolerance),
// or the cache is waiting out a token that skew made unusable, Token returns
// a nil token and a *TokenUnusableError matching ErrTokenUnusable: handing
// out an expired token would only fail later in the browser, where nobody
// can see why, and minting on every call would not help.
func (tc *TokenCache) Token(ctx context.Context, userID string) (*UserToken, error) {
	if strings.TrimSpace(userID) == "" {
		return nil, invalidArg("token cache", "userID is empty")
	}
	if ctx == nil {
		return nil, invalidArg("token cache", "context is nil")
	}
	if tok, ok, err := tc.lookup(userID); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return &tok, nil
	}
	return tc.mint(ctx, userID)
}

// mint returns the user's token from a mint shared with concurrent callers.
func (tc *TokenCache) mint(ctx context.Context, userID string) (*UserToken, error) {
	// The shared mint must not fail for everyone because the first caller
	// gave up: it runs without that caller's cancellation, bounded by the
	// client's timeout.
	mintCtx := context.WithoutCancel(ctx)
	ch := tc.group.DoChan(userID, func() (any, error) {
		// A caller that missed the cache just before another caller's mint
		// stored its result gets here once that mint is over: it takes the
		// stored result instead of minting again.
		if tok, ok, err := tc.lookup(userID); ok || err != nil {
			if err != nil {
				return nil, err
			}
			return tok, nil
		}
		minted := tc.now()
		tok, err := tc.c.Tokens.Create(mintCtx, userID)
		if err != nil {
			return nil, err
		}
		return tc.store(userID, *tok, minted)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		tok := res.Val.(UserToken)
		return &tok, nil
	case <-ctx.Done():
		return nil, &TransportError{Method: http.MethodGet, Path: "/users/{userId}/token", Err: ctx.Err()}
	}
}

// lookup returns a reusable cached token and marks it recently used. When
// the user's token is unusable but a new mint must wait, it returns the
// error to give instead; an entry past both is dropped.
func (tc *TokenCache) lookup(userID string) (UserToken, bool, error) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	el, ok := tc.entries[userID]
	if !ok {
		return UserToken{}, false, nil
	}
	e := el.Value.(*tokenEntry)
	now := tc.now()
	if tc.usable(e, now, tc.margin) && now.Before(e.minted.Add(tc.maxAge)) {
		tc.lru.MoveToFront(el)
		return e.token, true, nil
	}
	if now.Before(e.mintAfter) {
		tc.lru.MoveToFront(el)
		return UserToken{}, false, tc.unusable(e, now)
	}
	tc.remove(el)
	return UserToken{}, false, nil
}

// usable reports whether e has more than left of its life by both clocks.
func (tc *TokenCache) usable(e *tokenEntry, now time.Time, left time.Duration) bool {
	if !now.Before(e.lifeEnd.Add(-left)) {
		return false
	}
	return e.exp.IsZero() || now.Before(e.exp.Add(tc.tolerance-left))
}

func (tc *TokenCache) unusable(e *tokenEntry, now time.Time) error {
	err := &TokenUnusableError{ExpiresAt: e.token.ExpiresAt, RetryAfter: e.mintAfter.Sub(now)}
	if !e.exp.IsZero() {
		err.Left = e.exp.Sub(now)
	}
	err.ClockSkew = e.skew
	return err
}

// store records tok, minted at minted, and returns it, or the error to give
// when it is unusable already. The entry is kept while it may be reused or
// while it holds back the next mint.
func (tc *TokenCache) store(userID string, tok UserToken, minted time.Time) (any, error) {
	e := &tokenEntry{userID: userID, token: tok, minted: minted}
	life := tokenFallbackLifetime
	if exp, ok := jwt.Expiry(tok.Token); ok {
		e.exp = exp
		life = exp.Sub(minted) // by two clocks: exact only without skew
		if iat, ok := jwt.IssuedAt(tok.Token); ok && iat.Before(exp) {
			life = exp.Sub(iat) // by Alloy's clock alone
			e.skew = minted.Sub(iat)
		}
	}
	e.lifeEnd = minted.Add(life)

	tc.mu.Lock()
	defer tc.mu.Unlock()
	if el, ok := tc.entries[userID]; ok {
		tc.remove(el)
	}
	now := tc.now()
	// The lifetime alone decides when to mint again, so that a skewed exp
	// cannot raise the mint rate; a token unusable on arrival holds the next
	// mint back for the maximum age.
	fresh := tc.usable(e, now, 0)
	e.mintAfter = minted.Add(tc.maxAge)
	if end := e.lifeEnd.Add(-tc.margin); fresh && end.Before(e.mintAfter) {
		e.mintAfter = end
	}
	if now.Before(e.mintAfter) {
		tc.entries[userID] = tc.lru.PushFront(e)
		for tc.lru.Len() > tc.size {
			tc.remove(tc.lru.Back())
		}
	}
	if !fresh {
		return nil, tc.unusable(e, now)
	}
	return tok, nil
}

func (tc *TokenCache) remove(el *list.Element) {
	delete(tc.entries, el.Value.(*tokenEntry).userID)
	tc.lru.Remove(el)
}

// Invalidate drops a user's cached token, e.g. after the frontend reports
// it rejected; the next Token mints a new one. A mint already in flight
// for the user still completes and is cached.
func (tc *TokenCache) Invalidate(userID string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if el, ok := tc.entries[userID]; ok {
		tc.remove(el)
	}
}

// Len reports how many users have a cached token (usable or not yet
// swept).
func (tc *TokenCache) Len() int {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.lru.Len()
}

// TokenHandler serves the signed-in user's JWT to your frontend, which
// passes it to Alloy.setToken. resolve maps a request to your user's Alloy
// user id (from your session cookie, say); when it fails the handler
// answers 401. GET and POST are served; anything else gets 405.
//
// The answer is {"token": "...", "expiresAt": "<RFC 3339>"} with
// Cache-Control: no-store. A failure to mint answers 502 (404 when Alloy
// does not know the user) with a generic message. When the cache has no
// token it may hand out (ErrTokenUnusable: the local clock is too far
// ahead of Alloy's), it answers 503 with Retry-After rather than give the
// browser an expired token. A panic in resolve (or below) answers 500 with
// a generic message, except http.ErrAbortHandler, which is re-raised for
// net/http to abort the response. The handler never logs or echoes the
// token, the error's details or a panic's value.
func TokenHandler(cache *TokenCache, resolve func(*http.Request) (userID string, err error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				// The value may hold anything of the caller's (a session, a
				// secret): it is dropped, not logged. Nothing has been
				// written yet, as only the last step writes.
				writeTokenJSON(w, http.StatusInternalServerError, map[string]string{"message": "internal error"})
			}
		}()
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			h.Set("Allow", "GET, POST")
			writeTokenJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "method not allowed"})
			return
		}
		userID, err := resolve(r)
		if err != nil || strings.TrimSpace(userID) == "" {
			writeTokenJSON(w, http.StatusUnauthorized, map[string]string{"message": "not signed in"})
			return
		}
		tok, err := cache.Token(r.Context(), userID)
		var unusable *TokenUnusableError
		switch {
		case errors.Is(err, ErrNotFound):
			writeTokenJSON(w, http.StatusNotFound, map[string]string{"message": "no Alloy user for this account"})
		case errors.As(err, &unusable):
			h.Set("Retry-After", strconv.FormatInt(max(1, int64((unusable.RetryAfter+time.Second-1)/time.Second)), 10))
			writeTokenJSON(w, http.StatusServiceUnavailable, map[string]string{"message": "no usable token right now"})
		case err != nil:
			writeTokenJSON(w, http.StatusBadGateway, map[string]string{"message": "could not get a token from Alloy"})
		default:
			writeTokenJSON(w, http.StatusOK, map[string]string{"token": tok.Token, "expiresAt": tok.ExpiresAt.UTC().Format(time.RFC3339)})
		}
	})
}

func writeTokenJSON(w http.ResponseWriter, status int, v map[string]string) {
	b, _ := json.Marshal(v) // a map of strings always encodes
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
