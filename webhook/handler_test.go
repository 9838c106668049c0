package webhook

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alloy "github.com/alloysdk/alloy-go"
)

const (
	credBody    = `{"userId":"u_1","userEmail":"ops@acme.example","credentialId":"cred_9","credentialName":"Shopify"}`
	unifiedBody = `{"topic":"commerce/orders","connectionId":"conn_1","data":{"id":"o_1"}}`
	// secretMarker stands for anything sensitive in a body.
	secretMarker = "SECRET-BODY-MARKER-42"
)

// recorder counts callback invocations and keeps the last event of each
// kind.
type recorder struct {
	mu                       sync.Mutex
	cred                     *CredentialExpiredEvent
	stream                   *ErrorStreamEvent
	unified                  *UnifiedEvent
	nCred, nStream, nUnified atomic.Int64
	err                      error // returned by every callback
}

func (rec *recorder) options() []HandlerOption {
	return []HandlerOption{
		OnCredentialExpired(func(_ context.Context, e *CredentialExpiredEvent) error {
			rec.nCred.Add(1)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.cred = e
			return rec.err
		}),
		OnErrorStream(func(_ context.Context, e *ErrorStreamEvent) error {
			rec.nStream.Add(1)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.stream = e
			return rec.err
		}),
		OnUnified(func(_ context.Context, e *UnifiedEvent) error {
			rec.nUnified.Add(1)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.unified = e
			return rec.err
		}),
	}
}

func (rec *recorder) calls() int64 {
	return rec.nCred.Load() + rec.nStream.Load() + rec.nUnified.Load()
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func post(body string, header ...string) *http.Request {
	r := newRequest(http.MethodPost, sigHost, "/hooks/alloy", true, body)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

func TestHandlerDelivers(t *testing.T) {
	t.Parallel()
	t.Run("credential expired", func(t *testing.T) {
		rec := &recorder{}
		w := serve(mustHandler(t, rec.options()...), post(credBody, "Content-Type", "application/json"))
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
		assert.JSONEq(t, `{"ok":true}`, w.Body.String())
		require.Equal(t, int64(1), rec.nCred.Load())
		assert.Equal(t, int64(1), rec.calls())
		assert.Equal(t, "u_1", rec.cred.UserID)
		assert.Equal(t, "ops@acme.example", rec.cred.UserEmail)
		assert.Equal(t, "cred_9", rec.cred.CredentialID)
		assert.Equal(t, "Shopify", rec.cred.CredentialName)
	})
	t.Run("error stream", func(t *testing.T) {
		rec := &recorder{}
		w := serve(mustHandler(t, rec.options()...), post("boom: "+secretMarker, "Content-Type", "text/plain",
			HeaderWorkflowID, "wf_1", HeaderExecutionUUID, "exec_1", HeaderBlockName, "HTTP", HeaderBlockType, "customApi", HeaderUserID, "u_1"))
		assert.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, int64(1), rec.nStream.Load())
		assert.Equal(t, int64(1), rec.calls())
		e := rec.stream
		assert.Equal(t, []string{"wf_1", "u_1", "HTTP", "customApi", "exec_1"}, []string{e.WorkflowID, e.UserID, e.BlockName, e.BlockType, e.ExecutionUUID})
		assert.Equal(t, "boom: "+secretMarker, string(e.Body))
		assert.NotContains(t, w.Body.String(), secretMarker)
	})
	t.Run("unified", func(t *testing.T) {
		rec := &recorder{}
		w := serve(mustHandler(t, rec.options()...), post(unifiedBody))
		assert.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, int64(1), rec.nUnified.Load())
		assert.Equal(t, int64(1), rec.calls())
		assert.Equal(t, "commerce/orders", rec.unified.Topic)
		assert.Equal(t, "conn_1", rec.unified.ConnectionID)
		assert.JSONEq(t, `{"id":"o_1"}`, string(rec.unified.Model))
	})
	t.Run("context is the request's", func(t *testing.T) {
		type ctxKey struct{}
		var got any
		h := mustHandler(t, OnCredentialExpired(func(ctx context.Context, _ *CredentialExpiredEvent) error {
			got = ctx.Value(ctxKey{})
			return nil
		}))
		r := post(credBody)
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, "v"))
		assert.Equal(t, http.StatusOK, serve(h, r).Code)
		assert.Equal(t, "v", got)
	})
	t.Run("any content type", func(t *testing.T) {
		for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/octet-stream", "application/json; charset=utf-8"} {
			rec := &recorder{}
			w := serve(mustHandler(t, rec.options()...), post(credBody, "Content-Type", ct))
			assert.Equal(t, http.StatusOK, w.Code, ct)
			assert.Equal(t, int64(1), rec.nCred.Load(), ct)
		}
	})
}

func TestHandlerRouting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		header  []string
		only    string // register only this callback: cred, stream, unified; "" for all
		want    int
		wantHit string // which callback ran
	}{
		{name: "headers win over a credential body", body: credBody, header: []string{HeaderWorkflowID, "wf_1"}, want: 200, wantHit: "stream"},
		{name: "execution uuid alone is error stream", body: `{}`, header: []string{HeaderExecutionUUID, "exec_1"}, want: 200, wantHit: "stream"},
		{name: "topic wins over a credentialId", body: `{"topic":"connection/created","credentialId":"cred_9","userId":"u_1","data":{}}`, want: 200, wantHit: "unified"},
		{name: "scope wins over a credentialId", body: `{"scope":"commerce/orders","credentialId":"cred_9"}`, want: 200, wantHit: "unified"},
		{name: "event with a slash is unified", body: `{"event":"commerce/orders","credentialId":"cred_9"}`, want: 200, wantHit: "unified"},
		{name: "event without a slash stays credential", body: `{"event":"credential.expired","data":{"userId":"u_1","credential":{"id":"cred_9"}}}`, want: 200, wantHit: "cred"},
		{name: "bare model is unified", body: `{"id":"o_1","total":"1.00"}`, want: 200, wantHit: "unified"},
		{name: "id-bearing model goes to the only unified callback", body: `{"userId":"u_1","connectionId":"c"}`, only: "unified", want: 200, wantHit: "unified"},
		{name: "credential body to a credential-only handler", body: credBody, only: "cred", want: 200, wantHit: "cred"},

		{name: "error stream without its callback", body: "x", header: []string{HeaderWorkflowID, "wf_1"}, only: "cred", want: 404},
		{name: "credential without its callback", body: credBody, only: "stream", want: 404},
		{name: "topic without the unified callback", body: unifiedBody, only: "cred", want: 404},
		{name: "no callbacks at all", body: credBody, only: "none", want: 404},
		{name: "unrecognised object without the unified callback", body: `{"foo":1}`, only: "cred", want: 422},
		{name: "empty object without the unified callback", body: `{}`, only: "cred", want: 422},

		{name: "not JSON", body: "hello " + secretMarker, want: 400},
		{name: "empty body", body: "", want: 400},
		{name: "JSON array", body: `[{"userId":"u_1"}]`, want: 400},
		{name: "JSON string", body: `"x"`, want: 400},
		{name: "truncated JSON", body: `{"userId":"u_1"`, want: 400},
		{name: "empty object to unified", body: `{}`, want: 400},
		{name: "blank error-stream header", body: "x", header: []string{HeaderWorkflowID, " "}, want: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			all := rec.options()
			var opts []HandlerOption
			switch tt.only {
			case "":
				opts = all
			case "cred":
				opts = all[:1]
			case "stream":
				opts = all[1:2]
			case "unified":
				opts = all[2:]
			}
			w := serve(mustHandler(t, opts...), post(tt.body, tt.header...))
			assert.Equal(t, tt.want, w.Code, w.Body.String())
			assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
			assert.NotContains(t, w.Body.String(), secretMarker)
			hits := map[string]int64{"cred": rec.nCred.Load(), "stream": rec.nStream.Load(), "unified": rec.nUnified.Load()}
			for k, n := range hits {
				if k == tt.wantHit {
					assert.Equal(t, int64(1), n, k)
				} else {
					assert.Zero(t, n, k)
				}
			}
			if tt.want != 200 {
				assert.Contains(t, w.Body.String(), `"error":`)
			}
		})
	}
}

func TestHandlerMethodNotAllowed(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := mustHandler(t, rec.options()...)
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, "post"} {
		r := newRequest(m, sigHost, "/hooks/alloy", true, credBody)
		w := serve(h, r)
		assert.Equal(t, http.StatusMethodNotAllowed, w.Code, m)
		assert.Equal(t, "POST", w.Header().Get("Allow"), m)
	}
	assert.Zero(t, rec.calls())
}

func TestHandlerBodyLimit(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	small := mustHandler(t, append(rec.options(), WithMaxBodyBytes(int64(len(credBody))))...)
	assert.Equal(t, http.StatusOK, serve(small, post(credBody)).Code)

	big := credBody + " "
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve(small, post(big)).Code)

	// Unknown length (chunked): the limit is enforced while reading.
	r := post("")
	r.Body = io.NopCloser(strings.NewReader(big))
	r.ContentLength = -1
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve(small, r).Code)

	// A lying Content-Length is cut at the limit too.
	r = post("")
	r.Body = io.NopCloser(strings.NewReader(big))
	r.ContentLength = 10
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve(small, r).Code)

	// Default: 1 MiB.
	def := mustHandler(t, rec.options()...)
	huge := `{"userId":"u_1","pad":"` + strings.Repeat("x", DefaultMaxBodyBytes) + `"}`
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve(def, post(huge)).Code)
	fits := `{"userId":"u_1","pad":"` + strings.Repeat("x", DefaultMaxBodyBytes-100) + `"}`
	assert.Equal(t, http.StatusOK, serve(def, post(fits)).Code)

	// n <= 0 means the default.
	zero := mustHandler(t, append(rec.options(), WithMaxBodyBytes(0))...)
	assert.Equal(t, http.StatusOK, serve(zero, post(fits)).Code)
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve(zero, post(huge)).Code)
	assert.Equal(t, int64(3), rec.nCred.Load())
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestHandlerUnreadableBody(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	r := post("")
	r.Body = io.NopCloser(failingReader{})
	r.ContentLength = -1
	assert.Equal(t, http.StatusBadRequest, serve(mustHandler(t, rec.options()...), r).Code)
	assert.Zero(t, rec.calls())
}

func TestHandlerSignature(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := mustHandler(t, append(rec.options(), WithVerifier(NewVerifier(&SharedTestKey().PublicKey)), WithLogger(logger))...)
	body := `{"userId":"u_1","credentialId":"` + secretMarker + `"}`
	raw := signWith(t, []byte("POST/hooks/alloy"+body), false)
	sig := hex.EncodeToString(raw)
	flipped := hex.EncodeToString(append(raw[:len(raw)-1:len(raw)-1], raw[len(raw)-1]^1))

	w := serve(h, post(body, SignatureHeader, sig))
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, int64(1), rec.nCred.Load())

	for name, header := range map[string][]string{
		"missing":      nil,
		"empty":        {SignatureHeader, ""},
		"bad":          {SignatureHeader, "deadbeef"},
		"other body":   {SignatureHeader, hex.EncodeToString(signWith(t, []byte("POST/hooks/alloy{}"), false))},
		"error stream": {SignatureHeader, flipped, HeaderWorkflowID, "wf_1"},
	} {
		w := serve(h, post(body, header...))
		assert.Equal(t, http.StatusUnauthorized, w.Code, name)
		assert.NotContains(t, w.Body.String(), sig[:64], name)
		assert.NotContains(t, w.Body.String(), secretMarker, name)
	}
	assert.Equal(t, int64(1), rec.calls())
	assert.Contains(t, logs.String(), "status=401")
	assert.NotContains(t, logs.String(), secretMarker)
	assert.NotContains(t, logs.String(), sig[:64])

	// A verifier without a key is a server fault, not the sender's.
	broken := mustHandler(t, append(rec.options(), WithVerifier(NewVerifier(nil)))...)
	assert.Equal(t, http.StatusInternalServerError, serve(broken, post(body, SignatureHeader, sig)).Code)
	assert.Equal(t, int64(1), rec.calls())
}

func TestHandlerCallbackFailures(t *testing.T) {
	t.Parallel()
	t.Run("error", func(t *testing.T) {
		var logs bytes.Buffer
		rec := &recorder{err: errors.New("database down")}
		h := mustHandler(t, append(rec.options(), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))...)
		for _, r := range []*http.Request{post(credBody), post(unifiedBody), post("x", HeaderWorkflowID, "wf_1")} {
			w := serve(h, r)
			assert.Equal(t, http.StatusInternalServerError, w.Code)
			assert.NotContains(t, w.Body.String(), "database down")
		}
		assert.Equal(t, int64(3), rec.calls())
		assert.Contains(t, logs.String(), "database down")
		assert.Contains(t, logs.String(), "kind=credential_expired")
		assert.NotContains(t, logs.String(), "ops@acme.example")
	})
	t.Run("panic", func(t *testing.T) {
		var logs bytes.Buffer
		h := mustHandler(t,
			WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
			OnCredentialExpired(func(context.Context, *CredentialExpiredEvent) error { panic("kaboom") }),
			OnUnified(func(_ context.Context, e *UnifiedEvent) error {
				_ = e.Model[len(e.Model)+1] // index out of range: a runtime panic
				return nil
			}),
			OnErrorStream(func(context.Context, *ErrorStreamEvent) error { panic(errors.New("typed")) }),
		)
		for _, r := range []*http.Request{post(credBody), post(unifiedBody), post("x", HeaderWorkflowID, "wf_1")} {
			var w *httptest.ResponseRecorder
			require.NotPanics(t, func() { w = serve(h, r) })
			assert.Equal(t, http.StatusInternalServerError, w.Code)
			assert.NotContains(t, w.Body.String(), "kaboom")
		}
		assert.Contains(t, logs.String(), "kaboom")
		assert.Contains(t, logs.String(), "callback panicked")
	})
	t.Run("ErrAbortHandler is re-raised", func(t *testing.T) {
		h := mustHandler(t, OnCredentialExpired(func(context.Context, *CredentialExpiredEvent) error { panic(http.ErrAbortHandler) }))
		assert.PanicsWithValue(t, http.ErrAbortHandler, func() { serve(h, post(credBody)) })
	})
	t.Run("over a real server", func(t *testing.T) {
		h := mustHandler(t, OnCredentialExpired(func(context.Context, *CredentialExpiredEvent) error { panic("kaboom") }))
		srv := httptest.NewServer(h)
		defer srv.Close()
		for range 3 {
			resp, err := http.Post(srv.URL, "application/json", strings.NewReader(credBody))
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		}
	})
}

func TestHandlerNilOption(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := mustHandler(t, append(rec.options(), nil)...)
	assert.Equal(t, http.StatusOK, serve(h, post(credBody)).Code)
}

// TestHandlerConcurrent sends 100 mixed requests at once through one
// Handler; run with -race.
func TestHandlerConcurrent(t *testing.T) {
	t.Parallel()
	var nCred, nStream, nUnified, nFail atomic.Int64
	var seen sync.Map
	h := mustHandler(t,
		WithVerifier(NewVerifier(&SharedTestKey().PublicKey)),
		OnCredentialExpired(func(_ context.Context, e *CredentialExpiredEvent) error {
			nCred.Add(1)
			seen.Store(e.UserID, true)
			if strings.HasSuffix(e.UserID, "4") {
				nFail.Add(1)
				return errors.New("fail")
			}
			return nil
		}),
		OnErrorStream(func(_ context.Context, e *ErrorStreamEvent) error {
			nStream.Add(1)
			seen.Store(e.WorkflowID, true)
			return nil
		}),
		OnUnified(func(_ context.Context, e *UnifiedEvent) error {
			nUnified.Add(1)
			seen.Store(e.ConnectionID, true)
			if strings.HasSuffix(e.ConnectionID, "5") {
				panic("boom")
			}
			return nil
		}),
	)
	srv := httptest.NewServer(h)
	defer srv.Close()

	type result struct{ want, got int }
	results := make([]result, 100)
	reqs := make([]*http.Request, 100)
	for i := range reqs {
		var body string
		var header http.Header = http.Header{}
		want := http.StatusOK
		switch i % 4 {
		case 0:
			body = fmt.Sprintf(`{"userId":"u_%d","credentialId":"cred"}`, i)
			if i%10 == 4 {
				want = http.StatusInternalServerError
			}
		case 1:
			body = fmt.Sprintf(`{"topic":"commerce/orders","connectionId":"conn_%d","data":{}}`, i)
			if i%10 == 5 {
				want = http.StatusInternalServerError
			}
		case 2:
			body = `{"message":"x"}`
			header.Set(HeaderWorkflowID, fmt.Sprintf("wf_%d", i))
		case 3:
			body = fmt.Sprintf(`{"userId":"u_%d"}`, i)
			want = http.StatusUnauthorized // signed for another body
		}
		signed := body
		if i%4 == 3 {
			signed = "{}"
		}
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/hooks/alloy", strings.NewReader(body))
		require.NoError(t, err)
		req.Header = header
		req.Header.Set(SignatureHeader, hex.EncodeToString(signWith(t, []byte("POST/hooks/alloy"+signed), i%2 == 0)))
		reqs[i] = req
		results[i].want = want
	}

	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := srv.Client().Do(req)
			if err != nil {
				results[i].got = -1
				return
			}
			resp.Body.Close()
			results[i].got = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	for i, r := range results {
		assert.Equal(t, r.want, r.got, "request %d", i)
	}
	assert.Equal(t, int64(25), nCred.Load())
	assert.Equal(t, int64(25), nUnified.Load())
	assert.Equal(t, int64(25), nStream.Load())
	n := 0
	seen.Range(func(any, any) bool { n++; return true })
	assert.Equal(t, 75, n)
}

// mustHandler is NewHandler for options the test knows are good.
func mustHandler(t testing.TB, opts ...HandlerOption) http.Handler {
	t.Helper()
	h, err := NewHandler(opts...)
	require.NoError(t, err)
	return h
}

// TestNewHandlerRefusesBadOptions: every bad option value is an
// ErrInvalidArgument from the constructor, never replaced by a default.
func TestNewHandlerRefusesBadOptions(t *testing.T) {
	t.Parallel()
	bad := map[string]HandlerOption{
		"negative body limit":     WithMaxBodyBytes(-1),
		"negative read timeout":   WithReadTimeout(-time.Second),
		"nil verifier":            WithVerifier(nil),
		"nil credential callback": OnCredentialExpired(nil),
		"nil error callback":      OnErrorStream(nil),
		"nil unified callback":    OnUnified(nil),
	}
	for name, o := range bad {
		h, err := NewHandler(o)
		assert.Nil(t, h, name)
		assert.ErrorIs(t, err, alloy.ErrInvalidArgument, name)
		assert.Contains(t, err.Error(), "webhook handler", name)
	}
}
