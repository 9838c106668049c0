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
func TestDefaultClientPoolsConnections(t *testing.T) {
	t.Parallel()
	// A connection is counted by the client address of the requests that
	// carry this test's key: with many tests in parallel, a stray
	// connection from another test to a port the OS reused must not count.
	var mu sync.Mutex
	conns := map[string]bool{}
	opened := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(conns)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer sk_test_pool" {
			mu.Lock()
			conns[r.RemoteAddr] = true
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"userId":"u1","username":"a@example.com"}}`))
	}))
	t.Cleanup(srv.Close)

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
	c, err := alloy.NewClient("sk_test_pool", alloy.WithBaseURL(srv.URL))
	require.NoError(t, err)
	run(func() *alloy.Client { return c })
	assert.LessOrEqual(t, opened(), alloy.DefaultMaxConnsPerHost, "one shared client")

	run(func() *alloy.Client {
		c, err := alloy.NewClient("sk_test_pool", alloy.WithBaseURL(srv.URL))
		require.NoError(t, err)
		return c
	})
	assert.LessOrEqual(t, opened(), alloy.DefaultMaxConnsPerHost, "a client per call reuses the same pool")
}
