package alloy_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// soakOutcome is what one Create call returned.
type soakOutcome struct {
	id  string
	err error
}

// soakLedger is what the soak's calls reported, for the oracle to hold
// against what the server counted. It is not safe for concurrent use.
type soakLedger struct {
	creates map[string]soakOutcome // username -> what Create returned
	deleted map[string]string      // user id -> username: Deletes reported done
	failed  map[string]string      // user id -> username: Deletes reported failed
}

func newSoakLedger() *soakLedger {
	return &soakLedger{creates: map[string]soakOutcome{}, deleted: map[string]string{}, failed: map[string]string{}}
}

// delete records what Delete returned for a user, and whether the soak
// must check err.
func (l *soakLedger) delete(id, name string, err error) (check bool) {
	// A DELETE whose retry sees 404 after an attempt that may have acted
	// returns nil; any error, ErrNotFound included, is a delete not known
	// to have worked, which the oracle checks against the server.
	if err == nil {
		l.deleted[id] = name
		return false
	}
	l.failed[id] = name
	return true
}

// soakVerdict is what the oracle found; every count but ambiguousDeletes
// must be zero.
type soakVerdict struct {
	// duplicates: usernames whose create reached the handler more than
	// once (the second answers 409): a Create sent twice.
	duplicates int
	// lost: successful Creates whose user is not on the server, and which
	// the server did not delete.
	lost int
	// misreported: successful Creates minus the creates the server answered
	// 200. A create the server acted on but answered 503 (AfterHandler)
	// must be an error, and a 200 must not be.
	misreported int
	// deletesMisreported: Deletes reported done that the server did not
	// do, or whose user is still there.
	deletesMisreported int
	// ambiguousDeletes: Deletes reported failed that the server did: a 503
	// after the handler acted, and retries that failed too. Allowed: the
	// client cannot know.
	ambiguousDeletes int
}

// verdict holds the ledger against the server's own counts, which the
// request log's budget does not affect. Deletes count by what the server
// did, not by what Delete returned: a DELETE the server acted on may still
// report an error.
func (l *soakLedger) verdict(srv *alloytest.Server) soakVerdict {
	counts := srv.Counts()
	onServer := map[string]string{}
	for _, u := range srv.Users() {
		onServer[u.Username] = u.ID
	}
	var v soakVerdict
	succeeded := 0
	for name, out := range l.creates {
		uc := counts.Users[name]
		if uc.CreateRequests > 1 {
			v.duplicates++
		}
		if out.err != nil {
			continue
		}
		succeeded++
		if onServer[name] != out.id && uc.Deleted == 0 {
			v.lost++
		}
	}
	v.misreported = succeeded - counts.Routes["POST /users"].Statuses[http.StatusOK]
	if v.misreported < 0 {
		v.misreported = -v.misreported
	}
	for id, name := range l.deleted {
		if counts.Users[name].Deleted != 1 || onServer[name] == id {
			v.deletesMisreported++
		}
	}
	for _, name := range l.failed {
		if counts.Users[name].Deleted > 0 {
			v.ambiguousDeletes++
		}
	}
	return v
}

// TestSoak drives one shared client from 32 goroutines through thousands of
// creates, reads, updates, token mints and deletes against alloytest, with
// faults on: 10% 503 (half of them after the server acted), 3% dropped
// connections and 0.5% 429 with Retry-After (which pauses every call of
// the client for its second). It checks that nothing is lost,
// duplicated or reported wrongly, and that no goroutine, connection or heap
// grows. Bounded: it stops by itself well inside a minute, on loopback.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped with -short")
	}
	const (
		workers    = 32
		iterations = 25 // per worker; each makes 5 or 6 calls
		maxRetries = 3
	)
	goroutinesBefore := runtime.NumGoroutine()
	var heapBefore runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&heapBefore)

	// The fault seed fixes the sequence of rate decisions; with 32
	// goroutines the requests they fall on still vary from run to run.
	// ALLOY_SOAK_SEED picks another sequence.
	seed := uint64(20250913)
	if v := os.Getenv("ALLOY_SOAK_SEED"); v != "" {
		var err error
		seed, err = strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "ALLOY_SOAK_SEED")
	}
	t.Logf("soak: fault seed %d", seed)
	// The oracle reads the server's counters; the request log is not
	// needed.
	srv := alloytest.NewServer(alloytest.WithFaultSeed(seed), alloytest.WithRequestLog(0))
	defer srv.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	c := srv.Client(alloy.WithHTTPClient(&http.Client{Transport: tr}), alloy.WithMaxRetries(maxRetries),
		alloy.WithRetryWait(2*time.Millisecond, 1500*time.Millisecond), alloy.WithTimeout(20*time.Second))

	// Rules are tried in order; their rates compound to about the targets.
	srv.InjectFault(alloytest.FaultRule{Rate: 0.005, Fault: alloytest.Fault{Status: 429, RetryAfter: "1"}})
	srv.InjectFault(alloytest.FaultRule{Rate: 0.03, Fault: alloytest.Fault{Drop: true}})
	srv.InjectFault(alloytest.FaultRule{Rate: 0.05, Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	srv.InjectFault(alloytest.FaultRule{Rate: 0.05, Fault: alloytest.Fault{Status: 503}})

	var (
		calls    atomic.Int64
		mu       sync.Mutex
		ledger   = newSoakLedger()
		problems []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	// checkErr: an error must be typed, and a retryable failure must have
	// used the whole budget.
	checkErr := func(op string, err error, idempotent bool) {
		var apiErr *alloy.Error
		var te *alloy.TransportError
		switch {
		case errors.As(err, &apiErr):
			retryable := apiErr.StatusCode == 429 || apiErr.StatusCode >= 500
			if idempotent && retryable && apiErr.RetryAfter <= time.Second && apiErr.Attempts != maxRetries+1 {
				fail("%s: %d after %d attempts, budget %d", op, apiErr.StatusCode, apiErr.Attempts, maxRetries+1)
			}
		case errors.As(err, &te):
			if idempotent && te.Attempts != maxRetries+1 {
				fail("%s: transport error after %d attempts", op, te.Attempts)
			}
		default:
			fail("%s: untyped error %v", op, err)
		}
	}

	ctx := context.Background()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < iterations; i++ {
				name := fmt.Sprintf("soak-%d-%d@example.com", w, i)
				calls.Add(1)
				u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: name, FullName: "Soak"})
				out := soakOutcome{err: err}
				if err == nil {
					out.id = u.ID
				} else {
					checkErr("create", err, false)
				}
				mu.Lock()
				ledger.creates[name] = out
				mu.Unlock()
				if err != nil {
					continue
				}
				calls.Add(1)
				if got, err := c.Users.Get(ctx, u.ID); err != nil {
					checkErr("get", err, true)
				} else if got.Username != name {
					fail("get %s returned %s", name, got.Username)
				}
				calls.Add(1)
				if _, err := c.Users.Update(ctx, u.ID, alloy.UserUpdateParams{FullName: alloy.Ptr("Soak " + name)}); err != nil {
					checkErr("update", err, true)
				}
				calls.Add(1)
				if tok, err := c.Tokens.Create(ctx, u.ID); err != nil {
					checkErr("token", err, true)
				} else if !strings.HasPrefix(tok.Token, "eyJ") {
					fail("token for %s is not a JWT", name)
				}
				calls.Add(1)
				if _, err := c.Users.List(ctx, &alloy.UserListParams{ParentWorkflowID: "none"}); err != nil {
					checkErr("list", err, true)
				}
				if i%2 == 0 {
					calls.Add(1)
					err := c.Users.Delete(ctx, u.ID)
					mu.Lock()
					check := ledger.delete(u.ID, name, err)
					mu.Unlock()
					if check {
						checkErr("delete", err, true)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	srv.ClearFaults()

	// Server-side truth.
	v := ledger.verdict(srv)
	counts := srv.Counts()
	creates := counts.Routes["POST /users"]
	requests, faults := counts.Requests.Received, counts.Requests.Faulted
	retries := requests - int(calls.Load())

	// Leaks: close the client's idle connections, then wait for the counts
	// to settle.
	tr.CloseIdleConnections()
	srv.Close()
	var goroutinesAfter int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		goroutinesAfter = runtime.NumGoroutine()
		if goroutinesAfter <= goroutinesBefore && srv.OpenConnections() == 0 {
			break
		}
	}
	var heapAfter runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&heapAfter)

	t.Logf("soak: %d calls (%d creates) by %d goroutines in %v; %d requests, %d faults injected, %d retries; "+
		"%d ambiguous creates reported as errors, %d deletes the server did reported as errors; "+
		"duplicates %d, lost %d, misreported %d, deletes misreported %d; goroutines %d -> %d, open connections %d; heap %d KiB -> %d KiB",
		calls.Load(), len(ledger.creates), workers, elapsed.Round(time.Millisecond), requests, faults, retries,
		creates.Ambiguous, v.ambiguousDeletes, v.duplicates, v.lost, v.misreported, v.deletesMisreported,
		goroutinesBefore, goroutinesAfter, srv.OpenConnections(), heapBefore.HeapAlloc>>10, heapAfter.HeapAlloc>>10)

	assert.Empty(t, problems, "every failure is typed and, when retryable, used the budget")
	assert.Zero(t, v.duplicates, "no user created twice by one Create call")
	assert.Zero(t, v.lost, "every successful Create exists on the server")
	assert.Zero(t, v.misreported, "a create the server acted on but answered 503 is an error; one answered 200 is not")
	assert.Zero(t, v.deletesMisreported, "every Delete reported done was done")
	assert.Equal(t, workers*iterations, len(ledger.creates))
	assert.GreaterOrEqual(t, requests, 4000, "thousands of requests")
	assert.Greater(t, faults, 200, "faults were injected")
	assert.Positive(t, creates.Ambiguous)
	assert.LessOrEqual(t, goroutinesAfter, goroutinesBefore+2, "no goroutine leak")
	assert.Zero(t, srv.OpenConnections(), "no connection leak")
	assert.Less(t, heapAfter.HeapAlloc, heapBefore.HeapAlloc+64<<20, "heap stays bounded")
	require.Less(t, elapsed, 60*time.Second)
}

// TestSoakOracle replays, one call at a time and with Times rules instead
// of rates, the cases the soak's oracle must tell apart: above all a
// DELETE the server acted on whose answer (503) and retries all failed.
// The user is gone and Delete returned an error: that is not a lost user.
func TestSoakOracle(t *testing.T) {
	t.Parallel()
	srv := alloytest.NewServer(alloytest.WithRequestLog(0))
	defer srv.Close()
	c := srv.Client(alloy.WithMaxRetries(3), alloy.WithRetryWait(time.Millisecond, 2*time.Millisecond))
	ctx := context.Background()
	l := newSoakLedger()
	create := func(name string) *alloy.User {
		u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: name})
		l.creates[name] = soakOutcome{err: err}
		if err == nil {
			l.creates[name] = soakOutcome{id: u.ID}
		}
		return u
	}
	afterHandler := alloytest.Fault{Status: 503, AfterHandler: true}

	// Acted on, answered 503, and every retry answered 503 too.
	gone := create("gone@example.com")
	srv.InjectFault(alloytest.FaultRule{Method: "DELETE", Path: "/users/*", Times: 1, Fault: afterHandler})
	srv.InjectFault(alloytest.FaultRule{Method: "DELETE", Path: "/users/*", Times: 3, Fault: alloytest.Fault{Status: 503}})
	err := c.Users.Delete(ctx, gone.ID)
	require.ErrorIs(t, err, alloy.ErrServer)
	require.True(t, l.delete(gone.ID, "gone@example.com", err), "a failed delete is checked")

	// Acted on, answered 503, and the retry answered 404: success.
	retried := create("retried@example.com")
	srv.InjectFault(alloytest.FaultRule{Method: "DELETE", Path: "/users/*", Times: 1, Fault: afterHandler})
	err = c.Users.Delete(ctx, retried.ID)
	require.NoError(t, err)
	require.False(t, l.delete(retried.ID, "retried@example.com", err))

	// A create acted on but answered 503, and one that is kept.
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Times: 1, Fault: afterHandler})
	require.Nil(t, create("ambiguous@example.com"))
	create("kept@example.com")

	assert.Equal(t, soakVerdict{ambiguousDeletes: 1}, l.verdict(srv), "nothing lost, nothing misreported")

	// The oracle is not blind: a Create reported done with a user the
	// server never had, and a Delete reported done that did not happen.
	l.creates["phantom@example.com"] = soakOutcome{id: "6712ab34cd56ef7890a1b2ff"}
	kept := l.creates["kept@example.com"]
	l.deleted[kept.id] = "kept@example.com"
	assert.Equal(t, soakVerdict{lost: 1, misreported: 1, deletesMisreported: 1, ambiguousDeletes: 1}, l.verdict(srv))
}
