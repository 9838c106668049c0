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

func ExampleCredentialsService_Create() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}

	// What does a NetSuite credential need? Check the data before sending it.
	meta, err := c.Credentials.GetMetadata(ctx, "netsuite")
	if err != nil {
		log.Fatal(err)
	}
	data := map[string]any{"accountId": "TSTDRV1234567", "consumerKey": "ck", "consumerSecret": "cs", "tokenId": "ti"}
	fmt.Println(meta.Validate(data))

	data["tokenSecret"] = "ts"
	cred, err := c.Credentials.Create(ctx, user.ID, alloy.CredentialCreateParams{Type: "netsuite", Data: data})
	if err != nil {
		log.Fatal(err)
	}
	creds, _ := c.Credentials.List(ctx, user.ID)
	fmt.Println(cred.Type, len(creds), creds[0].ID == cred.ID)
	// Output:
	// alloy: validate credential: invalid argument: netsuite needs tokenSecret
	// netsuite 1 true
}

func ExampleCredentialsService_GetOAuthURL() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}

	// Shopify needs the shop's subdomain; every metadata property is a field.
	link, err := c.Credentials.GetOAuthURL(ctx, alloy.OAuthURLParams{
		UserID: user.ID,
		App:    "shopify",
		Fields: map[string]string{"shopSubdomain": "northwind-goods"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Contains(link, "/oauth/shopify/authorize?shopSubdomain=northwind-goods"))
	// Output: true
}

func ExampleIntegrationsService_List() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}

	integrations, err := c.Integrations.List(ctx, user.ID)
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range integrations {
		fmt.Printf("%s (%d workflows, installed %v)\n", in.App, len(in.Workflows), in.Installed)
		for _, wf := range in.Workflows {
			fmt.Printf("  %s v%d: %d steps\n", wf.Name, wf.Version, len(wf.Steps))
		}
	}
	// Output:
	// BigCommerce (1 workflows, installed false)
	//   Paid order to ERP v4: 2 steps
	// Shopify (2 workflows, installed false)
	//   New customer to HubSpot contact v2: 2 steps
	//   Order fulfilled to HubSpot note v1: 1 steps
}
