// Package transport is the alloy SDK's retrying HTTP layer: one retry
// policy that knows the HTTP method and the failure mode, waits that honour
// Retry-After and the caller's deadline, a client-wide pause after a 429,
// optional rate limiting, attempt counting and per-attempt logging, around
// the caller's *http.Client.
package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

// FailedBodyLimit caps how much of a failed attempt's body is kept for the
// error reported when the caller's context ends during a retry wait.
const FailedBodyLimit = 64 << 10

// Config is the transport's fixed configuration, set once per client.
type Config struct {
	HTTPClient *http.Client // used as the inner client; never mutated
	MaxRetries int          // retries after the first attempt
	WaitMin    time.Duration
	WaitMax    time.Duration // also the cap on an honoured Retry-After
	Logger     *slog.Logger  // nil: silent
	// RequestID reads a response's request id for the log (redacted by
	// the caller); nil logs none.
	RequestID func(http.Header) string
	// Attempt, when non-nil, wraps every attempt's round trip (the
	// client's attempt middleware). It is shown the request with its
	// Authorization value replaced by RedactedAuthorization; the real one
	// is put back below it.
	Attempt func(r *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)
	// Limiter, when non-nil, paces attempts: each one waits for a token.
	Limiter *rate.Limiter
}

// RedactedAuthorization is the Authorization value attempt middleware sees.
const RedactedAuthorization = "Bearer [REDACTED]"

// Transport sends requests with retries. It is safe for concurrent use.
type Transport struct {
	cfg Config
	hc  *http.Client // the caller's, wrapped (see New)
	// shareHeader: Request.Header is sent as it is, not copied (see New).
	shareHeader bool
	// pauseUntil is the Unix nanosecond time before which no attempt may
	// start: the end of the last Retry-After a 429 asked for, shared by
	// every call of the client.
	pauseUntil atomic.Int64
	// Sleep waits d or until ctx ends. Tests replace it to observe waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock of the pacing (the 429 pause and the limiter);
	// tests replace it along with Sleep.
	Now func() time.Time
}

// Request is one logical call, possibly sent several times.
type Request struct {
	Method     string
	URL        string
	Route      string      // the route template, logged instead of ids
	Header     http.Header // may be shared: neither Do nor net/http changes it (see New)
	Body       []byte      // replayed byte-exact on every attempt; nil for none
	Idempotent bool        // retry 5xx/408 and connection errors, not only 429 and refused dials
	MaxRetries int         // <0: use Config.MaxRetries
}

// Failed is what is kept of the last failed attempt that had a response.
type Failed struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// Stats describes how a call went.
type Stats struct {
	Attempts int
	// MayHaveActed reports that an attempt before the last one was retried
	// after a failure the server may have acted on (a 408 or 5xx, or a
	// connection lost after the request was sent), as opposed to one it
	// cannot have acted on (a 429, a refused connection).
	MayHaveActed bool
	// Last is the last failed attempt with a response, set when the call
	// ended while waiting to retry it (for example the context was cancelled).
	Last *Failed
}

// New builds a Transport. The caller's *http.Client is wrapped, not
// replaced or modified: its transport, cookie jar and timeout are used, its
// redirect policy runs within the same origin only (see sameOrigin), and
// attempt middleware and the no-replay rule run around its transport (see
// keepIdle).
func New(cfg Config) *Transport {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	inner := &http.Client{
		Transport:     keepIdle{rt, cfg.Attempt},
		CheckRedirect: sameOrigin(hc.CheckRedirect),
		Jar:           hc.Jar,
		Timeout:       hc.Timeout,
	}
	// net/http's Transport never changes a request's header, and an
	// http.Client changes it only to add its cookie jar's cookies; attempt
	// middleware is shown a copy (see keepIdle). With both, the caller's
	// header map is sent as it is. Any other RoundTripper gets a map of its
	// own: many add to the one they are given.
	_, std := rt.(*http.Transport)
	return &Transport{cfg: cfg, hc: inner, Now: time.Now, shareHeader: std && hc.Jar == nil}
}

// sameOrigin wraps a redirect policy so that a redirect to another host, or
// from https down to http, is not followed (the request carries the API
// key), nor any redirect of a call that is not idempotent.
// The redirect response is returned instead (the SDK reports it as an
// error). Within the same origin, next (or Go's default) decides.
func sameOrigin(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if via[0].Context().Value(noReplayKey{}) != nil {
			// A call that is not idempotent follows no redirect: a 307 or
			// 308 would send it again, and the GET of a 303 could fail in
			// a way retried as if the call had never reached the server.
			// The redirect is reported (an *Error whose outcome is unknown).
			return http.ErrUseLastResponse
		}
		first := via[0].URL
		if req.URL.Host != first.Host || (first.Scheme == "https" && req.URL.Scheme != "https") {
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// keepIdle runs the attempt middleware around every round trip, and keeps
// net/http from replaying a request the SDK treats as non-idempotent (see
// noReplay), redirected requests included. It does not pass
// CloseIdleConnections on: the caller's transport may be shared with the
// rest of the process.
type keepIdle struct {
	rt      http.RoundTripper
	attempt func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error)
}

func (k keepIdle) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Context().Value(noReplayKey{}) != nil && (r.GetBody != nil || r.Body == nil || r.Body == http.NoBody) {
		// Do sends such a request non-replayable already; this is a request
		// net/http made for a redirect.
		r = noReplay(r)
	}
	if k.attempt == nil {
		return k.rt.RoundTrip(r)
	}
	real := r.Header.Values("Authorization")
	shown := r.Clone(r.Context())
	shown.Body, shown.GetBody = r.Body, r.GetBody
	if len(real) > 0 {
		shown.Header.Set("Authorization", RedactedAuthorization)
	}
	return k.attempt(shown, func(out *http.Request) (*http.Response, error) {
		if out == nil {
			return nil, errors.New("attempt middleware passed a nil request")
		}
		seen := out
		if !slices.Equal(out.Header.Values("Authorization"), real) {
			// Whatever the middleware did to it, the real credential goes
			// out, on a copy: the middleware's request keeps what it saw.
			cp := *out
			cp.Header = out.Header.Clone()
			cp.Header.Del("Authorization")
			if len(real) > 0 {
				cp.Header["Authorization"] = real
			}
			out = &cp
		}
		resp, err := k.rt.RoundTrip(out)
		if resp != nil {
			// The response points at the request sent, which holds the
			// key: point it at the middleware's instead, for the middleware
			// reads resp.Request, and net/http hands it on to the next hop
			// of a redirect as req.Response.
			resp.Request = seen
		}
		return resp, err
	})
}

// noReplay returns a copy of r that net/http will not send twice.
//
// net/http re-sends a request by itself, below any retry policy, when a
// reused HTTP/1.1 connection fails after the request was written and the
// request is "replayable": a GET-like method, or any method with an
// Idempotency-Key or X-Idempotency-Key header, provided the body is absent
// or can be rewound with GetBody. Over HTTP/2 it re-sends a request whose
// stream a GOAWAY or REFUSED_STREAM says the server did not process, again
// when the body is absent or rewindable. Both trust the server; a server
// that acted and then closed the connection, or lied in its GOAWAY, gets
// the request twice. A request with a body and no GetBody is replayed by
// neither, so a non-idempotent request is sent with GetBody cleared and,
// when it has no body, with an empty one (over HTTP/1.1 that is a
// zero-length chunked body, which servers read as empty). Redirects that
// would resend the body (307, 308) are then not followed; the SDK reports
// them as an *Error.
func noReplay(r *http.Request) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	r2.GetBody = nil
	if r2.Body == nil || r2.Body == http.NoBody {
		r2.Body = io.NopCloser(strings.NewReader(""))
	}
	return r2
}

// noReplayKey marks, in a request's context, a call that must not be sent
// twice by net/http (see noReplay).
type noReplayKey struct{}

// state is the per-call retry state.
type state struct {
	req        *Request
	maxRetries int
	attempts   int
	start      time.Time
	last       *Failed
	acted      bool // see Stats.MayHaveActed
}

// Do sends r, retrying as the policy allows. A response is returned whatever
// its status; err is a transport error or the context's error.
func (t *Transport) Do(ctx context.Context, r *Request) (*http.Response, Stats, error) {
	st := state{req: r, maxRetries: r.MaxRetries}
	if st.maxRetries < 0 {
		st.maxRetries = t.cfg.MaxRetries
	}
	if err := t.waitTurn(ctx); err != nil {
		return nil, Stats{}, err // nothing sent
	}
	resp, err := t.do(ctx, r, &st)
	return resp, Stats{Attempts: st.attempts, Last: st.last, MayHaveActed: st.acted}, err
}

// do runs the attempts: send, ask checkRetry (which waits when it says
// yes), and again, on a fresh copy of the request with the body rewound.
func (t *Transport) do(ctx context.Context, r *Request, st *state) (*http.Response, error) {
	rctx := ctx
	if !r.Idempotent {
		rctx = context.WithValue(ctx, noReplayKey{}, true)
	}
	req, err := http.NewRequestWithContext(rctx, r.Method, r.URL, nil)
	if err != nil {
		return nil, err
	}
	switch {
	case t.shareHeader:
		req.Header = r.Header
	case r.Header != nil:
		// A map of the request's own, with the values shared: a clone
		// copies the map's table as it is, faster than adding each header
		// to the empty one.
		req.Header = maps.Clone(r.Header)
	}
	for {
		setBody(req, r)
		st.start = time.Now()
		st.last = nil // only a failure we are waiting to retry is reported with the context's error
		resp, doErr := t.hc.Do(req)
		retry, checkErr := t.checkRetry(ctx, st, resp, doErr)
		if !retry {
			if doErr == nil && checkErr == nil {
				return resp, nil
			}
			if resp != nil {
				resp.Body.Close()
			}
			if checkErr != nil {
				return nil, checkErr
			}
			return nil, doErr
		}
		if doErr == nil {
			drain(resp.Body) // reuse the connection (checkRetry kept what it reports)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// A fresh request for the next attempt: net/http may still be
		// closing the last one's body.
		next := *req
		req = &next
	}
}

// setBody gives req a body reading r.Body from its start. An idempotent
// request can be rewound by net/http (GetBody), for a replay or a 307/308
// redirect; any other is sent so that net/http cannot replay it (see
// noReplay).
func setBody(req *http.Request, r *Request) {
	switch {
	case r.Body != nil:
		req.Body = io.NopCloser(bytes.NewReader(r.Body))
		req.ContentLength = int64(len(r.Body))
		if r.Idempotent && req.GetBody == nil {
			body := r.Body
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
	case !r.Idempotent:
		req.Body = io.NopCloser(strings.NewReader(""))
	}
}

// drain reads what is left of a failed attempt's body, up to 4 KiB, and
// closes it, so that its connection can carry the retry.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	body.Close()
}

// checkRetry is the whole retry policy: it decides whether to retry, picks
// the wait (Retry-After or jittered exponential backoff), refuses a wait
// beyond the cap or past the context's deadline, and waits.
func (t *Transport) checkRetry(ctx context.Context, st *state, resp *http.Response, err error) (bool, error) {
	st.attempts++
	t.logAttempt(ctx, st, resp, err)
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		if ra, ok := RetryAfter(resp.Header, t.Now()); ok && ra > 0 {
			// The limit is the account's, not this call's: every call of
			// the client waits, up to the longest wait it honours.
			t.pause(min(ra, t.cfg.WaitMax))
		}
	}
	if cerr := ctx.Err(); cerr != nil {
		return false, cerr
	}
	if !retryable(st.req, resp, err) || st.attempts > st.maxRetries {
		return false, nil
	}
	wait := t.backoff(st.attempts)
	if resp != nil {
		if ra, ok := RetryAfter(resp.Header, t.Now()); ok {
			if ra > t.cfg.WaitMax {
				return false, nil // the server asks for longer than we may wait
			}
			wait = max(ra, t.cfg.WaitMin) // "0" or a past date must not mean a burst of retries
		}
	}
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
		return false, nil // waiting would outlive the caller: report now
	}
	if resp != nil {
		st.last = keepFailed(resp)
	}
	st.acted = st.acted || mayHaveActed(resp, err)
	sleep := t.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	if serr := sleep(ctx, wait); serr != nil {
		return false, serr
	}
	if werr := t.waitTurn(ctx); werr != nil {
		return false, werr
	}
	return true, nil
}

// pause makes every attempt of the client wait until d from now, unless
// an earlier 429 already asks for longer.
func (t *Transport) pause(d time.Duration) {
	until := t.Now().Add(d).UnixNano()
	for {
		cur := t.pauseUntil.Load()
		if cur >= until || t.pauseUntil.CompareAndSwap(cur, until) {
			return
		}
	}
}

// waitTurn waits, before an attempt, for the client-wide pause a 429 asked
// for and then for the limiter's token, or until ctx ends.
func (t *Transport) waitTurn(ctx context.Context) error {
	sleep := t.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	if until := t.pauseUntil.Load(); until != 0 {
		if d := time.Duration(until - t.Now().UnixNano()); d > 0 {
			if err := sleep(ctx, d); err != nil {
				return err
			}
		}
	}
	if t.cfg.Limiter == nil {
		return ctx.Err()
	}
	now := t.Now()
	res := t.cfg.Limiter.ReserveN(now, 1)
	if !res.OK() {
		return errors.New("rate limiter cannot grant a request") // burst 0: refused by WithRateLimit
	}
	if d := res.DelayFrom(now); d > 0 {
		if err := sleep(ctx, d); err != nil {
			res.CancelAt(t.Now())
			return err
		}
	}
	return ctx.Err()
}

// keepFailed reads and closes a failed attempt's body (capped), so the
// connection can be reused during the wait and the body can still be reported.
func keepFailed(resp *http.Response) *Failed {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, FailedBodyLimit))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	return &Failed{StatusCode: resp.StatusCode, Header: resp.Header, Body: b}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// backoff is exponential from WaitMin, capped at WaitMax, with "equal jitter":
// a uniformly random wait in [base/2, base].
func (t *Transport) backoff(attempt int) time.Duration {
	base := t.cfg.WaitMin
	for i := 1; i < attempt && base < t.cfg.WaitMax; i++ {
		base *= 2
	}
	if base > t.cfg.WaitMax {
		base = t.cfg.WaitMax
	}
	if base <= 0 {
		return 0
	}
	half := base / 2
	return half + rand.N(base-half+1)
}

// retryable reports whether the attempt may be repeated. A request the server
// cannot have acted on (429, a refused connection) is safe for any method;
// the rest only for idempotent requests.
func retryable(r *Request, resp *http.Response, err error) bool {
	if err != nil {
		if permanent(err) {
			return false
		}
		return r.Idempotent || refused(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return r.Idempotent
	}
	return false
}

// mayHaveActed reports whether the server may have acted on a failed
// attempt that is about to be retried.
func mayHaveActed(resp *http.Response, err error) bool {
	if err != nil {
		return !refused(err)
	}
	return resp.StatusCode != http.StatusTooManyRequests
}

// Refused reports a failure to connect: the request never reached a
// server.
func Refused(err error) bool { return refused(err) }

// refused reports a failure to connect: the request never reached a server.
func refused(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// permanent reports errors that a retry cannot fix. The caller's context
// ending is handled before this is asked; a per-attempt timeout (an
// http.Client.Timeout) is not permanent.
func permanent(err error) bool {
	var (
		verr  *tls.CertificateVerificationError
		uaerr x509.UnknownAuthorityError
		hnerr x509.HostnameError
		cierr x509.CertificateInvalidError
	)
	if errors.As(err, &verr) || errors.As(err, &uaerr) || errors.As(err, &hnerr) || errors.As(err, &cierr) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "unsupported protocol scheme") ||
		strings.Contains(msg, "stopped after") && strings.Contains(msg, "redirects")
}

// RetryAfter parses a Retry-After header in either form (delay-seconds or an
// HTTP date), relative to now.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	const longest = 24 * time.Hour
	secs, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err == nil && secs < 0:
		return 0, false
	case err == nil && secs > int64(longest/time.Second), errors.Is(err, strconv.ErrRange) && v[0] != '-':
		return longest, true
	case err == nil:
		return time.Duration(secs) * time.Second, true
	}
	when, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := when.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// logAttempt writes one line per attempt: method, route (the template, so no
// ids), status or error, the response's request id, attempt number and
// duration. Successes log at Debug; 404, 409 and 422, which a caller
// expects in normal work (a lookup that finds nothing, a duplicate, a
// refused value), at Info; every other failure at Warn. Headers, URLs with
// query strings and bodies are never logged, so neither the API key nor a
// token can reach the log.
func (t *Transport) logAttempt(ctx context.Context, st *state, resp *http.Response, err error) {
	l := t.cfg.Logger
	if l == nil {
		return
	}
	level := LogLevel(resp, err)
	if !l.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String("method", st.req.Method),
		slog.String("route", st.req.Route),
		slog.Int("attempt", st.attempts),
		slog.Duration("duration", time.Since(st.start)))
	if err != nil {
		attrs = append(attrs, slog.String("error", errorKind(err)))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if t.cfg.RequestID != nil {
			if id := t.cfg.RequestID(resp.Header); id != "" {
				attrs = append(attrs, slog.String("request_id", id))
			}
		}
	}
	l.LogAttrs(ctx, level, "alloy: attempt", attrs...)
}

// LogLevel is the level of an attempt's log line (see logAttempt).
func LogLevel(resp *http.Response, err error) slog.Level {
	switch {
	case err != nil:
		return slog.LevelWarn
	case resp.StatusCode < 400:
		return slog.LevelDebug
	case resp.StatusCode == http.StatusNotFound, resp.StatusCode == http.StatusConflict, resp.StatusCode == http.StatusUnprocessableEntity:
		return slog.LevelInfo
	}
	return slog.LevelWarn
}

// errorKind names a transport failure without echoing the URL it carries.
func errorKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline exceeded"
	case refused(err):
		return "connection refused"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed"
	}
	return "transport error"
}

// IsControl reports whether r is an ASCII control character, which must
// never reach a header, a path or a key.
func IsControl(r rune) bool { return r < 0x20 || r == 0x7f }

// IsToken reports whether s is an RFC 9110 token (a header name or method).
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0 {
			continue
		}
		return false
	}
	return true
}
