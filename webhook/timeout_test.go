package webhook

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowPost sends the headers and the start of a body to srv over a raw
// connection, then stalls, and returns the response; it closes the
// connection before it returns. A client-side deadline makes a handler
// that waits for ever fail the test instead of hanging it.
func slowPost(t *testing.T, srv *httptest.Server, headers, partial string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = io.WriteString(conn, "POST /hooks/alloy HTTP/1.1\r\nHost: "+sigHost+"\r\n"+headers+"\r\n"+partial)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "no answer while the body stalls")
	resp.Body.Close()
	return resp
}

// TestHandlerReadTimeout: a body that does not arrive within the read
// timeout gets 408, and no callback runs.
func TestHandlerReadTimeout(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	onCred := OnCredentialExpired(func(context.Context, *CredentialExpiredEvent) error {
		calls.Add(1)
		return nil
	})

	t.Run("HTTP/1.1, Content-Length", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(mustHandler(t, WithReadTimeout(50*time.Millisecond), onCred))
		defer srv.Close()
		resp := slowPost(t, srv, "Content-Length: 100\r\n", `{"userId":`)
		assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
		assert.True(t, resp.Close, "the connection is closed")
	})
	t.Run("HTTP/1.1, chunked", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(mustHandler(t, WithReadTimeout(50*time.Millisecond), onCred))
		defer srv.Close()
		resp := slowPost(t, srv, "Transfer-Encoding: chunked\r\n", "a\r\n{\"userId\":\r\n")
		assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	})
	t.Run("the server's shorter ReadTimeout", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewUnstartedServer(mustHandler(t, onCred)) // default: 10 s
		srv.Config.ReadTimeout = 50 * time.Millisecond
		srv.Start()
		defer srv.Close()
		resp := slowPost(t, srv, "Content-Length: 100\r\n", `{"userId":`)
		assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	})
	t.Run("a ResponseWriter without read deadlines", func(t *testing.T) {
		t.Parallel()
		h := mustHandler(t, WithReadTimeout(50*time.Millisecond), onCred)
		// The wrapper hides the connection from http.ResponseController.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(struct{ http.ResponseWriter }{w}, r)
		}))
		defer srv.Close()
		resp := slowPost(t, srv, "Content-Length: 100\r\n", `{"userId":`)
		assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	})
	t.Run("HTTP/2", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewUnstartedServer(mustHandler(t, WithReadTimeout(50*time.Millisecond), onCred))
		srv.EnableHTTP2 = true
		srv.StartTLS()
		defer srv.Close()
		pr, pw := io.Pipe()
		defer pw.Close()
		go func() { _, _ = io.WriteString(pw, `{"userId":`) }() // then stall
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/hooks/alloy", pr)
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err, "no answer while the body stalls")
		resp.Body.Close()
		assert.Equal(t, 2, resp.ProtoMajor)
		assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	})
	t.Run("a body in time is delivered", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(mustHandler(t, WithReadTimeout(time.Minute), OnCredentialExpired(func(context.Context, *CredentialExpiredEvent) error { return nil })))
		defer srv.Close()
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(credBody))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
	t.Cleanup(func() { assert.Zero(t, calls.Load(), "a callback ran for a body that did not arrive") })
}

// TestHandlerReadTimeoutSparesCallback: the read timeout bounds the body
// only; a callback that runs longer keeps a live context.
func TestHandlerReadTimeoutSparesCallback(t *testing.T) {
	t.Parallel()
	var ctxErr atomic.Value
	srv := httptest.NewServer(mustHandler(t, WithReadTimeout(20*time.Millisecond),
		OnCredentialExpired(func(ctx context.Context, _ *CredentialExpiredEvent) error {
			select {
			case <-ctx.Done():
				ctxErr.Store(ctx.Err())
				return ctx.Err()
			case <-time.After(200 * time.Millisecond): // well past the read deadline
				return nil
			}
		})))
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(credBody))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Nil(t, ctxErr.Load())
}

func TestWithReadTimeoutDefault(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 10*time.Second, DefaultReadTimeout)
	for _, h := range []http.Handler{mustHandler(t), mustHandler(t, WithReadTimeout(0))} {
		assert.Equal(t, DefaultReadTimeout, h.(*handler).readTimeout)
	}
	assert.Equal(t, time.Second, mustHandler(t, WithReadTimeout(time.Second)).(*handler).readTimeout)
}
