package alloy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/redact"
	"github.com/alloysdk/alloy-go/internal/transport"
)

// Version is the SDK's version, sent in the User-Agent.
const Version = "0.1.0"

// Hosts.
const (
	headerVersionedHost = "https://production.runalloy.com"
	pathVersionedHostUS = "https://embedded.runalloy.com"
	pathVersionedHostEU = "https://eu-embedded.runalloy.com"
)

// Client calls the Alloy APIs. Create one with NewClient or NewClientFromEnv
// and share it: a Client is immutable after construction and safe for
// concurrent use by many goroutines. There is no per-user state on it; every
// method takes the user or credential it acts on as an argument.
type Client struct {
	Users         *UsersService         // end users of your product
	Tokens        *TokensService        // user JWTs for Alloy's frontend SDK
	Credentials   *CredentialsService   // users' authorisations to third-party apps
	Integrations  *IntegrationsService  // what users can install, and install links
	Apps          *AppsService          // the apps Alloy connects to
	Workflows     *WorkflowsService     // users' workflows: activate, run, upgrade, analytics
	Events        *EventsService        // custom events that trigger workflows
	Logs          *LogsService          // executions, errors and reruns
	Installations *InstallationsService // headless installation of integrations
	Analytics     *AnalyticsService     // account usage
	Passthrough   *PassthroughService   // raw calls to a provider's API through a credential
	Connectors    *ConnectorsService    // the Connectivity API (2025-09)
	Files         *FilesService         // the Connectivity API's file storage (2025-09)

	// Everything below is unexported and behind pointers, so that even
	// printing a Client value with %+v cannot reach the API key.
	cfg      *config
	base     string // scheme://host[/prefix][/version], no trailing slash
	tr       *transport.Transport
	red      *redact.Redactor // removes the key, JWTs and bearer credentials from response values
	bufPool  sync.Pool
	services service
}

// service is what every resource service holds: the client it calls through.
type service struct{ client *Client }

// NewClient returns a client for apiKey. It does no I/O. It fails with an
// error matching ErrInvalidArgument when the key is empty or an option is
// invalid: an unknown version format, region eu with a header-versioned
// version and no base URL, or a plain-http base URL that is not loopback.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	return newClient(apiKey, cfg)
}

// buildConfig applies opts over the defaults.
func buildConfig(opts []Option) (config, error) {
	cfg := config{
		env:              Production,
		version:          DefaultAPIVersion,
		region:           RegionUS,
		maxRetries:       DefaultMaxRetries,
		waitMin:          defaultRetryWaitMin,
		waitMax:          defaultRetryWaitMax,
		timeout:          DefaultTimeout,
		maxResponseBytes: DefaultMaxResponseBytes,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return config{}, invalidArg("new client", "%s", err.Error())
		}
	}
	return cfg, nil
}

func newClient(apiKey string, cfg config) (*Client, error) {
	apiKey = strings.TrimSpace(apiKey)
	switch {
	case apiKey == "":
		return nil, invalidArg("new client", "API key is empty")
	case strings.ContainsFunc(apiKey, isControl) || strings.ContainsAny(apiKey, " \t"):
		return nil, invalidArg("new client", "API key contains whitespace or a control character")
	}
	cfg.apiKey = apiKey
	base, err := baseURL(cfg)
	if err != nil {
		return nil, invalidArg("new client", "%s", err.Error())
	}
	c := &Client{cfg: &cfg, base: base, red: redact.New(apiKey)}
	ua := fmt.Sprintf("alloy-go/%s (%s/%s; %s)", Version, runtime.GOOS, runtime.GOARCH, runtime.Version())
	if cfg.userAgent != "" {
		ua += " " + cfg.userAgent
	}
	c.cfg.header = http.Header{
		"Authorization": {"Bearer " + apiKey},
		"X-Api-Version": {cfg.version},
		"Accept":        {"application/json"},
		"User-Agent":    {ua},
	}
	hc := cfg.httpClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport}
	}
	c.tr = transport.New(transport.Config{
		HTTPClient: hc,
		MaxRetries: cfg.maxRetries,
		WaitMin:    cfg.waitMin,
		WaitMax:    cfg.waitMax,
		Logger:     cfg.logger,
	})
	c.bufPool.New = func() any { return new([]byte) }
	c.services.client = c
	c.Users = (*UsersService)(&c.services)
	c.Tokens = (*TokensService)(&c.services)
	c.Credentials = (*CredentialsService)(&c.services)
	c.Integrations = (*IntegrationsService)(&c.services)
	c.Apps = (*AppsService)(&c.services)
	c.Workflows = (*WorkflowsService)(&c.services)
	c.Events = (*EventsService)(&c.services)
	c.Logs = (*LogsService)(&c.services)
	c.Installations = (*InstallationsService)(&c.services)
	c.Analytics = (*AnalyticsService)(&c.services)
	c.Passthrough = (*PassthroughService)(&c.services)
	c.Connectors = (*ConnectorsService)(&c.services)
	c.Files = (*FilesService)(&c.services)
	return c, nil
}

// NewClientFromEnv returns a client configured from the environment, then
// from opts, which take precedence:
//
//	ALLOY_API_KEY        the API key; when unset, ALLOY_DEV_API_KEY or
//	                     ALLOY_PROD_API_KEY, chosen by the environment
//	ALLOY_ENVIRONMENT    development | production (default production)
//	ALLOY_API_VERSION    e.g. 2025-09 (default) or 2024-03
//	ALLOY_REGION         us (default) | eu
//	ALLOY_BASE_URL       host root to call instead of Alloy's
func NewClientFromEnv(opts ...Option) (*Client, error) {
	var envOpts []Option
	if v := os.Getenv("ALLOY_ENVIRONMENT"); v != "" {
		env := Environment(strings.ToLower(strings.TrimSpace(v)))
		switch env {
		case "dev":
			env = Development
		case "prod":
			env = Production
		}
		envOpts = append(envOpts, WithEnvironment(env))
	}
	if v := os.Getenv("ALLOY_API_VERSION"); v != "" {
		envOpts = append(envOpts, WithAPIVersion(strings.TrimSpace(v)))
	}
	if v := os.Getenv("ALLOY_REGION"); v != "" {
		envOpts = append(envOpts, WithRegion(Region(strings.ToLower(strings.TrimSpace(v)))))
	}
	if v := os.Getenv("ALLOY_BASE_URL"); v != "" {
		envOpts = append(envOpts, WithBaseURL(strings.TrimSpace(v)))
	}
	cfg, err := buildConfig(append(envOpts, opts...))
	if err != nil {
		return nil, err
	}
	key := os.Getenv("ALLOY_API_KEY")
	if key == "" {
		name := "ALLOY_PROD_API_KEY"
		if cfg.env == Development {
			name = "ALLOY_DEV_API_KEY"
		}
		key = os.Getenv(name)
		if strings.TrimSpace(key) == "" {
			hint := ""
			if cfg.env == Production && os.Getenv("ALLOY_DEV_API_KEY") != "" {
				hint = " (ALLOY_DEV_API_KEY is set: add ALLOY_ENVIRONMENT=development to use it)"
			}
			return nil, invalidArg("new client from env", "neither ALLOY_API_KEY nor %s is set for the %s environment%s", name, cfg.env, hint)
		}
	}
	return newClient(key, cfg)
}

// baseURL derives the URL every route is appended to.
func baseURL(cfg config) (string, error) {
	headerVersioned := cfg.version >= ops.FirstHeaderVersion
	if cfg.baseURL != "" {
		root, err := checkBaseURL(cfg.baseURL)
		if err != nil {
			return "", err
		}
		if headerVersioned {
			return root, nil
		}
		return root + "/" + cfg.version, nil
	}
	if headerVersioned {
		if cfg.region == RegionEU {
			return "", fmt.Errorf("region eu has no host for API version %s; use a path-versioned version (2024-03) or WithBaseURL", cfg.version)
		}
		return headerVersionedHost, nil
	}
	if cfg.region == RegionEU {
		return pathVersionedHostEU + "/" + cfg.version, nil
	}
	return pathVersionedHostUS + "/" + cfg.version, nil
}

// checkBaseURL validates a host root and returns it without a trailing
// slash. A query (even a bare "?", which would turn every route into a
// query string), a fragment or userinfo is refused. Errors show the URL only
// as scheme://host[:port]/path, so no password, token or query the caller
// put in it is repeated.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("base URL does not parse as a URL%s", parseReason(err))
	}
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String()
	switch {
	case u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return "", fmt.Errorf("base URL %q must be an absolute http(s) URL", shown)
	case u.User != nil:
		return "", fmt.Errorf("base URL %q must not carry userinfo (credentials)", shown)
	case u.ForceQuery || u.RawQuery != "" || strings.Contains(raw, "?"):
		return "", fmt.Errorf("base URL %q must not carry a query", shown)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "", fmt.Errorf("base URL %q must not carry a fragment", shown)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return "", fmt.Errorf("base URL %q is plain http to a non-loopback host: the API key would travel in clear text", shown)
	}
	return strings.TrimRight(shown, "/"), nil
}

// parseReason says why a URL did not parse when the reason cannot quote
// the URL (which may hold credentials): only url.EscapeError and
// url.InvalidHostError, which quote a few characters, are shown.
func parseReason(err error) string {
	var ee url.EscapeError
	var he url.InvalidHostError
	switch {
	case errors.As(err, &ee):
		return ": " + ee.Error()
	case errors.As(err, &he):
		return ": " + he.Error()
	}
	return ""
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Environment reports the environment the client was configured with.
func (c *Client) Environment() Environment { return c.cfg.env }

// APIVersion reports the API version every call is made with.
func (c *Client) APIVersion() string { return c.cfg.version }

// Region reports the configured region.
func (c *Client) Region() Region { return c.cfg.region }

// BaseURL reports the URL routes are appended to, including the version
// segment for path-versioned API versions.
func (c *Client) BaseURL() string { return c.base }

// headerVersioned reports whether the version travels in the header only.
func (c *Client) headerVersioned() bool { return c.cfg.version >= ops.FirstHeaderVersion }

// String describes the client without its API key.
func (c *Client) String() string {
	return fmt.Sprintf("alloy.Client{environment: %s, version: %s, baseURL: %s}", c.cfg.env, c.cfg.version, c.base)
}

// GoString is String: %#v must not print the API key either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so no verb can reach the API key.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue logs the client without its API key.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("environment", string(c.cfg.env)),
		slog.String("version", c.cfg.version),
		slog.String("base_url", c.base))
}

// call describes one API call for send.
type call struct {
	op     string   // the contract's operation, by its Go name, e.g. "Users.Get"
	method string   // from the contract unless a raw call sets it
	route  string   // path template from the contract, e.g. "/users/{userId}"
	path   []string // values for the route's placeholders, in order
	query  url.Values
	body   any // JSON-encoded when non-nil
	out    any // JSON-decoded into when non-nil and the body is not empty
	raw    *rawResponse
}

// rawResponse receives a successful response's status and body as sent,
// for calls that hand a third party's answer back unchanged.
type rawResponse struct {
	status int
	body   []byte
}

// send is the one request pipeline: it validates and escapes path values,
// applies the call options and the client timeout, encodes the body, sends
// through the retrying transport, caps and decodes the response, and maps
// failures to *Error or *TransportError.
func (c *Client) send(ctx context.Context, k call, opts []RequestOption) error {
	if k.method == "" {
		o, err := ops.Lookup(k.op, ops.Effective(c.cfg.version))
		if err != nil {
			return &versionError{op: k.op, version: c.cfg.version, cause: err}
		}
		k.method, k.route = o.Method, o.Path
	}
	cc := callConfig{maxRetries: -1, idempotent: k.method != http.MethodPost && k.method != http.MethodPatch}
	for _, o := range opts {
		if o != nil {
			o(&cc)
		}
	}
	where := k.method + " " + k.route
	if err := cc.check(); err != nil {
		return invalidArg(where, "%s", err.Error())
	}
	path, err := expandRoute(k.route, k.path)
	if err != nil {
		return invalidArg(where, "%s", err.Error())
	}
	if ctx == nil {
		return invalidArg(where, "context is nil")
	}
	if err := ctx.Err(); err != nil {
		return &TransportError{Method: k.method, Path: path, Err: err} // nothing sent
	}
	var body []byte
	if k.body != nil {
		if body, err = json.Marshal(k.body); err != nil {
			return fmt.Errorf("alloy: %s: encode request body: %w", where, err)
		}
	}
	u := c.base + path
	switch {
	case len(k.query) == 1: // the usual ?userId=: no sorting, one concatenation
		for key, vs := range k.query {
			if len(vs) == 1 {
				u = c.base + path + "?" + url.QueryEscape(key) + "=" + url.QueryEscape(vs[0])
			} else {
				u += "?" + k.query.Encode()
			}
		}
	case len(k.query) > 1:
		u += "?" + k.query.Encode()
	}
	header := c.cfg.header
	if body != nil || cc.header != nil {
		header = header.Clone()
		for key, vs := range cc.header {
			header[http.CanonicalHeaderKey(key)] = vs
		}
		if body != nil {
			header["Content-Type"] = []string{"application/json"}
		}
	}
	if c.cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.timeout)
		defer cancel()
	}
	resp, stats, err := c.tr.Do(ctx, &transport.Request{
		Method:     k.method,
		URL:        u,
		Route:      k.route,
		Header:     header,
		Body:       body,
		Idempotent: cc.idempotent,
		MaxRetries: cc.maxRetries,
	})
	if err != nil {
		if last := stats.Last; last != nil && ctx.Err() != nil {
			apiErr := newError(k.method, path, last.StatusCode, last.Header, last.Body, stats.Attempts, c.red)
			return fmt.Errorf("%w; stopped waiting to retry: %w", apiErr, ctx.Err())
		}
		return &TransportError{Method: k.method, Path: path, Attempts: stats.Attempts, Err: c.red.Err(err)}
	}
	defer resp.Body.Close()

	if resp.StatusCode == http.StatusNotFound && k.method == http.MethodDelete && stats.MayHaveActed {
		// An earlier attempt of this DELETE may have taken effect (a 5xx or
		// a lost connection after sending); a 404 on its retry then most
		// likely means it did. The caller wanted the resource gone, and it is.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	}
	bp := c.bufPool.Get().(*[]byte)
	defer c.putBuffer(bp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// An error is reported whatever its body's size: only its head is kept.
		body, _, _ := readCapped((*bp)[:0], resp.Body, maxErrorBody)
		*bp = body
		return newError(k.method, path, resp.StatusCode, resp.Header, bytes.Clone(body[:min(len(body), maxErrorBody)]), stats.Attempts, c.red)
	}
	limit := c.cfg.maxResponseBytes
	if resp.ContentLength > limit {
		return fmt.Errorf("alloy: %s %s: %w (limit %d bytes, Content-Length %d)", k.method, path, ErrResponseTooLarge, limit, resp.ContentLength)
	}
	buf := (*bp)[:0]
	if resp.ContentLength > int64(cap(buf)) {
		buf = make([]byte, 0, resp.ContentLength)
	}
	buf, over, rerr := readCapped(buf, resp.Body, limit)
	*bp = buf
	if over {
		return fmt.Errorf("alloy: %s %s: %w (limit %d bytes)", k.method, path, ErrResponseTooLarge, limit)
	}
	if rerr != nil {
		return &TransportError{Method: k.method, Path: path, Attempts: stats.Attempts, Err: c.red.Err(rerr)}
	}
	if k.raw != nil {
		k.raw.status, k.raw.body = resp.StatusCode, bytes.Clone(buf)
	}
	if k.out == nil || len(bytes.TrimSpace(buf)) == 0 {
		return nil
	}
	if err := json.Unmarshal(buf, k.out); err != nil {
		return fmt.Errorf("alloy: %s %s: decode response: %w", k.method, path, err)
	}
	return nil
}

// readCapped appends r's bytes to b until EOF or until more than limit
// bytes have been read; over reports the latter. It reads at most limit+1
// bytes, and grows b by doubling but never beyond limit+1 bytes of
// capacity (unlike bytes.Buffer.ReadFrom, which doubles past any cap), so a
// hostile body costs at most the cap, whatever its size.
func readCapped(b []byte, r io.Reader, limit int64) (_ []byte, over bool, err error) {
	limit = min(limit, math.MaxInt-1)
	for {
		if len(b) == cap(b) {
			// Full: probe for the end before growing, so a body that
			// exactly fills the buffer (e.g. sized by Content-Length) costs
			// no second allocation.
			var one [1]byte
			n, err := io.ReadFull(r, one[:])
			if n == 0 {
				if err == io.EOF {
					err = nil
				}
				return b, false, err
			}
			grown := int(min(max(2*int64(cap(b)), 4<<10), limit+1))
			if grown <= len(b) {
				return append(b, one[0]), true, nil
			}
			b = append(make([]byte, 0, grown), b...)
			b = append(b, one[0])
		}
		room := min(cap(b), int(limit+1))
		n, err := r.Read(b[len(b):room])
		b = b[:len(b)+n]
		switch {
		case int64(len(b)) > limit:
			return b, true, nil
		case err == io.EOF:
			return b, false, nil
		case err != nil:
			return b, false, err
		}
	}
}

// putBuffer returns a read buffer to the pool unless a huge response made
// it too large to be worth keeping.
func (c *Client) putBuffer(bp *[]byte) {
	if cap(*bp) <= 1<<20 {
		*bp = (*bp)[:0]
		c.bufPool.Put(bp)
	}
}

// expandRoute substitutes each {placeholder} of route with the next value,
// path-escaped so that any id stays exactly one segment.
func expandRoute(route string, values []string) (string, error) {
	var b strings.Builder
	b.Grow(len(route) + 32)
	i := 0
	for {
		open := strings.IndexByte(route, '{')
		if open < 0 {
			b.WriteString(route)
			break
		}
		end := strings.IndexByte(route[open:], '}')
		name := route[open+1 : open+end]
		if i >= len(values) {
			return "", fmt.Errorf("%s is missing", name)
		}
		if err := checkID(name, values[i]); err != nil {
			return "", err
		}
		b.WriteString(route[:open])
		b.WriteString(url.PathEscape(values[i]))
		route = route[open+end+1:]
		i++
	}
	return b.String(), nil
}

// checkID rejects ids that are empty, that a server or proxy would read as
// a relative path ("." and ".."), or that contain control characters.
func checkID(name, v string) error {
	switch {
	case strings.TrimSpace(v) == "":
		return fmt.Errorf("%s is empty", name)
	case v == "." || v == "..":
		return fmt.Errorf("%s %q is not a valid id", name, v)
	case strings.ContainsFunc(v, isControl):
		return fmt.Errorf("%s contains a control character", name)
	}
	return nil
}

// Ptr returns a pointer to v, for the optional fields of update params:
//
//	c.Users.Update(ctx, id, alloy.UserUpdateParams{FullName: alloy.Ptr("Acme")})
func Ptr[T any](v T) *T { return &v }

// inData sends k and returns what the response holds under "data", Alloy's
// usual envelope.
func inData[T any](ctx context.Context, c *Client, k call, opts []RequestOption) (T, error) {
	var out struct {
		Data T `json:"data"`
	}
	k.out = &out
	err := c.send(ctx, k, opts)
	return out.Data, err
}

// oneInData is inData for one object, which the response must hold.
func oneInData[T any](ctx context.Context, c *Client, k call, opts []RequestOption) (*T, error) {
	v, err := inData[*T](ctx, c, k, opts)
	if err == nil && v == nil {
		return nil, fmt.Errorf("alloy: %s: response has no data", k.op)
	}
	return v, err
}

// into sends k and decodes the whole response into a new T.
func into[T any](ctx context.Context, c *Client, k call, opts []RequestOption) (*T, error) {
	out := new(T)
	k.out = out
	if err := c.send(ctx, k, opts); err != nil {
		return nil, err
	}
	return out, nil
}
