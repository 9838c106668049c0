package main

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"
)

// errNoRawCall is what alloy api answers until the SDK has a public raw
// call (alloy.Client.Do): the CLI calls the API only through the SDK.
var errNoRawCall = errors.New("not available yet: this SDK has no public raw call (alloy.Client.Do) to send it through; nothing was sent. Use the typed commands ('alloy --help')")

func (x *cli) apiCommand() *cobra.Command {
	var f rawCallFlags
	cmd := &cobra.Command{
		Use: "api METHOD PATH [--data JSON] [--query k=v]", Short: "call any route of the Alloy API (not yet: waits for the SDK's raw call)",
		Args: args([]string{"METHOD", "PATH"}),
		Long: `
Sends METHOD PATH (e.g. GET /users, relative to the API root, without the
version) through the SDK's pipeline, with its key, version, retries and
redaction, and prints the answer's JSON.

Not available yet: it waits for the SDK's public raw call (alloy.Client.Do).
Until then it checks its arguments, sends nothing and exits with status 2.`,
		Example: examples(
			"alloy api GET /users   # not yet",
			`alloy api POST /users --data '{"username": "a@contoso.example"}'   # not yet`,
		),
	}
	f.register(cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if _, err := f.request(x, args); err != nil {
			return err
		}
		if !strings.HasPrefix(args[1], "/") {
			return usagef("PATH must start with /, e.g. /users")
		}
		if _, err := x.api(); err != nil {
			return err
		}
		return configf("%v", errNoRawCall)
	}
	return cmd
}
