package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"strconv"
	"strings"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/internal/errs"
	"github.com/spf13/cobra"
)

// mockOutput is what alloy mock --json prints once the server listens.
type mockOutput struct {
	BaseURL     string           `json:"baseUrl"`
	APIKey      string           `json:"apiKey"`
	Users       []alloy.User     `json:"users"`
	Connections []mockConnection `json:"connections"`
	Faults      []string         `json:"faults"`
	// FaultSeed is a string: a seed above 2^53 would lose digits as a
	// JSON number in most decoders.
	FaultSeed uint64 `json:"faultSeed,string"`
}

type mockConnection struct {
	ID     string `json:"connectionId"`
	UserID string `json:"userId"`
	App    string `json:"app"`
}

// mockShutdownGrace bounds how long alloy mock waits for requests in
// flight when it stops.
const mockShutdownGrace = 5 * time.Second

func (x *cli) mockCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mock [--addr HOST:PORT] [--api-key K] [--seed file.json] [--faults SPEC] [--fault-seed N] [--request-log SIZE] [--allow-remote]",
		Short: "run a fake Alloy API (alloytest) on this machine", Args: none,
		Long: `
Serves alloytest, the SDK's stateful fake of the Alloy API, until Ctrl-C.
It prints its base URL and API key (a throwaway key, for this server only)
and the export line that points alloy, or any program using the SDK, at it.
It starts with a few apps (shopify, hubspot, netsuite, bigcommerce), two
integrations and two custom events, and no users.

--seed loads a JSON file (- for stdin) of users, Unified API connections
and, optionally, the apps, integrations, events and connectors to use
instead of the defaults:

  {
    "users": [{"username": "ops@northwind.example", "fullName": "Northwind Goods",
               "workflows": ["Paid order to ERP"]}],
    "connections": [{"user": "ops@northwind.example", "app": "shopify", "clear": true,
                     "records": {"commerce/customers": [{"id": "cus_9001", "email": "a@example.com"}]}}],
    "apps": [{"name": "shopify", "displayName": "Shopify", "oauth": true, "category": "commerce",
              "properties": [{"name": "shopSubdomain"}]}],
    "integrations": [...], "events": [...], "connectors": [...]
  }

"workflows" installs parent workflows (by id or name) for the user, active.
A connection starts with sample records; "clear" removes them before
"records" (per collection, e.g. "commerce/products/{productId}/variants")
are added. See alloytest.SeedFile for every field.
` + faultSyntax + `
Rates (@RATE) are decided by a random source seeded with --fault-seed, or
with a random seed. Either way the seed is printed at startup ("Fault
seed", or faultSeed with --json): give it back to replay a run. A seed
replays the sequence of rate decisions, one per request and per rule with
a rate that matches it, in order. A client that sends one request at a
time gets the same faults on the same requests; with concurrent clients
the order of requests varies, so the faults fall on other requests.

--addr must name a loopback host (localhost, 127.0.0.0/8 or ::1): the fake
is not hardened, and anyone who can reach it can use it. --allow-remote
lets it listen on any address (":12111" is every interface), with a
warning; use it inside a private network only.

--request-log bounds the memory of the request log alloytest keeps (the
latest requests, their headers and up to 64 KiB of each body): 8MiB by
default; 0 or off keeps none. Its counters are kept either way.
`,
		Example: examples(
			"alloy mock",
			"alloy mock --addr 127.0.0.1:0 --api-key test_key --seed cmd/alloy/testdata/seed.json",
			`alloy mock --faults "GET /users/*=503x2; *=drop@0.03; POST /users=429:retry-after=1"`,
			"alloy mock --addr 127.0.0.1:0 --jsonl > mock.json &   # for scripts: one JSON line with baseUrl and apiKey",
		),
	}
	markNoClient(cmd)
	fs := cmd.Flags()
	addr := fs.String("addr", "127.0.0.1:12111", "listen `address`, on loopback; port 0 picks a free one (printed)")
	allowRemote := fs.Bool("allow-remote", false, "let --addr be an address that is not loopback (reachable from other machines)")
	key := fs.String("api-key", "", "the API `key` the server accepts (default: a random alloytest_ key)")
	seed := fs.String("seed", "", "load users, connections and apps from a JSON `file` (- for stdin)")
	faults := fs.String("faults", "", "inject failures, as a `spec` of rules: see the syntax above")
	var faultSeed seedFlag
	fs.Var(&faultSeed, "fault-seed", "seed the random source of fault rates with `N` (default: a random seed, printed)")
	requestLog := sizeFlag(alloytest.DefaultRequestLogBytes)
	fs.Var(&requestLog, "request-log", "keep at most `SIZE` (e.g. 512KiB, 64MiB) of recent requests in memory; 0 or off: none")
	cmd.RunE = func(*cobra.Command, []string) error {
		return x.mock(mockOptions{addr: *addr, key: *key, seedPath: *seed, faults: *faults, faultSeed: faultSeed,
			requestLog: int64(requestLog), allowRemote: *allowRemote})
	}
	return cmd
}

// mockOptions are alloy mock's flags.
type mockOptions struct {
	addr, key, seedPath, faults string
	faultSeed                   seedFlag
	requestLog                  int64 // bytes; 0: off
	allowRemote                 bool
}

// seedFlag is a uint64 flag that knows whether it was given.
type seedFlag struct {
	set   bool
	value uint64
}

func (f *seedFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatUint(f.value, 10)
}

func (f *seedFlag) Type() string { return "N" }

func (f *seedFlag) Set(s string) error {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return errors.New("want a whole number from 0 to 18446744073709551615")
	}
	f.set, f.value = true, v
	return nil
}

// sizeFlag is a size in bytes: a whole number with an optional unit, B,
// KiB, MiB or GiB (any case), or "off" for 0.
type sizeFlag int64

func (f *sizeFlag) String() string {
	switch n := int64(*f); {
	case n == 0:
		return "0"
	case n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	case n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KiB"
	default:
		return strconv.FormatInt(n, 10)
	}
}

func (f *sizeFlag) Type() string { return "SIZE" }

func (f *sizeFlag) Set(s string) error {
	if strings.EqualFold(s, "off") {
		*f = 0
		return nil
	}
	num, shift := s, 0
	for _, u := range []struct {
		suffix string
		shift  int
	}{{"kib", 10}, {"mib", 20}, {"gib", 30}, {"b", 0}} {
		if strings.HasSuffix(strings.ToLower(s), u.suffix) {
			num, shift = s[:len(s)-len(u.suffix)], u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return errors.New("want a size such as 8MiB, 512KiB or 1048576, or 0 (off)")
	}
	*f = sizeFlag(n << shift)
	return nil
}

// mock runs the fake server until x.ctx ends.
func (x *cli) mock(o mockOptions) error {
	addr, key, seedPath := o.addr, o.key, o.seedPath
	if strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return usagef("--api-key must not contain whitespace or control characters")
	}
	rules, err := parseFaults(o.faults)
	if err != nil {
		return usagef("--faults: %v", err)
	}
	// Nothing reads the per-username counters of a mock, and over a long
	// session of new usernames they would grow without bound.
	opts := []alloytest.Option{alloytest.WithAddr(addr), alloytest.WithRequestLog(o.requestLog), alloytest.WithUserCounts(false),
		alloytest.WithLogger(log.New(x.stderr, "alloy mock: ", 0))}
	if o.allowRemote {
		opts = append(opts, alloytest.WithAllowRemote())
	}
	if key != "" {
		opts = append(opts, alloytest.WithAPIKey(key))
	}
	if o.faultSeed.set {
		opts = append(opts, alloytest.WithFaultSeed(o.faultSeed.value))
	}
	var seed *alloytest.SeedFile
	if seedPath != "" {
		b, err := x.readInput(seedPath)
		if err != nil {
			return err
		}
		if seed, err = alloytest.ReadSeed(bytes.NewReader(b)); err != nil {
			return configf("--seed %s: %s", seedPath, strings.TrimPrefix(err.Error(), "alloytest: "))
		}
		opts = append(opts, seed.Options()...)
	}
	srv, err := alloytest.Start(opts...)
	var bad *errs.ArgError
	switch {
	case errors.Is(err, alloytest.ErrNotLoopback):
		return usagef("--addr %s is not a loopback address (localhost, 127.0.0.0/8 or ::1; an empty host is every interface): add --allow-remote to listen on it anyway", addr)
	case errors.As(err, &bad): // a flag's value (the seed's were checked by ReadSeed)
		return usagef("%s", bad.Reason)
	case err != nil:
		return err
	}
	defer srv.Close()

	out := mockOutput{BaseURL: srv.URL, APIKey: srv.APIKey, Users: []alloy.User{}, Connections: []mockConnection{}, Faults: []string{},
		FaultSeed: srv.FaultSeed()}
	if seed != nil {
		res, err := srv.LoadSeed(seed)
		if err != nil {
			return configf("--seed %s: %s", seedPath, strings.TrimPrefix(err.Error(), "alloytest: "))
		}
		out.Users = append(out.Users, res.Users...)
		for _, c := range res.Connections {
			out.Connections = append(out.Connections, mockConnection{ID: c.ID, UserID: c.UserID, App: c.App})
		}
	}
	for _, r := range rules {
		srv.InjectFault(r)
		out.Faults = append(out.Faults, describeRule(r))
	}
	if err := x.printMock(out); err != nil {
		return err
	}
	fmt.Fprintln(x.stderr, "alloy mock: serving; press Ctrl-C to stop.")

	<-x.ctx.Done()
	fmt.Fprintln(x.stderr, "alloy mock: shutting down.")
	ctx, cancel := context.WithTimeout(context.Background(), mockShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close() // requests still in flight (e.g. a latency fault): cut them off
	}
	return nil
}

func (x *cli) printMock(out mockOutput) error {
	export := fmt.Sprintf("export ALLOY_BASE_URL=%s ALLOY_API_KEY=%s", shellQuote(out.BaseURL), shellQuote(out.APIKey))
	return x.emit(out, func(t *table) {
		t.row("Base URL", out.BaseURL)
		t.row("API key", out.APIKey)
		for _, u := range out.Users {
			t.row("User", u.ID+"  "+u.Username)
		}
		for _, c := range out.Connections {
			t.row("Connection", c.ID+"  "+c.App+" of user "+c.UserID)
		}
		for _, f := range out.Faults {
			t.row("Fault", f)
		}
		if len(out.Faults) > 0 {
			t.row("Fault seed", strconv.FormatUint(out.FaultSeed, 10))
		}
		t.blank()
		t.row("Point alloy (or any program using the SDK) at it:")
		t.row("  " + export)
	})
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
