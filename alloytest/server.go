// Package alloytest runs a stateful, in-memory fake of the Alloy API for
// tests and local development. In a test:
//
//	srv := alloytest.New(t) // closed when the test ends
//	c := srv.Client()       // an *alloy.Client wired to srv, retrying fast
//
// Elsewhere (a program, alloy mock), NewServer starts one, or Start, which
// returns an error instead of panicking; Close stops it.
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
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/errs"
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
	// fastRetries makes Client's clients wait fastRetryMin to
	// fastRetryMax between retries (a server New made).
	fastRetries bool
}

// The retry waits of the clients a server made by New hands out.
const (
	fastRetryMin = time.Millisecond
	fastRetryMax = 10 * time.Millisecond
)

// New starts a server for a test, closes it when the test ends
// (t.Cleanup), and fails the test (t.Fatal) when it cannot start: a bad
// option value, or an address it cannot listen on.
//
//	func TestSignup(t *testing.T) {
//		srv := alloytest.New(t)
//		c := srv.Client()
//		...
//	}
//
// Its Client hands out clients that wait 1ms to 10ms between retries
// instead of alloy's 0.5s to 8s, so that a test with injected faults
// (InjectFault) runs in milliseconds. As alloy.WithRetryWait says, the
// longest wait is also the longest Retry-After a client honours: a fault
// with a longer RetryAfter ends the retries at once. Options given to
// Client come after and win, e.g. Client(alloy.WithRetryWait(time.Millisecond,
// 2*time.Second)) for a test of Retry-After. NewServer and Start make
// servers whose Client keeps alloy's waits.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
		return nil
	}
	s.fastRetries = true
	t.Cleanup(s.Close)
	return s
}

// ErrNotLoopback is the error (wrapped) that Start returns for a listen
// address whose host is not loopback, or is empty, without WithAllowRemote.
var ErrNotLoopback = errors.New("alloytest listens on loopback only (localhost, 127.0.0.0/8 or ::1) unless allowed to listen remotely")

// NewServer starts a server and panics with the error Start would return,
// like httptest.NewServer: an error matching alloy.ErrInvalidArgument for a
// bad option value (see Option), one that cannot listen wrapped as
// "alloytest: ...". Use Start to get the error instead, or New in a test.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	switch {
	case errors.Is(err, errs.ErrInvalidArgument):
		panic(err) // its message names alloytest.Start already
	case err != nil:
		panic(fmt.Errorf("alloytest: %w", err))
	}
	return s
}

// Start starts a server. A bad option value is an error matching
// alloy.ErrInvalidArgument (and, for a listen address that is not
// loopback, ErrNotLoopback too); a nil option is skipped. An address it
// cannot listen on is an error too.
func Start(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	if err := cfg.apply(opts); err != nil {
		return nil, err
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
			return nil, notLoopback("listen on %q: bound to %s", cfg.addr, bound)
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
		st:      newStore(cfg.userCounts, cfg.duplicateUsernames),
		signKey: key,
		started: time.Now().UTC(),
		teamID:  randSource(rand.Read).objectID(),
		faults:  newFaults(seed),
		journal: newJournal(cfg.requestLogBytes),
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
	host, _, _ := net.SplitHostPort(addr) // WithAddr checked its form
	switch {
	case host == "":
		return notLoopback("listen on %q: an empty host listens on every interface", addr)
	case !isLoopbackHost(host):
		return notLoopback("listen on %q: %q is not a loopback host", addr, host)
	}
	return nil
}

// notLoopback is Start's error for an address that is not loopback: a bad
// value, matching alloy.ErrInvalidArgument and ErrNotLoopback.
func notLoopback(format string, args ...any) error {
	return fmt.Errorf("%w: %w", errs.Invalid("alloytest.Start", format, args...), ErrNotLoopback)
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
// URL and, for a server New made, retry waits of 1ms to 10ms (see New);
// opts are applied after those (e.g. alloy.WithAPIVersion("2024-03")). It
// panics if an option is invalid.
func (s *Server) Client(opts ...alloy.Option) *alloy.Client {
	base := []alloy.Option{alloy.WithBaseURL(s.URL)}
	if s.fastRetries {
		base = append(base, alloy.WithRetryWait(fastRetryMin, fastRetryMax))
	}
	c, err := alloy.NewClient(s.APIKey, append(base, opts...)...)
	if err != nil {
		panic("alloytest: " + err.Error())
	}
	return c
}

// ServeHTTP counts and logs the request, applies any fault rule that
// matches it, and otherwise serves it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	r.Body = io.NopCloser(bytes.NewReader(body))
	x := s.routeOf(r)
	x.body = body
	// Every answer carries a request id, a faulted one too; a fault that
	// runs the handler keeps the same id. Alloy documents no request-id
	// header (the contract's facts.request_id_headers): the fake sends
	// X-Request-Id, the first header the SDK reads at its best effort, so
	// that tests can follow an answer from the request log to the error.
	x.requestID = "req_" + strconv.FormatUint(s.reqSeq.Add(1), 10)
	w.Header().Set("X-Request-Id", x.requestID)
	var entry *LoggedRequest
	if s.journal.logging() {
		entry = s.journal.entry(r, body)
	}
	sw := &statusWriter{ResponseWriter: w}
	defer func() { s.journal.record(x, sw.status, entry) }()

	fault := s.faults.pick(r.Method, unversionedPath(r.URL.EscapedPath()))
	if fault == nil {
		s.serve(sw, r, x)
		return
	}
	x.fault = fault.describe()
	if fault.Latency > 0 {
		t := time.NewTimer(fault.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	s.applyFault(sw, r, x, fault)
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
	requestID      string // the X-Request-Id of the answer
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
	w.Header().Set("X-Request-Id", x.requestID)
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

// authorized accepts "Bearer <key>" with any capitalisation of the scheme,
// as Alloy's own examples use both "Bearer" and "bearer".
func (s *Server) authorized(r *http.Request) bool {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "bearer") && key == s.APIKey
}

// request is what a handler gets besides the http.Request.
type request struct {
	params  map[string]string // unescaped path parameters
	version string            // the API version the call was made with
}

type handler func(w http.ResponseWriter, r *http.Request, req *request)

type route struct {
	op     string // the contract's operationId; "" for a fake-only route
	key    string // "METHOD /pattern", as Counts.Routes names it
	method string
	segs   []string // literal segments, or "{name}" for a parameter
	handle handler
	since  string // first API version with the route; "" for all
	until  string // first API version without it; "" for none
	public bool   // served without an API key (pages a browser visits)
}

// match reports whether the route serves segs in version, with the path's
// parameters unescaped. The last parameter is also given as "id", the name
// the record handlers read whatever Alloy's page calls it.
func (rt *route) match(segs []string, version string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) || version < rt.since || (rt.until != "" && version >= rt.until) {
		return nil, false
	}
	var params map[string]string
	for i, want := range rt.segs {
		if strings.HasPrefix(want, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[strings.Trim(want, "{}")] = v
			params["id"] = v
			continue
		}
		if segs[i] != want {
			return nil, false
		}
	}
	return params, true
}

// headerVersioned reports whether version is carried in the header (2025-09 on).
func headerVersioned(version string) bool { return version >= ops.FirstHeaderVersion }

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

// unversionedPath strips a leading /YYYY-MM segment.
func unversionedPath(p string) string {
	segs := splitPath(p)
	if len(segs) > 0 && isVersion(segs[0]) {
		segs = segs[1:]
	}
	return "/" + strings.Join(segs, "/")
}

// maxBody caps request bodies the fake accepts.
const maxBody = 1 << 20

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, "Request body too large")
			return false
		}
		writeError(w, http.StatusBadRequest, "Could not read request body")
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		writeError(w, http.StatusBadRequest, "Request body is not valid JSON")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"message":"encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// statusWriter remembers the status written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
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

// failure is an answer other than success: a status and the message of
// its {"message": ...} body. Store methods return one as their error; it
// is also the error some exported helpers return.
type failure struct {
	status int
	msg    string
}

func (f *failure) Error() string { return "alloytest: " + f.msg }

func (f *failure) write(w http.ResponseWriter) { writeError(w, f.status, f.msg) }

// fail returns a failure with a formatted message.
func fail(status int, format string, args ...any) *failure {
	return &failure{status, fmt.Sprintf(format, args...)}
}

// writeFailure answers err as a store method returned it: a *failure as it
// says, anything else (never expected) with 500.
func writeFailure(w http.ResponseWriter, err error) {
	var f *failure
	if errors.As(err, &f) {
		f.write(w)
		return
	}
	writeError(w, http.StatusInternalServerError, err.Error())
}
