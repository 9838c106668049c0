package alloy

import (
	"context"
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
	"github.com/alloysdk/alloy-go/internal/testharness"
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
type sent = testharness.Sent

// harness is a client wired to the module's test recorder (a per-test
// httpmock transport that records every request; see internal/testharness),
// and a sleeper that records retry waits instead of sleeping, on a clock
// that moves only by those waits.
type harness struct {
	*testharness.Recorder
	t  *testing.T
	c  *Client
	mt *httpmock.MockTransport

	mu    sync.Mutex // guards waits and now
	waits []time.Duration
	now   time.Time
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	rec := testharness.New(t)
	h := &harness{Recorder: rec, t: t, mt: rec.MT, now: time.Now()}
	all := append([]Option{WithBaseURL(testRoot), WithHTTPClient(rec.HTTPClient())}, opts...)
	c, err := NewClient(testKey, all...)
	require.NoError(t, err)
	h.c = c
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
	return h
}

// on registers a responder for method and URL that also records the request.
func (h *harness) on(method, url string, r httpmock.Responder) { h.On(method, url, r) }

func (h *harness) requests() []sent { return h.Requests() }

func (h *harness) only() sent {
	h.t.Helper()
	return h.Only()
}

// jsonResp responds with status and a JSON body.
func jsonResp(status int, body string) httpmock.Responder { return testharness.JSON(status, body) }

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
