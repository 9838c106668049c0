package alloy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// CallInfo describes a call to middleware. It holds no ids, query values
// or bodies, so it can name spans, metrics and log lines as it is.
type CallInfo struct {
	// Operation is the SDK method, e.g. "Users.Get" or
	// "unified.Commerce.Orders.List"; for Client.Do, Request.Operation, or
	// "METHOD /route" when that is empty.
	Operation  string
	Method     string
	Route      string // the path template, e.g. "/users/{userId}"
	APIVersion string
}

// CallNext sends the call: every attempt, with the retries and waits the
// policy allows. It returns the last answer's metadata (nil when no
// answer arrived) and the error the caller will get.
type CallNext func(ctx context.Context) (*Response, error)

// CallMiddleware wraps each call once, around all its attempts: for a
// span, a metric or a log line per call. It should call next at most once
// and return what next returned: for a call that is not idempotent (a POST
// without WithIdempotent) a second call of next sends nothing and returns
// an error matching ErrInvalidArgument, for the SDK never sends such a
// call twice unless asked to; it may pass next a derived
// context (a span's), which every attempt then carries. It runs after the
// call's arguments are checked, so a call refused for bad input never
// reaches it.
type CallMiddleware func(ctx context.Context, call CallInfo, next CallNext) (*Response, error)

// AttemptNext sends one attempt.
type AttemptNext func(*http.Request) (*http.Response, error)

// AttemptMiddleware wraps each attempt of each call, around the HTTP round
// trip: for a client span per attempt, or a header of your own (a trace
// context). The request's context is the call's, as CallMiddleware passed
// it on. The request's Authorization header reads "Bearer [REDACTED]": the
// middleware never sees the API key, and whatever it does to that header,
// the SDK sends the real one. Like an http.RoundTripper, it must not keep
// the request or read its body, and must return the response next gave it
// (or an error, which counts as a failed attempt).
type AttemptMiddleware func(req *http.Request, next AttemptNext) (*http.Response, error)

// WithCallMiddleware adds call middleware; the first given is the
// outermost. Later WithCallMiddleware options add inside earlier ones. A
// nil middleware is refused.
func WithCallMiddleware(m ...CallMiddleware) Option {
	return func(c *config) error {
		for i, mw := range m {
			if mw == nil {
				return fmt.Errorf("call middleware %d is nil", i)
			}
		}
		c.callMiddleware = append(c.callMiddleware, m...)
		return nil
	}
}

// WithAttemptMiddleware adds attempt middleware; the first given is the
// outermost. A nil middleware is refused.
func WithAttemptMiddleware(m ...AttemptMiddleware) Option {
	return func(c *config) error {
		for i, mw := range m {
			if mw == nil {
				return fmt.Errorf("attempt middleware %d is nil", i)
			}
		}
		c.attemptMiddleware = append(c.attemptMiddleware, m...)
		return nil
	}
}

// chainCalls composes call middleware around core.
func chainCalls(mws []CallMiddleware, info CallInfo, core CallNext) CallNext {
	next := core
	for i := len(mws) - 1; i >= 0; i-- {
		mw, inner := mws[i], next
		next = func(ctx context.Context) (*Response, error) { return mw(ctx, info, inner) }
	}
	return next
}

// chainAttempts composes attempt middleware into the transport's hook.
func chainAttempts(mws []AttemptMiddleware) func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	if len(mws) == 0 {
		return nil
	}
	return func(r *http.Request, last func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		next := AttemptNext(last)
		for i := len(mws) - 1; i >= 0; i-- {
			mw, inner := mws[i], next
			next = func(r *http.Request) (*http.Response, error) { return mw(r, inner) }
		}
		return next(r)
	}
}

// WithRateLimit paces the client: at most perSecond attempts per second on
// average, with bursts of up to burst, shared by every call of the client
// (retries count). A call waits for its turn, within its context and
// timeout; a call whose context ends while it waits fails without being
// sent. Alloy documents no rate limits, so none is set by default: use it
// for bulk work (imports, backfills) so that it does not crowd out your
// product's own calls. perSecond must be positive and burst at least 1.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *config) error {
		if !(perSecond > 0) || burst < 1 {
			return fmt.Errorf("rate limit %v per second with burst %d: the rate must be positive and the burst at least 1", perSecond, burst)
		}
		c.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
		return nil
	}
}

// WithMaxInFlight bounds how many calls of the client are in flight at
// once, from the first attempt to the end of the last answer's body
// (retry waits included); further calls wait for a slot within their
// context. n must be positive; by default calls are not bounded (the
// shared transport holds at most 64 connections per host: see
// WithHTTPClient).
func WithMaxInFlight(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("max in flight %d is not positive", n)
		}
		c.inFlight = n
		return nil
	}
}

// DefaultMaxConnsPerHost bounds the shared transport's connections to one
// host, idle or busy. Over HTTP/1.1 a call holds a connection for its round
// trip, so 64 calls run at once and more wait for one; over HTTP/2 (Alloy's
// hosts speak it over TLS) calls share a connection.
const DefaultMaxConnsPerHost = 64

// sharedTransport is the transport of every Client given no WithHTTPClient:
// http.DefaultTransport's settings (proxy from the environment, dial and
// TLS handshake timeouts, HTTP/2) with a pool sized for concurrent calls.
// http.DefaultTransport keeps 2 idle connections per host, so over
// HTTP/1.1 a busy client opened and closed connections by the thousand. One
// transport serves every such Client, so a Client made per request leaks
// no connections.
var sharedTransport = sync.OnceValue(func() http.RoundTripper {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		// Replaced by the program (a test double, an instrumented
		// transport): use it as it is.
		return http.DefaultTransport
	}
	t := base.Clone()
	// No bound across hosts: each host's is DefaultMaxConnsPerHost. A
	// bound across hosts evicts one host's idle connections for another's,
	// which only costs new connections.
	t.MaxIdleConns = 0
	t.MaxIdleConnsPerHost = DefaultMaxConnsPerHost
	t.MaxConnsPerHost = DefaultMaxConnsPerHost
	if t.DialContext == nil {
		t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	return t
})

// inFlight is a counting semaphore.
type inFlight chan struct{}

func (s inFlight) acquire(ctx context.Context) error {
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s inFlight) release() { <-s }
