package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
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
		{"unknown command, did you mean", []string{"user", "list"}, nil,
			"alloy: unknown command \"user\"; did you mean \"users\"?\nRun 'alloy --help' for usage.\n"},
		{"unknown command, nothing close", []string{"frobnicate"}, nil,
			"alloy: unknown command \"frobnicate\"\nRun 'alloy --help' for usage.\n"},
		{"unknown subcommand, did you mean", []string{"users", "lisst"}, nil,
			"alloy users: unknown command \"lisst\"; did you mean \"list\"?\nRun 'alloy users --help' for usage.\n"},
		{"unknown subcommand", []string{"users", "show", "x"}, nil,
			"alloy users: unknown command \"show\": one of list, get, create, create-batch, import, update, delete, delete-logs\nRun 'alloy users --help' for usage.\n"},
		{"verb a collection lacks, flags after it", []string{"unified", "commerce/customers", "count", "--connection", "c1"}, nil,
			"alloy unified commerce/customers: unknown command \"count\": one of list, export, get, create, update, delete\nRun 'alloy unified commerce/customers --help' for usage.\n"},
		{"misspelt collection", []string{"unified", "commerce/customer", "list"}, nil,
			"alloy unified: unknown command \"commerce/customer\"; did you mean \"commerce/customers\"?\nRun 'alloy unified --help' for usage.\n"},
		{"group without subcommand", []string{"credentials"}, nil,
			"alloy credentials: missing command: one of list, create, delete, metadata, oauth-url\nRun 'alloy credentials --help' for usage.\n"},
		{"unknown flag, two dashes", []string{"users", "list", "--verbose"}, nil,
			"alloy users list: unknown flag: --verbose\nRun 'alloy users list --help' for usage.\n"},
		{"long flag with one dash", []string{"users", "list", "-json"}, nil,
			"alloy users list: unknown flag -json: flags take two dashes: --json\nRun 'alloy users list --help' for usage.\n"},
		{"long flag with one dash and a value", []string{"users", "create", "-username=a"}, nil,
			"alloy users create: unknown flag -username: flags take two dashes: --username\nRun 'alloy users create --help' for usage.\n"},
		{"unknown global flag", []string{"--verbose", "users", "list"}, nil,
			"alloy: unknown flag: --verbose\nRun 'alloy --help' for usage.\n"},
		{"flag without its value", []string{"users", "list", "--workflow"}, nil,
			"alloy users list: flag needs an argument: --workflow\nRun 'alloy users list --help' for usage.\n"},
		{"missing argument", []string{"users", "get"}, nil,
			"alloy users get: missing <user>: usage: alloy users get <user> [flags]\nRun 'alloy users get --help' for usage.\n"},
		{"extra argument", []string{"users", "get", "a", "b"}, nil,
			"alloy users get: unexpected argument \"b\": usage: alloy users get <user> [flags]\nRun 'alloy users get --help' for usage.\n"},
		{"missing required flag", []string{"users", "create", "--full-name", "X"}, nil,
			"alloy users create: --username is required\nRun 'alloy users create --help' for usage.\n"},
		{"missing --user", []string{"credentials", "list"}, nil,
			"alloy credentials list: --user is required\nRun 'alloy credentials list --help' for usage.\n"},
		{"missing --connection", []string{"unified", "crm/contacts", "list"}, nil,
			"alloy unified crm/contacts list: --connection is required\nRun 'alloy unified crm/contacts list --help' for usage.\n"},
		{"missing parent", []string{"unified", "commerce/variants", "list", "--connection", "c1"}, nil,
			"alloy unified commerce/variants list: --product is required\nRun 'alloy unified commerce/variants list --help' for usage.\n"},
		{"bad filter", []string{"unified", "crm/contacts", "list", "--connection", "c1", "--filter", "=x"}, nil,
			"alloy unified crm/contacts list: invalid argument \"=x\" for \"--filter\" flag: \"=x\" is not field=value (or !=, ~, >=, <=)\nRun 'alloy unified crm/contacts list --help' for usage.\n"},
		{"field the model lacks", []string{"unified", "commerce/customers", "create", "--connection", "c1", "--data", `{"emial": "a@b.c"}`}, nil,
			"alloy unified commerce/customers create: --data is not a unified.Customer: unknown field \"emial\"\nRun 'alloy unified commerce/customers create --help' for usage.\n"},
		{"nothing to update", []string{"users", "update", "x"}, nil,
			"alloy users update: nothing to update: give --username or --full-name\nRun 'alloy users update --help' for usage.\n"},
		{"json and jsonl", []string{"users", "list", "--json", "--jsonl"}, nil,
			"alloy users list: --json and --jsonl are exclusive\nRun 'alloy users list --help' for usage.\n"},
		{"bad timeout", []string{"users", "list", "--timeout", "soon"}, nil,
			"alloy users list: invalid argument \"soon\" for \"--timeout\" flag: \"soon\" is not a duration such as 30s\nRun 'alloy users list --help' for usage.\n"},
		{"bad key=value", []string{"credentials", "oauth-url", "shopify", "--user", "u", "--field", "shopSubdomain"}, nil,
			"alloy credentials oauth-url: invalid argument \"shopSubdomain\" for \"--field\" flag: \"shopSubdomain\" is not key=value\nRun 'alloy credentials oauth-url --help' for usage.\n"},
		{"id and name", []string{"workflows", "activate", "a", "--user", "u", "--name", "b"}, nil,
			"alloy workflows activate: give exactly one of <workflowId> and --name\nRun 'alloy workflows activate --help' for usage.\n"},
		{"data not an object", []string{"events", "run", "e", "--user", "u", "--data", "[1]"}, nil,
			"alloy events run: --data must be one JSON object\nRun 'alloy events run --help' for usage.\n"},
		{"negative max", []string{"logs", "list", "--max", "-1"}, nil,
			"alloy logs list: --max must not be negative\nRun 'alloy logs list --help' for usage.\n"},
		{"not an HTTP method", []string{"passthrough", "FETCH", "/x", "--credential", "c"}, nil,
			"alloy passthrough: \"FETCH\" is not an HTTP method\nRun 'alloy passthrough --help' for usage.\n"},
		{"destructive without a terminal", []string{"users", "delete", "ops@northwind.example"}, nil,
			"alloy users delete: delete user ops@northwind.example needs confirmation: stdin is not a terminal, so add --yes (nothing was sent)\n"},
		{"raw call with a query in its path", []string{"api", "GET", "/users?x=1"}, nil,
			"alloy api: do: invalid argument: route \"/users?x=1\" holds a query or fragment: use Query\n"},
		{"no API key", []string{"users", "list"}, map[string]string{},
			"alloy users list: new client: invalid argument: no API key: set ALLOY_API_KEY (or ALLOY_PROD_API_KEY for the production environment)\n"},
		{"dev key without the environment", []string{"users", "list"}, map[string]string{"ALLOY_DEV_API_KEY": "devkey_1234"},
			"alloy users list: new client: invalid argument: no API key: set ALLOY_API_KEY (or ALLOY_PROD_API_KEY for the production environment) (ALLOY_DEV_API_KEY is set: choose the development environment, e.g. ALLOY_ENVIRONMENT=development, to use it)\n"},
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
	assert.True(t, strings.HasPrefix(r.stderr, "alloy: operate an Alloy Automation account"), r.stderr)
	assert.True(t, strings.HasSuffix(r.stderr, "alloy: no command given\n"), r.stderr)
}

// commandTree returns every visible command path under the root, and the
// root.
func commandTree(t *testing.T) (*cobra.Command, [][]string) {
	t.Helper()
	root := newCLI(context.Background(), strings.NewReader(""), io.Discard, io.Discard, func(string) string { return "" }).rootCommand()
	var paths [][]string
	var visit func(c *cobra.Command, path []string)
	visit = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() || s.Name() == "help" {
				visit(s, append(append([]string(nil), path...), s.Name()))
			}
		}
	}
	visit(root, nil)
	return root, paths
}

// TestHelpEverywhere asks every command and group for help, in every
// spelling, and checks it goes to stdout with exit status 0 and shows a
// usage line and, for every command, examples.
func TestHelpEverywhere(t *testing.T) {
	h := newHarness(t)
	_, paths := commandTree(t)
	require.Greater(t, len(paths), 150, "the whole API") // 16 groups, 24 collections, their verbs

	for _, path := range paths {
		name := strings.Join(append([]string{"alloy"}, path...), " ")
		for _, help := range [][]string{{"--help"}, {"-h"}} {
			r := h.run(append(append([]string(nil), path...), help...)...)
			assert.Equal(t, 0, r.code, "%s %s", name, help)
			assert.Empty(t, r.stderr)
			assert.Contains(t, r.stdout, "Usage:\n  "+name, name)
			if len(path) > 0 && path[0] != "completion" && path[0] != "help" {
				assert.Contains(t, r.stdout, "Examples:\n  alloy "+path[0], name)
			}
		}
		if len(path) > 0 && path[0] == "completion" {
			continue
		}
		r := h.run(append([]string{"help"}, path...)...)
		assert.Equal(t, 0, r.code)
		assert.Equal(t, h.run(append(append([]string(nil), path...), "--help")...).stdout, r.stdout, "alloy help %v", path)
	}

	// help wins over missing arguments and flags set before it
	r := h.run("users", "get", "--json", "-h")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "Usage:\n  alloy users get <user> [flags]\n")

	r = h.run("--help")
	assert.Contains(t, r.stdout, "--api-key key")
	assert.Contains(t, r.stdout, "Discouraged: other users of this\n")
	assert.Contains(t, r.stdout, "noun (the kind of object), a verb, the\nid of the object acted on, and flags", "the grammar")
	r = h.run("integrations", "install-link", "--help")
	assert.Contains(t, r.stdout, "The URL carries a user token")
	r = h.run("credentials", "oauth-url", "--help")
	assert.Contains(t, r.stdout, "The link acts for that user")
	r = h.run("mock", "--help")
	assert.Contains(t, r.stdout, "Global flags:\n      --json ")
	assert.NotContains(t, r.stdout, "--base-url", "alloy mock calls no API")

	r = h.run("help", "nope")
	assert.Equal(t, 2, r.code)
	assert.Equal(t, "alloy: unknown command \"nope\"\nRun 'alloy --help' for usage.\n", r.stderr)
	r = h.run("help", "users", "lsit")
	assert.Equal(t, 2, r.code)
	assert.Equal(t, "alloy users: unknown command \"lsit\"; did you mean \"list\"?\nRun 'alloy users --help' for usage.\n", r.stderr)
}

// TestHiddenCommandsStayHidden: the old spellings work but no help lists
// them.
func TestHiddenCommandsStayHidden(t *testing.T) {
	h := newHarness(t)
	out := h.ok("--help")
	for _, old := range []string{"token ", "install-url", "oauth-url"} {
		assert.NotContains(t, out, "\n  "+old)
	}
	assert.NotContains(t, h.ok("workflows", "activate", "--help"), "--id")
	assert.NotContains(t, h.ok("events", "run", "--help"), "--event")
	assert.NotContains(t, h.ok("logs", "--help"), "      --max")
}

func TestHelpNeverShowsAFlagValue(t *testing.T) {
	h := newHarness(t)
	const key = "sk_live_should_not_show"
	h.env["ALLOY_API_KEY"] = key
	r := h.run("--api-key", key, "--base-url", "https://secret-host.example", "users", "list", "--help")
	assert.Equal(t, 0, r.code)
	assert.NotContains(t, r.stdout, key)
	assert.NotContains(t, r.stdout, "secret-host")
}
