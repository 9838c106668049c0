package alloytest

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/alloysdk/alloy-go/internal/errs"
)

// The server's options, but for the catalog's (WithApps, ...: catalog.go).
//
// Every option follows the module's rule for bad values: a value the
// server cannot use (a negative duration or size, an empty API key, a
// malformed address, a catalog entry without its id) is an error matching
// alloy.ErrInvalidArgument, which Start returns (NewServer panics with it,
// New fails the test); no option replaces a bad value with a default, and
// a nil option is skipped.

type config struct {
	apiKey             string
	addr               string
	faultSeed          *uint64 // nil: a random seed
	allowRemote        bool
	logger             *log.Logger // nil: the log package's standard logger
	requestLogBytes    int64
	userCounts         bool
	duplicateUsernames bool // a taken username is no conflict
	validate           bool // check requests against the contract
	tokenTTL           time.Duration
	apps               []AppDef
	integrations       []IntegrationDef
	events             []EventDef
	connectors         []ConnectorDef
}

// defaultConfig is the configuration options change.
func defaultConfig() config {
	return config{addr: "127.0.0.1:0", requestLogBytes: DefaultRequestLogBytes, userCounts: true, validate: true, tokenTTL: 30 * time.Minute,
		apps: DefaultApps(), integrations: DefaultIntegrations(), events: DefaultEvents(), connectors: DefaultConnectors()}
}

// Option configures a Server. A bad value makes Start fail with an error
// matching alloy.ErrInvalidArgument.
type Option func(*config) error

// apply applies opts to cfg in order, skipping nil ones, and words the
// first bad value as the module does.
func (cfg *config) apply(opts []Option) error {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(cfg); err != nil {
			return errs.Invalid("alloytest.Start", "%s", err.Error())
		}
	}
	return nil
}

// WithRequestValidation turns the check of every request against the API
// contract on (the default) or off. With it on, the server answers a
// request Alloy's reference does not allow (a missing required parameter,
// a body of the wrong shape, a value of the wrong type) with 400 and
// {"message": "Invalid request: <where>: <why>"}, as a strict API would,
// before any handler runs; the message never repeats the value.
func WithRequestValidation(on bool) Option {
	return func(c *config) error { c.validate = on; return nil }
}

// WithAPIKey sets the API key the server accepts (default: a random key).
// An empty key, or one with whitespace or a control character (which no
// "Authorization: Bearer <key>" header carries intact), is a bad value.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		switch {
		case key == "":
			return errors.New("API key is empty")
		case strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r == 0x7f }):
			return errors.New("API key contains whitespace or a control character")
		}
		c.apiKey = key
		return nil
	}
}

// WithAddr sets the listen address, "host:port" (default "127.0.0.1:0", a
// free loopback port); an address without a port, or with a port that is
// not a number from 0 to 65535, is a bad value. Its host must be loopback:
// "localhost", an address in 127.0.0.0/8 or ::1. Start refuses any other
// host, and an empty one (":8080" listens on every interface), with an
// error matching both ErrNotLoopback and alloy.ErrInvalidArgument, unless
// WithAllowRemote is given.
func WithAddr(addr string) Option {
	return func(c *config) error {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("listen address %q: %w", addr, err)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("listen address %q: port %q is not a number from 0 to 65535", addr, port)
		}
		c.addr = addr
		return nil
	}
}

// WithAllowRemote lets WithAddr name a host that is not loopback, or none.
// The fake is not hardened, and anyone who can reach it can use it with
// its API key: when it listens beyond loopback, Start logs a warning (see
// WithLogger). Use it for a fake shared inside a private network, e.g.
// between containers, never on a public one.
func WithAllowRemote() Option {
	return func(c *config) error { c.allowRemote = true; return nil }
}

// WithLogger sets where the server logs: the warning of WithAllowRemote and
// net/http's errors (http.Server.ErrorLog). Without it the server logs to
// the log package's standard logger; WithLogger(nil) discards what it
// would log.
func WithLogger(l *log.Logger) Option {
	return func(c *config) error {
		if l == nil {
			l = log.New(io.Discard, "", 0)
		}
		c.logger = l
		return nil
	}
}

// WithTokenTTL sets the lifetime of minted user JWTs (default 30 minutes).
// 0 mints tokens that expire as they are made (exp equals iat), for tests
// of a client's handling of expired tokens; a negative d is a bad value.
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("token TTL %s is negative", d)
		}
		c.tokenTTL = d
		return nil
	}
}

// WithFaultSeed seeds the random source that decides whether a request
// gets the fault of a rule with a Rate (default: a random seed, which
// FaultSeed reports). See FaultSeed for what a seed replays.
func WithFaultSeed(seed uint64) Option {
	return func(c *config) error { c.faultSeed = &seed; return nil }
}

// WithRequestLog sets the request log's budget in bytes (default
// DefaultRequestLogBytes). Once a new entry would take the log over it, the
// oldest entries are dropped, one at a time in constant time. 0 turns the
// log off: Requests is then empty, and requests cost no copy of their
// headers and body. Counts is kept whatever the budget. A negative budget
// is a bad value.
func WithRequestLog(maxBytes int64) Option {
	return func(c *config) error {
		if maxBytes < 0 {
			return fmt.Errorf("request log budget %d is negative", maxBytes)
		}
		c.requestLogBytes = maxBytes
		return nil
	}
}

// WithUserCounts keeps Counts.Users, or not (default: kept). They hold
// an entry for every username the server has seen, about 100 bytes each,
// deleted users included: a server that runs for long and sees ever new
// usernames (a fake shared by many test runs) grows by them. Turn them off
// there; the counters per route are bounded and always kept.
func WithUserCounts(keep bool) Option {
	return func(c *config) error { c.userCounts = keep; return nil }
}

// WithDuplicateUsernames lets a create for a taken username through: the
// server makes a second user with it instead of answering 409, as a server
// that did not enforce uniqueness would. Alloy says usernames must be
// unique (https://docs.runalloy.com/embedded/authentication), so this is
// for tests that must see a second create: with it, a client that sent one
// would leave two users with one username (Counts().Users[name].Created is
// 2), where a server that refuses duplicates would hide it behind a 409.
// A username then names its oldest user (GET /users/{username}).
func WithDuplicateUsernames() Option {
	return func(c *config) error { c.duplicateUsernames = true; return nil }
}
