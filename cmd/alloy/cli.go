package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// cli is one invocation: where it reads and writes, its global flags and,
// once a command asks for it, the client it calls through.
type cli struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	env            func(string) string
	g              *globals
	c              *alloy.Client // built by api() on first use
	path           string        // the command being run, e.g. "alloy users get"
	// clientOpts are added to the options api() builds the client with,
	// after the flags': alloy users import's --rate, or a test's retry
	// waits.
	clientOpts []alloy.Option
}

func newCLI(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) *cli {
	return &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, env: env, g: &globals{retries: -1}}
}

// usageError is a mistake in the invocation: exit status 2, nothing sent.
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
// file, a confirmation not given): exit status 2, no pointer to --help.
func configf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// execute builds the command tree, runs args through it and returns the
// exit status.
func (x *cli) execute(args []string) int {
	root := x.rootCommand()
	root.SetArgs(args)
	root.SetIn(x.stdin)
	root.SetOut(x.stdout)
	root.SetErr(x.stderr)
	cmd, err := root.ExecuteContextC(x.ctx)
	if x.path == "" && cmd != nil {
		x.path = cmd.CommandPath()
	}
	return x.exit(err)
}

// exit prints err (if any) and maps it to the exit status:
//
//	0    success, or help
//	1    the API answered with an error, or could not be reached
//	2    a usage or configuration error, including the SDK's
//	     ErrInvalidArgument and ErrUnsupportedVersion: nothing was sent
//	4    the API refused the key (HTTP 401 or 403)
//	130  interrupted by Ctrl-C (128 + the signal's number: 143 for SIGTERM)
func (x *cli) exit(err error) int {
	var usage *usageError
	var apiErr *alloy.Error
	var netErr *alloy.TransportError
	var sig interrupted
	path := x.path
	if path == "" {
		path = "alloy"
	}
	switch {
	case err == nil:
		return 0
	case errors.As(context.Cause(x.ctx), &sig):
		x.errorf("%s: interrupted", path)
		return 128 + int(sig.sig)
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
		if apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden {
			x.errorf("%s: the API refused the key: check ALLOY_API_KEY (or --api-key) and that --env and --base-url match it.", path)
			return 4
		}
		x.outcomeUnknown(path, err)
		return 1
	case errors.As(err, &netErr):
		x.errorf("%s: network error: %s", path, strings.TrimPrefix(netErr.Error(), "alloy: "))
		x.outcomeUnknown(path, err)
		return 1
	default:
		x.errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "alloy: "))
		return 1
	}
}

// outcomeUnknown warns, for a call that may have been applied although it
// failed, that running the command again may apply it twice.
func (x *cli) outcomeUnknown(path string, err error) {
	if errors.Is(err, alloy.ErrOutcomeUnknown) {
		x.errorf("%s: the request may have been applied: check before running the command again (e.g. with a get or list).", path)
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

// errorf writes one line to stderr through the redactor: the SDK never
// puts a secret in an error, and this makes sure nothing else does either.
func (x *cli) errorf(format string, args ...any) {
	fmt.Fprintln(x.stderr, x.g.redact(fmt.Sprintf(format, args...)))
}

// deprecated tells, on stderr, that an old spelling was used and what
// replaces it. The old spellings are hidden and go in the next release.
func (x *cli) deprecated(old, now string) {
	x.errorf("alloy: %q is deprecated and goes in the next release: use %q", old, now)
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

// The command tree.

// Annotations on commands.
const (
	// noClient marks a command that makes no API call (alloy mock,
	// completion): its help shows only the output flags of the globals.
	noClient = "alloy/no-client"
	// destructive marks a command that asks for confirmation.
	destructive = "alloy/destructive"
)

func (x *cli) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:     "alloy",
		Short:   "operate an Alloy Automation account through the alloy-go SDK",
		Long:    strings.TrimSpace(rootLong),
		Version: versionString(),
		Example: examples(
			"alloy mock --seed cmd/alloy/testdata/seed.json   # a fake Alloy API on this machine; it prints the export line",
			`alloy users create --username finance@northwind.example --full-name "Northwind Finance"`,
			"alloy users list --json | jq -r '.[].userId'",
			"alloy tokens create --user ops@northwind.example",
			"alloy credentials metadata netsuite",
			"alloy logs list --max 20",
		),
		SilenceErrors:     true,
		SilenceUsage:      true,
		Args:              cobra.ArbitraryArgs,
		RunE:              x.groupRun,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetUsageTemplate(usageTemplate)
	root.SetFlagErrorFunc(x.flagError)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		x.path = cmd.CommandPath()
		if x.g.json && x.g.jsonl {
			return usagef("--json and --jsonl are exclusive")
		}
		if cmd.Annotations[noClient] != "" {
			var bad string
			cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) {
				if f.Changed && f.Name != "json" && f.Name != "jsonl" && bad == "" {
					bad = f.Name
				}
			})
			if bad != "" {
				return usagef("unknown flag: --%s (%s calls no API)", bad, cmd.CommandPath())
			}
		}
		return nil
	}
	x.g.register(root.PersistentFlags())
	root.AddGroup(
		&cobra.Group{ID: "embedded", Title: "The Embedded API:"},
		&cobra.Group{ID: "more", Title: "The Connectivity and Unified APIs, and raw calls:"},
		&cobra.Group{ID: "tools", Title: "Tools:"},
	)
	for _, c := range []*cobra.Command{
		x.usersCommand(), x.tokensCommand(), x.credentialsCommand(), x.integrationsCommand(), x.appsCommand(),
		x.workflowsCommand(), x.eventsCommand(), x.logsCommand(), x.installationsCommand(), x.analyticsCommand(),
	} {
		c.GroupID = "embedded"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{x.connectorsCommand(), x.actionsCommand(), x.passthroughCommand(), x.unifiedCommand(), x.apiCommand()} {
		c.GroupID = "more"
		root.AddCommand(c)
	}
	mock := x.mockCommand()
	mock.GroupID = "tools"
	root.AddCommand(mock)
	root.AddCommand(x.legacyCommands()...)
	root.SetHelpCommand(x.helpCommand())
	root.SetHelpCommandGroupID("tools")
	root.SetCompletionCommandGroupID("tools")
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			markNoClient(c)
		}
	}
	walk(root, func(c *cobra.Command) {
		c.Long = strings.TrimSpace(c.Long)
		c.SuggestionsMinimumDistance = 2
		c.InitDefaultHelpFlag() // now, so that "alloy help X" shows it as "X --help" does
	})
	root.InitDefaultVersionFlag()
	return root
}

const rootLong = `
alloy: operate an Alloy Automation account through the alloy-go SDK.

Every command reads the same way: a noun (the kind of object), a verb, the
id of the object acted on, and flags for everything else:

  alloy users get ops@northwind.example
  alloy credentials delete 6712ab34cd56ef7890a1b2f0 --user ops@northwind.example
  alloy unified commerce/orders list --connection "$CONN" --filter orderStatus=open

A list takes no id; a create takes its fields as flags; the user (or
connection) an object belongs to is --user (or --connection). Wherever a
command takes a user, Alloy accepts the user's id or username. JSON bodies
are given with --data as text, @file or - (stdin).

Configuration comes from the environment, as alloy.NewClientFromEnv reads it;
the global flags override it:
  ALLOY_API_KEY       the API key; when unset, ALLOY_DEV_API_KEY or
                      ALLOY_PROD_API_KEY, chosen by the environment
  ALLOY_ENVIRONMENT   development | production (default production)
  ALLOY_API_VERSION   e.g. 2025-09 (default), 2024-03, 2023-12
  ALLOY_REGION        us (default) | eu
  ALLOY_BASE_URL      host root to call instead of Alloy's, e.g. an alloy mock

Output is an aligned table, whether or not stdout is a terminal; --json
prints exactly one JSON document and --jsonl one JSON object per line (a
list item by item). Errors go to stderr. alloy never prints the API key,
nor a user JWT (whatever the server sends back) unless asked with
--show-token: 'alloy tokens create' prints the JWT, 'alloy integrations
install-link' the install link with the user token it carries.

Commands that delete or switch off (delete, deactivate, deactivate-all,
delete-logs) ask for confirmation on a terminal; without one (a script, a
pipe) they need --yes, and fail with status 2 having sent nothing. Against
the production environment on a remote host, alloy says so once on stderr
when stderr is a terminal.

Exit status: 0 success (and --help), 1 the API answered with an error or
could not be reached, 2 a usage or configuration error (nothing was sent),
4 the API refused the key (HTTP 401 or 403), 130 interrupted (Ctrl-C).`

// usageTemplate is cobra's, with the examples last and groups' usage line
// without [flags].
const usageTemplate = `Usage:{{if and .Runnable (not .HasAvailableSubCommands)}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} <command> [arguments] [flags]{{end}}{{if .HasAvailableSubCommands}}{{$cmds := .Commands}}{{if eq (len .Groups) 0}}

Commands:{{range $cmds}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{else}}{{range $group := .Groups}}

{{.Title}}{{range $cmds}}{{if (and (eq .GroupID $group.ID) (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if not .AllChildCommandsHaveGroup}}

Other commands:{{range $cmds}}{{if (and (eq .GroupID "") (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

{{if .HasParent}}Flags{{else}}Global flags (before or after the command){{end}}:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{with globalFlags .}}

Global flags:
{{. | trimTrailingWhitespaces}}{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Run '{{.CommandPath}} <command> --help' (or 'alloy help <command>') for a command's flags and examples.{{end}}
`

// examples formats a command's examples for its help, indented.
func examples(lines ...string) string {
	return "  " + strings.Join(lines, "\n  ")
}

// group returns a command that holds subcommands.
func (x *cli) group(use, short, long string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Long: strings.TrimSpace(long), Args: cobra.ArbitraryArgs, RunE: x.groupRun,
		// "alloy unified crm/notes count --connection ID" reaches the group
		// when it has no count: unknown flags must not hide that.
		FParseErrWhitelist: cobra.FParseErrWhitelist{UnknownFlags: true}}
	if long == "" {
		c.Long = short
	}
	c.AddCommand(subs...)
	var ex []string
	for _, s := range subs {
		if s.Example != "" && !s.Hidden {
			ex = append(ex, strings.SplitN(s.Example, "\n", 2)[0])
		}
	}
	c.Example = strings.Join(ex, "\n")
	return c
}

// groupRun runs a group named without a known subcommand: a usage error,
// with a suggestion for a misspelt one.
func (x *cli) groupRun(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		if !cmd.HasParent() {
			cmd.SetOut(x.stderr) // the invocation is wrong: help goes with the error
			_ = cmd.Help()
			cmd.SetOut(x.stdout)
			return configf("no command given")
		}
		return usagef("missing command: one of %s", strings.Join(commandNames(cmd), ", "))
	}
	return unknownCommand(cmd, args[0])
}

func unknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += "; did you mean " + quoteJoin(s) + "?"
	} else if cmd.HasParent() {
		msg += ": one of " + strings.Join(commandNames(cmd), ", ")
	}
	return usagef("%s", msg)
}

func quoteJoin(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, " or ")
}

// commandNames lists cmd's visible subcommands.
func commandNames(cmd *cobra.Command) []string {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return names
}

// helpCommand is "alloy help [command...]": like cobra's, but an unknown
// topic is a usage error with suggestions.
func (x *cli) helpCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "help [command]",
		Short: "help about any command",
		Args:  cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				parent := target
				if parent == nil {
					parent = c.Root()
				}
				name := strings.Join(args, " ")
				if len(rest) > 0 {
					name = rest[0]
				}
				x.path = parent.CommandPath()
				return unknownCommand(parent, name)
			}
			x.path = target.CommandPath()
			return target.Help()
		},
	}
	markNoClient(c)
	return c
}

// singleDash matches pflag's complaint about a long flag given with one
// dash ("-json"), which it reads as a cluster of one-letter flags.
var singleDash = regexp.MustCompile(`^unknown shorthand flag: '.' in -([A-Za-z][A-Za-z0-9-]+)`)

// flagError turns pflag's errors into usage errors, and points a long
// flag given with one dash to its two-dash spelling.
func (x *cli) flagError(cmd *cobra.Command, err error) error {
	x.path = cmd.CommandPath()
	if m := singleDash.FindStringSubmatch(err.Error()); m != nil {
		if name := strings.SplitN(m[1], "=", 2)[0]; cmd.Flags().Lookup(name) != nil || name == "help" {
			return usagef("unknown flag -%s: flags take two dashes: --%s", m[1], name)
		}
	}
	return usagef("%v", err)
}

// args checks a command's positional arguments: exactly the names given,
// then up to len(optional) more.
func args(required []string, optional ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		switch {
		case len(a) < len(required):
			return usagef("missing %s: usage: %s", required[len(a)], cmd.UseLine())
		case len(a) > len(required)+len(optional):
			return usagef("unexpected argument %q: usage: %s", a[len(required)+len(optional)], cmd.UseLine())
		}
		return nil
	}
}

// none is args for a command that takes no positional argument.
var none = args(nil)

// one is args for a command that takes one: the object acted on.
func one(name string) cobra.PositionalArgs { return args([]string{name}) }

func init() {
	cobra.AddTemplateFunc("globalFlags", globalFlags)
	cobra.EnableCommandSorting = false // the order of the tree: the common commands first
}

// globalFlags lists the global flags a command's help shows: all of them,
// or for a command that calls no API only --json and --jsonl.
func globalFlags(c *cobra.Command) string {
	fs := c.InheritedFlags()
	if c.Annotations[noClient] == "" {
		return fs.FlagUsages()
	}
	out := pflag.NewFlagSet(c.Name(), pflag.ContinueOnError)
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name == "json" || f.Name == "jsonl" {
			out.AddFlag(f)
		}
	})
	return out.FlagUsages()
}

// walk calls fn on c and every command under it.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, s := range c.Commands() {
		walk(s, fn)
	}
}

func markNoClient(c *cobra.Command) {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[noClient] = "true"
}

// sortedKeys returns m's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
