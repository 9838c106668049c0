package main

import (
	"encoding/json"
	"fmt"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

// rawCallFlags are the flags of the commands that send a request of the
// caller's making: alloy passthrough, alloy unified passthrough, alloy api.
type rawCallFlags struct {
	data           string
	query, headers keyValues
}

func (f *rawCallFlags) register(cmd *cobra.Command, headers bool) {
	cmd.Flags().StringVar(&f.data, "data", "", "the request body, JSON: text, @file or - (stdin)")
	cmd.Flags().Var(&f.query, "query", "a query parameter as `key=value`; repeat for each")
	if headers {
		cmd.Flags().Var(&f.headers, "header", "a header for the app as `key=value`; repeat for each")
	}
}

// body returns the request body: nil without --data, else the JSON given,
// checked and sent as it is.
func (f *rawCallFlags) body(x *cli) (any, error) {
	if f.data == "" {
		return nil, nil
	}
	b, err := x.jsonSource(f.data, "--data")
	if err != nil {
		return nil, err
	}
	if !json.Valid(b) {
		return nil, usagef("--data is not valid JSON")
	}
	return json.RawMessage(b), nil
}

// request builds a PassthroughRequest from METHOD PATH and the flags.
func (f *rawCallFlags) request(x *cli, args []string) (alloy.PassthroughRequest, error) {
	method := strings.ToUpper(args[0])
	if !methods[method] {
		return alloy.PassthroughRequest{}, usagef("%q is not an HTTP method", args[0])
	}
	body, err := f.body(x)
	if err != nil {
		return alloy.PassthroughRequest{}, err
	}
	return alloy.PassthroughRequest{Method: method, Path: args[1], Query: f.query.strings(), Headers: f.headers.strings(), Body: body}, nil
}

// emitPassthrough prints an app's answer: its body as sent (JSON as JSON),
// and its status on stderr for people.
func (x *cli) emitPassthrough(res *alloy.PassthroughResponse) error {
	if json.Valid(res.Body) {
		if !x.scripting() {
			x.errorf("%s: HTTP %d", x.path, res.StatusCode)
			return x.writeJSON(json.RawMessage(res.Body), true)
		}
		return x.emit(json.RawMessage(res.Body), nil)
	}
	if x.scripting() {
		return x.emit(map[string]any{"status": res.StatusCode, "body": string(res.Body)}, nil)
	}
	x.errorf("%s: HTTP %d", x.path, res.StatusCode)
	_, err := fmt.Fprintln(x.stdout, x.g.redact(string(res.Body)))
	return err
}

func (x *cli) passthroughCommand() *cobra.Command {
	var f rawCallFlags
	cmd := &cobra.Command{
		Use: "passthrough METHOD PATH --credential ID [--data JSON] [--query k=v] [--header k=v]", Short: "call an app's own API through Alloy with a user's credential",
		Args: args([]string{"METHOD", "PATH"}),
		Long: `
Sends METHOD PATH (relative to the app's API root) to the app behind a user's
credential, through Alloy, and prints the app's answer unchanged. Not
retried on 5xx or timeouts, which could act twice.`,
		Example: examples(`alloy passthrough GET /customers.json --credential "$CRED" --query limit=5`),
	}
	cred := cmd.Flags().String("credential", "", "the credential `id` to call with (required)")
	f.register(cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *cred == "" {
			return usagef("--credential is required")
		}
		req, err := f.request(x, args)
		if err != nil {
			return err
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		res, err := c.Passthrough.Do(x.ctx, *cred, req)
		if err != nil {
			return err
		}
		return x.emitPassthrough(res)
	}
	return cmd
}
