package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mockRun is an alloy mock running in a goroutine.
type mockRun struct {
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan int
}

// startMock runs alloy mock with args on a free port and waits until it
// has printed what it serves.
func startMock(t *testing.T, stdin string, args ...string) *mockRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := &mockRun{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	args = append([]string{"mock", "--addr", "127.0.0.1:0"}, args...)
	go func() {
		m.done <- runContext(ctx, args, strings.NewReader(stdin), m.stdout, m.stderr, func(string) string { return "" })
	}()
	t.Cleanup(func() { m.stop(t) })
	deadline := time.After(10 * time.Second)
	for !strings.Contains(m.stderr.String(), "serving; press Ctrl-C to stop") {
		select {
		case code := <-m.done:
			m.done <- code
			t.Fatalf("alloy mock exited with %d: %s", code, m.stderr.String())
		case <-deadline:
			t.Fatal("alloy mock did not start")
		case <-time.After(5 * time.Millisecond):
		}
	}
	return m
}

// stop cancels the mock (as Ctrl-C would) and returns its exit status.
func (m *mockRun) stop(t *testing.T) int {
	t.Helper()
	m.cancel()
	select {
	case code := <-m.done:
		m.done <- code // for a second stop
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("alloy mock did not stop")
		return -1
	}
}

var exportRe = regexp.MustCompile(`(?m)^  export ALLOY_BASE_URL=(\S+) ALLOY_API_KEY=(\S+)$`)

func TestMockServesSeedAndFaultsToTheSDK(t *testing.T) {
	t.Parallel()
	m := startMock(t, "", "--api-key", "test_key_123", "--seed", "testdata/seed.json",
		"--faults", "GET /users/*=503x1; POST /users=429:retry-after=1x1", "--fault-seed", "18446744073709551615")
	out := m.stdout.String()
	match := exportRe.FindStringSubmatch(out)
	require.NotNil(t, match, out)
	baseURL, key := match[1], match[2]
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, baseURL, "the real port, not 0")
	assert.NotEqual(t, "http://127.0.0.1:0", baseURL)
	assert.Equal(t, "test_key_123", key)
	table := lines(out)
	require.Len(t, table, 11, out)
	assert.Equal(t, "Base URL    "+baseURL, table[0])
	assert.Equal(t, "API key     test_key_123", table[1])
	assert.Regexp(t, `^User        [0-9a-f]{24}  ops@northwind.example$`, table[2])
	assert.Regexp(t, `^User        [0-9a-f]{24}  it@contoso.example$`, table[3])
	assert.Regexp(t, `^Connection  [0-9a-f]{24}  shopify of user [0-9a-f]{24}$`, table[4])
	assert.Equal(t, "Fault       GET /users/*: status 503, next 1", table[5])
	assert.Equal(t, "Fault       POST /users: status 429, Retry-After 1, next 1", table[6])
	assert.Equal(t, "Fault seed  18446744073709551615", table[7])
	assert.Equal(t, "", table[8])
	connID := strings.Fields(table[4])[1]

	c, err := alloy.NewClient(key, alloy.WithBaseURL(baseURL), alloy.WithMaxRetries(0))
	require.NoError(t, err)
	ctx := context.Background()

	// the seed
	users, err := c.Users.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, users, 2)
	assert.Equal(t, alloy.User{ID: users[0].ID, Username: "ops@northwind.example", FullName: "Northwind Goods"}, users[0])
	creds, err := c.Credentials.List(ctx, users[0].ID)
	require.NoError(t, err)
	require.Len(t, creds, 1)
	assert.Equal(t, connID, creds[0].ID)
	assert.Equal(t, "shopify", creds[0].Type)
	wfs, err := c.Workflows.List(ctx, users[0].ID)
	require.NoError(t, err)
	assert.True(t, wfs[0].Installed && wfs[0].Active, "Paid order to ERP installed by the seed")

	// the faults: one 503 on a read, one 429 on a create, then normal service
	_, err = c.Users.Get(ctx, "ops@northwind.example")
	require.ErrorIs(t, err, alloy.ErrServer)
	got, err := c.Users.Get(ctx, "ops@northwind.example")
	require.NoError(t, err)
	assert.Equal(t, users[0], *got)
	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "new@example.com"})
	var apiErr *alloy.Error
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, 429, apiErr.StatusCode)
	assert.Equal(t, time.Second, apiErr.RetryAfter)
	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "new@example.com"})
	require.NoError(t, err)

	// alloy itself, pointed at the mock by what it printed
	var stdout, stderr bytes.Buffer
	env := map[string]string{"ALLOY_BASE_URL": baseURL, "ALLOY_API_KEY": key}
	code := run([]string{"users", "list"}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	require.Equal(t, 0, code, stderr.String())
	assert.Len(t, lines(stdout.String()), 4)
	assert.Contains(t, stdout.String(), "new@example.com")

	assert.Equal(t, 0, m.stop(t))
	assert.Equal(t, "alloy mock: serving; press Ctrl-C to stop.\nalloy mock: shutting down.\n", m.stderr.String())
	_, err = c.Users.List(ctx, nil)
	var netErr *alloy.TransportError
	assert.True(t, errors.As(err, &netErr), "the server is gone: %v", err)
}

func TestMockJSONAndSeedFromStdin(t *testing.T) {
	t.Parallel()
	m := startMock(t, `{"users": [{"username": "a@example.com"}]}`, "--seed", "-", "--json")
	var out mockOutput
	d := json.NewDecoder(strings.NewReader(m.stdout.String()))
	require.NoError(t, d.Decode(&out))
	assert.False(t, d.More(), "one JSON document")
	assert.Regexp(t, `^alloytest_[0-9a-f]{32}$`, out.APIKey, "a random key")
	require.Len(t, out.Users, 1)
	assert.Equal(t, "a@example.com", out.Users[0].Username)
	assert.Equal(t, []mockConnection{}, out.Connections)
	assert.Equal(t, []string{}, out.Faults)
	assert.NotZero(t, out.FaultSeed, "a random seed, reported")
	assert.Regexp(t, `"faultSeed": "[0-9]+"`, m.stdout.String(), "a string: exact in any JSON decoder")

	c, err := alloy.NewClient(out.APIKey, alloy.WithBaseURL(out.BaseURL))
	require.NoError(t, err)
	u, err := c.Users.Get(context.Background(), "a@example.com")
	require.NoError(t, err)
	assert.Equal(t, out.Users[0], *u)
	assert.Equal(t, 0, m.stop(t))
}

func TestMockRefusesBadInput(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { busy.Close() })
	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		stderr      string
	}{
		{"bad fault spec", "", []string{"--faults", "GET /users=boom"}, 2,
			"alloy mock: --faults: fault rule 1 \"GET /users=boom\": unknown fault \"boom\" (want a status, drop, truncate, malformed, oversize=, latency=, retry-after=, content-type= or after)\nRun 'alloy mock --help' for usage.\n"},
		{"seed file missing", "", []string{"--seed", "testdata/nope.json"}, 2,
			"alloy mock: open testdata/nope.json: no such file or directory\n"},
		{"seed file malformed", `{"users": [{"name": "a"}]}`, []string{"--seed", "-"}, 2,
			"alloy mock: --seed -: seed file: json: unknown field \"name\"\n"},
		{"seed names an unknown workflow", `{"users": [{"username": "a", "workflows": ["nope"]}]}`, []string{"--seed", "-"}, 2,
			"alloy mock: --seed -: seed: users[0]: no workflow with id or name \"nope\"\n"},
		{"key with a space", "", []string{"--api-key", "a b"}, 2,
			"alloy mock: --api-key must not contain whitespace or control characters\nRun 'alloy mock --help' for usage.\n"},
		{"positional argument", "", []string{"extra"}, 2,
			"alloy mock: unexpected argument \"extra\": usage: alloy mock [--addr HOST:PORT] [--api-key K] [--seed file.json] [--faults SPEC] [--fault-seed N] [--request-log SIZE] [--allow-remote] [flags]\nRun 'alloy mock --help' for usage.\n"},
		{"fault seed not a number", "", []string{"--fault-seed", "-1"}, 2,
			"alloy mock: invalid argument \"-1\" for \"--fault-seed\" flag: want a whole number from 0 to 18446744073709551615\nRun 'alloy mock --help' for usage.\n"},
		{"request log size in megabytes", "", []string{"--request-log", "8MB"}, 2,
			"alloy mock: invalid argument \"8MB\" for \"--request-log\" flag: want a size such as 8MiB, 512KiB or 1048576, or 0 (off)\nRun 'alloy mock --help' for usage.\n"},
		{"negative request log size", "", []string{"--request-log", "-1"}, 2,
			"alloy mock: invalid argument \"-1\" for \"--request-log\" flag: want a size such as 8MiB, 512KiB or 1048576, or 0 (off)\nRun 'alloy mock --help' for usage.\n"},
		{"empty host", "", []string{"--addr", ":0"}, 2,
			"alloy mock: --addr :0 is not a loopback address (localhost, 127.0.0.0/8 or ::1; an empty host is every interface): add --allow-remote to listen on it anyway\nRun 'alloy mock --help' for usage.\n"},
		{"every interface", "", []string{"--addr", "0.0.0.0:0"}, 2,
			"alloy mock: --addr 0.0.0.0:0 is not a loopback address (localhost, 127.0.0.0/8 or ::1; an empty host is every interface): add --allow-remote to listen on it anyway\nRun 'alloy mock --help' for usage.\n"},
		{"a host name", "", []string{"--addr", "example.com:0"}, 2,
			"alloy mock: --addr example.com:0 is not a loopback address (localhost, 127.0.0.0/8 or ::1; an empty host is every interface): add --allow-remote to listen on it anyway\nRun 'alloy mock --help' for usage.\n"},
		{"address without a port", "", []string{"--addr", "127.0.0.1"}, 2,
			"alloy mock: listen address \"127.0.0.1\": address 127.0.0.1: missing port in address\nRun 'alloy mock --help' for usage.\n"},
		{"seed app without a name", `{"apps": [{"displayName": "Shop"}]}`, []string{"--seed", "-"}, 2,
			"alloy mock: --seed -: seed file: apps[0]: name is empty\n"},
		{"client flag", "", []string{"--region", "eu"}, 2,
			"alloy mock: unknown flag: --region (alloy mock calls no API)\nRun 'alloy mock --help' for usage.\n"},
		{"address in use", "", []string{"--addr", busy.Addr().String()}, 1,
			"alloy mock: listen on " + busy.Addr().String() + ": listen tcp " + busy.Addr().String() + ": bind: address already in use\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// A mock that wrongly starts serves until this ends, and fails.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			code := runContext(ctx, append([]string{"mock", "--addr", "127.0.0.1:0"}, tc.args...), strings.NewReader(tc.stdin), &stdout, &stderr, func(string) string { return "" })
			assert.Equal(t, tc.code, code)
			assert.Empty(t, stdout.String())
			assert.Equal(t, tc.stderr, stderr.String())
		})
	}
}

// mockRateRun starts alloy mock with a 50% fault rule and args, sends n
// reads one at a time, and returns the seed it printed and which reads
// failed.
func mockRateRun(t *testing.T, n int, args ...string) (seed uint64, failed string) {
	t.Helper()
	m := startMock(t, "", append([]string{"--faults", "GET /users=503@0.5", "--json"}, args...)...)
	var out mockOutput
	require.NoError(t, json.Unmarshal([]byte(m.stdout.String()), &out))
	c, err := alloy.NewClient(out.APIKey, alloy.WithBaseURL(out.BaseURL), alloy.WithMaxRetries(0))
	require.NoError(t, err)
	var b strings.Builder
	for i := 0; i < n; i++ {
		_, err := c.Users.List(context.Background(), nil)
		switch {
		case err == nil:
			b.WriteByte('0')
		case errors.Is(err, alloy.ErrServer):
			b.WriteByte('1')
		default:
			t.Fatalf("read %d: %v", i, err)
		}
	}
	assert.Equal(t, 0, m.stop(t))
	return out.FaultSeed, b.String()
}

func TestMockFaultSeedReplaysARun(t *testing.T) {
	t.Parallel()
	seed, first := mockRateRun(t, 100)
	assert.Contains(t, first, "0")
	assert.Contains(t, first, "1")
	again, replayed := mockRateRun(t, 100, "--fault-seed", strconv.FormatUint(seed, 10))
	assert.Equal(t, seed, again, "the seed given is the seed printed")
	assert.Equal(t, first, replayed, "the printed seed replays the run")
}

func TestSizeFlag(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "off": 0, "OFF": 0, "1048576": 1 << 20, "100B": 100, "512KiB": 512 << 10, "8MiB": 8 << 20, "8mib": 8 << 20, "2GiB": 2 << 30,
	} {
		var f sizeFlag
		require.NoError(t, f.Set(in), in)
		assert.Equal(t, want, int64(f), in)
	}
	for _, in := range []string{"", "-1", "8MB", "8 MiB", "1.5MiB", "MiB", "9223372036854775807KiB"} {
		var f sizeFlag
		assert.Error(t, f.Set(in), in)
	}
	for n, want := range map[int64]string{0: "0", 8 << 20: "8MiB", 512 << 10: "512KiB", 2 << 30: "2GiB", 1000: "1000"} {
		f := sizeFlag(n)
		assert.Equal(t, want, f.String())
	}
}

func TestMockRequestLogSizes(t *testing.T) {
	t.Parallel()
	for _, size := range []string{"0", "off", "64KiB"} {
		m := startMock(t, "", "--request-log", size, "--json")
		var out mockOutput
		require.NoError(t, json.Unmarshal([]byte(m.stdout.String()), &out))
		c, err := alloy.NewClient(out.APIKey, alloy.WithBaseURL(out.BaseURL))
		require.NoError(t, err)
		_, err = c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "a@example.com", FullName: strings.Repeat("x", 100<<10)})
		require.NoError(t, err, size)
		assert.Equal(t, 0, m.stop(t))
	}
}

func TestMockAllowRemoteWarns(t *testing.T) {
	t.Parallel()
	m := startMock(t, "", "--addr", "0.0.0.0:0", "--allow-remote", "--json")
	var out mockOutput
	require.NoError(t, json.Unmarshal([]byte(m.stdout.String()), &out))
	assert.Regexp(t, `^http://(\[::1\]|127\.0\.0\.1):\d+$`, out.BaseURL, "reached from this machine on loopback")
	assert.Regexp(t, `^alloy mock: warning: the fake Alloy API \(alloytest\) listens on (0\.0\.0\.0|\[::\]):\d+, beyond loopback: anyone who can reach it can use it\n`+
		`alloy mock: serving; press Ctrl-C to stop\.\n$`, m.stderr.String())
	assert.NotContains(t, m.stderr.String(), out.APIKey)
	c, err := alloy.NewClient(out.APIKey, alloy.WithBaseURL(out.BaseURL))
	require.NoError(t, err)
	_, err = c.Users.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 0, m.stop(t))

	// On loopback, --allow-remote has nothing to warn about.
	m = startMock(t, "", "--allow-remote", "--addr", "localhost:0")
	assert.Equal(t, "alloy mock: serving; press Ctrl-C to stop.\n", m.stderr.String())
	assert.Regexp(t, `(?m)^Base URL +http://127\.0\.0\.1:\d+$`, m.stdout.String())
}

// TestMockValidatesRequestsAgainstTheContract: alloy mock answers a
// request Alloy's reference does not allow with 400 and the validator's
// reason, before any handler runs, as a strict API would.
func TestMockValidatesRequestsAgainstTheContract(t *testing.T) {
	m := startMock(t, "")
	got := exportRe.FindStringSubmatch(m.stdout.String())
	require.NotNil(t, got, m.stdout.String())
	req, err := http.NewRequest(http.MethodPost, got[1]+"/users", strings.NewReader(`{"username": 42}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+got[2])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.JSONEq(t, `{"message":"Invalid request: request body: at /username: value must be a string"}`, string(body))
}
