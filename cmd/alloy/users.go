package main

import (
	"flag"
	"fmt"
	"strconv"

	alloy "github.com/alloysdk/alloy-go"
)

func usersCommand() *command {
	return &command{
		name:    "users",
		summary: "create, read, update and delete the end users of your product",
		detail:  "Wherever a command takes a <user>, Alloy accepts the user's id or username.",
		subs: []*command{
			{
				name: "list", synopsis: "[--workflow ID]", summary: "list every user (or those of one parent workflow)",
				examples: []string{"alloy users list", "alloy users list --json | jq -r '.[].userId'"},
				define: func(fs *flag.FlagSet) action {
					workflow := fs.String("workflow", "", "only the users who installed this parent workflow `id`")
					return func(x *cli, _ []string) error {
						var params *alloy.UserListParams
						if *workflow != "" {
							params = &alloy.UserListParams{ParentWorkflowID: *workflow}
						}
						users, err := x.c.Users.List(x.ctx, params)
						if err != nil {
							return err
						}
						return x.emit(users, func(t *table) {
							t.row("ID", "USERNAME", "FULL NAME")
							for _, u := range users {
								t.row(u.ID, u.Username, u.FullName)
							}
						})
					}
				},
			},
			{
				name: "get", synopsis: "<user>", summary: "show one user, by id or username", minArgs: 1, maxArgs: 1,
				examples: []string{"alloy users get 6712ab34cd56ef7890a1b2c3", "alloy users get ops@northwind.example --json"},
				define: func(*flag.FlagSet) action {
					return func(x *cli, args []string) error {
						u, err := x.c.Users.Get(x.ctx, args[0])
						if err != nil {
							return err
						}
						return x.emitUser(u)
					}
				},
			},
			{
				name: "create", synopsis: "--username U [--full-name N]", summary: "create a user", maxArgs: 0,
				detail: "Prints the new user. A taken username fails with HTTP 409 (exit status 1).",
				examples: []string{
					`alloy users create --username ops@northwind.example --full-name "Northwind Goods"`,
					`id=$(alloy users create --username ops@northwind.example --json | jq -r .userId)`,
				},
				define: func(fs *flag.FlagSet) action {
					username := fs.String("username", "", "the new user's `username`, unique in the account; an email is usual (required)")
					fullName := fs.String("full-name", "", "display `name`")
					return func(x *cli, _ []string) error {
						if *username == "" {
							return usagef("--username is required")
						}
						u, err := x.c.Users.Create(x.ctx, alloy.UserCreateParams{Username: *username, FullName: *fullName})
						if err != nil {
							return err
						}
						return x.emitUser(u)
					}
				},
			},
			{
				name: "update", synopsis: "<user> [--username U] [--full-name N]", summary: "change a user's username or full name", minArgs: 1, maxArgs: 1,
				detail: "Only the flags given are changed; --full-name \"\" clears the full name.",
				examples: []string{
					`alloy users update ops@northwind.example --full-name "Northwind Goods Ltd"`,
					`alloy users update 6712ab34cd56ef7890a1b2c3 --username finance@northwind.example`,
				},
				define: func(fs *flag.FlagSet) action {
					var username, fullName optionalString
					fs.Var(&username, "username", "new `username`")
					fs.Var(&fullName, "full-name", "new display `name`")
					return func(x *cli, args []string) error {
						if username.p == nil && fullName.p == nil {
							return usagef("nothing to update: give --username or --full-name")
						}
						u, err := x.c.Users.Update(x.ctx, args[0], alloy.UserUpdateParams{Username: username.p, FullName: fullName.p})
						if err != nil {
							return err
						}
						return x.emitUser(u)
					}
				},
			},
			{
				name: "delete", synopsis: "<user>", summary: "delete a user (their execution logs stay)", minArgs: 1, maxArgs: 1,
				examples: []string{"alloy users delete ops@northwind.example"},
				define: func(*flag.FlagSet) action {
					return func(x *cli, args []string) error {
						if err := x.c.Users.Delete(x.ctx, args[0]); err != nil {
							return err
						}
						return x.done(map[string]any{"user": args[0], "deleted": true}, "Deleted user %s.", args[0])
					}
				},
			},
		},
	}
}

// emitUser prints one user.
func (x *cli) emitUser(u *alloy.User) error {
	return x.emit(u, func(t *table) {
		t.row("ID", u.ID)
		t.row("Username", u.Username)
		t.row("Full name", u.FullName)
	})
}

// done reports an action that returns nothing to show: v for scripts, a
// sentence for people.
func (x *cli) done(v any, format string, args ...any) error {
	return x.emit(v, func(t *table) { t.row(fmt.Sprintf(format, args...)) })
}

// optionalString is a string flag that knows whether it was given, so
// that an empty value can mean "clear" rather than "leave alone".
type optionalString struct{ p *string }

func (o *optionalString) String() string {
	if o == nil || o.p == nil {
		return ""
	}
	return strconv.Quote(*o.p)
}

func (o *optionalString) Set(s string) error { o.p = &s; return nil }
