// Command quickstart walks through the calls every Alloy integration starts
// with: create a user, read it back, mint a JWT for the frontend, list users
// and delete the user.
//
// With ALLOY_API_KEY (or ALLOY_DEV_API_KEY / ALLOY_PROD_API_KEY with
// ALLOY_ENVIRONMENT) set, it runs against Alloy. Without one it starts an
// in-process alloytest server and runs against that, so it works anywhere:
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.SetFlags(0)
		log.Fatalf("quickstart: %v", err)
	}
}

func run(ctx context.Context) error {
	client, cleanup, err := newClient()
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Printf("client: %v\n", client)

	// 1. One Alloy user per tenant of your product; the username must be unique.
	username := fmt.Sprintf("quickstart-%d@example.com", time.Now().UnixNano())
	user, err := client.Users.Create(ctx, alloy.UserCreateParams{Username: username, FullName: "Quickstart Tenant"})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	fmt.Printf("1. created user %s (username %s)\n", user.ID, user.Username)
	// Delete the user even if a later step fails.
	defer func() {
		if err := client.Users.Delete(ctx, user.ID); err != nil && !errors.Is(err, alloy.ErrNotFound) {
			log.Printf("cleanup: delete user: %v", err)
		}
	}()

	// 2. Read it back.
	got, err := client.Users.Get(ctx, user.ID)
	if err != nil {
		return fmt.Errorf("get user: %w", err)
	}
	fmt.Printf("2. fetched user %s: %q\n", got.ID, got.FullName)

	// 3. Mint a JWT to hand to Alloy's frontend SDK (Alloy.setToken).
	// Printing the token value shows only its expiry.
	tok, err := client.Tokens.Create(ctx, user.ID)
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	fmt.Printf("3. minted %v, valid for %s\n", tok, time.Until(tok.ExpiresAt).Round(time.Minute))

	// 4. List the account's users.
	users, err := client.Users.List(ctx, nil)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	fmt.Printf("4. the account has %d user(s)\n", len(users))

	// 5. Delete the user, then show what a typed error looks like.
	if err := client.Users.Delete(ctx, user.ID); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	fmt.Printf("5. deleted user %s\n", user.ID)
	if _, err := client.Users.Get(ctx, user.ID); errors.Is(err, alloy.ErrNotFound) {
		var apiErr *alloy.Error
		errors.As(err, &apiErr)
		fmt.Printf("   fetching it again: %d %s (errors.Is(err, alloy.ErrNotFound) == true)\n", apiErr.StatusCode, apiErr.Message)
	} else {
		return fmt.Errorf("expected ErrNotFound after delete, got %v", err)
	}
	fmt.Println("done")
	return nil
}

// newClient uses the real API when a key is configured, else an in-process
// alloytest server.
func newClient() (*alloy.Client, func(), error) {
	if os.Getenv("ALLOY_API_KEY") != "" || os.Getenv("ALLOY_DEV_API_KEY") != "" || os.Getenv("ALLOY_PROD_API_KEY") != "" {
		c, err := alloy.NewClientFromEnv()
		if err != nil {
			return nil, nil, err
		}
		fmt.Printf("using Alloy (%s environment, API version %s)\n", c.Environment(), c.APIVersion())
		return c, func() {}, nil
	}
	srv, err := alloytest.Start()
	if err != nil {
		return nil, nil, err
	}
	fmt.Printf("ALLOY_API_KEY is not set: running against an in-process alloytest server at %s\n", srv.URL)
	opts := []alloy.Option{alloy.WithBaseURL(srv.URL)}
	if v := os.Getenv("ALLOY_API_VERSION"); v != "" {
		opts = append(opts, alloy.WithAPIVersion(v)) // the fake answers every version style
	}
	c, err := alloy.NewClient(srv.APIKey, opts...)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return c, srv.Close, nil
}
