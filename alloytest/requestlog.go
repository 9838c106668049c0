package alloytest

import (
	"bytes"
	"maps"
	"net/http"
	"sync"
	"time"
)

// DefaultRequestLogBytes is the request log's budget unless WithRequestLog
// says otherwise. An SDK request without a body counts about 1 KB in the
// log (its headers and the entry), one with a 1 KiB body about 2 KB, so 8
// MiB holds the last 4,000 to 8,000 requests, far more than a test looks
// at, and still the last 120 when every body is at the 64 KiB the log
// keeps of one; while a server that runs for hours (alloy mock, a soak)
// stays within a few MiB of heap for it.
const DefaultRequestLogBytes = 8 << 20

// LoggedRequest is one request the server received, as the request log keeps
// it.
type LoggedRequest struct {
	Method string
	Path   string // as sent, version prefix included
	Query  string
	Header http.Header // Authorization is redacted
	// Body is the first 64 KiB of the body (or the first quarter of the
	// log's budget, if that is smaller).
	Body   []byte
	Status int    // the status sent; 0 when the connection was dropped
	Fault  string // the fault applied, e.g. "status 503", "drop"; empty for none
	// RequestID is the X-Request-Id the server answered with (also on a
	// faulted answer), which the SDK reports in alloy.Error.RequestID and
	// alloy.Response.RequestID.
	RequestID string
	At        time.Time
}

// maxLoggedBody caps LoggedRequest.Body.
const maxLoggedBody = 64 << 10

// entryOverhead is what an entry costs besides the bytes of its strings,
// body and headers: the LoggedRequest, its pointer in the ring, the header map
// and slices, and allocation rounding. With it, an SDK GET counts 1,000
// bytes and keeps about 870 alive on the heap; a 1 KiB update counts 2,200
// and keeps about 1,950: the budget errs on the safe side.
const entryOverhead = 512

// size is what an entry counts against the budget: an estimate of the
// memory it keeps alive.
func (r *LoggedRequest) size() int64 {
	n := entryOverhead + len(r.Method) + len(r.Path) + len(r.Query) + len(r.Fault) + cap(r.Body)
	for k, vs := range r.Header {
		n += len(k) + 48 // the key, its map slot and its slice header
		for _, v := range vs {
			n += len(v) + 16
		}
	}
	return int64(n)
}

// RouteCounts counts the requests of one route (or of all of them).
type RouteCounts struct {
	Received int // requests received
	// Handled counts requests that reached the route's handler, so may
	// have acted: answered normally, or before a Latency, Truncate,
	// ContentType or AfterHandler fault.
	Handled int
	Faulted int // requests a fault rule applied to
	// Ambiguous counts requests that reached the handler and whose answer
	// a fault then replaced or cut short (AfterHandler with a status, drop
	// or bad body; Truncate): the server acted, the client cannot know.
	Ambiguous int
	// Statuses counts answers by status; 0 counts requests that got none
	// (a dropped connection, or a client that left during a Latency fault).
	Statuses map[int]int
}

// UserCounts counts what the server did with one username.
type UserCounts struct {
	// CreateRequests counts the create requests naming it that reached
	// the handler (POST /users and /users/batch), whatever they answered:
	// one Create that the server received twice shows 2 (the second
	// answered 409).
	CreateRequests int
	Created        int // users created with it, by a request or a seed
	Deleted        int // users with it deleted (DELETE /users/{userId})
}

// Counts is what a server has counted since it started. Unlike the request
// log, the counters are never trimmed, are kept with the log off, and are
// left alone by ResetRequests; they cost a few words per route and status,
// and about 100 bytes per username (see WithUserCounts).
type Counts struct {
	// Requests counts every request. A request is counted once it has
	// been answered or dropped.
	Requests RouteCounts
	// Routes counts requests per route, keyed by method and the route's
	// pattern without the version, as the server matched them: "POST
	// /users", "GET /users/{userId}", "GET /one/commerce/customers/{id}".
	// Requests that match no route (answered 401, 404 or 405) are under "".
	Routes map[string]RouteCounts
	// Users counts per username the users the server created and deleted;
	// empty with WithUserCounts(false).
	Users map[string]UserCounts
}

// Counts returns a snapshot of the server's counters.
func (s *Server) Counts() Counts {
	j := s.journal
	j.mu.Lock()
	out := Counts{Requests: j.total.clone(), Routes: make(map[string]RouteCounts, len(j.routes))}
	for k, rc := range j.routes {
		out.Routes[k] = rc.clone()
	}
	j.mu.Unlock()
	out.Users = s.st.userCounts()
	return out
}

func (rc *RouteCounts) clone() RouteCounts {
	c := *rc
	c.Statuses = maps.Clone(rc.Statuses)
	if c.Statuses == nil {
		c.Statuses = map[int]int{}
	}
	return c
}

// Requests returns the request log, oldest first: the most recent requests
// the server received that fit in its budget (see WithRequestLog), with the
// status it sent and the fault it applied. For totals, use Counts: the log
// drops its oldest entries.
func (s *Server) Requests() []LoggedRequest {
	j := s.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]LoggedRequest, 0, j.log.n)
	for i := 0; i < j.log.n; i++ {
		out = append(out, *j.log.at(i))
	}
	return out
}

// ResetRequests empties the request log. Counts are kept.
func (s *Server) ResetRequests() {
	j := s.journal
	j.mu.Lock()
	j.log.reset()
	j.mu.Unlock()
}

// journal holds the request log and the request counters.
type journal struct {
	mu     sync.Mutex
	log    requestLog
	total  RouteCounts
	routes map[string]*RouteCounts
}

func newJournal(maxBytes int64) *journal {
	return &journal{log: requestLog{max: maxBytes}, total: RouteCounts{Statuses: map[int]int{}}, routes: map[string]*RouteCounts{}}
}

// logging reports whether the log keeps entries (its budget is fixed).
func (j *journal) logging() bool { return j.log.max > 0 }

// entry builds the log entry of r, whose body is body.
func (j *journal) entry(r *http.Request, body []byte) *LoggedRequest {
	e := &LoggedRequest{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone(), At: time.Now()}
	if e.Header.Get("Authorization") != "" {
		e.Header.Set("Authorization", "[REDACTED]")
	}
	keep := min(int64(len(body)), maxLoggedBody, j.log.max/4)
	e.Body = bytes.Clone(body[:keep])
	return e
}

// record counts an answered (or dropped) exchange and logs its entry, if
// any.
func (j *journal) record(x *exchange, status int, e *LoggedRequest) {
	j.mu.Lock()
	defer j.mu.Unlock()
	rc := j.routes[x.key()]
	if rc == nil {
		rc = &RouteCounts{Statuses: map[int]int{}}
		j.routes[x.key()] = rc
	}
	for _, c := range []*RouteCounts{&j.total, rc} {
		c.Received++
		if x.handled {
			c.Handled++
		}
		if x.fault != "" {
			c.Faulted++
		}
		if x.ambiguous {
			c.Ambiguous++
		}
		c.Statuses[status]++
	}
	if e != nil {
		e.Status, e.Fault, e.RequestID = status, x.fault, x.requestID
		j.log.add(e)
	}
}

// requestLog is a ring of entries within a byte budget: adding evicts the
// oldest entries until the new one fits, each in constant time.
type requestLog struct {
	max   int64 // the budget; <= 0: off
	bytes int64 // what the entries held count against it
	ring  []*LoggedRequest
	sizes []int64 // sizes[i] is ring[i].size(), taken when it was added
	head  int     // index of the oldest entry
	n     int     // entries held
}

func (l *requestLog) at(i int) *LoggedRequest { return l.ring[(l.head+i)%len(l.ring)] }

func (l *requestLog) add(e *LoggedRequest) {
	size := e.size()
	if l.max <= 0 || size > l.max {
		return
	}
	for l.n > 0 && l.bytes+size > l.max {
		l.ring[l.head] = nil // let it go
		l.bytes -= l.sizes[l.head]
		l.head = (l.head + 1) % len(l.ring)
		l.n--
	}
	if l.n == len(l.ring) {
		l.grow()
	}
	i := (l.head + l.n) % len(l.ring)
	l.ring[i], l.sizes[i] = e, size
	l.bytes += size
	l.n++
}

// grow doubles the ring. It stops growing once the budget, not the ring,
// bounds the entries: the ring holds at most max/entryOverhead pointers.
func (l *requestLog) grow() {
	c := max(2*len(l.ring), 64)
	ring, sizes := make([]*LoggedRequest, c), make([]int64, c)
	for i := 0; i < l.n; i++ {
		j := (l.head + i) % len(l.ring)
		ring[i], sizes[i] = l.ring[j], l.sizes[j]
	}
	l.ring, l.sizes, l.head = ring, sizes, 0
}

func (l *requestLog) reset() {
	l.ring, l.sizes, l.head, l.n, l.bytes = nil, nil, 0, 0, 0
}
