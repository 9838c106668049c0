package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/redact"
)

// globals are the flags every command accepts, before or after its name.
// Each level of the command tree registers them on its own FlagSet, bound
// to these fields through sharedFlag, so a value set at one level is kept
// at the next.
type globals struct {
	apiKey, env, version, region, baseURL string
	timeout                               time.Duration
	timeoutSet                            bool // --timeout 0 means no bound
	retries                               int  // -1: the SDK's default
	json, jsonl                           bool
	// showToken is set by the commands that print a user token on request
	// (--show-token); until then every JWT in the output is redacted.
	showToken bool
}

// sharedFlag is a flag.Value writing through to a globals field. Its
// String is always empty, so that help never shows a value already set
// (the API key least of all).
type sharedFlag struct {
	set    func(string) error
	isBool bool
}

func (f sharedFlag) String() string     { return "" }
func (f sharedFlag) Set(s string) error { return f.set(s) }
func (f sharedFlag) IsBoolFlag() bool   { return f.isBool }

func setString(p *string) func(string) error {
	return func(s string) error { *p = strings.TrimSpace(s); return nil }
}

func setBool(p *bool) func(string) error {
	return func(s string) error {
		switch s {
		case "true", "1":
			*p = true
		case "false", "0":
			*p = false
		default:
			return fmt.Errorf("%q is not true or false", s)
		}
		return nil
	}
}

// register adds the output flags to fs and, for commands that call the
// API, the client flags.
func (g *globals) register(fs *flag.FlagSet, client bool) {
	fs.Var(sharedFlag{set: setBool(&g.json), isBool: true}, "json", "print exactly one JSON document on stdout, for scripts")
	fs.Var(sharedFlag{set: setBool(&g.jsonl), isBool: true}, "jsonl", "print one JSON object per line (a list item by item), for streams")
	if !client {
		return
	}
	fs.Var(sharedFlag{set: setString(&g.apiKey)}, "api-key",
		"the API `key` (default $ALLOY_API_KEY). Discouraged: other users of this\nmachine can read it in ps and it stays in your shell history; prefer the\nenvironment")
	fs.Var(sharedFlag{set: setString(&g.env)}, "env", "`environment` of the key: development | production (default $ALLOY_ENVIRONMENT,\nelse production)")
	fs.Var(sharedFlag{set: setString(&g.version)}, "api-version", "API `version`, e.g. 2025-09 or 2024-03 (default $ALLOY_API_VERSION, else 2025-09)")
	fs.Var(sharedFlag{set: setString(&g.region)}, "region", "`region`: us | eu (default $ALLOY_REGION, else us)")
	fs.Var(sharedFlag{set: setString(&g.baseURL)}, "base-url", "`url` of the host root to call instead of Alloy's, e.g. an alloy mock (default\n$ALLOY_BASE_URL)")
	fs.Var(sharedFlag{set: func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration such as 30s", s)
		}
		g.timeout, g.timeoutSet = d, true
		return nil
	}}, "timeout", "`duration` bounding each call, retries included, e.g. 30s; 0 for none (default 60s)")
	fs.Var(sharedFlag{set: func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a number of retries such as 3", s)
		}
		g.retries = n
		return nil
	}}, "retries", "how many `times` a failed call may be retried (default 3; 0 sends each call once)")
}

// client builds the SDK client from the flags, then the environment, as
// alloy.NewClientFromEnv would (but reading env, so tests need not touch
// the process environment).
func (g *globals) client(env func(string) string) (*alloy.Client, error) {
	pick := func(flagValue, name string) string {
		if flagValue != "" {
			return flagValue
		}
		return strings.TrimSpace(env(name))
	}
	environment := alloy.Environment(strings.ToLower(pick(g.env, "ALLOY_ENVIRONMENT")))
	switch environment {
	case "":
		environment = alloy.Production
	case "dev":
		environment = alloy.Development
	case "prod":
		environment = alloy.Production
	}
	opts := []alloy.Option{alloy.WithEnvironment(environment), alloy.WithUserAgent("alloy-cli/" + alloy.Version)}
	if v := pick(g.version, "ALLOY_API_VERSION"); v != "" {
		opts = append(opts, alloy.WithAPIVersion(v))
	}
	if v := pick(g.region, "ALLOY_REGION"); v != "" {
		opts = append(opts, alloy.WithRegion(alloy.Region(strings.ToLower(v))))
	}
	if v := pick(g.baseURL, "ALLOY_BASE_URL"); v != "" {
		opts = append(opts, alloy.WithBaseURL(v))
	}
	if g.timeoutSet {
		opts = append(opts, alloy.WithTimeout(g.timeout))
	}
	if g.retries >= 0 {
		opts = append(opts, alloy.WithMaxRetries(g.retries))
	}
	key := pick(g.apiKey, "ALLOY_API_KEY")
	if key == "" {
		name := "ALLOY_PROD_API_KEY"
		if environment == alloy.Development {
			name = "ALLOY_DEV_API_KEY"
		}
		if key = strings.TrimSpace(env(name)); key == "" {
			hint := ""
			if environment == alloy.Production && env("ALLOY_DEV_API_KEY") != "" {
				hint = " (ALLOY_DEV_API_KEY is set: add --env development or ALLOY_ENVIRONMENT=development to use it)"
			}
			return nil, configf("no API key: set ALLOY_API_KEY (or %s for the %s environment)%s", name, environment, hint)
		}
	}
	g.apiKey = key // for redact
	return alloy.NewClient(key, opts...)
}

// redact removes from s, should anything ever carry them, the API key
// (raw or escaped, or its head at a cut), bearer credentials and, unless
// the command was asked to show a token, JWTs: the SDK already redacts what
// it takes from responses, and this guards everything the CLI prints.
func (g *globals) redact(s string) string {
	if len(g.apiKey) >= 4 {
		s = strings.ReplaceAll(s, g.apiKey, "[REDACTED]")
	}
	if g.showToken {
		return s
	}
	return redact.New(g.apiKey).String(s, false)
}
