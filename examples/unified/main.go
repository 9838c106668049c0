// Command unified reads and writes a user's shop through the Unified API:
// it lists customers with a filter, creates an order, walks every product
// page by page, and subscribes a webhook to order changes.
//
// With ALLOY_API_KEY and ALLOY_CONNECTION_ID (the connectionId your
// frontend got from Alloy.authenticate) set, it runs against Alloy. Without
// a key it starts an in-process alloytest server, creates a user and
// connects them to a fake Shopify store:
//
//	go run ./examples/unified
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/unified"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.SetFlags(0)
		log.Fatalf("unified: %v", err)
	}
}

func run(ctx context.Context) error {
	client, conn, cleanup, err := connect(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	u, err := unified.New(client)
	if err != nil {
		return err
	}
	fmt.Printf("API version %s: the connection travels as ?%s=\n", client.APIVersion(), u.SelectorParam())

	// 1. Customers whose email contains a domain: a filter, no string building.
	page, err := u.Commerce.Customers.List(ctx, conn, &unified.ListParams{
		PageSize: 10,
		Filters:  []unified.Filter{unified.Contains("email", "@")},
	})
	if err != nil {
		return fmt.Errorf("list customers: %w", err)
	}
	fmt.Printf("1. %d customer(s) on the first page\n", len(page.Items))
	if len(page.Items) == 0 {
		return errors.New("the connection has no customers to order for")
	}
	buyer := page.Items[0]

	// 2. Create an order. Money is a decimal string: it never goes through float64.
	order, err := u.Commerce.Orders.Create(ctx, conn, &unified.Order{
		Currency: "USD",
		LineItems: []unified.OrderLineItem{
			{Title: "Walnut desk organizer", Price: "49.90", Quantity: "2"},
		},
		TotalPrice: "99.80",
		Customer:   &unified.OrderCustomer{Email: buyer.Email, FirstName: buyer.FirstName, LastName: buyer.LastName},
		BillingAddress: &unified.OrderAddress{
			FirstName: buyer.FirstName, LastName: buyer.LastName, Address1: "1 Harbour St", City: "Portland",
			Region: "OR", PostalCode: "97201", CountryCode: "US",
		},
	})
	if err != nil {
		return fmt.Errorf("create order: %w", err)
	}
	fmt.Printf("2. created order %s for %s, total %s %s\n", order.ID, order.Customer.Email, order.TotalPrice, order.Currency)

	// 3. Every product, whatever the paging scheme of the API version.
	products := 0
	for product, err := range u.Commerce.Products.ListIter(ctx, conn, &unified.ListParams{PageSize: 2}) {
		if err != nil {
			return fmt.Errorf("list products: %w", err)
		}
		products++
		fmt.Printf("   product %q with %d variant(s)\n", product.ProductName, len(product.Variants))
	}
	fmt.Printf("3. walked %d product(s)\n", products)

	// 4. Be told when orders change.
	sub, err := u.Webhooks.Create(ctx, conn, unified.SubscriptionCreateParams{
		Address: "https://hooks.example.com/alloy/orders",
		Topics:  []string{"commerce/orders"},
	})
	if err != nil {
		return fmt.Errorf("create subscription: %w", err)
	}
	fmt.Printf("4. subscribed %s to %v (enabled %v)\n", sub.Address, sub.Topics, sub.Enabled)
	if err := u.Webhooks.Delete(ctx, conn, sub.ID); err != nil {
		return fmt.Errorf("delete subscription: %w", err)
	}
	fmt.Println("done")
	return nil
}

// connect returns a client and a connection id: Alloy's when a key is set,
// else a fake's with a user connected to a Shopify store.
func connect(ctx context.Context) (*alloy.Client, string, func(), error) {
	version := os.Getenv("ALLOY_API_VERSION")
	if version == "" {
		version = "2024-03" // the Unified API's documented version
	}
	if os.Getenv("ALLOY_API_KEY") != "" {
		conn := os.Getenv("ALLOY_CONNECTION_ID")
		if conn == "" {
			return nil, "", nil, errors.New("set ALLOY_CONNECTION_ID to the connectionId your frontend got from Alloy.authenticate")
		}
		c, err := alloy.NewClientFromEnv(alloy.WithAPIVersion(version))
		if err != nil {
			return nil, "", nil, err
		}
		return c, conn, func() {}, nil
	}
	srv, err := alloytest.Start()
	if err != nil {
		return nil, "", nil, err
	}
	fmt.Printf("ALLOY_API_KEY is not set: running against an in-process alloytest server at %s\n", srv.URL)
	c := srv.Client(alloy.WithAPIVersion(version))
	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		srv.Close()
		return nil, "", nil, err
	}
	conn, err := srv.Connect(user.ID, "shopify")
	if err != nil {
		srv.Close()
		return nil, "", nil, err
	}
	return c, conn, srv.Close, nil
}
