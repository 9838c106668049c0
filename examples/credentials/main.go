// Command credentials walks through the credential-management and install
// flow of an Alloy integration: which apps exist and what a credential for
// each needs, a key-based credential (NetSuite), an OAuth link (Shopify),
// listing and deleting credentials, and the integrations a user can install
// with a hosted install link.
//
// Without ALLOY_API_KEY it runs on an in-process alloytest server:
//
//	go run ./examples/credentials
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.SetFlags(0)
		log.Fatalf("credentials: %v", err)
	}
}

func run(ctx context.Context) error {
	client, fake, err := newClient()
	if err != nil {
		return err
	}
	if fake != nil {
		defer fake.Close()
	}

	// 1. Which apps exist.
	apps, err := client.Apps.List(ctx)
	if err != nil {
		return fmt.Errorf("list apps: %w", err)
	}
	fmt.Printf("1. %d apps:", len(apps))
	for _, a := range apps {
		kind := "key"
		if a.OAuth {
			kind = "oauth"
		}
		fmt.Printf(" %s (%s)", a.Name, kind)
	}
	fmt.Println()

	// 2. What a NetSuite credential needs. (Credential metadata and OAuth
	// links exist from API version 2024-03 on.)
	netsuite, err := client.Credentials.GetMetadata(ctx, "netsuite")
	if errors.Is(err, alloy.ErrUnsupportedVersion) {
		fmt.Printf("API version %s has no credential metadata or OAuth links: use 2024-03 or later\n", client.APIVersion())
		return nil
	}
	if err != nil {
		return fmt.Errorf("netsuite metadata: %w", err)
	}
	fmt.Println("2. a netsuite credential needs:")
	for _, p := range netsuite.Properties {
		fmt.Printf("   - %s: %s\n", p.Name, p.DisplayName)
	}

	// 3. A new user, and a NetSuite credential for them. Validate names any
	// missing field before anything is sent.
	user, err := client.Users.Create(ctx, alloy.UserCreateParams{Username: fmt.Sprintf("credentials-%d@example.com", time.Now().UnixNano())})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	defer func() { _ = client.Users.Delete(ctx, user.ID) }()
	data := map[string]any{"accountId": "TSTDRV1234567", "consumerKey": "ck-demo", "consumerSecret": "cs-demo", "tokenId": "ti-demo"}
	if err := netsuite.Validate(data); err != nil {
		fmt.Printf("3. before sending: %v\n", err)
		data["tokenSecret"] = "ts-demo"
	}
	cred, err := client.Credentials.Create(ctx, user.ID, alloy.CredentialCreateParams{Type: "netsuite", Data: data})
	if err != nil {
		return fmt.Errorf("create netsuite credential: %w", err)
	}
	fmt.Printf("   created netsuite credential %s for user %s\n", cred.ID, user.ID)

	// 4. Shopify uses OAuth: send the user to a link with the shop's subdomain.
	link, err := client.Credentials.GetOAuthURL(ctx, alloy.OAuthURLParams{UserID: user.ID, App: "shopify", Fields: map[string]string{"shopSubdomain": "northwind-goods"}})
	if err != nil {
		return fmt.Errorf("shopify oauth url: %w", err)
	}
	fmt.Printf("4. send the user to: %s\n", link)
	if fake != nil {
		// On the fake, visiting the link stands for the user clicking "Allow".
		resp, err := http.Get(link)
		if err != nil {
			return fmt.Errorf("visit oauth link: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("visit oauth link: %s", resp.Status)
		}
		fmt.Println("   (alloytest: the user approved)")
	}

	// 5. List the user's credentials, then delete the NetSuite one.
	creds, err := client.Credentials.List(ctx, user.ID)
	if err != nil {
		return fmt.Errorf("list credentials: %w", err)
	}
	if fake != nil && len(creds) != 2 {
		return fmt.Errorf("expected the netsuite and shopify credentials, got %d", len(creds))
	}
	fmt.Printf("5. user has %d credential(s):", len(creds))
	for _, c := range creds {
		fmt.Printf(" %s (%s)", c.Type, c.ID)
	}
	fmt.Println()
	if err := client.Credentials.Delete(ctx, user.ID, cred.ID); err != nil {
		return fmt.Errorf("delete credential: %w", err)
	}
	fmt.Printf("   deleted %s\n", cred.ID)

	// 6. Integrations the user can install, and a hosted install link.
	integrations, err := client.Integrations.List(ctx, user.ID)
	if err != nil {
		return fmt.Errorf("list integrations: %w", err)
	}
	fmt.Printf("6. %d integration(s):\n", len(integrations))
	for _, in := range integrations {
		fmt.Printf("   - %s %s: %d workflow(s), installed=%v\n", in.ID, in.App, len(in.Workflows), in.Installed)
	}
	if len(integrations) > 0 {
		link, err := client.Integrations.GetInstallLink(ctx, user.ID, integrations[0].ID)
		if err != nil {
			return fmt.Errorf("install link: %w", err)
		}
		// The link carries a token that acts as the user: printed, it shows
		// only where it goes; link.URL() is the whole link, for that user.
		fmt.Printf("   install link: %s\n", link)
	}
	fmt.Println("done")
	return nil
}

// newClient uses the real API when a key is configured, else alloytest.
func newClient() (*alloy.Client, *alloytest.Server, error) {
	if os.Getenv("ALLOY_API_KEY") != "" || os.Getenv("ALLOY_DEV_API_KEY") != "" || os.Getenv("ALLOY_PROD_API_KEY") != "" {
		c, err := alloy.NewClientFromEnv()
		return c, nil, err
	}
	srv, err := alloytest.Start()
	if err != nil {
		return nil, nil, err
	}
	fmt.Printf("ALLOY_API_KEY is not set: running against an in-process alloytest server at %s\n", srv.URL)
	opts := []alloy.Option{alloy.WithBaseURL(srv.URL)}
	if v := os.Getenv("ALLOY_API_VERSION"); v != "" {
		opts = append(opts, alloy.WithAPIVersion(v))
	}
	c, err := alloy.NewClient(srv.APIKey, opts...)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return c, srv, nil
}
