package alloy_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alloy "github.com/alloysdk/alloy-go"
)

// TestDefaultClientPoolsConnections: a client built without
// WithHTTPClient, called by 64 goroutines over HTTP/1.1 on loopback, opens
// at most 64 connections for 6,400 calls (http.DefaultTransport, which
// keeps 2 idle connections per host, opened thousands), and clients built
// per call share them.
//
// The transport never holds more than 64 (MaxConnsPerHost, checked by
// TestSharedTransport); that it never opens more also needs net/http to
// keep every connection, which it does unless its request writer is
// starved for 50 ms (persistConn.wroteRequest then discards the
// connection). That happens under the race detector on a loaded machine:
// there the bound checked is twice as loose, still far below the thousands
// of http.DefaultTransport, and .ci/run runs this test without -race too.
func TestDefaultClientPoolsConnections(t *testing.T) {
	t.Parallel()
	// Connections are told apart by the client address of the requests
	// that carry this test's key: with many tests in parallel, a stray
	// connection from another test to a port the OS reused must not count.
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer sk_test_pool" {
			mu.Lock()
			seen[r.RemoteAddr] = true
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"userId":"u1","username":"a@example.com"}}`))
	}))
	t.Cleanup(srv.Close)
	opened := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(seen)
	}

	run := func(client func() *alloy.Client) {
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				for range 100 {
					_, err := client().Users.Get(context.Background(), "u1")
					if !assert.NoError(t, err) {
						return
					}
				}
			})
		}
		wg.Wait()
	}
	limit := alloy.DefaultMaxConnsPerHost
	if raceEnabled {
		limit *= 2
	}
	check := func(what string) {
		assert.LessOrEqual(t, opened(), limit, "%s: connections opened", what)
		t.Logf("%s: %d connections opened", what, opened())
	}
	c, err := alloy.NewClient("sk_test_pool", alloy.WithBaseURL(srv.URL))
	require.NoError(t, err)
	run(func() *alloy.Client { return c })
	check("one shared client")

	run(func() *alloy.Client {
		c, err := alloy.NewClient("sk_test_pool", alloy.WithBaseURL(srv.URL))
		require.NoError(t, err)
		return c
	})
	check("a client per call")
}
