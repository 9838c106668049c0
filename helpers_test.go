package alloy

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

const (
	testKey  = "sk_test_SECRET_9f8e7d6c5b4a"
	testRoot = "https://api.alloy.test"
)

// testVersion is an API version and the base its routes are appended to.
type testVersion struct {
	version string
	base    string // what routes are appended to
}

// laterVersion stands for a version newer than every one of the contract:
// the client sends it as given and gets the newest version's routes.
const laterVersion = "2099-01"

// versions are the versions every method is tested in: each one of the
// contract and a later one, so both addressing styles (the version in the
// path before ops.FirstHeaderVersion, in the x-api-version header from it
// on).
var versions = func() []testVersion {
	var vs []testVersion
	for _, v := range append(slices.Clone(ops.Versions), laterVersion) {
		base := testRoot
		if v < ops.FirstHeaderVersion {
			base += "/" + v
		}
		vs = append(vs, testVersion{v, base})
	}
	return vs
}()

// sent is one request as the server saw it.
type sent struct {
	Method string
	URL    string // scheme://host/escaped-path?query
	Header http.Header
	Body   []byte
}

// harness is a client wired to a per-test httpmock transport that records
// every request, and a sleeper that records retry waits instead of sleeping.
type harness struct {
	t     *testing.T
	c     *Client
	mt    *httpmock.MockTransport
	mu    sync.Mutex
	reqs  []sent
	waits []time.Duration
	now   time.Time // the transport's clock (see newHarness)
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	h := &harness{t: t, mt: httpmock.NewMockTransport()}
	all := append([]Option{WithBaseURL(testRoot), WithHTTPClient(&http.Client{Transport: h.mt})}, opts...)
	c, err := NewClient(testKey, all...)
	require.NoError(t, err)
	h.c = c
	// The pacing's clock moves only by the waits, which are recorded, not
	// slept.
	h.now = time.Now()
	c.tr.Now = func() time.Time {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.now
	}
	c.tr.Sleep = func(ctx context.Context, d time.Duration) error {
		h.mu.Lock()
		h.waits = append(h.waits, d)
		h.now = h.now.Add(d)
		h.mu.Unlock()
		return ctx.Err()
	}
	h.mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL.String())
		return httpmock.NewStringResponse(599, "no responder"), nil
	})
	return h
}

// on registers a responder for method and URL that also records the request.
func (h *harness) on(method, url string, r httpmock.Responder) {
	h.mt.RegisterResponder(method, url, func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		h.mu.Lock()
		h.reqs = append(h.reqs, sent{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body})
		h.mu.Unlock()
		return r(req)
	})
}

// json responds with status and a JSON body.
func jsonResp(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

func (h *harness) requests() []sent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]sent(nil), h.reqs...)
}

func (h *harness) only() sent {
	h.t.Helper()
	reqs := h.requests()
	require.Len(h.t, reqs, 1, "exactly one request")
	return reqs[0]
}

// readFixture returns a golden body from testdata/ (copied from the API
// reference's example bodies).
func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

// anyURL matches every URL, for responders that serve a whole sequence.
var anyURL = regexp.MustCompile(`.`)

// readTestdata returns a file of testdata/, for fuzz seeds.
func readTestdata(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", name))
}
