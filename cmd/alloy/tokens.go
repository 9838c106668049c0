package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// tokenOutput is the result of alloy tokens create for scripts; Token is
// set only with --show-token.
type tokenOutput struct {
	User      string    `json:"user"`
	ExpiresAt time.Time `json:"expiresAt"`
	Token     string    `json:"token,omitempty"`
}

func (x *cli) tokensCommand() *cobra.Command {
	create := &cobra.Command{
		Use: "create --user U [--show-token]", Short: "mint a user JWT for Alloy's frontend SDK", Args: none,
		Long: `
Mints a short-lived JWT for the user and prints when it expires. The JWT acts
as the user until then, so it is printed only with --show-token: alone on
stdout (the expiry goes to stderr), or as "token" with --json.`,
		Example: examples(
			"alloy tokens create --user ops@northwind.example",
			`TOKEN=$(alloy tokens create --user ops@northwind.example --show-token)`,
			"alloy tokens create --user ops@northwind.example --show-token --json | jq -r .token",
		),
	}
	user := userFlag(create)
	show := create.Flags().Bool("show-token", false, "print the JWT itself")
	create.RunE = func(cmd *cobra.Command, _ []string) error {
		if *user == "" {
			return usagef("--user is required")
		}
		return x.mintToken(*user, *show)
	}
	return x.group("tokens", "mint user JWTs for Alloy's frontend SDK", "", create)
}

// mintToken is alloy tokens create (and the old alloy token).
func (x *cli) mintToken(user string, show bool) error {
	c, err := x.api()
	if err != nil {
		return err
	}
	tok, err := c.Tokens.Create(x.ctx, user)
	if err != nil {
		return err
	}
	x.g.showToken = show
	out := tokenOutput{User: user, ExpiresAt: tok.ExpiresAt.UTC()}
	switch {
	case x.scripting():
		if show {
			out.Token = tok.Token
		}
		return x.emit(out, nil)
	case show:
		fmt.Fprintf(x.stderr, "%s: expires at %s\n", x.path, when(tok.ExpiresAt))
		_, err := fmt.Fprintln(x.stdout, tok.Token)
		return err
	}
	return x.emit(out, func(t *table) {
		t.row(fmt.Sprintf("Token for %s expires at %s. Pass --show-token to print it.", user, when(tok.ExpiresAt)))
	})
}

// userFlag adds --user, the user an object belongs to.
func userFlag(cmd *cobra.Command) *string {
	return cmd.Flags().String("user", "", "the `user` (id or username) (required)")
}
