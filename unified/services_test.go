package unified

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSelectorParam(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		h := newHarness(t, v.version)
		assert.Equal(t, v.selector, h.u.SelectorParam(), v.version)
	}
	h := newHarness(t, "2024-03", WithSelectorParam(ConnectionIDParam))
	assert.Equal(t, ConnectionIDParam, h.u.SelectorParam())
	h.on("GET", testRoot+"/2024-03/one/crm/contacts/count?connectionId=c1", 200, `{"count":3}`)
	n, err := h.u.CRM.Contacts.Count(context.Background(), "c1", nil)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}

func TestServicesRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, v := range versions[:2] {
		b, sel := v.base, v.selector
		t.Run(v.version, func(t *testing.T) {
			h := newHarness(t, v.version)
			u := h.u
			h.on("POST", b+"/one/users", 200, `{"userId":"u1"}`)
			h.on("GET", b+"/one/users", 200, `{"data":[{"userId":"u1","username":"a"}]}`)
			h.on("GET", b+"/one/users/u1", 200, `{"userId":"u1","fullName":"A","username":"a"}`)
			h.on("PUT", b+"/one/users/u1", 200, `{"userId":"u1","fullName":"B","username":"a"}`)
			h.on("DELETE", b+"/one/users/u1", 200, `{"success":true}`)
			h.on("DELETE", b+"/one/connections/conn1?userId=u1", 200, `{"success":true}`)
			h.on("POST", b+"/one/forward?"+sel+"=conn1", 200, `{"orders":[]}`)
			h.on("GET", b+"/one/metadata/operations?app=shopify", 200, fixture(t, "uapi_metadata_operations.json"))
			h.on("GET", b+"/one/metadata/fields?app=shopify&operation=listOrders", 200, `{"fields":[{"name":"id"}]}`)
			h.on("POST", b+"/one/webhooks?"+sel+"=conn1", 200, fixture(t, "uapi_webhook_subscription.json"))
			h.on("GET", b+"/one/webhooks?"+sel+"=conn1&userId=u1", 200, `{"subscriptions":[{"subscriptionId":"s1","address":"https://x.example/h","scope":"commerce/orders","isEnabled":false}]}`)
			h.on("GET", b+"/one/webhooks/s1?"+sel+"=conn1", 200, `{"subscription":{"subscriptionId":"s1","topic":"crm/leads"}}`)
			h.on("DELETE", b+"/one/webhooks/s1?"+sel+"=conn1", 200, ``)

			user, err := u.Users.Create(ctx, alloy.UserCreateParams{Username: "a", FullName: "A"})
			require.NoError(t, err)
			assert.Equal(t, &alloy.User{ID: "u1", Username: "a", FullName: "A"}, user)
			users, err := u.Users.List(ctx)
			require.NoError(t, err)
			assert.Equal(t, []alloy.User{{ID: "u1", Username: "a"}}, users)
			user, err = u.Users.Get(ctx, "u1")
			require.NoError(t, err)
			assert.Equal(t, &alloy.User{ID: "u1", Username: "a", FullName: "A"}, user)
			user, err = u.Users.Update(ctx, "u1", alloy.UserUpdateParams{FullName: alloy.Ptr("B")})
			require.NoError(t, err)
			assert.Equal(t, "B", user.FullName)
			require.NoError(t, u.Users.Delete(ctx, "u1"))
			require.NoError(t, u.Connections.Delete(ctx, "conn1", "u1"))

			resp, err := u.Passthrough.Do(ctx, "conn1", alloy.PassthroughRequest{Method: "get", Path: "/orders.json", Query: map[string]string{"limit": "1"}})
			require.NoError(t, err)
			assert.Equal(t, &alloy.PassthroughResponse{StatusCode: 200, Body: json.RawMessage(`{"orders":[]}`)}, resp)

			ops, err := u.Metadata.ListOperations(ctx, "shopify")
			require.NoError(t, err)
			assert.Equal(t, map[string][]string{
				"customer": {"listCustomers", "getCustomer", "createCustomer", "updateCustomer", "deleteCustomer"},
				"order":    {"listOrders", "getOrder"},
			}, ops)
			fields, err := u.Metadata.ListFields(ctx, "shopify", "listOrders")
			require.NoError(t, err)
			assert.JSONEq(t, `{"fields":[{"name":"id"}]}`, string(fields))

			sub, err := u.Webhooks.Create(ctx, "conn1", SubscriptionCreateParams{Address: "https://hooks.northwind-goods.example/alloy", Topics: []string{"commerce/orders", "sync/completed"}})
			require.NoError(t, err)
			assert.Equal(t, &Subscription{ID: "66a1b2c3d4e5f60718293a4b", Address: "https://hooks.northwind-goods.example/alloy", Topics: []string{"commerce/orders", "sync/completed"}, Enabled: true}, sub)
			subs, err := u.Webhooks.List(ctx, "conn1", "u1")
			require.NoError(t, err)
			assert.Equal(t, []Subscription{{ID: "s1", Address: "https://x.example/h", Topics: []string{"commerce/orders"}}}, subs)
			sub, err = u.Webhooks.Get(ctx, "conn1", "s1")
			require.NoError(t, err)
			assert.Equal(t, []string{"crm/leads"}, sub.Topics)
			require.NoError(t, u.Webhooks.Delete(ctx, "conn1", "s1"))

			bodies := map[string]string{}
			for _, r := range h.requests() {
				if len(r.Body) > 0 {
					bodies[r.Method+" "+r.URL] = string(r.Body)
				}
			}
			assert.Equal(t, map[string]string{
				"POST " + b + "/one/users":                      `{"username":"a","fullName":"A"}`,
				"PUT " + b + "/one/users/u1":                    `{"fullName":"B"}`,
				"POST " + b + "/one/forward?" + sel + "=conn1":  `{"body":null,"endpoint":"/orders.json","extraHeaders":null,"method":"GET","query":{"limit":"1"}}`,
				"POST " + b + "/one/webhooks?" + sel + "=conn1": `{"address":"https://hooks.northwind-goods.example/alloy","topic":["commerce/orders","sync/completed"]}`,
			}, bodies)
			assert.Len(t, h.requests(), 13)
		})
	}
}

func TestBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, "2024-03")
	u := h.u
	calls := map[string]func() error{
		"list no conn":  func() error { _, err := u.Commerce.Orders.List(ctx, "", nil); return err },
		"page size 101": func() error { _, err := u.Commerce.Orders.List(ctx, "c", &ListParams{PageSize: 101}); return err },
		"negative page": func() error { _, err := u.Commerce.Orders.List(ctx, "c", &ListParams{PageNumber: -1}); return err },
		"cursor and page": func() error {
			_, err := u.Commerce.Orders.List(ctx, "c", &ListParams{PageNumber: 2, Cursor: "x"})
			return err
		},
		"bad filter op": func() error {
			_, err := u.Commerce.Orders.List(ctx, "c", &ListParams{Filters: []Filter{{Field: "a", Op: "Like"}}})
			return err
		},
		"filter on selector": func() error {
			_, err := u.Commerce.Orders.List(ctx, "c", &ListParams{Filters: []Filter{Eq("credentialId", "x")}})
			return err
		},
		"filter field spaces": func() error {
			_, err := u.Commerce.Orders.List(ctx, "c", &ListParams{Filters: []Filter{Eq("a b", "x")}})
			return err
		},
		"duplicate filter":    func() error { _, err := u.CRM.Leads.Count(ctx, "c", []Filter{Eq("a", 1), Eq("a", 2)}); return err },
		"get no id":           func() error { _, err := u.Commerce.Orders.Get(ctx, "c", ""); return err },
		"get dot-dot id":      func() error { _, err := u.Commerce.Orders.Get(ctx, "c", ".."); return err },
		"variants no product": func() error { _, err := u.Commerce.Variants("").List(ctx, "c", nil); return err },
		"create nil":          func() error { _, err := u.Commerce.Orders.Create(ctx, "c", nil); return err },
		"update no id":        func() error { _, err := u.CRM.Leads.Update(ctx, "c", "", &Lead{}); return err },
		"delete no id":        func() error { return u.CRM.Leads.Delete(ctx, "c", "") },
		"delete no conn":      func() error { return u.CRM.Leads.Delete(ctx, " ", "x") },
		"count no conn":       func() error { _, err := u.CRM.Leads.Count(ctx, "", nil); return err },
		"all no conn":         func() error { return firstErr(u.CRM.Leads.ListIter(ctx, "", nil)) },
		"user no name":        func() error { _, err := u.Users.Create(ctx, alloy.UserCreateParams{}); return err },
		"user empty update":   func() error { _, err := u.Users.Update(ctx, "u", alloy.UserUpdateParams{}); return err },
		"user blank name": func() error {
			_, err := u.Users.Update(ctx, "u", alloy.UserUpdateParams{Username: alloy.Ptr(" ")})
			return err
		},
		"user get no id":   func() error { _, err := u.Users.Get(ctx, ""); return err },
		"connection no id": func() error { return u.Connections.Delete(ctx, "", "") },
		"forward no conn": func() error {
			_, err := u.Passthrough.Do(ctx, "", alloy.PassthroughRequest{Method: "GET", Path: "/x"})
			return err
		},
		"forward no path": func() error {
			_, err := u.Passthrough.Do(ctx, "c", alloy.PassthroughRequest{Method: "GET"})
			return err
		},
		"operations no app":   func() error { _, err := u.Metadata.ListOperations(ctx, ""); return err },
		"fields no operation": func() error { _, err := u.Metadata.ListFields(ctx, "shopify", ""); return err },
		"webhook http": func() error {
			_, err := u.Webhooks.Create(ctx, "c", SubscriptionCreateParams{Address: "http://x.example", Topics: []string{"t"}})
			return err
		},
		"webhook no topics": func() error {
			_, err := u.Webhooks.Create(ctx, "c", SubscriptionCreateParams{Address: "https://x.example"})
			return err
		},
		"webhook no conn":     func() error { _, err := u.Webhooks.List(ctx, "", ""); return err },
		"webhook get no conn": func() error { _, err := u.Webhooks.Get(ctx, "", "s"); return err },
		"webhook del no conn": func() error { return u.Webhooks.Delete(ctx, "", "s") },
	}
	for name, call := range calls {
		err := call()
		assert.ErrorIs(t, err, alloy.ErrInvalidArgument, name)
		if err != nil {
			assert.NotContains(t, err.Error(), testKey)
		}
	}
	assert.Zero(t, h.mt.GetTotalCallCount())
}

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	u, err := New(nil)
	assert.Nil(t, u)
	assert.ErrorIs(t, err, alloy.ErrInvalidArgument)
	c, err := alloy.NewClient(testKey, alloy.WithBaseURL(testRoot))
	require.NoError(t, err)
	for _, name := range []string{"", "connection", "credentialID"} {
		u, err = New(c, WithSelectorParam(name))
		assert.Nil(t, u, name)
		assert.ErrorIs(t, err, alloy.ErrInvalidArgument, name)
	}
	u, err = New(c, nil, WithSelectorParam(ConnectionIDParam))
	require.NoError(t, err, "a nil option is skipped")
	assert.Equal(t, ConnectionIDParam, u.SelectorParam())
}

func TestServerErrorsAreAlloyErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "2024-03")
	h.on("GET", testRoot+"/2024-03/one/commerce/orders/o1?credentialId=c", 404, `{"message":"Order not found"}`)
	h.on("POST", testRoot+"/2024-03/one/commerce/orders?credentialId=c", 503, `{"message":"busy"}`)
	_, err := h.u.Commerce.Orders.Get(context.Background(), "c", "o1")
	var apiErr *alloy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, errors.Is(err, alloy.ErrNotFound))
	assert.Equal(t, "Order not found", apiErr.Message)
	_, err = h.u.Commerce.Orders.Create(context.Background(), "c", &Order{OrderNumber: "1"})
	require.ErrorIs(t, err, alloy.ErrServer)
	assert.Len(t, h.requests(), 2, "a create is not retried on 503")
}

func TestOddResponses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, "2024-03")
	b := testRoot + "/2024-03/one"
	h.on("GET", b+"/commerce/orders/o1?credentialId=c", 200, `{"order":null}`)
	h.on("GET", b+"/commerce/orders/o2?credentialId=c", 200, `[1]`)
	h.on("GET", b+"/commerce/orders?credentialId=c", 200, `{"orders":{"not":"a list"}}`)
	h.on("GET", b+"/crm/leads/count?credentialId=c", 200, `{}`)
	h.on("GET", b+"/users/u1", 200, `{}`)
	h.on("GET", b+"/webhooks/s1?credentialId=c", 200, `{}`)
	h.on("GET", b+"/commerce/products/p1?credentialId=c", 200, `{"product":{"id":"p1","createdTimestamp":"garbage","updatedAt":"","tags":["a","b"],"variants":[{"price":19.9,"weight":[]}]}}`)
	_, err := h.u.Commerce.Orders.Get(ctx, "c", "o1")
	assert.ErrorContains(t, err, "no order in the response")
	_, err = h.u.Commerce.Orders.Get(ctx, "c", "o2")
	assert.ErrorContains(t, err, "decode response")
	_, err = h.u.Commerce.Orders.List(ctx, "c", nil)
	assert.ErrorContains(t, err, "decode orders")
	_, err = h.u.CRM.Leads.Count(ctx, "c", nil)
	assert.ErrorContains(t, err, "no count")
	_, err = h.u.Users.Get(ctx, "u1")
	assert.ErrorContains(t, err, "no user")
	_, err = h.u.Webhooks.Get(ctx, "c", "s1")
	assert.ErrorContains(t, err, "no subscription")
	p, err := h.u.Commerce.Products.Get(ctx, "c", "p1")
	require.NoError(t, err, "a bad timestamp does not fail the record")
	assert.True(t, p.CreatedTimestamp.IsZero())
	assert.True(t, p.UpdatedAt.IsZero())
	assert.Equal(t, []string{"a", "b"}, p.Tags)
	assert.Equal(t, []Variant{{Price: "19.9", Weight: &Weight{}}}, p.Variants, "a price sent as a number reads as its text; an empty weight list as no weight")
}

func TestTypedDecoding(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "2023-12")
	h.on("GET", testRoot+"/2023-12/one/commerce/customers/c_7f3e1b?connectionId=c", 200, fixture(t, "uapi_commerce_customer_get.json"))
	got, err := h.u.Commerce.Customers.Get(context.Background(), "c", "c_7f3e1b")
	require.NoError(t, err)
	got.Raw = nil
	assert.Equal(t, &Customer{
		Record: Record{ID: "c_7f3e1b", RemoteID: "7102938475610",
			CreatedTimestamp: Timestamp{Time: time.Date(2024, 6, 11, 13, 45, 0, 0, time.UTC)},
			UpdatedTimestamp: Timestamp{Time: time.Date(2024, 9, 2, 8, 12, 44, 0, time.UTC)}},
		FirstName: "Dana", LastName: "Okafor", Email: "dana.okafor@example.com", Phone: "+15125550147",
	}, got)

	var o Order
	require.NoError(t, json.Unmarshal([]byte(`{"id":"o1","totalPrice":1234567890.123456789,"totalTax":"12.30","totalShipping":null,
		"lineItems":[{"title":"Mug","price":"9.50","quantity":2,"productId":"p1"}],
		"customer":{"email":"a@b.example","customerId":"cu1"}}`), &o))
	assert.Equal(t, Decimal("1234567890.123456789"), o.TotalPrice, "no float64 rounding")
	assert.Equal(t, Decimal("12.30"), o.TotalTax)
	assert.Equal(t, Decimal(""), o.TotalShipping)
	assert.Equal(t, []OrderLineItem{{Title: "Mug", Price: "9.50", Quantity: "2", ProductID: "p1"}}, o.LineItems)
	assert.Equal(t, &OrderCustomer{CustomerID: "cu1", Email: "a@b.example"}, o.Customer)
	f, err := o.TotalTax.Float()
	require.NoError(t, err)
	assert.InDelta(t, 12.3, f, 1e-9)

	var n Note
	require.NoError(t, json.Unmarshal([]byte(`{"noteContact":"c1","noteAccount":{"id":"a1","name":"Acme"},"noteOwner":7}`), &n))
	assert.Equal(t, "c1", n.NoteContact.ID)
	assert.Equal(t, "a1", n.NoteAccount.ID)
	assert.JSONEq(t, `{"id":"a1","name":"Acme"}`, string(n.NoteAccount.Raw))
	assert.True(t, n.NoteOwner.IsZero(), "an unreadable reference is empty, not an error")

	var b Bill
	require.NoError(t, json.Unmarshal([]byte(`{"billNumber":"B-1","companyId":42,"dueDate":"2025-01-31","balance":"0.00","paidOnDate":1735689600000,
		"issueDate":"2025-01-02T23:30:00-05:00","trackingCategories":["tc1",{"id":"tc2"}]}`), &b))
	assert.Equal(t, Code("B-1"), b.BillNumber)
	assert.Equal(t, Code("42"), b.CompanyID)
	assert.Equal(t, NewDate(2025, time.January, 31), b.DueDate)
	assert.Equal(t, NewDate(2025, time.January, 1), b.PaidOnDate, "a Unix time in milliseconds names its UTC date")
	assert.Equal(t, NewDate(2025, time.January, 2), b.IssueDate, "a time with a zone names the date in that zone")
	assert.Equal(t, Decimal("0.00"), b.Balance)
	assert.Equal(t, []string{"tc1", "tc2"}, []string{b.TrackingCategories[0].ID, b.TrackingCategories[1].ID})

	var po PurchaseOrder
	require.NoError(t, json.Unmarshal([]byte(`{"poStatus":"OPEN","poNumber":"PO-7","purchaseOrderNumber":"PO-8"}`), &po))
	assert.Equal(t, "OPEN", po.PurchaseOrderStatus, "the older name is read where the newer is missing")
	assert.Equal(t, "PO-8", po.PurchaseOrderNumber, "the newer name wins")
}

func TestEncoding(t *testing.T) {
	t.Parallel()
	o := Order{
		Record:     Record{RemoteID: "r", Raw: json.RawMessage(`{"ignored":true}`), RemoteFields: map[string]any{"note": "gift"}},
		TotalPrice: "129.50", TotalTax: "x", Currency: "USD",
		LineItems: []OrderLineItem{{Title: "Mug", Price: "9.5", UnitCost: "4", Quantity: "2"}},
		Customer:  &OrderCustomer{Email: "a@b.example"},
	}
	b, err := json.Marshal(o)
	require.NoError(t, err)
	assert.JSONEq(t, `{"remoteId":"r","remoteFields":{"note":"gift"},"totalPrice":"129.50","totalTax":"x","currency":"USD",
		"lineItems":[{"title":"Mug","price":"9.5","unitCost":"4","quantity":2}],"customer":{"email":"a@b.example"}}`, string(b),
		"an order's money is sent as strings (the orders pages type it String), its line quantity as a number")

	inv := Invoice{TotalAmount: "100", SubTotal: "90.00", TotalDiscount: "0", ExchangeRate: "1", IssueDate: NewDate(2023, time.October, 10),
		LineItems: []InvoiceLineItem{{TotalAmount: "100", UnitPrice: "0.01"}}}
	b, err = json.Marshal(inv)
	require.NoError(t, err)
	assert.JSONEq(t, `{"totalAmount":100,"subTotal":"90.00","totalDiscount":"0","exchangeRate":1,"issueDate":"2023-10-10",
		"lineItems":[{"totalAmount":100,"unitPrice":0.01}]}`, string(b),
		"an invoice's amounts are numbers, except subTotal and totalDiscount (retrieve-invoice types them string)")

	for _, c := range []struct {
		bill Bill
		want string
	}{
		{Bill{BillNumber: "1001", CompanyID: "7", SubTotal: "5"}, `{"billNumber":1001,"companyId":7,"subTotal":"5"}`},
		{Bill{BillNumber: "PLDT-001"}, `{"billNumber":"PLDT-001"}`},
	} {
		b, err = json.Marshal(c.bill)
		require.NoError(t, err)
		assert.JSONEq(t, c.want, string(b))
	}

	v, err := json.Marshal(Variant{Price: "25.00", Inventory: &Inventory{TotalCount: 0}, Weight: &Weight{Value: "1.5", Unit: "kg"},
		OptionValues: []OptionValue{{Name: "Size", Value: "M"}}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"price":"25.00","inventory":{"totalCount":0},"weight":{"value":1.5,"unit":"kg"},"optionValues":[{"name":"Size","value":"M"}]}`, string(v))

	for d, want := range map[Decimal]string{"": "null", "1e3": "1e3", "-0.5": "-0.5", "12,50": `"12,50"`, "NaN": `"NaN"`, "0x10": `"0x10"`} {
		got, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Equal(t, want, string(got), "Decimal(%q)", string(d))
	}
	ts, err := json.Marshal(Timestamp{Time: time.Date(2025, 1, 2, 3, 4, 5, 6e6, time.FixedZone("x", 3600))})
	require.NoError(t, err)
	assert.Equal(t, `"2025-01-02T02:04:05.006Z"`, string(ts))
	ts, err = json.Marshal(Timestamp{})
	require.NoError(t, err)
	assert.Equal(t, `null`, string(ts))
	c, err := json.Marshal(Contact{Account: Ref{ID: "a1"}, LastActivityAt: Timestamp{}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"account":"a1"}`, string(c))
	d, err := json.Marshal(Opportunity{CloseDate: NewDate(2023, time.November, 17)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"closeDate":"2023-11-17"}`, string(d))
	for code, want := range map[Code]string{"": "null", "1001": "1001", "PLDT-001": `"PLDT-001"`, "007": `"007"`} {
		got, err := json.Marshal(code)
		require.NoError(t, err)
		assert.Equal(t, want, string(got), "Code(%q)", string(code))
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	assert.Equal(t, Filter{"fulfillmentStatus", "", "Fulfilled"}, Eq("fulfillmentStatus", "Fulfilled"))
	assert.Equal(t, Filter{"email", "Contains", "@acme"}, Contains("email", "@acme"))
	assert.Equal(t, Filter{"orderStatus", "NotEquals", "cancelled"}, NotEq("orderStatus", "cancelled"))
	assert.Equal(t, Filter{"totalPrice", "Min", "250"}, Min("totalPrice", 250))
	assert.Equal(t, Filter{"totalPrice", "Max", "999.99"}, Max("totalPrice", 999.99))
	assert.Equal(t, Filter{"totalPrice", "Max", "10.10"}, Max("totalPrice", Decimal("10.10")))
	assert.Equal(t, Filter{"updatedTimestamp", "Min", "2025-01-01T00:00:00Z"}, Min("updatedTimestamp", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, Filter{"x", "Min", "1.5"}, Min("x", float32(1.5)))
	assert.Equal(t, Filter{"active", "", "true"}, Eq("active", true))
	assert.Equal(t, Filter{"issueDate", "Min", "2024-06-10"}, Min("issueDate", NewDate(2024, time.June, 10)))
	assert.Equal(t, Filter{"remoteUpdatedAt", "Min", "2024-06-10T12:00:00Z"}, Min("remoteUpdatedAt", Timestamp{Time: time.Date(2024, 6, 10, 14, 0, 0, 0, time.FixedZone("x", 7200))}))
	assert.Equal(t, Filter{"billNumber", "", "1001"}, Eq("billNumber", Code("1001")))
}

// firstErr ranges over seq and returns the first error it yields.
func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
