package alloy_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
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
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"userId":"u1","username":"a@example.com"}}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
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
	assert.LessOrEqual(t, opened.Load(), int64(alloy.DefaultMaxConnsPerHost), "one shared client")

	run(func() *alloy.Client {
		c, err := alloy.NewClient("sk_test_pool", alloy.WithBaseURL(srv.URL))
		require.NoError(t, err)
		return c
	})
	assert.LessOrEqual(t, opened.Load(), int64(alloy.DefaultMaxConnsPerHost), "a client per call reuses the same pool")
}
