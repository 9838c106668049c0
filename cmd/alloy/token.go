package main

import (
	"flag"
	"fmt"
	"time"
)

// tokenOutput is alloy token's result for scripts; Token is set only with
// --show-token.
type tokenOutput struct {
	User      string    `json:"user"`
	ExpiresAt time.Time `json:"expiresAt"`
	Token     string    `json:"token,omitempty"`
}

func tokenCommand() *command {
	return &command{
		name: "token", synopsis: "<user> [--show-token]", summary: "mint a user JWT for Alloy's frontend SDK", minArgs: 1, maxArgs: 1,
		detail: `
Mints a short-lived JWT for the user and prints when it expires. The JWT acts
as the user until then, so it is printed only with --show-token: alone on
stdout (the expiry goes to stderr), or as "token" with --json.`,
		examples: []string{
			"alloy token ops@northwind.example",
			`TOKEN=$(alloy token ops@northwind.example --show-token)`,
			"alloy token ops@northwind.example --show-token --json | jq -r .token",
		},
		define: func(fs *flag.FlagSet) action {
			show := fs.Bool("show-token", false, "print the JWT itself")
			return func(x *cli, args []string) error {
				tok, err := x.c.Tokens.Create(x.ctx, args[0])
				if err != nil {
					return err
				}
				x.g.showToken = *show
				out := tokenOutput{User: args[0], ExpiresAt: tok.ExpiresAt.UTC()}
				switch {
				case x.scripting():
					if *show {
						out.Token = tok.Token
					}
					return x.emit(out, nil)
				case *show:
					fmt.Fprintf(x.stderr, "alloy token: expires at %s\n", when(tok.ExpiresAt))
					_, err := fmt.Fprintln(x.stdout, tok.Token)
					return err
				}
				return x.emit(out, func(t *table) {
					t.row(fmt.Sprintf("Token for %s expires at %s. Pass --show-token to print it.", args[0], when(tok.ExpiresAt)))
				})
			}
		},
	}
}
