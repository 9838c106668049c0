package alloytest

import (
	"log"
	"time"
)

// The server's options, but for the catalog's (WithApps, ...: catalog.go).

type config struct {
	apiKey             string
	addr               string
	faultSeed          *uint64 // nil: a random seed
	allowRemote        bool
	logger             *log.Logger
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

// Option configures a Server.
type Option func(*config)

// WithRequestValidation turns the check of every request against the API
// contract on (the default) or off. With it on, the server answers a
// request Alloy's reference does not allow (a missing required parameter,
// a body of the wrong shape, a value of the wrong type) with 400 and
// {"message": "Invalid request: <where>: <why>"}, as a strict API would,
// before any handler runs; the message never repeats the value.
func WithRequestValidation(on bool) Option { return func(c *config) { c.validate = on } }

// WithAPIKey sets the API key the server accepts (default: a random key).
func WithAPIKey(key string) Option { return func(c *config) { c.apiKey = key } }

// WithAddr sets the listen address (default "127.0.0.1:0", a free loopback
// port). Its host must be loopback: "localhost", an address in 127.0.0.0/8
// or ::1. Start refuses any other host, and an empty one (":8080" listens
// on every interface), with an error matching ErrNotLoopback, unless
// WithAllowRemote is given.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithAllowRemote lets WithAddr name a host that is not loopback, or none.
// The fake is not hardened, and anyone who can reach it can use it with
// its API key: when it listens beyond loopback, Start logs a warning (see
// WithLogger). Use it for a fake shared inside a private network, e.g.
// between containers, never on a public one.
func WithAllowRemote() Option { return func(c *config) { c.allowRemote = true } }

// WithLogger sets where the server logs: the warning of WithAllowRemote and
// net/http's errors (http.Server.ErrorLog). Default: the log package's
// standard logger.
func WithLogger(l *log.Logger) Option { return func(c *config) { c.logger = l } }

// WithTokenTTL sets the lifetime of minted user JWTs (default 30 minutes).
func WithTokenTTL(d time.Duration) Option { return func(c *config) { c.tokenTTL = d } }

// WithFaultSeed seeds the random source that decides whether a request
// gets the fault of a rule with a Rate (default: a random seed, which
// FaultSeed reports). See FaultSeed for what a seed replays.
func WithFaultSeed(seed uint64) Option { return func(c *config) { c.faultSeed = &seed } }

// WithRequestLog sets the request log's budget in bytes (default
// DefaultRequestLogBytes). Once a new entry would take the log over it, the
// oldest entries are dropped, one at a time in constant time. 0 or less
// turns the log off: Requests is then empty, and requests cost no copy of
// their headers and body. Counts is kept whatever the budget.
func WithRequestLog(maxBytes int64) Option { return func(c *config) { c.requestLogBytes = maxBytes } }

// WithUserCounts keeps Counts.Users, or not (default: kept). They hold
// an entry for every username the server has seen, about 100 bytes each,
// deleted users included: a server that runs for long and sees ever new
// usernames (a fake shared by many test runs) grows by them. Turn them off
// there; the counters per route are bounded and always kept.
func WithUserCounts(keep bool) Option { return func(c *config) { c.userCounts = keep } }
