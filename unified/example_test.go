package unified_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/unified"
)

// shop starts a fake Alloy with a user connected to a fake Shopify store.
func shop(version string) (*alloytest.Server, *unified.Client, string) {
	srv := alloytest.NewServer()
	c := srv.Client(alloy.WithAPIVersion(version))
	user, err := c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}
	conn, err := srv.Connect(user.ID, "shopify")
	if err != nil {
		log.Fatal(err)
	}
	u, err := unified.New(c)
	if err != nil {
		log.Fatal(err)
	}
	return srv, u, conn
}

func ExampleResource_ListIter() {
	srv, u, conn := shop("2023-12") // cursor paging
	defer srv.Close()
	records := make([]map[string]any, 250)
	for i := range records {
		records[i] = map[string]any{"firstName": fmt.Sprint("Buyer ", i), "email": fmt.Sprintf("buyer%d@example.com", i)}
	}
	if err := srv.Seed(conn, "commerce/customers", records...); err != nil {
		log.Fatal(err)
	}

	n := 0
	for _, err := range u.Commerce.Customers.ListIter(context.Background(), conn, &unified.ListParams{
		PageSize: 100,
		Filters:  []unified.Filter{unified.Contains("email", "buyer")},
	}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "customers")
	// Output: 250 customers
}

func ExampleCRUDResource_Create() {
	srv, u, conn := shop("2024-03")
	defer srv.Close()
	ctx := context.Background()

	order, err := u.Commerce.Orders.Create(ctx, conn, &unified.Order{
		Currency:   "USD",
		TotalPrice: "99.80", // decimal text: never a float64
		LineItems:  []unified.OrderLineItem{{Title: "Walnut desk organizer", Price: "49.90", Quantity: "2"}},
		Customer:   &unified.OrderCustomer{Email: "dana.okafor@example.com"},
	})
	if err != nil {
		log.Fatal(err)
	}
	got, err := u.Commerce.Orders.Get(ctx, conn, order.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.TotalPrice, got.Currency, got.LineItems[0].Price, got.Customer.Email)
	// Output: 99.80 USD 49.90 dana.okafor@example.com
}

func ExampleWebhooksService_Create() {
	srv, u, conn := shop("2024-03")
	defer srv.Close()

	sub, err := u.Webhooks.Create(context.Background(), conn, unified.SubscriptionCreateParams{
		Address: "https://hooks.example.com/alloy/orders",
		Topics:  []string{"commerce/orders", "sync/completed"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.Address, sub.Topics, sub.Enabled)
	// Output: https://hooks.example.com/alloy/orders [commerce/orders sync/completed] true
}

func ExampleNew() {
	c, err := alloy.NewClient("YOUR_API_KEY", alloy.WithAPIVersion("2023-12"))
	if err != nil {
		log.Fatal(err)
	}
	u, err := unified.New(c)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.SelectorParam())
	u, err = unified.New(c, unified.WithSelectorParam(unified.CredentialIDParam))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.SelectorParam())
	_, err = unified.New(c, unified.WithSelectorParam("connection"))
	fmt.Println(errors.Is(err, alloy.ErrInvalidArgument))
	// Output:
	// connectionId
	// credentialId
	// true
}
