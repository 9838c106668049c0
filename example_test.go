package alloy_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
)

func ExampleNewClient() {
	c, err := alloy.NewClient("YOUR_API_KEY",
		alloy.WithEnvironment(alloy.Development),
		alloy.WithAPIVersion("2024-03"),
		alloy.WithRegion(alloy.RegionEU),
		alloy.WithTimeout(20*time.Second),
		alloy.WithUserAgent("acme-backend/1.2"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Environment(), c.APIVersion(), c.BaseURL())
	// Output: development 2024-03 https://eu-embedded.runalloy.com/2024-03
}

func ExampleUsersService_Create() {
	srv := alloytest.NewServer() // a fake Alloy; use alloy.NewClient(apiKey) for the real one
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example", FullName: "Northwind Goods"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.Username, user.FullName, len(user.ID))

	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	var apiErr *alloy.Error
	if errors.Is(err, alloy.ErrConflict) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message)
	}
	// Output:
	// ops@northwind.example Northwind Goods 24
	// 409 A user with username "ops@northwind.example" already exists
}

func ExampleTokensService_Create() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}

	tok, err := c.Tokens.Create(ctx, user.ID)
	if err != nil {
		log.Fatal(err)
	}
	// Hand tok.Token to the browser (Alloy.setToken); printing tok never shows it.
	fmt.Println(time.Until(tok.ExpiresAt).Round(time.Minute))
	fmt.Println(strings.HasPrefix(fmt.Sprint(tok), "alloy.UserToken{Token: [REDACTED]"))
	// Output:
	// 30m0s
	// true
}

func ExampleError() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()

	_, err := c.Users.Get(context.Background(), "no-such-user")
	var apiErr *alloy.Error
	switch {
	case errors.Is(err, alloy.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Println("not found:", apiErr.Message, apiErr.Attempts)
	case err != nil:
		log.Fatal(err)
	}
	// Output: not found: User not found 1
}
