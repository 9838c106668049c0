package main

import (
	"encoding/json"
	"net/url"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

func (x *cli) apiCommand() *cobra.Command {
	var f rawCallFlags
	cmd := &cobra.Command{
		Use: "api METHOD PATH [--data JSON] [--query k=v]", Short: "call any route of the Alloy API",
		Args: args([]string{"METHOD", "PATH"}),
		Long: `
Sends METHOD PATH (e.g. GET /users, relative to the API root, without the
version) through the SDK's pipeline (alloy.Client.Do), with its key,
version, retries and redaction, and prints the answer's JSON. POST and
PATCH are sent once (not retried). PATH is sent as written: it must start
with / and hold no query (use --query), %-escape or space.`,
		Example: examples(
			"alloy api GET /users",
			`alloy api POST /users --data '{"username": "api@northwind.example"}'`,
			"alloy api GET /workflows --query userId=ops@northwind.example",
		),
	}
	f.register(cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req, err := f.request(x, args)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(req.Path, "/") {
			return usagef("PATH must start with /, e.g. /users")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		var q url.Values
		for k, v := range req.Query {
			if q == nil {
				q = url.Values{}
			}
			q.Set(k, v)
		}
		var out json.RawMessage
		if err := c.Do(x.ctx, alloy.Request{Operation: "alloy api", Method: req.Method, Route: req.Path, Query: q, Body: req.Body}, &out); err != nil {
			return err
		}
		if len(out) == 0 {
			out = json.RawMessage("null")
		}
		if x.g.jsonl {
			return x.writeJSON(out, false)
		}
		return x.writeJSON(out, true) // JSON is the only form an arbitrary answer has
	}
	return cmd
}
