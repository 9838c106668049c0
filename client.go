package alloy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
	inFlight inFlight // WithMaxInFlight's slots; nil: unbounded
	// deadlines ends calls at the client's timeout; nil: no timeout.
	deadlines *deadlines
	// maxPages bounds every iterator, so that a server that always claims
	// more pages cannot keep one running forever (ops.MaxPages; tests lower
	// it on their own client).
	maxPages int
}

// service is what every resource service holds: the client it calls through.
type service struct{ client *Client }

// NewClient returns a client for apiKey. It does no I/O. It fails with an
// error matching ErrInvalidArgument when the key is empty or an option is
// invalid: an unknown version, region eu with a header-versioned version
// and no base URL, or a plain-http base URL that is not loopback. With
// OptionsFromEnv among opts, an empty apiKey is taken from the environment.
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
	if apiKey == "" && cfg.keyFromEnv != nil {
		key, err := cfg.keyFromEnvironment()
		if err != nil {
			return nil, err
		}
		apiKey = key
	}
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
	c := &Client{cfg: &cfg, base: base, red: redact.New(apiKey), maxPages: ops.MaxPages}
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
	c.cfg.jsonHeader = c.cfg.header.Clone()
	c.cfg.jsonHeader["Content-Type"] = []string{"application/json"}
	hc := cfg.httpClient
	if hc == nil {
		hc = &http.Client{Transport: sharedTransport()}
	}
	c.tr = transport.New(transport.Config{
		HTTPClient: hc,
		MaxRetries: cfg.maxRetries,
		WaitMin:    cfg.waitMin,
		WaitMax:    cfg.waitMax,
		Logger:     cfg.logger,
		RequestID:  func(h http.Header) string { return requestID(h, c.red) },
		Attempt:    chainAttempts(cfg.attemptMiddleware),
		Limiter:    cfg.limiter,
	})
	if cfg.inFlight > 0 {
		c.inFlight = make(inFlight, cfg.inFlight)
	}
	if cfg.timeout > 0 {
		c.deadlines = newDeadlines(cfg.timeout)
	}
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
// from opts, which take precedence. It is
//
//	NewClient("", append(OptionsFromEnv(os.Getenv), opts...)...)
//
// See OptionsFromEnv for the variables read.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	return NewClient("", append(OptionsFromEnv(os.Getenv), opts...)...)
}

// OptionsFromEnv returns the options the environment asks for, read
// through lookup (os.Getenv when nil), for NewClient; options after them
// override them:
//
//	ALLOY_API_KEY        the API key, when NewClient is given none; when it
//	                     is unset, ALLOY_DEV_API_KEY or ALLOY_PROD_API_KEY,
//	                     chosen by the environment in effect once every
//	                     option is applied
//	ALLOY_ENVIRONMENT    development (dev) | production (prod); default production
//	ALLOY_API_VERSION    e.g. 2025-09 (default) or 2024-03
//	ALLOY_REGION         us (default) | eu
//	ALLOY_BASE_URL       host root to call instead of Alloy's
//
// Values are trimmed, and the environment and region read case-blind. The
// alloy command reads its environment with this too, so both say the same
// things the same way.
func OptionsFromEnv(lookup func(string) string) []Option {
	if lookup == nil {
		lookup = os.Getenv
	}
	get := func(name string) string { return strings.TrimSpace(lookup(name)) }
	var opts []Option
	if v := get("ALLOY_ENVIRONMENT"); v != "" {
		env := Environment(strings.ToLower(v))
		switch env {
		case "dev":
			env = Development
		case "prod":
			env = Production
		}
		opts = append(opts, WithEnvironment(env))
	}
	if v := get("ALLOY_API_VERSION"); v != "" {
		opts = append(opts, WithAPIVersion(v))
	}
	if v := get("ALLOY_REGION"); v != "" {
		opts = append(opts, WithRegion(Region(strings.ToLower(v))))
	}
	if v := get("ALLOY_BASE_URL"); v != "" {
		opts = append(opts, WithBaseURL(v))
	}
	return append(opts, func(c *config) error {
		c.keyFromEnv = get
		return nil
	})
}

// keyFromEnv picks the API key from the environment, for a client given
// none: ALLOY_API_KEY, else the key of the environment in effect.
func (c *config) keyFromEnvironment() (string, error) {
	if key := c.keyFromEnv("ALLOY_API_KEY"); key != "" {
		return key, nil
	}
	name := "ALLOY_PROD_API_KEY"
	if c.env == Development {
		name = "ALLOY_DEV_API_KEY"
	}
	if key := c.keyFromEnv(name); key != "" {
		return key, nil
	}
	hint := ""
	if c.env == Production && c.keyFromEnv("ALLOY_DEV_API_KEY") != "" {
		hint = " (ALLOY_DEV_API_KEY is set: choose the development environment, e.g. ALLOY_ENVIRONMENT=development, to use it)"
	}
	return "", invalidArg("new client", "no API key: set ALLOY_API_KEY (or %s for the %s environment)%s", name, c.env, hint)
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
