package alloytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fastClient retries quickly so fault tests stay fast.
func fastClient(srv *alloytest.Server, opts ...alloy.Option) *alloy.Client {
	return srv.Client(append([]alloy.Option{alloy.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)...)
}

func statuses(reqs []alloytest.LoggedRequest) []int {
	out := make([]int, len(reqs))
	for i, r := range reqs {
		out[i] = r.Status
	}
	return out
}

func TestFaultStatusBurstIsRetriedAway(t *testing.T) {
	srv := newServer(t)
	c := fastClient(srv)
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"})
	require.NoError(t, err)
	srv.ResetRequests()

	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Times: 2, Fault: alloytest.Fault{Status: 503}})
	got, err := c.Users.Get(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u.ID, got.ID)
	reqs := srv.Requests()
	assert.Equal(t, []int{503, 503, 200}, statuses(reqs))
	assert.Equal(t, "status 503", reqs[0].Fault)
	assert.Equal(t, "", reqs[2].Fault)
	assert.Equal(t, "[REDACTED]", reqs[0].Header.Get("Authorization"), "the log does not keep the key")

	// The rule is used up: the next read is clean.
	srv.ResetRequests()
	_, err = c.Users.Get(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, []int{200}, statuses(srv.Requests()))
}

func TestFaultRetryAfterIsHonoured(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(alloy.WithRetryWait(time.Millisecond, 2*time.Second))
	srv.InjectFault(alloytest.FaultRule{Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 429, RetryAfter: "1"}})
	start := time.Now()
	_, err := c.Users.List(context.Background(), nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "waited for Retry-After")

	// A Retry-After beyond the client's cap ends the call at once.
	srv.InjectFault(alloytest.FaultRule{Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 429, RetryAfter: "3600"}})
	_, err = c.Users.List(context.Background(), nil)
	var apiErr *alloy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, time.Hour, apiErr.RetryAfter)
	assert.Equal(t, 1, apiErr.Attempts)
}

func TestFaultDropAndTruncate(t *testing.T) {
	srv := newServer(t)
	c := fastClient(srv)
	ctx := context.Background()

	// A dropped GET is retried; a dropped POST is not (the server may have acted).
	srv.InjectFault(alloytest.FaultRule{Method: "GET", Times: 1, Fault: alloytest.Fault{Drop: true}})
	_, err := c.Users.List(ctx, nil)
	require.NoError(t, err)
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Times: 1, Fault: alloytest.Fault{Drop: true}})
	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"})
	var te *alloy.TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 1, te.Attempts)
	assert.Empty(t, srv.Users(), "dropped before the handler: nothing created")

	// A body cut off after its headers is a transport error. The status was
	// a success, so the retry decision was already made: it is not retried.
	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users", Fault: alloytest.Fault{Truncate: true}})
	_, err = c.Users.List(ctx, nil)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 1, te.Attempts)
	reqs := srv.Requests()
	assert.Equal(t, "truncate", reqs[len(reqs)-1].Fault)
}

func TestFaultAfterHandlerMakesAnAmbiguousFailure(t *testing.T) {
	srv := newServer(t)
	c := fastClient(srv)
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	_, err := c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "a@example.com"})
	require.ErrorIs(t, err, alloy.ErrServer, "reported as an error")
	require.Len(t, srv.Users(), 1, "yet the server acted")
	assert.Equal(t, alloytest.RouteCounts{Received: 1, Handled: 1, Faulted: 1, Ambiguous: 1, Statuses: map[int]int{503: 1}},
		srv.Counts().Routes["POST /users"], "the POST was not repeated")
	assert.Equal(t, alloytest.UserCounts{CreateRequests: 1, Created: 1}, srv.Counts().Users["a@example.com"])
}

func TestFaultBadBodies(t *testing.T) {
	srv := newServer(t)
	ctx := context.Background()
	c := fastClient(srv, alloy.WithMaxResponseBytes(1<<20))

	srv.InjectFault(alloytest.FaultRule{Path: "/users", Times: 1, Fault: alloytest.Fault{Malformed: true}})
	_, err := c.Users.List(ctx, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "decode response")

	srv.InjectFault(alloytest.FaultRule{Path: "/users", Times: 1, Fault: alloytest.Fault{Oversize: 5 << 20}})
	_, err = c.Users.List(ctx, nil)
	require.ErrorIs(t, err, alloy.ErrResponseTooLarge)

	srv.InjectFault(alloytest.FaultRule{Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 502, ContentType: "text/html"}})
	_, err = c.Users.List(ctx, nil, alloy.WithRetries(0))
	var apiErr *alloy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Contains(t, string(apiErr.Body), "<html>")

	srv.InjectFault(alloytest.FaultRule{Path: "/users", Times: 1, Fault: alloytest.Fault{ContentType: "text/plain"}})
	users, err := c.Users.List(ctx, nil)
	require.NoError(t, err, "a wrong content type on a JSON body still decodes")
	assert.Empty(t, users)
}

func TestFaultLatencyMeetsTheClientTimeout(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(alloy.WithTimeout(100*time.Millisecond), alloy.WithMaxRetries(0))
	srv.InjectFault(alloytest.FaultRule{Path: "/users", Fault: alloytest.Fault{Latency: 5 * time.Second}})
	start := time.Now()
	_, err := c.Users.List(context.Background(), nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestFaultRulesMatchRemoveAndRate(t *testing.T) {
	srv := newServer(t, alloytest.WithFaultSeed(1))
	c := fastClient(srv, alloy.WithMaxRetries(0))
	ctx := context.Background()
	remove := srv.InjectFault(alloytest.FaultRule{Method: "DELETE", Fault: alloytest.Fault{Status: 500}})
	_, err := c.Users.List(ctx, nil)
	require.NoError(t, err, "method does not match")
	err = c.Users.Delete(ctx, "nobody")
	require.ErrorIs(t, err, alloy.ErrServer)
	remove()
	err = c.Users.Delete(ctx, "nobody")
	require.ErrorIs(t, err, alloy.ErrNotFound, "rule removed")

	srv.InjectFault(alloytest.FaultRule{Path: "/users", Rate: 0.5, Fault: alloytest.Fault{Status: 503}})
	failed := 0
	for i := 0; i < 400; i++ {
		if _, err := c.Users.List(ctx, nil); errors.Is(err, alloy.ErrServer) {
			failed++
		}
	}
	assert.InDelta(t, 200, failed, 60, "about half fail")
	srv.ClearFaults()
	_, err = c.Users.List(ctx, nil)
	require.NoError(t, err)

	// Path-versioned requests match on the path without the version.
	old := fastClient(srv, alloy.WithAPIVersion("2024-03"), alloy.WithMaxRetries(0))
	srv.InjectFault(alloytest.FaultRule{Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 500}})
	_, err = old.Users.List(ctx, nil)
	require.ErrorIs(t, err, alloy.ErrServer)
	reqs := srv.Requests()
	assert.True(t, strings.HasPrefix(reqs[len(reqs)-1].Path, "/2024-03/users"))
}

// rateRun sends n sequential reads to a server with one 50% rule and
// returns which of them failed, as a string of 0s and 1s.
func rateRun(t *testing.T, n int, opts ...alloytest.Option) (string, *alloytest.Server) {
	t.Helper()
	srv := newServer(t, opts...)
	c := fastClient(srv, alloy.WithMaxRetries(0))
	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users", Rate: 0.5, Fault: alloytest.Fault{Status: 503}})
	// A rule that matches no request draws nothing.
	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/apps", Rate: 0.5, Fault: alloytest.Fault{Status: 500}})
	var b strings.Builder
	for i := 0; i < n; i++ {
		_, err := c.Users.List(context.Background(), nil)
		switch {
		case err == nil:
			b.WriteByte('0')
		case errors.Is(err, alloy.ErrServer):
			b.WriteByte('1')
		default:
			t.Fatalf("call %d: %v", i, err)
		}
	}
	return b.String(), srv
}

func TestFaultSeedReplaysRateDecisions(t *testing.T) {
	first, srv := rateRun(t, 200, alloytest.WithFaultSeed(42))
	assert.Equal(t, uint64(42), srv.FaultSeed())
	assert.Contains(t, first, "0")
	assert.Contains(t, first, "1")
	again, _ := rateRun(t, 200, alloytest.WithFaultSeed(42))
	assert.Equal(t, first, again, "the same seed fails the same requests")
	other, _ := rateRun(t, 200, alloytest.WithFaultSeed(43))
	assert.NotEqual(t, first, other, "another seed, other decisions")

	// Without WithFaultSeed the server picks a random seed and reports it:
	// giving it back replays the run.
	unseeded, srv := rateRun(t, 200)
	replayed, _ := rateRun(t, 200, alloytest.WithFaultSeed(srv.FaultSeed()))
	assert.Equal(t, unseeded, replayed)
	assert.NotEqual(t, srv.FaultSeed(), newServer(t).FaultSeed(), "a fresh seed per server")
}

func TestRequestLogUnderConcurrency(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.Users.List(context.Background(), nil)
		}()
	}
	wg.Wait()
	assert.Equal(t, alloytest.RouteCounts{Received: 20, Handled: 20, Statuses: map[int]int{200: 20}}, srv.Counts().Routes["GET /users"])
	reqs := srv.Requests()
	require.Len(t, reqs, 20)
	for _, r := range reqs {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, 200, r.Status)
	}
}

// A panic from Client (an invalid option) never carries the server's key.
func TestClientPanicDoesNotCarryTheKey(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("sk_test_PANIC_SECRET_1"))
	defer func() {
		r := recover()
		require.NotNil(t, r)
		assert.NotContains(t, fmt.Sprint(r), "sk_test_PANIC_SECRET_1")
		assert.Contains(t, fmt.Sprint(r), "alloytest:")
	}()
	srv.Client(alloy.WithBaseURL("http://user:sk_test_PANIC_SECRET_1@example.com"))
}
