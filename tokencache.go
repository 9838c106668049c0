package alloy

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// TokenCache hands out user JWTs, minting one only when the user has none
// with enough life left. Concurrent calls for the same user share a single
// request. It holds at most a fixed number of users (least recently used
// ones are dropped) and is safe for concurrent use.
//
//	cache := alloy.NewTokenCache(c)
//	tok, err := cache.Token(ctx, userID) // mints, or reuses a recent token
type TokenCache struct {
	c      *Client
	margin time.Duration // a token is not handed out this close to its expiry
	maxAge time.Duration // nor this long after it was minted
	size   int
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element // of *tokenEntry
	lru     *list.List               // front: most recently used
	group   singleflight.Group
}

type tokenEntry struct {
	userID   string
	token    UserToken
	useUntil time.Time
}

// TokenCacheOption configures a TokenCache.
type TokenCacheOption func(*TokenCache)

// Defaults of a TokenCache.
const (
	DefaultTokenMargin    = 5 * time.Minute
	DefaultTokenMaxAge    = 25 * time.Minute
	DefaultTokenCacheSize = 10_000
)

// WithTokenMargin sets how long before its expiry a token stops being
// handed out (default 5 minutes): the frontend needs time to use it.
func WithTokenMargin(d time.Duration) TokenCacheOption {
	return func(tc *TokenCache) {
		if d >= 0 {
			tc.margin = d
		}
	}
}

// WithTokenMaxAge caps how long after minting a token is handed out
// (default 25 minutes), whatever its expiry says.
func WithTokenMaxAge(d time.Duration) TokenCacheOption {
	return func(tc *TokenCache) {
		if d > 0 {
			tc.maxAge = d
		}
	}
}

// WithTokenCacheSize caps how many users' tokens are kept (default 10,000);
// the least recently used are dropped first.
func WithTokenCacheSize(n int) TokenCacheOption {
	return func(tc *TokenCache) {
		if n > 0 {
			tc.size = n
		}
	}
}

// WithTokenClock replaces time.Now, for tests.
func WithTokenClock(now func() time.Time) TokenCacheOption {
	return func(tc *TokenCache) {
		if now != nil {
			tc.now = now
		}
	}
}

// NewTokenCache returns a cache that mints tokens with c.Tokens.Create.
func NewTokenCache(c *Client, opts ...TokenCacheOption) *TokenCache {
	tc := &TokenCache{
		c: c, margin: DefaultTokenMargin, maxAge: DefaultTokenMaxAge, size: DefaultTokenCacheSize, now: time.Now,
		entries: map[string]*list.Element{}, lru: list.New(),
	}
	for _, o := range opts {
		if o != nil {
			o(tc)
		}
	}
	return tc
}

// Token returns a JWT for a user (id or username) that has more than the
// margin of life left and is younger than the maximum age, minting one when
// the cache holds none. Callers asking for the same user at the same time
// share one mint; each still returns when its own ctx ends. The returned
// token is the caller's copy.
func (tc *TokenCache) Token(ctx context.Context, userID string) (*UserToken, error) {
	if strings.TrimSpace(userID) == "" {
		return nil, invalidArg("token cache", "userID is empty")
	}
	if ctx == nil {
		return nil, invalidArg("token cache", "context is nil")
	}
	if tok, ok := tc.lookup(userID); ok {
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
		// stored its token gets here once that mint is over: it takes the
		// stored token instead of minting again.
		if tok, ok := tc.lookup(userID); ok {
			return tok, nil
		}
		minted := tc.now()
		tok, err := tc.c.Tokens.Create(mintCtx, userID)
		if err != nil {
			return nil, err
		}
		tc.store(userID, *tok, minted)
		return *tok, nil
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

// lookup returns a usable cached token and marks it recently used; an
// expired one is dropped.
func (tc *TokenCache) lookup(userID string) (UserToken, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	el, ok := tc.entries[userID]
	if !ok {
		return UserToken{}, false
	}
	e := el.Value.(*tokenEntry)
	if !tc.now().Before(e.useUntil) {
		tc.remove(el)
		return UserToken{}, false
	}
	tc.lru.MoveToFront(el)
	return e.token, true
}

// store keeps tok, minted at minted, until the earlier of its expiry less
// the margin and the maximum age.
func (tc *TokenCache) store(userID string, tok UserToken, minted time.Time) {
	useUntil := tok.ExpiresAt.Add(-tc.margin)
	if limit := minted.Add(tc.maxAge); limit.Before(useUntil) {
		useUntil = limit
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if el, ok := tc.entries[userID]; ok {
		tc.remove(el)
	}
	if !tc.now().Before(useUntil) {
		return // already too old to hand out again
	}
	tc.entries[userID] = tc.lru.PushFront(&tokenEntry{userID: userID, token: tok, useUntil: useUntil})
	for tc.lru.Len() > tc.size {
		tc.remove(tc.lru.Back())
	}
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
// does not know the user) with a generic message; the handler never logs
// or echoes the token or the error's details.
func TokenHandler(cache *TokenCache, resolve func(*http.Request) (userID string, err error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
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
		switch {
		case errors.Is(err, ErrNotFound):
			writeTokenJSON(w, http.StatusNotFound, map[string]string{"message": "no Alloy user for this account"})
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
