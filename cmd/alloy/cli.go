package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	alloy "github.com/alloysdk/alloy-go"
)

// cli is one invocation: where it reads and writes, its global flags and,
// once the command is known, the client it calls through.
type cli struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	env            func(string) string
	g              *globals
	path           string        // the command being run, e.g. "alloy users get"
	c              *alloy.Client // set before a command that calls the API runs
}

// command is a node of the command tree: a group with subs, or a leaf
// with an action.
type command struct {
	name     string
	synopsis string // what follows the command path in the usage line
	summary  string // one line, for the parent's list
	detail   string // more text for --help
	examples []string
	// minArgs and maxArgs bound the positional arguments; maxArgs < 0 for
	// no bound.
	minArgs, maxArgs int
	// noClient marks a command that makes no API call (alloy mock): it
	// gets only the output flags, and no client is built for it.
	noClient bool
	// define registers the command's own flags and returns its action,
	// which reads them once they are parsed.
	define func(fs *flag.FlagSet) action
	subs   []*command
}

// action runs a leaf command with its positional arguments.
type action func(x *cli, args []string) error

// usageError is a mistake in the invocation: exit status 2.
type usageError struct {
	msg  string
	hint bool // point to --help
}

func (e *usageError) Error() string { return e.msg }

// usagef reports a usage mistake, with a pointer to --help.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: true}
}

// configf reports a configuration mistake (a missing key, a bad seed
// file): exit status 2, no pointer to --help.
func configf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// helpRequested asks for cmd's help on stdout, exit status 0.
type helpRequested struct {
	cmd  *command
	path string
}

func (h *helpRequested) Error() string { return "help requested" }

// dispatch walks args down the command tree, parsing global flags at every
// level, and runs the leaf it reaches.
func (x *cli) dispatch(args []string) error {
	cmd, path := commands(), "alloy"
	if len(args) == 0 {
		x.printHelp(x.stderr, cmd, path)
		return &usageError{msg: "no command given"}
	}
	for cmd.subs != nil {
		x.path = path
		fs := x.flagSet(path)
		x.g.register(fs, true)
		if err := fs.Parse(args); err != nil {
			return x.parseError(err, cmd, path)
		}
		args = fs.Args()
		if len(args) == 0 {
			if path == "alloy" {
				return usagef("no command given")
			}
			return usagef("missing subcommand: one of %s", names(cmd.subs))
		}
		if path == "alloy" && args[0] == "help" {
			return x.helpFor(args[1:])
		}
		sub := cmd.find(args[0])
		if sub == nil {
			if path == "alloy" {
				return usagef("unknown command %q", args[0])
			}
			return usagef("unknown subcommand %q: one of %s", args[0], names(cmd.subs))
		}
		cmd, path, args = sub, path+" "+sub.name, args[1:]
	}
	x.path = path
	return x.runLeaf(cmd, args)
}

// helpFor serves "alloy help [command...]".
func (x *cli) helpFor(names []string) error {
	cmd, path := commands(), "alloy"
	for _, n := range names {
		sub := cmd.find(n)
		if sub == nil {
			return usagef("unknown command %q", strings.Join(names, " "))
		}
		cmd, path = sub, path+" "+n
	}
	return &helpRequested{cmd, path}
}

// runLeaf parses a leaf's flags and arguments, builds the client, and runs
// the action.
func (x *cli) runLeaf(cmd *command, args []string) error {
	fs := x.flagSet(x.path)
	act := cmd.define(fs)
	x.g.register(fs, !cmd.noClient)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return x.parseError(err, cmd, x.path)
	}
	switch {
	case len(pos) < cmd.minArgs:
		return usagef("missing argument: usage: %s %s", x.path, cmd.synopsis)
	case cmd.maxArgs >= 0 && len(pos) > cmd.maxArgs:
		return usagef("unexpected argument %q: usage: %s %s", pos[cmd.maxArgs], x.path, cmd.synopsis)
	case x.g.json && x.g.jsonl:
		return usagef("--json and --jsonl are exclusive")
	}
	if !cmd.noClient {
		if x.c, err = x.g.client(x.env); err != nil {
			return err
		}
	}
	return act(x, pos)
}

// flagSet returns a FlagSet that reports errors to its caller instead of
// printing them.
func (x *cli) flagSet(path string) *flag.FlagSet {
	fs := flag.NewFlagSet(path, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

func (x *cli) parseError(err error, cmd *command, path string) error {
	if errors.Is(err, flag.ErrHelp) {
		return &helpRequested{cmd, path}
	}
	return usagef("%v", err)
}

// parseInterspersed parses flags wherever they appear among the positional
// arguments ("alloy users get ID --json"); after "--" everything is
// positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

func (c *command) find(name string) *command {
	for _, s := range c.subs {
		if s.name == name {
			return s
		}
	}
	return nil
}

func names(cmds []*command) string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.name)
	}
	return strings.Join(out, ", ")
}

// exit prints err (if any) and maps it to the exit status: 0 success or
// help, 1 an API, network or other runtime failure, 2 a usage or
// configuration error, including ErrInvalidArgument and
// ErrUnsupportedVersion from the SDK (nothing was sent).
func (x *cli) exit(err error) int {
	var help *helpRequested
	var usage *usageError
	var apiErr *alloy.Error
	var netErr *alloy.TransportError
	path := x.path
	if path == "" {
		path = "alloy"
	}
	switch {
	case err == nil:
		return 0
	case errors.As(err, &help):
		x.printHelp(x.stdout, help.cmd, help.path)
		return 0
	case errors.As(err, &usage):
		x.errorf("%s: %s", path, usage.msg)
		if usage.hint {
			x.errorf("Run '%s --help' for usage.", path)
		}
		return 2
	case errors.Is(err, alloy.ErrInvalidArgument), errors.Is(err, alloy.ErrUnsupportedVersion):
		x.errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "alloy: "))
		return 2
	case errors.As(err, &apiErr):
		x.errorf("%s: %s", path, describeAPIError(apiErr))
		return 1
	case x.ctx.Err() != nil:
		x.errorf("%s: interrupted", path)
		return 1
	case errors.As(err, &netErr):
		x.errorf("%s: network error: %s", path, strings.TrimPrefix(netErr.Error(), "alloy: "))
		return 1
	default:
		x.errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "alloy: "))
		return 1
	}
}

// describeAPIError puts the server's message first, then the status, the
// request id and how many attempts were made.
func describeAPIError(e *alloy.Error) string {
	status := fmt.Sprintf("HTTP %d", e.StatusCode)
	if txt := http.StatusText(e.StatusCode); txt != "" {
		status += " " + txt
	}
	details := []string{status}
	if e.RequestID != "" {
		details = append(details, "request id "+e.RequestID)
	}
	if e.Attempts > 1 {
		details = append(details, fmt.Sprintf("%d attempts", e.Attempts))
	}
	if e.RetryAfter > 0 {
		details = append(details, "retry after "+e.RetryAfter.String())
	}
	msg := e.Message
	if msg == "" || msg == http.StatusText(e.StatusCode) {
		msg = "the API refused the request"
	}
	return msg + " (" + strings.Join(details, ", ") + ")"
}

// errorf writes one line to stderr, with any API key the invocation knows
// replaced: the SDK never puts it in an error, and this makes sure nothing
// else does either.
func (x *cli) errorf(format string, args ...any) {
	fmt.Fprintln(x.stderr, x.g.redact(fmt.Sprintf(format, args...)))
}

// printHelp writes cmd's help to w.
func (x *cli) printHelp(w io.Writer, cmd *command, path string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	if cmd.summary != "" {
		fmt.Fprintf(tw, "%s: %s.\n\n", path, cmd.summary)
	}
	if cmd.subs != nil {
		fmt.Fprintf(tw, "Usage:\n  %s [global flags] <command> [arguments] [flags]\n", path)
	} else {
		fmt.Fprintf(tw, "Usage:\n  %s %s\n", path, cmd.synopsis)
	}
	if cmd.detail != "" {
		fmt.Fprintf(tw, "\n%s\n", strings.TrimSpace(cmd.detail))
	}
	if cmd.subs != nil {
		fmt.Fprintf(tw, "\nCommands:\n")
		for _, s := range cmd.subs {
			fmt.Fprintf(tw, "  %s\t%s\n", s.name, s.summary)
		}
	}
	if cmd.define != nil {
		fs := flag.NewFlagSet(path, flag.ContinueOnError)
		cmd.define(fs)
		if hasFlags(fs) {
			fmt.Fprintf(tw, "\nFlags:\n")
			printFlags(tw, fs)
		}
	}
	if path == "alloy" {
		fs := flag.NewFlagSet(path, flag.ContinueOnError)
		(&globals{}).register(fs, true)
		fmt.Fprintf(tw, "\nGlobal flags (before or after the command):\n")
		printFlags(tw, fs)
		fmt.Fprintf(tw, "\n%s\n", strings.TrimSpace(rootDetail))
	} else if cmd.define != nil && cmd.noClient {
		fmt.Fprintf(tw, "\nAlso: --json (see 'alloy --help').\n")
	} else {
		fmt.Fprintf(tw, "\nGlobal flags (--json, --jsonl, --env, --api-version, --region, --base-url,\n--timeout, --api-key) work here too: see 'alloy --help'.\n")
	}
	examples := cmd.examples
	if len(examples) == 0 { // a group: its commands' first examples
		for _, s := range cmd.subs {
			if len(s.examples) > 0 {
				examples = append(examples, s.examples[0])
			}
		}
	}
	if len(examples) > 0 {
		fmt.Fprintf(tw, "\nExamples:\n")
		for _, e := range examples {
			fmt.Fprintf(tw, "  %s\n", e)
		}
	}
	if cmd.subs != nil {
		fmt.Fprintf(tw, "\nRun '%s <command> --help' (or 'alloy help <command>') for a command's flags and examples.\n", path)
	}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// printFlags lists fs's flags, GNU style: "--name value  usage".
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			name = ""
		}
		if name != "" {
			name = " " + name
		}
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && f.DefValue != "0s" {
			usage += " (default " + f.DefValue + ")"
		}
		lines := strings.Split(usage, "\n")
		fmt.Fprintf(w, "  --%s%s\t%s\n", f.Name, name, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  \t%s\n", l)
		}
	})
}

// readInput opens a file argument, "-" meaning stdin.
func (x *cli) readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(x.stdin)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, configf("%v", err)
	}
	return b, nil
}

// commands is the command tree.
func commands() *command {
	return &command{
		summary: "call Alloy Automation's Embedded API through the alloy-go SDK",
		examples: []string{
			"export ALLOY_API_KEY=...   # or run 'alloy mock' and use the export line it prints",
			`alloy users create --username ops@northwind.example --full-name "Northwind Goods"`,
			"alloy users list --json | jq -r '.[].userId'",
			"alloy token ops@northwind.example",
			"alloy credentials metadata netsuite",
			"alloy logs --max 20",
		},
		subs: []*command{
			usersCommand(),
			tokenCommand(),
			credentialsCommand(),
			oauthURLCommand(),
			integrationsCommand(),
			installURLCommand(),
			appsCommand(),
			workflowsCommand(),
			eventsCommand(),
			logsCommand(),
			mockCommand(),
		},
	}
}

const rootDetail = `
Configuration comes from the environment, as alloy.NewClientFromEnv reads it;
the flags above override it:
  ALLOY_API_KEY       the API key; when unset, ALLOY_DEV_API_KEY or
                      ALLOY_PROD_API_KEY, chosen by the environment
  ALLOY_ENVIRONMENT   development | production (default production)
  ALLOY_API_VERSION   e.g. 2025-09 (default), 2024-03, 2023-12
  ALLOY_REGION        us (default) | eu
  ALLOY_BASE_URL      host root to call instead of Alloy's, e.g. an alloy mock

Output is an aligned table for people. --json prints exactly one JSON
document on stdout; --jsonl prints one JSON object per line (a list item by
item), for streams such as alloy logs. Errors go to stderr. alloy never
prints the API key, nor a user JWT (whatever the server sends back) except
when asked with --show-token: alloy token prints the JWT, alloy install-url
the install link with the user token it carries. oauth-url prints a link
that starts an authorisation for the user: hand it to that user only.

Exit status: 0 success (and --help), 1 the API answered with an error or
could not be reached, 2 a usage or configuration error (nothing was sent).
`

// sortedKeys returns m's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
