package alloy

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSequentialCallsReuseOneConnection: successes, errors, retried 503s,
// POSTs and a large body all leave the keep-alive connection reusable, so
// sequential calls open exactly one TCP connection.
func TestSequentialCallsReuseOneConnection(t *testing.T) {
	t.Parallel()
	var conns atomic.Int64
	var n atomic.Int64
	big := `{"data":[` + strings.TrimSuffix(strings.Repeat(`{"userId":"u1","username":"a","fullName":"A"},`, 3000), ",") + `]}`
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/users" && r.Method == http.MethodGet:
			_, _ = w.Write([]byte(big))
		case r.URL.Path == "/users/missing":
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"message":"User not found"}`))
		case r.URL.Path == "/users/flaky" && n.Add(1)%2 == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"message":"busy"}`))
		case r.Method == http.MethodPost:
			_, _ = w.Write([]byte(`{"userId":"u2"}`))
		default:
			_, _ = w.Write([]byte(`{"userId":"u1","username":"a"}`))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := NewClient(testKey, WithBaseURL(srv.URL), WithRetryWait(1, 1),
		WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}))
	require.NoError(t, err)
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		_, err := c.Users.Get(ctx, "u1")
		require.NoError(t, err)
		_, err = c.Users.Get(ctx, "missing")
		require.ErrorIs(t, err, ErrNotFound)
		_, err = c.Users.Get(ctx, "flaky") // 503, then retried to success
		require.NoError(t, err)
		_, err = c.Users.Create(ctx, UserCreateParams{Username: "b"})
		require.NoError(t, err)
		users, err := c.Users.List(ctx, nil)
		require.NoError(t, err)
		require.Len(t, users, 3000)
	}
	assert.EqualValues(t, 1, conns.Load(), "one TCP connection for 120 sequential calls")
}
