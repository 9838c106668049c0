package alloy

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/transport"
)

// Environment is the Alloy environment a key belongs to. Alloy selects the
// environment by the API key itself (users created with a development key
// live only in the development space); the SDK records it so that
// NewClientFromEnv can pick the matching key and callers can report it.
type Environment string

// Environments.
const (
	Production  Environment = "production"
	Development Environment = "development"
)

// Region selects the data region of the path-versioned hosts.
type Region string

// Regions. RegionEU exists only for path-versioned API versions (2024-03 and
// older); for 2025-09 and later there is no documented EU host.
const (
	RegionUS Region = "us"
	RegionEU Region = "eu"
)

// Defaults.
const (
	// DefaultAPIVersion is the API version a client uses unless told otherwise.
	DefaultAPIVersion = "2025-09"
	// DefaultMaxRetries is how many times a call is retried after the first attempt.
	DefaultMaxRetries = 3
	// DefaultTimeout bounds a whole call, retries and waits included.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxResponseBytes caps how much of a response body is read.
	DefaultMaxResponseBytes = 32 << 20
	defaultRetryWaitMin     = 500 * time.Millisecond
	defaultRetryWaitMax     = 8 * time.Second
)

// config is a client's configuration; it never changes after NewClient.
type config struct {
	apiKey           string
	env              Environment
	version          string
	region           Region
	baseURL          string
	httpClient       *http.Client
	maxRetries       int
	waitMin, waitMax time.Duration
	timeout          time.Duration
	logger           *slog.Logger
	userAgent        string
	maxResponseBytes int64
	header           http.Header // sent on every call; set by NewClient
	jsonHeader       http.Header // header with Content-Type: application/json, for calls with a body
	// keyFromEnv, set by OptionsFromEnv, reads the environment for a key
	// when NewClient is given none.
	keyFromEnv func(string) string

	callMiddleware    []CallMiddleware
	attemptMiddleware []AttemptMiddleware
	limiter           *rate.Limiter
	inFlight          int // 0: unbounded
}

// Option configures a Client in NewClient or NewClientFromEnv. An option
// given a bad value makes the constructor return an error.
type Option func(*config) error

// WithEnvironment records which environment the API key belongs to. The
// default is Production. NewClientFromEnv uses it to choose between
// ALLOY_DEV_API_KEY and ALLOY_PROD_API_KEY.
func WithEnvironment(env Environment) Option {
	return func(c *config) error {
		switch env {
		case Production, Development:
			c.env = env
			return nil
		}
		return fmt.Errorf("environment %q is not %q or %q", env, Production, Development)
	}
}

// WithAPIVersion selects the API version, e.g. "2025-09" (the default),
// "2024-03" or "2023-12". Versions from 2025-09 on are sent in the
// x-api-version header to https://production.runalloy.com; older ones are
// sent as the first path segment of https://embedded.runalloy.com.
//
// The SDK knows the versions its contract covers (SupportedAPIVersions). A
// version later than all of them is accepted and sent as given, with the
// routes and shapes of the newest known version: Alloy releases versions
// quarterly, and a new one should not need a new SDK to try. A version
// that is not later and not known (e.g. "2024-06", "2023-01") is refused:
// the SDK cannot say which routes it has.
func WithAPIVersion(v string) Option {
	return func(c *config) error {
		if !validVersion(v) {
			return fmt.Errorf("API version %q is not of the form YYYY-MM", v)
		}
		known := ops.Versions
		if !ops.Known(v) && v < known[len(known)-1] {
			return fmt.Errorf("API version %q is not one the SDK knows (%s, or a later one)", v, strings.Join(known, ", "))
		}
		c.version = v
		return nil
	}
}

// SupportedAPIVersions returns the API versions the SDK's contract covers,
// oldest first. A client may also use a later version: it gets the newest
// one's routes and shapes.
func SupportedAPIVersions() []string { return slices.Clone(ops.Versions) }

// WithRegion selects the region of the path-versioned hosts: RegionUS (the
// default) or RegionEU (https://eu-embedded.runalloy.com). A base URL given
// with WithBaseURL takes precedence.
func WithRegion(r Region) Option {
	return func(c *config) error {
		switch r {
		case RegionUS, RegionEU:
			c.region = r
			return nil
		}
		return fmt.Errorf("region %q is not %q or %q", r, RegionUS, RegionEU)
	}
}

// WithBaseURL sets the host root to call, e.g. a proxy or an alloytest
// server. For path-versioned API versions the SDK appends "/<version>"
// itself. The URL must be https, except for loopback hosts, so the API key
// never travels in clear text over a network.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient makes the SDK send requests through hc's transport,
// redirect policy, cookie jar and timeout, read once when the client is
// built. hc itself is never modified. A Timeout on it bounds each attempt,
// not the whole call. Whatever hc's redirect policy, a redirect to another
// host or from https to http is not followed, since requests carry the API
// key; the redirect is returned as an *Error.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return fmt.Errorf("HTTP client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithMaxRetries sets how many times a failed call may be retried after its
// first attempt (default 3). Zero disables retries.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("max retries %d is negative", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWait sets the backoff between retries: exponential from min,
// capped at max, with jitter (defaults 500ms and 8s). max is also the
// longest Retry-After the SDK honours: a server asking for a longer wait
// ends the retries at once with an *Error whose RetryAfter is set; min is
// also the shortest wait, whatever Retry-After says. Zero for both retries
// without waiting, which only suits tests against a local fake.
func WithRetryWait(min, max time.Duration) Option {
	return func(c *config) error {
		if min < 0 || max < min {
			return fmt.Errorf("retry wait [%s, %s] is not a valid range", min, max)
		}
		c.waitMin, c.waitMax = min, max
		return nil
	}
}

// WithTimeout bounds every call, retries and waits included (default 60s).
// A context with an earlier deadline wins. Zero means no bound beyond the
// caller's context. Calls whose context can never be cancelled (e.g.
// context.Background) and that start within d/100 of each other share a
// deadline, so such a call may end up to 1% of d early, never late.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("timeout %s is negative", d)
		}
		c.timeout = d
		return nil
	}
}

// WithLogger logs one line per attempt (method, route template, status or
// error kind, request id, attempt number, duration): at Debug for
// successes, at Info for 404, 409 and 422 (answers a caller expects: a
// lookup that finds nothing, a duplicate, a refused value), and at Warn
// for every other failed attempt. Headers, query strings and bodies are
// never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithUserAgent appends a product token, e.g. "acme-backend/1.2", to the
// SDK's User-Agent.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.ContainsFunc(ua, isControl) {
			return fmt.Errorf("user agent contains a control character")
		}
		c.userAgent = strings.TrimSpace(ua)
		return nil
	}
}

// WithMaxResponseBytes caps how much of a response body the SDK reads
// (default 32 MiB). A larger body ends the call with ErrResponseTooLarge.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("max response bytes %d is not positive", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}

// RequestOption adjusts a single call. Every service method accepts them
// last, e.g. c.Users.Create(ctx, params, alloy.WithIdempotent()).
type RequestOption func(*callConfig)

type callConfig struct {
	idempotent bool
	maxRetries int // <0: the client's
	header     http.Header
	resp       *Response
}

// Response is what a call's HTTP answer said besides its body, for
// WithResponseInto.
type Response struct {
	StatusCode int
	// Header is the answer's headers as received, but for any secret in
	// a value (the API key, a JWT, a bearer credential), which is
	// redacted like everything else the SDK takes from a response.
	Header http.Header
	// RequestID is the answer's request-id header (X-Request-Id,
	// Request-Id, X-Amzn-Requestid or X-Correlation-Id), redacted like
	// Error.RequestID: quote it when you ask Alloy about a call.
	RequestID string
	Attempts  int           // how many times the request was sent
	Duration  time.Duration // from the first attempt to the end of the last answer's body
}

// WithResponseInto fills *r with the status, headers, request id and
// attempt count of the call's last answer, error answers included. Nothing
// is written when no answer arrived (a transport error, bad input).
func WithResponseInto(r *Response) RequestOption {
	return func(c *callConfig) { c.resp = r }
}

// WithIdempotent declares that repeating this call is safe, so a POST is
// retried like a GET: on connection errors and timeouts, 408, 500, 502, 503
// and 504 as well as on 429 and refused connections. Use it only when a
// duplicate is harmless.
func WithIdempotent() RequestOption {
	return func(c *callConfig) { c.idempotent = true }
}

// WithRetries overrides the client's retry budget for this call; 0 sends the
// request exactly once.
func WithRetries(n int) RequestOption {
	return func(c *callConfig) {
		if n < 0 {
			n = 0
		}
		c.maxRetries = n
	}
}

// WithHeader adds a header to this call. The headers the SDK owns
// (Authorization, X-Api-Version, User-Agent, Accept, Content-Type) cannot be
// replaced: a call that tries fails with ErrInvalidArgument.
func WithHeader(key, value string) RequestOption {
	return func(c *callConfig) {
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Add(key, value)
	}
}

// AsUser makes a call act as one of your users (id or username) instead of
// as the API key's owner; it is sent as the x-alloy-userid header, which the
// Connectivity API reads. An empty userID fails the call with
// ErrInvalidArgument.
func AsUser(userID string) RequestOption {
	return func(c *callConfig) {
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Set(asUserHeader, userID)
	}
}

const asUserHeader = "X-Alloy-Userid"

// ownHeaders are set by the SDK on every call.
var ownHeaders = map[string]bool{
	"Authorization": true, "X-Api-Version": true, "User-Agent": true, "Accept": true, "Content-Type": true,
}

// check rejects headers the SDK owns, malformed names, and values that
// would break the request.
func (c *callConfig) check() error {
	for k, vs := range c.header {
		if !validHeaderName(k) {
			return fmt.Errorf("header name %q is not a valid token", k)
		}
		if ownHeaders[textproto.CanonicalMIMEHeaderKey(k)] {
			return fmt.Errorf("header %s is set by the SDK", k)
		}
		for _, v := range vs {
			if textproto.CanonicalMIMEHeaderKey(k) == asUserHeader && strings.TrimSpace(v) == "" {
				return fmt.Errorf("AsUser: user id is empty")
			}
			if strings.ContainsFunc(v, isControl) {
				return fmt.Errorf("header %s has a control character", k)
			}
		}
	}
	return nil
}

func isControl(r rune) bool { return transport.IsControl(r) }

func validHeaderName(name string) bool { return transport.IsToken(name) }

// validVersion reports whether v looks like an Alloy API version (YYYY-MM).
func validVersion(v string) bool {
	if len(v) != 7 || v[4] != '-' {
		return false
	}
	for i, r := range v {
		if i != 4 && (r < '0' || r > '9') {
			return false
		}
	}
	month := v[5:]
	return month >= "01" && month <= "12"
}
