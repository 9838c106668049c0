// Package testharness is the module's one client-agnostic test helper: a
// per-test httpmock transport that records every request it answers and
// fails the test on a request nobody expected, and the responders the
// tests build answers with. The root package's and unified's tests wrap
// it with the client they test; neither keeps a copy of its own.
//
// It is test support, in a non-test package so that several packages'
// tests can share it; nothing outside tests imports it.
package testharness

import (
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// Sent is one request as the server saw it.
type Sent struct {
	Method string
	URL    string // scheme://host/escaped-path?query
	Header http.Header
	Body   []byte
}

// Recorder answers a test's requests from registered responders and
// records each one. Safe for concurrent use.
type Recorder struct {
	t  testing.TB
	MT *httpmock.MockTransport

	mu   sync.Mutex
	reqs []Sent
}

// New returns a Recorder whose transport fails t on any request no
// responder matches (answering it 599).
func New(t testing.TB) *Recorder {
	t.Helper()
	r := &Recorder{t: t, MT: httpmock.NewMockTransport()}
	r.MT.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request %s %s", req.Method, req.URL.String())
		return httpmock.NewStringResponse(599, "no responder"), nil
	})
	return r
}

// HTTPClient is an *http.Client on the Recorder's transport.
func (r *Recorder) HTTPClient() *http.Client { return &http.Client{Transport: r.MT} }

// On answers method and url (httpmock's syntax: "=~" starts a regexp) with
// resp, recording each request.
func (r *Recorder) On(method, url string, resp httpmock.Responder) {
	r.MT.RegisterResponder(method, url, func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, Sent{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body})
		r.mu.Unlock()
		return resp(req)
	})
}

// Requests returns the requests recorded so far, in order.
func (r *Recorder) Requests() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sent(nil), r.reqs...)
}

// Only returns the one request recorded, failing the test unless there is
// exactly one.
func (r *Recorder) Only() Sent {
	r.t.Helper()
	reqs := r.Requests()
	require.Len(r.t, reqs, 1, "exactly one request")
	return reqs[0]
}

// JSON answers status with body as application/json.
func JSON(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

// Seq answers with rs in turn, repeating the last one once they are used.
func Seq(rs ...httpmock.Responder) httpmock.Responder {
	var mu sync.Mutex
	i := 0
	return func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		cur := rs[min(i, len(rs)-1)]
		i++
		mu.Unlock()
		return cur(r)
	}
}
