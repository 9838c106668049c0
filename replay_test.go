package alloy

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replayCase is one non-idempotent call, made with headers that invite
// net/http to replay it.
type replayCase struct {
	name string
	opts []RequestOption
	call func(c *Client, opts []RequestOption) error
}

func replayCases() []replayCase {
	create := func(c *Client, opts []RequestOption) error {
		_, err := c.Users.Create(context.Background(), UserCreateParams{Username: "once@example.com"}, opts...)
		return err
	}
	rerun := func(c *Client, opts []RequestOption) error { // a POST without a body
		_, err := c.Logs.Rerun(context.Background(), "wf1", "ex1", "", opts...)
		return err
	}
	return []replayCase{
		{"create with Idempotency-Key", []RequestOption{WithHeader("Idempotency-Key", "k-1")}, create},
		{"create with X-Idempotency-Key", []RequestOption{WithHeader("X-Idempotency-Key", "k-2")}, create},
		{"create with idempotency-key in lower case", []RequestOption{WithHeader("idempotency-key", "k-3")}, create},
		{"create without headers", nil, create},
		{"bodyless rerun with Idempotency-Key", []RequestOption{WithHeader("Idempotency-Key", "k-4")}, rerun},
	}
}

// TestNoTransportReplayOverHTTP1: the server reads a POST on a kept-alive
// connection, acts on it, and closes the connection without answering.
// net/http would re-send a POST that carries an Idempotency-Key on a new
// connection by itself; the SDK must not let it: the server acts once and
// the call reports a *TransportError (the outcome is unknown).
func TestNoTransportReplayOverHTTP1(t *testing.T) {
	t.Parallel()
	for _, tc := range replayCases() {
		t.Run(tc.name, func(t *testing.T) {
			var handled atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet { // warms up the connection, so the POST reuses it
					_, _ = io.WriteString(w, `{"userId":"u0"}`)
					return
				}
				_, _ = io.Copy(io.Discard, r.Body)
				if handled.Add(1) == 1 {
					conn, _, err := http.NewResponseController(w).Hijack()
					if err == nil {
						_ = conn.Close()
					}
					return
				}
				_, _ = io.WriteString(w, `{"userId":"u1","message":"ok"}`)
			}))
			defer srv.Close()
			c, err := NewClient(testKey, WithBaseURL(srv.URL), WithMaxRetries(3), WithRetryWait(0, 0),
				WithHTTPClient(&http.Client{Transport: &http.Transport{}}))
			require.NoError(t, err)
			_, err = c.Users.Get(context.Background(), "u0")
			require.NoError(t, err)

			err = tc.call(c, tc.opts)
			var te *TransportError
			require.ErrorAs(t, err, &te, "the outcome is unknown: an error, not a success")
			assert.Equal(t, 1, te.Attempts)
			assert.Equal(t, int32(1), handled.Load(), "the server handled the POST once")
		})
	}
}

// TestNoTransportReplayOverHTTP2: over HTTP/2 (h2c), the server reads the
// POST, acts on it, then sends GOAWAY claiming it processed no stream and
// closes. net/http would retry the stream on a new connection; the SDK must
// not let it.
func TestNoTransportReplayOverHTTP2(t *testing.T) {
	t.Parallel()
	for _, tc := range replayCases() {
		t.Run(tc.name, func(t *testing.T) {
			srv := newGoAwayServer(t)
			var protocols http.Protocols
			protocols.SetUnencryptedHTTP2(true)
			c, err := NewClient(testKey, WithBaseURL(srv.url), WithMaxRetries(3), WithRetryWait(0, 0),
				WithHTTPClient(&http.Client{Transport: &http.Transport{Protocols: &protocols}}))
			require.NoError(t, err)

			err = tc.call(c, tc.opts)
			var te *TransportError
			require.ErrorAs(t, err, &te, "the outcome is unknown: an error, not a success")
			assert.Equal(t, int32(1), srv.handled.Load(), "the server handled the POST once")
		})
	}
}

// TestIdempotentCallsStillRecoverOverHTTP2: the same server does not turn a
// GET into a failure: the SDK retries it itself.
func TestIdempotentCallsStillRecoverOverHTTP2(t *testing.T) {
	t.Parallel()
	srv := newGoAwayServer(t)
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	c, err := NewClient(testKey, WithBaseURL(srv.url), WithRetryWait(0, 0),
		WithHTTPClient(&http.Client{Transport: &http.Transport{Protocols: &protocols}}))
	require.NoError(t, err)
	u, err := c.Users.Get(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, "u1", u.ID)
	assert.Equal(t, int32(2), srv.handled.Load())
}

// goAwayServer is a minimal HTTP/2 server over cleartext (prior knowledge).
// The first request it receives, it reads to the end and counts, then
// answers with GOAWAY (last stream 0, NO_ERROR) and closes the connection;
// every later one gets 200 with a small JSON body.
type goAwayServer struct {
	url     string
	handled atomic.Int32
}

func newGoAwayServer(t *testing.T) *goAwayServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &goAwayServer{url: "http://" + ln.Addr().String()}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				s.serve(conn)
			}()
		}
	}()
	return s
}

// HTTP/2 frame types and flags used here (RFC 9113 §6).
const (
	h2Data, h2Headers, h2Settings, h2GoAway = 0x0, 0x1, 0x4, 0x7
	h2EndStream, h2Ack, h2EndHeaders        = 0x1, 0x1, 0x4
)

func (s *goAwayServer) serve(conn net.Conn) {
	r := bufio.NewReader(conn)
	preface := make([]byte, 24)
	if _, err := io.ReadFull(r, preface); err != nil || string(preface) != "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" {
		return
	}
	writeFrame(conn, h2Settings, 0, 0, nil)
	head := make([]byte, 9)
	for {
		if _, err := io.ReadFull(r, head); err != nil {
			return
		}
		length := int(head[0])<<16 | int(head[1])<<8 | int(head[2])
		typ, flags := head[3], head[4]
		stream := binary.BigEndian.Uint32(head[5:]) & 0x7fffffff
		if _, err := io.CopyN(io.Discard, r, int64(length)); err != nil {
			return
		}
		switch {
		case typ == h2Settings && flags&h2Ack == 0:
			writeFrame(conn, h2Settings, h2Ack, 0, nil)
		case (typ == h2Headers || typ == h2Data) && flags&h2EndStream != 0:
			if s.handled.Add(1) == 1 {
				payload := make([]byte, 8) // last stream id 0, NO_ERROR
				writeFrame(conn, h2GoAway, 0, 0, payload)
				return
			}
			writeFrame(conn, h2Headers, h2EndHeaders, stream, []byte{0x88}) // HPACK static index 8: ":status: 200"
			writeFrame(conn, h2Data, h2EndStream, stream, []byte(`{"userId":"u1","message":"ok"}`))
		}
	}
}

func writeFrame(w io.Writer, typ, flags byte, stream uint32, payload []byte) {
	head := []byte{byte(len(payload) >> 16), byte(len(payload) >> 8), byte(len(payload)), typ, flags, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(head[5:], stream)
	_, _ = w.Write(append(head, payload...))
}
