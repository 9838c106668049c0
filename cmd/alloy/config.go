package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/redact"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// globals are the flags every command accepts, before or after its name.
type globals struct {
	apiKey, env, version, region, baseURL string
	timeout                               time.Duration
	timeoutSet                            bool // --timeout 0 means no bound
	retries                               int  // -1: the SDK's default
	json, jsonl                           bool
	// showToken is set by the commands that print a user token on request
	// (--show-token); until then every JWT in the output is redacted.
	showToken bool
	// secrets are the keys the environment offers, redacted from output.
	secrets []string
}

// register adds the global flags to fs (the root's persistent flags).
// Their help never shows a value already set: the API key least of all.
func (g *globals) register(fs *pflag.FlagSet) {
	fs.BoolVar(&g.json, "json", false, "print exactly one JSON document on stdout, for scripts")
	fs.BoolVar(&g.jsonl, "jsonl", false, "print one JSON object per line (a list item by item), for streams")
	fs.Var(stringValue{&g.apiKey}, "api-key",
		"the API `key` (default $ALLOY_API_KEY). Discouraged: other users of this\nmachine can read it in ps and it stays in your shell history; prefer the\nenvironment")
	fs.Var(stringValue{&g.env}, "env", "`environment` of the key: development | production (default $ALLOY_ENVIRONMENT,\nelse production)")
	fs.Var(stringValue{&g.version}, "api-version", "API `version`, e.g. 2025-09 or 2024-03 (default $ALLOY_API_VERSION, else 2025-09)")
	fs.Var(stringValue{&g.region}, "region", "`region`: us | eu (default $ALLOY_REGION, else us)")
	fs.Var(stringValue{&g.baseURL}, "base-url", "`url` of the host root to call instead of Alloy's, e.g. an alloy mock (default\n$ALLOY_BASE_URL)")
	fs.Var(funcValue{typ: "duration", set: func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration such as 30s", s)
		}
		g.timeout, g.timeoutSet = d, true
		return nil
	}}, "timeout", "`duration` bounding each call, retries included, e.g. 30s; 0 for none (default 60s)")
	fs.Var(funcValue{typ: "int", set: func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a number of retries such as 3", s)
		}
		g.retries = n
		return nil
	}}, "retries", "how many `times` a failed call may be retried (default 3; 0 sends each call once)")
}

// stringValue is a string flag whose String is empty, so that help never
// shows a value (pflag's default would be the value at definition, but
// this keeps it so whatever the order).
type stringValue struct{ p *string }

func (v stringValue) String() string     { return "" }
func (v stringValue) Set(s string) error { *v.p = strings.TrimSpace(s); return nil }
func (v stringValue) Type() string       { return "string" }

// funcValue is a flag set through a function, shown without a default.
type funcValue struct {
	typ string
	set func(string) error
}

func (v funcValue) String() string     { return "" }
func (v funcValue) Set(s string) error { return v.set(s) }
func (v funcValue) Type() string       { return v.typ }

// api returns the client, building it on first use from the flags and the
// environment; against production on a remote host it says so, once, on a
// terminal's stderr.
func (x *cli) api() (*alloy.Client, error) {
	if x.c != nil {
		return x.c, nil
	}
	c, err := x.g.client(x.env, x.clientOpts...)
	if err != nil {
		return nil, err
	}
	x.c = c
	if c.Environment() == alloy.Production && !loopbackURL(c.BaseURL()) && isTerminal(x.stderr) {
		x.errorf("alloy: note: this acts on the production environment (%s)", hostOf(c.BaseURL()))
	}
	return c, nil
}

// loopbackURL reports whether u's host is this machine (an alloy mock).
func loopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	h := p.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "?"
	}
	return p.Scheme + "://" + p.Host
}

// isTerminal reports whether f is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// client builds the SDK client from the environment (alloy.OptionsFromEnv,
// read through env so tests need not touch the process environment), then
// the flags, which override it, then extra.
func (g *globals) client(env func(string) string, extra ...alloy.Option) (*alloy.Client, error) {
	opts := append(alloy.OptionsFromEnv(env), alloy.WithUserAgent("alloy-cli/"+alloy.Version))
	if g.env != "" {
		environment := alloy.Environment(strings.ToLower(strings.TrimSpace(g.env)))
		switch environment {
		case "dev":
			environment = alloy.Development
		case "prod":
			environment = alloy.Production
		}
		opts = append(opts, alloy.WithEnvironment(environment))
	}
	if g.version != "" {
		opts = append(opts, alloy.WithAPIVersion(g.version))
	}
	if g.region != "" {
		opts = append(opts, alloy.WithRegion(alloy.Region(strings.ToLower(g.region))))
	}
	if g.baseURL != "" {
		opts = append(opts, alloy.WithBaseURL(g.baseURL))
	}
	if g.timeoutSet {
		opts = append(opts, alloy.WithTimeout(g.timeout))
	}
	if g.retries >= 0 {
		opts = append(opts, alloy.WithMaxRetries(g.retries))
	}
	// Every key the command could be using is redacted from what it
	// prints, whichever the SDK picks.
	g.secrets = []string{g.apiKey, env("ALLOY_API_KEY"), env("ALLOY_DEV_API_KEY"), env("ALLOY_PROD_API_KEY")}
	return alloy.NewClient(g.apiKey, append(opts, extra...)...)
}

// redact removes from s, should anything ever carry them, the API key
// (raw or escaped, or its head at a cut), bearer credentials and, unless
// the command was asked to show a token, JWTs: the SDK already redacts what
// it takes from responses, and this guards everything the CLI prints.
func (g *globals) redact(s string) string {
	keys := append([]string{g.apiKey}, g.secrets...)
	for _, k := range keys {
		if k = strings.TrimSpace(k); len(k) >= 4 {
			s = strings.ReplaceAll(s, k, "[REDACTED]")
		}
	}
	if g.showToken {
		return s
	}
	return redact.New(keys...).String(s, false)
}
