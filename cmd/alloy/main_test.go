package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// result is what one invocation of alloy did.
type result struct {
	code           int
	stdout, stderr string
}

// harness runs alloy against an in-process alloytest server.
type harness struct {
	t   *testing.T
	srv *alloytest.Server
	env map[string]string
}

func newHarness(t *testing.T, opts ...alloytest.Option) *harness {
	t.Helper()
	t.Parallel()
	srv := alloytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, env: map[string]string{"ALLOY_BASE_URL": srv.URL, "ALLOY_API_KEY": srv.APIKey}}
}

var jwtRe = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.`)

func (h *harness) run(args ...string) result {
	h.t.Helper()
	return h.runStdin("", args...)
}

// runStdin runs alloy with args and stdin, and checks what every
// invocation must do: never print the API key, and print a JWT only when
// asked to (alloy token and alloy install-url with --show-token).
func (h *harness) runStdin(stdin string, args ...string) result {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr, func(k string) string { return h.env[k] })
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	out := r.stdout + r.stderr
	assert.NotContains(h.t, out, h.srv.APIKey, "alloy %v printed the API key", args)
	if key := h.env["ALLOY_API_KEY"]; key != "" {
		assert.NotContains(h.t, out, key, "alloy %v printed the API key", args)
	}
	if !slices.Contains(args, "--show-token") {
		assert.NotRegexp(h.t, jwtRe, out, "alloy %v printed a JWT", args)
	}
	return r
}

// ok asserts success and no stderr, and returns stdout.
func (h *harness) ok(args ...string) string {
	h.t.Helper()
	r := h.run(args...)
	require.Equal(h.t, 0, r.code, "alloy %v: stderr %q", args, r.stderr)
	assert.Empty(h.t, r.stderr)
	return r.stdout
}

// jsonOut runs alloy with --json and decodes stdout, which must be exactly
// one JSON document, into v.
func (h *harness) jsonOut(v any, args ...string) {
	h.t.Helper()
	out := h.ok(append(args, "--json")...)
	d := json.NewDecoder(strings.NewReader(out))
	require.NoError(h.t, d.Decode(v), out)
	_, err := d.Token()
	require.Error(h.t, err, "exactly one JSON document: %s", out)
}

// user creates a user through the SDK.
func (h *harness) user(username, fullName string) *alloy.User {
	h.t.Helper()
	u, err := h.srv.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: username, FullName: fullName})
	require.NoError(h.t, err)
	return u
}

// lines splits output into lines.
func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
