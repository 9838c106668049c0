package alloytest

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what the server does to a request instead of answering it
// normally. Set one kind of failure; Latency combines with any of them.
type Fault struct {
	// Status answers with this status and a {"message": ...} body, e.g. 503.
	Status int
	// RetryAfter, with Status, is sent as the Retry-After header, e.g. "2"
	// or an HTTP date.
	RetryAfter string
	// Latency delays the answer (or the failure) by this long, or until the
	// client gives up.
	Latency time.Duration
	// Drop closes the connection without sending any response.
	Drop bool
	// Truncate sends the real response's headers and half its body, then
	// closes the connection.
	Truncate bool
	// Malformed answers 200 with a body that is not valid JSON.
	Malformed bool
	// Oversize answers 200 with a JSON body of this many bytes.
	Oversize int64
	// ContentType sends the real response (or, with Status, an HTML error
	// page) under this Content-Type, e.g. "text/html".
	ContentType string
	// AfterHandler lets the request take effect (a user is created, a
	// workflow runs) before the failure is sent instead of the response:
	// the case where a client cannot know whether the server acted.
	AfterHandler bool
}

// FaultRule says which requests get a Fault.
type FaultRule struct {
	Method string // e.g. "POST"; empty for any
	// Path matches the request path without the version prefix, with
	// path.Match wildcards: "/users", "/users/*/token", "/one/*/*". Empty
	// for any path.
	Path string
	// Times is how many matching requests get the fault; 0 means every one.
	Times int
	// Rate is the probability (0 to 1) that a matching request gets the
	// fault; 0 means 1. The decision is drawn from the server's seeded
	// random source (see WithFaultSeed and FaultSeed).
	Rate float64
	Fault
}

// faults holds the rules and the random source their rates draw from.
type faults struct {
	mu    sync.Mutex
	rules []*faultRule
	seed  uint64
	rng   *rand.Rand // guarded by mu: one draw per rate decision
	seq   uint64
}

func newFaults(seed uint64) *faults {
	// PCG takes two words of state; the second is fixed so that one
	// uint64 names the whole stream.
	return &faults{seed: seed, rng: rand.New(rand.NewPCG(seed, 0x616c6c6f79746573))}
}

// FaultSeed returns the seed of the random source behind fault rules'
// Rate: the one given to WithFaultSeed, or the random one the server
// chose. Log it, and pass it to WithFaultSeed (or alloy mock --fault-seed)
// to replay a run.
//
// What a seed replays is the sequence of rate decisions: the server draws
// one number per request and per rule with a Rate below 1 that matches
// the request's method and path, in the order rules are tried, under one
// lock. Given the same seed, the same rules and the same requests in the
// same order, the same requests get the same faults: a client that sends
// one request at a time (retries included) sees exactly the same run.
// With concurrent clients the order in which requests reach the server
// varies from run to run, so the same decisions fall on different
// requests; the number of faults of each rule over a run is what stays
// close.
func (s *Server) FaultSeed() uint64 { return s.faults.seed }

type faultRule struct {
	FaultRule
	id   uint64
	left int // for Times > 0
}

// InjectFault adds a rule; matching requests fail as it says until the rule
// is used up (Times) or removed. Rules are tried in the order they were
// added; the first that matches applies. It returns a function that removes
// the rule.
//
//	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Times: 2,
//		Fault: alloytest.Fault{Status: 503}}) // the next two reads of a user get 503
func (s *Server) InjectFault(rule FaultRule) (remove func()) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.seq++
	fr := &faultRule{FaultRule: rule, id: s.faults.seq, left: rule.Times}
	s.faults.rules = append(s.faults.rules, fr)
	return func() {
		s.faults.mu.Lock()
		defer s.faults.mu.Unlock()
		for i, r := range s.faults.rules {
			if r.id == fr.id {
				s.faults.rules = append(s.faults.rules[:i:i], s.faults.rules[i+1:]...)
				return
			}
		}
	}
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.rules = nil
	s.faults.mu.Unlock()
}

// pick returns the fault for a request, using up one of a rule's Times.
func (f *faults) pick(method, unversioned string) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.rules {
		if r.Method != "" && !strings.EqualFold(r.Method, method) {
			continue
		}
		if r.Path != "" {
			if ok, _ := path.Match(r.Path, unversioned); !ok {
				continue
			}
		}
		if r.Rate > 0 && r.Rate < 1 && f.rng.Float64() >= r.Rate {
			continue
		}
		if r.Times > 0 {
			r.left--
			if r.left == 0 {
				f.rules = append(f.rules[:i:i], f.rules[i+1:]...)
			}
		}
		fault := r.Fault
		return &fault
	}
	return nil
}

// applyFault answers r as fault says.
func (s *Server) applyFault(w *statusWriter, r *http.Request, x *exchange, f *Fault) {
	needReal := f.AfterHandler || f.Truncate || (f.ContentType != "" && f.Status == 0)
	var real *httptest.ResponseRecorder
	if needReal {
		real = httptest.NewRecorder()
		s.serve(real, r, x)
		x.ambiguous = x.handled && (f.Drop || f.Truncate || f.Malformed || f.Oversize > 0 || f.Status != 0)
	}
	switch {
	case f.Drop:
		panic(http.ErrAbortHandler) // net/http closes the connection without a response
	case f.Truncate:
		for k, v := range real.Header() {
			w.Header()[k] = v
		}
		b := real.Body.Bytes()
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(real.Code)
		_, _ = w.Write(b[:len(b)/2])
		if fl, ok := w.ResponseWriter.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	case f.Malformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"data": [{"userId": "65f1c2a9d4e8b71a2c3d4e5f", "username": `)
	case f.Oversize > 0:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.FormatInt(f.Oversize, 10))
		w.WriteHeader(http.StatusOK)
		writeOversize(w, f.Oversize)
	case f.Status != 0 && f.ContentType != "":
		w.Header().Set("Content-Type", f.ContentType)
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		w.WriteHeader(f.Status)
		_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", f.Status, http.StatusText(f.Status))
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, "Injected fault: "+http.StatusText(f.Status))
	case f.ContentType != "":
		for k, v := range real.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", f.ContentType)
		w.WriteHeader(real.Code)
		_, _ = w.Write(real.Body.Bytes())
	case real != nil: // AfterHandler with nothing else set: the real answer
		for k, v := range real.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(real.Code)
		_, _ = w.Write(real.Body.Bytes())
	default: // Latency only
		s.serve(w, r, x)
	}
}

// writeOversize streams a JSON string of n bytes without holding it.
func writeOversize(w io.Writer, n int64) {
	const open, end = `{"data":"`, `"}`
	if n < int64(len(open)+len(end)) {
		_, _ = io.WriteString(w, strings.Repeat(" ", int(n)))
		return
	}
	_, _ = io.WriteString(w, open)
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	for left := n - int64(len(open)+len(end)); left > 0; {
		k := min(left, int64(len(chunk)))
		if _, err := w.Write(chunk[:k]); err != nil {
			return
		}
		left -= k
	}
	_, _ = io.WriteString(w, end)
}

func (f *Fault) describe() string {
	var parts []string
	add := func(cond bool, s string) {
		if cond {
			parts = append(parts, s)
		}
	}
	add(f.Latency > 0, "latency "+f.Latency.String())
	add(f.Drop, "drop")
	add(f.Truncate, "truncate")
	add(f.Malformed, "malformed")
	add(f.Oversize > 0, "oversize "+strconv.FormatInt(f.Oversize, 10))
	add(f.Status != 0, "status "+strconv.Itoa(f.Status))
	add(f.RetryAfter != "", "retry-after "+f.RetryAfter)
	add(f.ContentType != "", "content-type "+f.ContentType)
	add(f.AfterHandler, "after handler")
	return strings.Join(parts, ", ")
}
