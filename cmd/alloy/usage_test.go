package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsageErrorsExitTwoAndSendNothing(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		name   string
		args   []string
		env    map[string]string // replaces the harness's
		stderr string
	}{
		{"unknown command", []string{"user"}, nil,
			"alloy: unknown command \"user\"\nRun 'alloy --help' for usage.\n"},
		{"unknown subcommand", []string{"users", "show", "x"}, nil,
			"alloy users: unknown subcommand \"show\": one of list, get, create, update, delete\nRun 'alloy users --help' for usage.\n"},
		{"group without subcommand", []string{"credentials"}, nil,
			"alloy credentials: missing subcommand: one of list, create, delete, metadata\nRun 'alloy credentials --help' for usage.\n"},
		{"unknown flag", []string{"users", "list", "--verbose"}, nil,
			"alloy users list: flag provided but not defined: -verbose\nRun 'alloy users list --help' for usage.\n"},
		{"unknown global flag", []string{"--verbose", "users", "list"}, nil,
			"alloy: flag provided but not defined: -verbose\nRun 'alloy --help' for usage.\n"},
		{"missing argument", []string{"users", "get"}, nil,
			"alloy users get: missing argument: usage: alloy users get <user>\nRun 'alloy users get --help' for usage.\n"},
		{"extra argument", []string{"users", "get", "a", "b"}, nil,
			"alloy users get: unexpected argument \"b\": usage: alloy users get <user>\nRun 'alloy users get --help' for usage.\n"},
		{"missing required flag", []string{"users", "create", "--full-name", "X"}, nil,
			"alloy users create: --username is required\nRun 'alloy users create --help' for usage.\n"},
		{"nothing to update", []string{"users", "update", "x"}, nil,
			"alloy users update: nothing to update: give --username or --full-name\nRun 'alloy users update --help' for usage.\n"},
		{"json and jsonl", []string{"users", "list", "--json", "--jsonl"}, nil,
			"alloy users list: --json and --jsonl are exclusive\nRun 'alloy users list --help' for usage.\n"},
		{"bad timeout", []string{"users", "list", "--timeout", "soon"}, nil,
			"alloy users list: invalid value \"soon\" for flag -timeout: \"soon\" is not a duration such as 30s\nRun 'alloy users list --help' for usage.\n"},
		{"bad key=value", []string{"oauth-url", "--user", "u", "--app", "shopify", "--field", "shopSubdomain"}, nil,
			"alloy oauth-url: invalid value \"shopSubdomain\" for flag -field: \"shopSubdomain\" is not key=value\nRun 'alloy oauth-url --help' for usage.\n"},
		{"id and name", []string{"workflows", "activate", "--user", "u", "--id", "a", "--name", "b"}, nil,
			"alloy workflows activate: give exactly one of --id and --name\nRun 'alloy workflows activate --help' for usage.\n"},
		{"data not an object", []string{"events", "run", "--user", "u", "--event", "e", "--data", "[1]"}, nil,
			"alloy events run: --data must be one JSON object\nRun 'alloy events run --help' for usage.\n"},
		{"negative max", []string{"logs", "--max", "-1"}, nil,
			"alloy logs: --max must not be negative\nRun 'alloy logs --help' for usage.\n"},
		{"no API key", []string{"users", "list"}, map[string]string{},
			"alloy users list: no API key: set ALLOY_API_KEY (or ALLOY_PROD_API_KEY for the production environment)\n"},
		{"dev key without the environment", []string{"users", "list"}, map[string]string{"ALLOY_DEV_API_KEY": "devkey_1234"},
			"alloy users list: no API key: set ALLOY_API_KEY (or ALLOY_PROD_API_KEY for the production environment) (ALLOY_DEV_API_KEY is set: add --env development or ALLOY_ENVIRONMENT=development to use it)\n"},
		{"bad environment (SDK ErrInvalidArgument)", []string{"users", "list", "--env", "staging"}, nil,
			"alloy users list: new client: invalid argument: environment \"staging\" is not \"production\" or \"development\"\n"},
		{"bad version (SDK ErrInvalidArgument)", []string{"users", "list", "--api-version", "v2"}, nil,
			"alloy users list: new client: invalid argument: API version \"v2\" is not of the form YYYY-MM\n"},
		{"non-loopback http (SDK ErrInvalidArgument)", []string{"users", "list"}, map[string]string{"ALLOY_API_KEY": "key_1234", "ALLOY_BASE_URL": "http://example.com"},
			"alloy users list: new client: invalid argument: base URL \"http://example.com\" is plain http to a non-loopback host: the API key would travel in clear text\n"},
		{"bad id (SDK ErrInvalidArgument)", []string{"users", "get", ".."}, nil,
			"alloy users get: GET /users/{userId}: invalid argument: userId \"..\" is not a valid id\n"},
		{"unsupported version (SDK)", []string{"credentials", "metadata", "--api-version", "2023-12"}, nil,
			"alloy credentials metadata: Credentials.ListMetadata: not available in API version 2023-12 (from 2024-03 on)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(h.srv.Requests())
			saved := h.env
			if tc.env != nil {
				h.env = tc.env
			}
			r := h.run(tc.args...)
			h.env = saved
			assert.Equal(t, 2, r.code)
			assert.Empty(t, r.stdout)
			assert.Equal(t, tc.stderr, r.stderr)
			assert.Len(t, h.srv.Requests(), before, "nothing was sent")
		})
	}
}

func TestNoArgumentsPrintsHelpAndExitsTwo(t *testing.T) {
	h := newHarness(t)
	r := h.run()
	assert.Equal(t, 2, r.code)
	assert.Empty(t, r.stdout)
	assert.True(t, strings.HasPrefix(r.stderr, "alloy: call Alloy Automation's Embedded API"), r.stderr)
	assert.True(t, strings.HasSuffix(r.stderr, "alloy: no command given\n"), r.stderr)
}

// TestHelpEverywhere asks every command and group for help, in every
// spelling, and checks it goes to stdout with exit status 0.
func TestHelpEverywhere(t *testing.T) {
	h := newHarness(t)
	var walk func(c *command, path []string)
	var paths [][]string
	walk = func(c *command, path []string) {
		paths = append(paths, path)
		for _, s := range c.subs {
			walk(s, append(append([]string(nil), path...), s.name))
		}
	}
	walk(commands(), nil)
	require.Len(t, paths, 28) // the root, 6 groups, 21 leaves

	for _, path := range paths {
		name := strings.Join(append([]string{"alloy"}, path...), " ")
		for _, help := range [][]string{{"--help"}, {"-h"}, {"-help"}} {
			r := h.run(append(append([]string(nil), path...), help...)...)
			assert.Equal(t, 0, r.code, "%s %s", name, help)
			assert.Empty(t, r.stderr)
			assert.Contains(t, r.stdout, "Usage:\n  "+name+" ", name)
			if len(path) > 0 {
				assert.Contains(t, r.stdout, "Examples:\n  alloy "+path[0], name)
			}
		}
		r := h.run(append([]string{"help"}, path...)...)
		assert.Equal(t, 0, r.code)
		assert.Equal(t, h.run(append(append([]string(nil), path...), "--help")...).stdout, r.stdout, "alloy help %v", path)
	}

	// help wins over missing arguments and flags set before it
	r := h.run("users", "get", "--json", "-h")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "Usage:\n  alloy users get <user>\n")

	r = h.run("--help")
	assert.Contains(t, r.stdout, "--api-key key")
	assert.Contains(t, r.stdout, "Discouraged: other users of this\n")
	r = h.run("install-url", "--help")
	assert.Contains(t, r.stdout, "The URL carries a user token")
	r = h.run("oauth-url", "--help")
	assert.Contains(t, r.stdout, "The link acts for that user")

	r = h.run("help", "nope")
	assert.Equal(t, 2, r.code)
	assert.Equal(t, "alloy: unknown command \"nope\"\nRun 'alloy --help' for usage.\n", r.stderr)
}

func TestHelpNeverShowsAFlagValue(t *testing.T) {
	h := newHarness(t)
	const key = "sk_live_should_not_show"
	h.env["ALLOY_API_KEY"] = key
	r := h.run("--api-key", key, "--env", "development", "users", "list", "--help")
	assert.Equal(t, 0, r.code)
	assert.NotContains(t, r.stdout, key)
	assert.NotContains(t, r.stdout, "development")
}
