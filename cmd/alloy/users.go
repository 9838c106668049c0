package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

func (x *cli) usersCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list", Short: "list every user (or those of one parent workflow)", Args: none,
		Example: examples("alloy users list", "alloy users list --json | jq -r '.[].userId'",
			"alloy users list --workflow 6712ab3acd56ef7890a1b2d9"),
	}
	workflow := list.Flags().String("workflow", "", "only the users who installed this parent workflow `id`")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := x.api()
		if err != nil {
			return err
		}
		var params *alloy.UserListParams
		if *workflow != "" {
			params = &alloy.UserListParams{ParentWorkflowID: *workflow}
		}
		users, err := c.Users.List(x.ctx, params)
		if err != nil {
			return err
		}
		return x.emitUsers(users)
	}

	api := func() (userAPI, error) {
		c, err := x.api()
		if err != nil {
			return nil, err
		}
		return c.Users, nil
	}
	get := x.userGetCommand(api, "show one user, by id or username",
		"alloy users get ops@northwind.example", "alloy users get ops@northwind.example --json")
	create := x.userCreateCommand(api, "create a user",
		"Creates a user and prints it. A taken username fails with HTTP 409 (exit status 1).",
		`alloy users create --username finance@northwind.example --full-name "Northwind Finance"`,
		`id=$(alloy users create --username buyer@contoso.example --json | jq -r .userId)`)

	batch := &cobra.Command{
		Use: "create-batch --data JSON", Short: "create many users in one call", Args: none,
		Long: `
Creates the users of a JSON array of {"username", "fullName"} objects in one
call (--data as text, @file or - for stdin), 1,000 per request. Alloy
creates the valid ones and lists the others as invalidUsers.`,
		Example: examples(`alloy users create-batch --data '[{"username": "a@contoso.example"}, {"username": "b@contoso.example", "fullName": "B"}]'`),
	}
	batchData := batch.Flags().String("data", "", "the users, a JSON `array`: text, @file or - (stdin) (required)")
	batch.RunE = func(cmd *cobra.Command, _ []string) error {
		var users []alloy.UserCreateParams
		if err := x.readJSON(*batchData, "--data", &users); err != nil {
			return err
		}
		if len(users) == 0 {
			return usagef("--data must be a JSON array of at least one user")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		res, err := c.Users.CreateBatch(x.ctx, users)
		if err != nil {
			return err
		}
		return x.done(res, "Created %d users: %s", len(users), res.Message)
	}

	update := x.userUpdateCommand(api, "change a user's username or full name",
		`alloy users update ops@northwind.example --full-name "Northwind Goods Ltd"`,
		`alloy users update it@contoso.example --username helpdesk@contoso.example`)
	del := x.userDeleteCommand(api, "user", "delete a user (their execution logs stay)", "alloy users delete it@contoso.example --yes")

	delLogs := destructiveCommand(&cobra.Command{
		Use: "delete-logs <user>", Short: "erase a user's execution logs", Args: one("<user>"),
		Example: examples("alloy users delete-logs ops@northwind.example --yes"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := x.api()
			if err != nil {
				return err
			}
			if err := x.confirm(cmd, "erase the execution logs of user "+args[0]); err != nil {
				return err
			}
			if err := c.Users.DeleteLogs(x.ctx, args[0]); err != nil {
				return err
			}
			return x.done(map[string]any{"user": args[0], "logsDeleted": true}, "Erased the logs of user %s.", args[0])
		},
	})

	return x.group("users", "create, read, update and delete the end users of your product",
		"The end users of your product. Wherever a command takes a <user>, Alloy accepts the user's id or username.",
		list, get, create, batch, x.usersImportCommand(), update, del, delLogs)
}

// userAPI is what the Embedded API's and the Unified API's user services
// both offer, with the same params: the commands below serve either.
type userAPI interface {
	Get(ctx context.Context, userID string, opts ...alloy.RequestOption) (*alloy.User, error)
	Create(ctx context.Context, params alloy.UserCreateParams, opts ...alloy.RequestOption) (*alloy.User, error)
	Update(ctx context.Context, userID string, params alloy.UserUpdateParams, opts ...alloy.RequestOption) (*alloy.User, error)
	Delete(ctx context.Context, userID string, opts ...alloy.RequestOption) error
}

func (x *cli) userGetCommand(api func() (userAPI, error), short string, example ...string) *cobra.Command {
	return &cobra.Command{
		Use: "get <user>", Short: short, Args: one("<user>"), Example: examples(example...),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := api()
			if err != nil {
				return err
			}
			u, err := s.Get(x.ctx, args[0])
			if err != nil {
				return err
			}
			return x.emitUser(u)
		},
	}
}

func (x *cli) userCreateCommand(api func() (userAPI, error), short, long string, example ...string) *cobra.Command {
	create := &cobra.Command{
		Use: "create --username U [--full-name N]", Short: short, Long: long, Args: none, Example: examples(example...),
	}
	username := create.Flags().String("username", "", "the new user's `username`, unique in the account; an email is usual (required)")
	fullName := create.Flags().String("full-name", "", "display `name`")
	create.RunE = func(cmd *cobra.Command, _ []string) error {
		if *username == "" {
			return usagef("--username is required")
		}
		s, err := api()
		if err != nil {
			return err
		}
		u, err := s.Create(x.ctx, alloy.UserCreateParams{Username: *username, FullName: *fullName})
		if err != nil {
			return err
		}
		return x.emitUser(u)
	}
	return create
}

func (x *cli) userUpdateCommand(api func() (userAPI, error), short string, example ...string) *cobra.Command {
	update := &cobra.Command{
		Use: "update <user> [--username U] [--full-name N]", Short: short, Args: one("<user>"),
		Long:    `Only the flags given are changed; --full-name "" clears the full name.`,
		Example: examples(example...),
	}
	var newUsername, newFullName optionalString
	update.Flags().Var(&newUsername, "username", "new `username`")
	update.Flags().Var(&newFullName, "full-name", "new display `name`")
	update.RunE = func(cmd *cobra.Command, args []string) error {
		if newUsername.p == nil && newFullName.p == nil {
			return usagef("nothing to update: give --username or --full-name")
		}
		s, err := api()
		if err != nil {
			return err
		}
		u, err := s.Update(x.ctx, args[0], alloy.UserUpdateParams{Username: newUsername.p, FullName: newFullName.p})
		if err != nil {
			return err
		}
		return x.emitUser(u)
	}
	return update
}

// userDeleteCommand deletes a user; what names it in the confirmation
// ("user", "Unified API user").
func (x *cli) userDeleteCommand(api func() (userAPI, error), what, short, example string) *cobra.Command {
	return destructiveCommand(&cobra.Command{
		Use: "delete <user>", Short: short, Args: one("<user>"), Example: examples(example),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := api()
			if err != nil {
				return err
			}
			if err := x.confirm(cmd, "delete "+what+" "+args[0]); err != nil {
				return err
			}
			if err := s.Delete(x.ctx, args[0]); err != nil {
				return err
			}
			return x.done(map[string]any{"user": args[0], "deleted": true}, "Deleted user %s.", args[0])
		},
	})
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

// readJSON decodes a JSON value given as text, @file or - (stdin) into v.
func (x *cli) readJSON(src, flagName string, v any) error {
	b, err := x.jsonSource(src, flagName)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return usagef("%s: not the JSON expected: %v", flagName, err)
	}
	return nil
}

// jsonSource reads the bytes of a JSON flag: text, @file, or - for stdin.
func (x *cli) jsonSource(src, flagName string) ([]byte, error) {
	switch {
	case src == "":
		return nil, usagef("%s is required", flagName)
	case src == "-":
		return x.readInput("-")
	case src[0] == '@':
		return x.readInput(src[1:])
	}
	return []byte(src), nil
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
func (o *optionalString) Type() string       { return "string" }

// emitUsers prints users as a table (or JSON), for both users commands.
func (x *cli) emitUsers(users []alloy.User) error {
	return x.emit(users, func(t *table) {
		t.row("ID", "USERNAME", "FULL NAME")
		for _, u := range users {
			t.row(u.ID, u.Username, u.FullName)
		}
	})
}
