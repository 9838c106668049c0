// Package alloytest runs a stateful, in-memory fake of the Alloy API for
// tests and local development.
//
//	srv := alloytest.NewServer()
//	defer srv.Close()
//	c := srv.Client() // an *alloy.Client wired to srv
//
// The server keeps users and mints real-looking JWTs (signed with a
// throwaway key, with an exp claim). It answers both addressing styles:
// path-versioned (/2024-03/users) and header-versioned (x-api-version:
// 2025-09), checks the bearer API key (401 otherwise) and answers errors
// with {"message": ...} bodies as Alloy does. It is safe for concurrent use
// and listens on loopback only, unless WithAllowRemote says otherwise.
//
// Beyond users it holds credentials, users' copies of workflows (installed
// headlessly or with InstallWorkflow), the executions that runs, events and
// reruns record (the logs, errors and analytics), headless installations,
// and the Connectivity API's connectors. Passthrough calls and connector
// actions answer with an echo of the provider call instead of calling out.
// Executions and FailNextRun let a test inspect and steer runs.
//
// It also serves the Unified API (/one/..., from 2023-12): a credential of
// an app with a Category is a connection holding commerce, accounting or
// CRM records, which every model collection lists (paged by cursor on
// 2023-12, by page number later, and filtered), reads, counts and, where
// Alloy documents it, creates, updates and deletes; plus /one/users (the
// same users), connection deletion, /one/forward, metadata and webhook
// subscriptions. Connect, Seed, Records and Clear set up and inspect a
// connection's records.
//
// Every request is counted (Counts: per route, and the users created and
// deleted per username), and the most recent ones are kept in a request
// log bounded in bytes (Requests, WithRequestLog). InjectFault makes
// requests fail, every time, a number of times or at a rate drawn from a
// seeded source (WithFaultSeed), so that a failing run can be replayed.
package alloytest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

// Server is a running fake Alloy API.
type Server struct {
	URL    string // base URL, e.g. http://127.0.0.1:54321 (no trailing slash)
	APIKey string // the only key the server accepts

	cfg     config
	ln      net.Listener
	hs      *http.Server
	st      *store
	routes  []route
	signKey []byte
	reqSeq  atomic.Uint64
	started time.Time // served as the workflows' createdAt and updatedAt
	teamID  string    // the account's id in log entries
	faults  *faults
	journal *journal     // the request log and counters
	conns   atomic.Int64 // open client connections
}

type config struct {
	apiKey          string
	addr            string
	faultSeed       *uint64 // nil: a random seed
	allowRemote     bool
	logger          *log.Logger
	requestLogBytes int64
	userCounts      bool
	validate        bool // check requests against the contract
	tokenTTL        time.Duration
	apps            []App
	integrations    []Integration
	events          []Event
	connectors      []Connector
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

// ErrNotLoopback is the error (wrapped) that Start returns for a listen
// address whose host is not loopback, or is empty, without WithAllowRemote.
var ErrNotLoopback = errors.New("alloytest listens on loopback only (localhost, 127.0.0.0/8 or ::1) unless allowed to listen remotely")

// WithTokenTTL sets the lifetime of minted user JWTs (default 30 minutes).
func WithTokenTTL(d time.Duration) Option { return func(c *config) { c.tokenTTL = d } }

// WithFaultSeed seeds the random source that decides whether a request
// gets the fault of a rule with a Rate (default: a random seed, which
// FaultSeed reports). See FaultSeed for what a seed replays.
func WithFaultSeed(seed uint64) Option { return func(c *config) { c.faultSeed = &seed } }

// NewServer starts a server and panics if it cannot listen, like
// httptest.NewServer. Use Start to get the error instead.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic("alloytest: " + err.Error())
	}
	return s
}

// Start starts a server.
func Start(opts ...Option) (*Server, error) {
	cfg := config{addr: "127.0.0.1:0", requestLogBytes: DefaultRequestLogBytes, userCounts: true, validate: true, tokenTTL: 30 * time.Minute, apps: DefaultApps(), integrations: DefaultIntegrations(),
		events: DefaultEvents(), connectors: DefaultConnectors()}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.apiKey == "" {
		cfg.apiKey = "alloytest_" + randomHex(16)
	}
	seed := randomUint64()
	if cfg.faultSeed != nil {
		seed = *cfg.faultSeed
	}
	if err := checkLoopback(cfg.addr, cfg.allowRemote); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	bound := ln.Addr().(*net.TCPAddr)
	if !bound.IP.IsLoopback() {
		if !cfg.allowRemote { // "localhost" resolved to something else
			_ = ln.Close()
			return nil, fmt.Errorf("listen on %q: bound to %s: %w", cfg.addr, bound, ErrNotLoopback)
		}
		logf(cfg.logger, "warning: the fake Alloy API (alloytest) listens on %s, beyond loopback: anyone who can reach it can use it", bound)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s := &Server{
		URL:     "http://" + localAddr(bound),
		APIKey:  cfg.apiKey,
		cfg:     cfg,
		ln:      ln,
		st:      newStore(),
		signKey: key,
		started: time.Now().UTC(),
		teamID:  objectID(),
		faults:  newFaults(seed),
		journal: newJournal(cfg.requestLogBytes),
	}
	if !cfg.userCounts {
		s.st.counts = nil
	}
	s.routes = s.buildRoutes()
	s.hs = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ConnState: s.trackConn, ErrorLog: cfg.logger}
	go func() { _ = s.hs.Serve(ln) }()
	return s, nil
}

// checkLoopback refuses a listen address whose host is not loopback, or is
// empty, unless remote addresses are allowed.
func checkLoopback(addr string, allowRemote bool) error {
	if allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	switch {
	case err != nil:
		return fmt.Errorf("listen on %q: %w", addr, err)
	case host == "":
		return fmt.Errorf("listen on %q: an empty host listens on every interface: %w", addr, ErrNotLoopback)
	case !isLoopbackHost(host):
		return fmt.Errorf("listen on %q: %q is not a loopback host: %w", addr, host, ErrNotLoopback)
	}
	return nil
}

// isLoopbackHost reports whether host is "localhost" or a loopback IP
// address. Other names are not loopback, whatever they resolve to now.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// localAddr is how a client on this machine reaches a listener: an
// unspecified address (every interface) is reached on loopback.
func localAddr(a *net.TCPAddr) string {
	switch {
	case a.IP.Equal(net.IPv4zero):
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(a.Port))
	case a.IP.Equal(net.IPv6unspecified):
		return net.JoinHostPort("::1", strconv.Itoa(a.Port))
	}
	return a.String()
}

func logf(l *log.Logger, format string, args ...any) {
	if l == nil {
		l = log.Default()
	}
	l.Printf(format, args...)
}

// Close stops the server and closes every connection.
func (s *Server) Close() { _ = s.hs.Close() }

// Shutdown stops the server gracefully, waiting for requests in flight
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.hs.Shutdown(ctx) }

// Client returns an *alloy.Client for this server with its API key and base
// URL; opts are applied after those (e.g. alloy.WithAPIVersion("2024-03")).
// It panics if an option is invalid.
func (s *Server) Client(opts ...alloy.Option) *alloy.Client {
	c, err := alloy.NewClient(s.APIKey, append([]alloy.Option{alloy.WithBaseURL(s.URL)}, opts...)...)
	if err != nil {
		panic("alloytest: " + err.Error())
	}
	return c
}

// Users returns a snapshot of the users the server holds, oldest first.
func (s *Server) Users() []alloy.User {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	out := make([]alloy.User, 0, len(s.st.users))
	for _, u := range s.st.sortedUsers() {
		out = append(out, alloy.User{ID: u.ID, Username: u.Username, FullName: u.FullName})
	}
	return out
}

// InstallWorkflow records that a user (id or username) installed a parent
// workflow, active, at version 1, so that Users.ListByWorkflow and
// Users.List with a ParentWorkflowID return them.
func (s *Server) InstallWorkflow(userID, workflowID string) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u := s.st.find(userID)
	if u == nil {
		return fmt.Errorf("alloytest: no user %q", userID)
	}
	if workflowID == "" {
		return errors.New("alloytest: empty workflow id")
	}
	s.st.install(workflowID, u.ID, 1)
	return nil
}

// exchange is one request on its way through the server: the route it
// resolved to, and what happened to it, for the counters.
type exchange struct {
	route          *route // nil when none matched
	params         map[string]string
	body           []byte // the request body, up to the fake's cap
	version        string
	methodMismatch bool   // a route matched the path but not the method
	handled        bool   // the route's handler ran
	ambiguous      bool   // it ran, and a fault replaced or cut its answer
	fault          string // the fault applied, described; "" for none
}

// key names the exchange's route in Counts.Routes.
func (x *exchange) key() string {
	if x.route == nil {
		return ""
	}
	return x.route.key
}

// routeOf finds the API version and the route of a request. A route that
// exists only in some versions does not match in the others.
func (s *Server) routeOf(r *http.Request) *exchange {
	x := &exchange{}
	segs := splitPath(r.URL.EscapedPath())
	x.version = r.Header.Get("X-Api-Version")
	if len(segs) > 0 && isVersion(segs[0]) {
		x.version, segs = segs[0], segs[1:]
	}
	if x.version == "" {
		x.version = alloy.DefaultAPIVersion
	}
	for i := range s.routes {
		rt := &s.routes[i]
		p, ok := rt.match(segs, x.version)
		if !ok {
			continue
		}
		if rt.method != r.Method {
			x.methodMismatch = true
			continue
		}
		x.route, x.params = rt, p
		break
	}
	return x
}

// serve authenticates and answers a resolved request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, x *exchange) {
	w.Header().Set("X-Request-Id", "req_"+strconv.FormatUint(s.reqSeq.Add(1), 10))
	if (x.route == nil || !x.route.public) && !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	switch {
	case !isVersion(x.version):
		writeError(w, http.StatusBadRequest, "Invalid x-api-version")
	case x.route != nil:
		if msg := s.invalid(r, x); msg != "" {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		x.handled = true
		x.route.handle(w, r, &request{params: x.params, version: x.version})
	case x.methodMismatch:
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
	default:
		writeError(w, http.StatusNotFound, "Route not found")
	}
}

// headerVersioned reports whether version is carried in the header (2025-09 on).
func headerVersioned(version string) bool { return version >= ops.FirstHeaderVersion }

// authorized accepts "Bearer <key>" with any capitalisation of the scheme,
// as Alloy's own examples use both "Bearer" and "bearer".
func (s *Server) authorized(r *http.Request) bool {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "bearer") && key == s.APIKey
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func isVersion(v string) bool {
	if len(v) != 7 || v[4] != '-' {
		return false
	}
	_, err1 := strconv.Atoi(v[:4])
	_, err2 := strconv.Atoi(v[5:])
	return err1 == nil && err2 == nil
}

func randomUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// trackConn counts open connections.
func (s *Server) trackConn(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.conns.Add(1)
	case http.StateClosed, http.StateHijacked:
		s.conns.Add(-1)
	}
}

// OpenConnections reports how many client connections are open (idle
// keep-alive connections included), for tests that check for leaks.
func (s *Server) OpenConnections() int { return int(s.conns.Load()) }
