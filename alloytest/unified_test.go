package alloytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/unified"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// connected starts a server with a user connected to app, and returns the
// Unified API client for version and the connection's id.
func connected(t *testing.T, version, app string) (*alloytest.Server, *alloy.Client, *unified.Client, string) {
	t.Helper()
	srv, c, u := setup(t, version)
	conn, err := srv.Connect(u.ID, app)
	require.NoError(t, err)
	return srv, c, mustUnified(t, c), conn
}

// mustUnified is unified.New for a client the test knows is good.
func mustUnified(t testing.TB, c *alloy.Client) *unified.Client {
	t.Helper()
	u, err := unified.New(c)
	require.NoError(t, err)
	return u
}

// collect runs All to the end.
func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for item, err := range seq {
		require.NoError(t, err)
		out = append(out, item)
	}
	return out
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func customerID(c unified.Customer) string { return c.ID }

func TestUnifiedConnectIsACredential(t *testing.T) {
	srv, c, u := setup(t, "2024-03")
	ctx := context.Background()
	conn, err := srv.Connect(u.Username, "shopify")
	require.NoError(t, err)
	assert.Len(t, conn, 24)
	creds, err := c.Credentials.List(ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, creds, 1)
	assert.Equal(t, conn, creds[0].ID)
	assert.Equal(t, "shopify", creds[0].Type)

	_, err = srv.Connect("nobody", "shopify")
	assert.ErrorContains(t, err, `no user "nobody"`)
	_, err = srv.Connect(u.ID, "salesforce")
	assert.ErrorContains(t, err, `no app "salesforce"`)
	custom := newServer(t, alloytest.WithApps([]alloytest.AppDef{{Name: "plain", DisplayName: "Plain"}}))
	_, err = custom.Connect(u.ID, "plain")
	assert.ErrorContains(t, err, "no Unified API category")

	// a credential made through the Embedded API is a connection as well
	cred, err := c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "netsuite", Data: netsuiteData})
	require.NoError(t, err)
	n, err := mustUnified(t, c).Accounting.Invoices.Count(ctx, cred.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Len(t, srv.Records(cred.ID, "accounting/invoices"), 2)
}

func TestUnifiedCommerce(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, _, u, conn := connected(t, version, "shopify")
			ctx := context.Background()
			customers := u.Commerce.Customers

			page, err := customers.List(ctx, conn, nil)
			require.NoError(t, err)
			assert.Equal(t, []string{"cus_1001", "cus_1002", "cus_1003"}, ids(page.Items, customerID))
			assert.False(t, page.HasNext)
			assert.Equal(t, "Dana", page.Items[0].FirstName)
			created0, _ := syncTimes(t, page.Items[0].Raw, version)
			assert.Equal(t, "2024-06-01T09:30:00Z", created0.Format(time.RFC3339), "the remote app's creation time, on every version")

			page, err = customers.List(ctx, conn, &unified.ListParams{Filters: []unified.Filter{unified.Contains("email", "EXAMPLE.COM")}})
			require.NoError(t, err)
			assert.Equal(t, []string{"cus_1001", "cus_1002"}, ids(page.Items, customerID), "contains is case-insensitive")
			page, err = customers.List(ctx, conn, &unified.ListParams{Filters: []unified.Filter{unified.Eq("firstName", "Mei"), unified.NotEq("phone", "x")}})
			require.NoError(t, err)
			assert.Equal(t, []string{"cus_1003"}, ids(page.Items, customerID))

			got, err := customers.Get(ctx, conn, "cus_1002")
			require.NoError(t, err)
			assert.Equal(t, "luis.moreno@example.com", got.Email)
			stored := srv.Records(conn, "commerce/customers")[1]
			var served map[string]any
			require.NoError(t, json.Unmarshal(got.Raw, &served))
			for k, v := range served {
				if stored[k] != nil || !strings.HasSuffix(k, "Timestamp") {
					assert.Equal(t, stored[k], v, "%s as stored", k)
				}
			}
			if version == "2023-12" { // in milliseconds for customers
				assert.EqualValues(t, time.Date(2024, 6, 2, 9, 30, 0, 0, time.UTC).UnixMilli(), served["createdTimestamp"])
				assert.NotContains(t, served, "remoteCreatedAt")
			} else {
				assert.Equal(t, "2024-06-02T09:30:00.000Z", served["remoteCreatedAt"])
				assert.Equal(t, "2024-07-01T08:00:00.000Z", served["createdAt"], "synced when the connection was made")
				assert.NotContains(t, served, "createdTimestamp")
			}

			before := time.Now().Add(-time.Second)
			created, err := customers.Create(ctx, conn, &unified.Customer{FirstName: "Ada", LastName: "Byron", Email: "ada@example.net",
				Record: unified.Record{ID: "mine", RemoteID: "mine"}})
			require.NoError(t, err)
			assert.Len(t, created.ID, 12, "the server assigns the id")
			assert.NotEqual(t, "mine", created.RemoteID)
			assert.NotEmpty(t, created.RemoteID)
			createdAt, updatedAt := syncTimes(t, created.Raw, version)
			assert.True(t, createdAt.After(before))
			assert.Equal(t, createdAt, updatedAt)
			assert.Contains(t, string(created.Raw), `"phone":null`, "a create answers the whole record")

			updated, err := customers.Update(ctx, conn, created.ID, &unified.Customer{Phone: "+15550001111"})
			require.NoError(t, err)
			assert.Equal(t, "Ada", updated.FirstName, "an update merges")
			assert.Equal(t, "+15550001111", updated.Phone)
			createdAgain, updatedAgain := syncTimes(t, updated.Raw, version)
			assert.Equal(t, createdAt, createdAgain)
			assert.False(t, updatedAgain.Before(updatedAt))

			require.NoError(t, customers.Delete(ctx, conn, created.ID))
			_, err = customers.Get(ctx, conn, created.ID)
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			assert.ErrorIs(t, customers.Delete(ctx, conn, created.ID), alloy.ErrNotFound)
			_, err = customers.Update(ctx, conn, created.ID, &unified.Customer{Phone: "x"})
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			orders, err := u.Commerce.Orders.List(ctx, conn, &unified.ListParams{Filters: []unified.Filter{unified.Min("totalPrice", 100)}})
			require.NoError(t, err)
			require.Len(t, orders.Items, 1)
			assert.Equal(t, "ord_1002", orders.Items[0].ID)
			assert.Equal(t, unified.Decimal("242.03"), orders.Items[0].TotalPrice)
			assert.Equal(t, "Luis", orders.Items[0].Customer.FirstName)
			require.Len(t, orders.Items[0].LineItems, 2)
			assert.Equal(t, "var_1006", orders.Items[0].LineItems[0].VariantID)
			orders, err = u.Commerce.Orders.List(ctx, conn, &unified.ListParams{Filters: []unified.Filter{unified.Eq("fulfillmentStatus", "Fulfilled"), unified.Max("totalPrice", "78.98")}})
			require.NoError(t, err)
			require.Len(t, orders.Items, 1)
			assert.Equal(t, "ord_1001", orders.Items[0].ID)

			product, err := u.Commerce.Products.Create(ctx, conn, &unified.Product{ProductName: "Wool Beanie"})
			require.NoError(t, err)
			assert.Equal(t, "Wool Beanie", product.ProductName)
			variants := u.Commerce.Variants(product.ID)
			v, err := variants.Create(ctx, conn, &unified.Variant{Title: "Grey", SKU: "BEANIE-GRY", Price: "24", ProductID: "prd_1001"})
			require.NoError(t, err)
			assert.Equal(t, product.ID, v.ProductID, "a variant belongs to the product of its path")
			v, err = variants.Update(ctx, conn, v.ID, &unified.Variant{Inventory: &unified.Inventory{TotalCount: 7}})
			require.NoError(t, err)
			assert.Equal(t, &unified.Inventory{TotalCount: 7}, v.Inventory)
			assert.Equal(t, "BEANIE-GRY", v.SKU)
			list, err := variants.List(ctx, conn, nil)
			require.NoError(t, err)
			require.Len(t, list.Items, 1)

			sock, err := u.Commerce.Variants("prd_1001").List(ctx, conn, nil)
			require.NoError(t, err)
			assert.Equal(t, []string{"SOCK-M", "SOCK-L"}, ids(sock.Items, func(v unified.Variant) string { return v.SKU }))
			_, err = u.Commerce.Variants("prd_1001").Get(ctx, conn, v.ID)
			assert.ErrorIs(t, err, alloy.ErrNotFound, "the variant is another product's")
			_, err = u.Commerce.Variants("nope").List(ctx, conn, nil)
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			require.NoError(t, u.Commerce.Products.Delete(ctx, conn, product.ID))
			assert.Len(t, srv.Records(conn, "commerce/products/{productId}/variants"), 6, "the product's variants went with it")
			_, err = variants.List(ctx, conn, nil)
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			fulfillments := u.Commerce.Fulfillments("ord_1001")
			fl, err := fulfillments.List(ctx, conn, nil)
			require.NoError(t, err)
			require.Len(t, fl.Items, 1)
			assert.Contains(t, string(fl.Items[0].Raw), `"carrier":"UPS"`)
			one, err := fulfillments.Get(ctx, conn, "ful_1001")
			require.NoError(t, err)
			assert.Equal(t, "ful_1001", one.ID)
			n, err := fulfillments.Count(ctx, conn, nil)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			n, err = u.Commerce.Fulfillments("ord_1002").Count(ctx, conn, nil)
			require.NoError(t, err)
			assert.Zero(t, n)
			_, err = u.Commerce.Fulfillments("nope").Count(ctx, conn, nil)
			assert.ErrorIs(t, err, alloy.ErrNotFound)
		})
	}
}

// syncTimes reads when a record was created and last changed, as the
// version serves it: createdTimestamp and updatedTimestamp (Unix) on
// 2023-12, remoteCreatedAt and remoteUpdatedAt later.
func syncTimes(t *testing.T, raw json.RawMessage, version string) (created, updated time.Time) {
	t.Helper()
	var times struct {
		CreatedTimestamp, UpdatedTimestamp, RemoteCreatedAt, RemoteUpdatedAt unified.Timestamp
	}
	require.NoError(t, json.Unmarshal(raw, &times))
	if version == "2023-12" {
		return times.CreatedTimestamp.Time, times.UpdatedTimestamp.Time
	}
	return times.RemoteCreatedAt.Time, times.RemoteUpdatedAt.Time
}

func TestUnifiedAccounting(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			_, _, u, conn := connected(t, version, "netsuite")
			ctx := context.Background()
			acct := u.Accounting

			info, err := acct.CompanyInfo.List(ctx, conn, nil)
			require.NoError(t, err)
			require.Len(t, info.Items, 1)
			assert.Equal(t, "Northwind Goods", info.Items[0].CompanyName)
			assert.Equal(t, 12, info.Items[0].FiscalYearEndMonth)
			got, err := acct.CompanyInfo.Get(ctx, conn, info.Items[0].ID)
			require.NoError(t, err)
			assert.Equal(t, "Northwind Goods LLC", got.CompanyLegalName)

			invoices := acct.Invoices
			open, err := invoices.List(ctx, conn, &unified.ListParams{Filters: []unified.Filter{unified.Eq("invoiceStatus", "OPEN")}})
			require.NoError(t, err)
			require.Len(t, open.Items, 1)
			assert.Equal(t, "INV-1002", open.Items[0].InvoiceNumber)
			assert.Equal(t, unified.Decimal("123.2"), open.Items[0].Balance, "after a 50.00 deposit")
			assert.Equal(t, 2024, open.Items[0].IssueDate.Year())

			inv, err := invoices.Create(ctx, conn, &unified.Invoice{CustomerID: "cus_1003", InvoiceNumber: "INV-1003", InvoiceStatus: "DRAFT"})
			require.NoError(t, err)
			inv, err = invoices.Update(ctx, conn, inv.ID, &unified.Invoice{InvoiceStatus: "OPEN"})
			require.NoError(t, err)
			assert.Equal(t, "INV-1003", inv.InvoiceNumber)
			n, err := invoices.Count(ctx, conn, []unified.Filter{unified.Eq("invoiceStatus", "OPEN")})
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			n, err = invoices.Count(ctx, conn, []unified.Filter{unified.Min("issueDate", time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC))})
			require.NoError(t, err)
			assert.Equal(t, 1, n, "dates compare as dates; the new invoice has none")
			require.NoError(t, invoices.Delete(ctx, conn, inv.ID))
			n, err = invoices.Count(ctx, conn, nil)
			require.NoError(t, err)
			assert.Equal(t, 2, n)

			n, err = acct.TaxRates.Count(ctx, conn, []unified.Filter{unified.Min("totalTaxRate", 1)})
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			cats, err := acct.TrackingCategories.List(ctx, conn, &unified.ListParams{Filters: []unified.Filter{unified.Eq("trackingCategoryType", "CLASS")}})
			require.NoError(t, err)
			assert.Len(t, cats.Items, 2)
			for _, count := range []func(context.Context, string, []unified.Filter, ...alloy.RequestOption) (int, error){
				acct.Accounts.Count, acct.Customers.Count, acct.Vendors.Count, acct.Items.Count, acct.Bills.Count,
				acct.Payments.Count, acct.PurchaseOrders.Count, acct.SalesOrders.Count,
			} {
				n, err := count(ctx, conn, nil)
				require.NoError(t, err)
				assert.Positive(t, n, "every collection has sample records")
			}
			_, err = u.Commerce.Customers.List(ctx, conn, nil)
			assert.ErrorIs(t, err, alloy.ErrBadRequest, "netsuite is no commerce app")
		})
	}
}

func TestUnifiedCRM(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			_, _, u, conn := connected(t, version, "hubspot")
			ctx := context.Background()
			contacts := u.CRM.Contacts

			list, err := contacts.List(ctx, conn, &unified.ListParams{Filters: []unified.Filter{unified.Eq("account", "acc_1001")}})
			require.NoError(t, err)
			require.Len(t, list.Items, 2)
			assert.Equal(t, "acc_1001", list.Items[0].Account.ID)
			c, err := contacts.Create(ctx, conn, &unified.Contact{FirstName: "Grace", LastName: "Hopper", Account: unified.Ref{ID: "acc_1002"}})
			require.NoError(t, err)
			c, err = contacts.Update(ctx, conn, c.ID, &unified.Contact{LastName: "Murray Hopper"})
			require.NoError(t, err)
			assert.Equal(t, "Grace", c.FirstName)
			assert.Equal(t, "Murray Hopper", c.LastName)
			n, err := contacts.Count(ctx, conn, []unified.Filter{unified.Eq("account", "acc_1002")})
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			require.NoError(t, contacts.Delete(ctx, conn, c.ID))
			n, err = contacts.Count(ctx, conn, nil)
			require.NoError(t, err)
			assert.Equal(t, 3, n)

			opps, err := u.CRM.Opportunities.List(ctx, conn, &unified.ListParams{Filters: []unified.Filter{unified.Min("amount", 10000)}})
			require.NoError(t, err)
			require.Len(t, opps.Items, 1)
			assert.Equal(t, "Acme holiday order", opps.Items[0].OpportunityName)
			assert.Equal(t, "acc_1001", opps.Items[0].OpportunityAccount.ID)
			users, err := u.CRM.Users.List(ctx, conn, nil)
			require.NoError(t, err)
			require.Len(t, users.Items, 2)
			assert.Contains(t, string(users.Items[0].Raw), `"userEmail":"rosa.diaz@northwind-goods.example"`)
			for _, count := range []func(context.Context, string, []unified.Filter, ...alloy.RequestOption) (int, error){
				u.CRM.Accounts.Count, u.CRM.Leads.Count, u.CRM.Notes.Count, u.CRM.Tasks.Count,
			} {
				n, err := count(ctx, conn, nil)
				require.NoError(t, err)
				assert.Equal(t, 2, n)
			}
			_, err = u.Accounting.Invoices.List(ctx, conn, nil)
			assert.ErrorIs(t, err, alloy.ErrBadRequest)
		})
	}
}

// TestUnifiedAllOverSeededRecords walks a thousand records in both paging
// schemes: cursors on 2023-12, page numbers later.
func TestUnifiedAllOverSeededRecords(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, _, u, conn := connected(t, version, "hubspot")
			ctx := context.Background()
			require.NoError(t, srv.Clear(conn, "crm/contacts"))
			records := make([]map[string]any, 1000)
			for i := range records {
				records[i] = map[string]any{"firstName": fmt.Sprintf("Contact %04d", i), "lastName": []string{"Even", "Odd"}[i%2], "score": i}
			}
			require.NoError(t, srv.Seed(conn, "crm/contacts", records...))

			all := collect(t, u.CRM.Contacts.ListIter(ctx, conn, nil))
			require.Len(t, all, 1000)
			for i, c := range all {
				require.Equal(t, fmt.Sprintf("Contact %04d", i), c.FirstName, "creation order")
			}
			odd := collect(t, u.CRM.Contacts.ListIter(ctx, conn, &unified.ListParams{PageSize: 100, Filters: []unified.Filter{unified.Eq("lastName", "Odd")}}))
			assert.Len(t, odd, 500)
			n, err := u.CRM.Contacts.Count(ctx, conn, []unified.Filter{unified.Min("score", 100), unified.Max("score", 199)})
			require.NoError(t, err)
			assert.Equal(t, 100, n)

			first, err := u.CRM.Contacts.List(ctx, conn, &unified.ListParams{PageSize: 100})
			require.NoError(t, err)
			assert.Len(t, first.Items, 100)
			assert.True(t, first.HasNext)
			if version == "2023-12" {
				assert.NotEmpty(t, first.NextCursor)
				next, err := u.CRM.Contacts.List(ctx, conn, &unified.ListParams{PageSize: 100, Cursor: first.NextCursor})
				require.NoError(t, err)
				assert.Equal(t, "Contact 0100", next.Items[0].FirstName)
			} else {
				assert.Empty(t, first.NextCursor)
				last, err := u.CRM.Contacts.List(ctx, conn, &unified.ListParams{PageSize: 100, PageNumber: 10})
				require.NoError(t, err)
				assert.Equal(t, "Contact 0999", last.Items[99].FirstName)
				past, err := u.CRM.Contacts.List(ctx, conn, &unified.ListParams{PageNumber: 1 << 40})
				require.NoError(t, err)
				assert.Empty(t, past.Items)
			}

			// appended after the sample customers
			customers := make([]map[string]any, 1000)
			for i := range customers {
				customers[i] = map[string]any{"email": fmt.Sprintf("c%d@example.net", i)}
			}
			shop, err := srv.Connect(srv.Users()[0].ID, "bigcommerce")
			require.NoError(t, err)
			require.NoError(t, srv.Seed(shop, "commerce/customers", customers...))
			got := collect(t, u.Commerce.Customers.ListIter(ctx, shop, nil))
			require.Len(t, got, 1003)
			assert.Equal(t, "cus_1001", got[0].ID)
			assert.Equal(t, "c999@example.net", got[1002].Email)
		})
	}
}

// TestUnifiedCursorsSurviveDeletes deletes records between pages: a
// cursor names the last record served, not an offset.
func TestUnifiedCursorsSurviveDeletes(t *testing.T) {
	srv, _, u, conn := connected(t, "2023-12", "shopify")
	ctx := context.Background()
	page, err := u.Commerce.Customers.List(ctx, conn, &unified.ListParams{PageSize: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"cus_1001", "cus_1002"}, ids(page.Items, customerID))
	require.True(t, page.HasNext)
	require.NoError(t, u.Commerce.Customers.Delete(ctx, conn, "cus_1001"))
	require.NoError(t, srv.Seed(conn, "commerce/customers", map[string]any{"id": "cus_2001"}))
	page, err = u.Commerce.Customers.List(ctx, conn, &unified.ListParams{PageSize: 2, Cursor: page.NextCursor})
	require.NoError(t, err)
	assert.Equal(t, []string{"cus_1003", "cus_2001"}, ids(page.Items, customerID))
	assert.False(t, page.HasNext)
	assert.Empty(t, page.NextCursor)
}

func TestUnifiedSeedRecordsAndClear(t *testing.T) {
	srv, _, u := setup(t, "2024-03")
	conn, err := srv.Connect(u.ID, "shopify")
	require.NoError(t, err)

	for _, tc := range []struct {
		name, collection string
		records          []map[string]any
		err              string
	}{
		{"unknown connection", "commerce/customers", nil, `no connection "x"`},
		{"unknown collection", "commerce/widgets", nil, `no Unified API collection "commerce/widgets"`},
		{"wrong category", "crm/contacts", nil, "shopify does not support crm/contacts"},
		{"unknown parent", "commerce/products/nope/variants", nil, `product "nope" not found`},
		{"template without parent", "commerce/products/{productId}/variants", []map[string]any{{"title": "x"}}, `record 0: productId "" is not in commerce/products`},
		{"taken id", "commerce/customers", []map[string]any{{"id": "cus_1001"}}, `record 0: id "cus_1001" is already in commerce/customers`},
		{"repeated id", "commerce/customers", []map[string]any{{"id": "a"}, {"id": "a"}}, `record 1: id "a" is already`},
		{"id not a string", "commerce/customers", []map[string]any{{"id": 7}}, "record 0: id must be a string"},
		{"not JSON", "commerce/customers", []map[string]any{{"f": func() {}}}, "record 0 is not a JSON object"},
	} {
		target := conn
		if tc.name == "unknown connection" {
			target = "x"
		}
		assert.ErrorContains(t, srv.Seed(target, tc.collection, tc.records...), tc.err, tc.name)
	}
	assert.Len(t, srv.Records(conn, "commerce/customers"), 3, "a failed seed adds nothing")

	input := map[string]any{"title": "XL", "price": 19, "productId": "prd_1003"}
	require.NoError(t, srv.Seed(conn, "commerce/products/prd_1001/variants", input))
	require.NoError(t, srv.Seed(conn, "/one/commerce/products/{productId}/variants", map[string]any{"title": "Jumbo", "productId": "prd_1002", "id": "var_9"}))
	input["title"] = "changed"
	sock := srv.Records(conn, "commerce/products/prd_1001/variants")
	require.Len(t, sock, 3)
	xl := sock[2]
	assert.Equal(t, "XL", xl["title"], "Seed keeps a copy")
	assert.Equal(t, "prd_1001", xl["productId"], "the path names the parent")
	assert.EqualValues(t, 19, xl["price"])
	assert.Len(t, xl["id"], 12)
	assert.NotEmpty(t, xl["remoteId"])
	assert.NotEmpty(t, xl["createdAt"])
	for _, k := range []string{"updatedAt", "remoteCreatedAt", "remoteUpdatedAt"} {
		assert.Equal(t, xl["createdAt"], xl[k], k)
	}
	assert.Equal(t, false, xl["remoteDeleted"])
	assert.Len(t, srv.Records(conn, "commerce/products/{productId}/variants"), 8)
	sock[0]["title"] = "mutated"
	assert.Equal(t, "M", srv.Records(conn, "commerce/products/prd_1001/variants")[0]["title"], "Records returns copies")

	assert.Nil(t, srv.Records("x", "commerce/customers"))
	assert.Nil(t, srv.Records(conn, "nope"))
	assert.Nil(t, srv.Records(conn, "crm/contacts"))

	require.NoError(t, srv.Clear(conn, "commerce/products/prd_1002/variants"))
	assert.Len(t, srv.Records(conn, "commerce/products/{productId}/variants"), 5)
	require.NoError(t, srv.Clear(conn, "commerce/products"))
	assert.Empty(t, srv.Records(conn, "commerce/products/{productId}/variants"), "sub-collections go with their parents")
	assert.Len(t, srv.Records(conn, "commerce/customers"), 3)
	require.NoError(t, srv.Clear(conn))
	assert.Empty(t, srv.Records(conn, "commerce/customers"))
	assert.Error(t, srv.Clear("x"))
	assert.Error(t, srv.Clear(conn, "crm/contacts"))
}

func TestUnifiedUsersAreTheEmbeddedUsers(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv := newServer(t)
			c := srv.Client(alloy.WithAPIVersion(version), alloy.WithMaxRetries(0))
			u := mustUnified(t, c)
			ctx := context.Background()
			created, err := u.Users.Create(ctx, alloy.UserCreateParams{Username: "one@northwind.example", FullName: "One"})
			require.NoError(t, err)
			got, err := c.Users.Get(ctx, created.ID)
			require.NoError(t, err)
			assert.Equal(t, created, got)
			got, err = u.Users.Get(ctx, "one@northwind.example")
			require.NoError(t, err)
			assert.Equal(t, created, got)
			updated, err := u.Users.Update(ctx, created.ID, alloy.UserUpdateParams{FullName: alloy.Ptr("One LLC")})
			require.NoError(t, err)
			assert.Equal(t, "One LLC", updated.FullName)
			list, err := u.Users.List(ctx)
			require.NoError(t, err)
			assert.Equal(t, []alloy.User{*updated}, list)
			_, err = u.Users.Create(ctx, alloy.UserCreateParams{Username: "one@northwind.example"})
			assert.ErrorIs(t, err, alloy.ErrConflict)

			conn, err := srv.Connect(created.ID, "shopify")
			require.NoError(t, err)
			require.NoError(t, u.Users.Delete(ctx, created.ID))
			assert.Empty(t, srv.Users())
			assert.ErrorIs(t, u.Users.Delete(ctx, created.ID), alloy.ErrNotFound)
			_, err = u.Commerce.Customers.List(ctx, conn, nil)
			assert.ErrorIs(t, err, alloy.ErrNotFound, "a deleted user's connections go with them")
		})
	}
}

func TestUnifiedDeleteConnection(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, u, conn := connected(t, version, "bigcommerce")
			ctx := context.Background()
			owner := srv.Users()[0]
			other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "other"})
			require.NoError(t, err)
			assert.ErrorIs(t, u.Connections.Delete(ctx, conn, other.ID), alloy.ErrNotFound, "not the owner")
			assert.ErrorIs(t, u.Connections.Delete(ctx, conn, "ghost"), alloy.ErrNotFound)
			assert.ErrorIs(t, u.Connections.Delete(ctx, "nope", ""), alloy.ErrNotFound)
			require.NoError(t, u.Connections.Delete(ctx, conn, owner.Username))
			creds, err := c.Credentials.List(ctx, owner.ID)
			require.NoError(t, err)
			assert.Empty(t, creds, "the connection was the credential")
			assert.Nil(t, srv.Records(conn, "commerce/customers"))
			_, err = u.Commerce.Customers.List(ctx, conn, nil)
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			assert.ErrorIs(t, u.Connections.Delete(ctx, conn, ""), alloy.ErrNotFound)

			again, err := srv.Connect(owner.ID, "bigcommerce")
			require.NoError(t, err)
			require.NoError(t, u.Connections.Delete(ctx, again, ""), "the owner may be left out")
		})
	}
}

func TestUnifiedForward(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, _, u, conn := connected(t, version, "shopify")
			ctx := context.Background()
			resp, err := u.Passthrough.Do(ctx, conn, alloy.PassthroughRequest{Method: "get", Path: "/admin/api/2024-04/shop.json",
				Query: map[string]string{"fields": "name"}, Headers: map[string]string{"X-Trace": "1"}, Body: map[string]any{"a": 1}})
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.JSONEq(t, `{"method":"GET","endpoint":"/admin/api/2024-04/shop.json","query":{"fields":"name"},"headers":{"X-Trace":"1"},"body":{"a":1},"credentialType":"shopify"}`, string(resp.Body))
			_, err = u.Passthrough.Do(ctx, "nope", alloy.PassthroughRequest{Method: "GET", Path: "/x"})
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			usage, err := srv.Client().Analytics.GetUsage(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, usage.APIActions, "a forwarded call is an API action")
		})
	}
}

func TestUnifiedMetadata(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, _ := setup(t, version)
			ctx := context.Background()
			md := mustUnified(t, c).Metadata
			ops, err := md.ListOperations(ctx, "shopify")
			require.NoError(t, err)
			assert.Equal(t, map[string][]string{
				"customer":    {"listCustomers", "getCustomer", "createCustomer", "updateCustomer", "deleteCustomer"},
				"order":       {"listOrders", "getOrder", "createOrder", "updateOrder", "deleteOrder"},
				"product":     {"listProducts", "getProduct", "createProduct", "updateProduct", "deleteProduct"},
				"variant":     {"listVariants", "getVariant", "createVariant", "updateVariant", "deleteVariant"},
				"fulfillment": {"listFulfillments", "getFulfillment", "countFulfillments"},
			}, ops)
			ops, err = md.ListOperations(ctx, "netsuite")
			require.NoError(t, err)
			assert.Len(t, ops, 12)
			assert.Equal(t, []string{"listCompanyInfo", "getCompanyInfo", "countCompanyInfo"}, ops["companyInfo"])
			assert.Equal(t, []string{"listTaxRates", "getTaxRate", "countTaxRates"}, ops["taxRate"])
			ops, err = md.ListOperations(ctx, "hubspot")
			require.NoError(t, err)
			assert.Len(t, ops, 7)
			assert.Contains(t, ops["opportunity"], "countOpportunities")
			_, err = md.ListOperations(ctx, "salesforce")
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			raw, err := md.ListFields(ctx, "shopify", "listOrders")
			require.NoError(t, err)
			var fields struct {
				Fields []struct{ Name, Type string } `json:"fields"`
			}
			require.NoError(t, json.Unmarshal(raw, &fields))
			types := map[string]string{}
			for _, f := range fields.Fields {
				types[f.Name] = f.Type
			}
			assert.Equal(t, "string", types["totalPrice"], "the orders pages type it String (\"1000.00\")")
			assert.Equal(t, "array", types["lineItems"])
			assert.Equal(t, "object", types["customer"])
			if version == "2023-12" {
				assert.Equal(t, "number", types["createdTimestamp"], "Unix seconds")
				assert.NotContains(t, types, "createdAt")
			} else {
				assert.Equal(t, "string", types["createdAt"])
				assert.NotContains(t, types, "createdTimestamp")
			}
			assert.NotContains(t, types, "remoteFields", "write-only")
			raw, err = md.ListFields(ctx, "shopify", "createOrder")
			require.NoError(t, err)
			assert.Contains(t, string(raw), `{"name":"remoteFields","type":"object"}`)
			assert.NotContains(t, string(raw), `"name":"id"`, "read-only")
			raw, err = md.ListFields(ctx, "netsuite", "createInvoice")
			require.NoError(t, err)
			assert.Contains(t, string(raw), `{"name":"invoiceNumber","type":"string"}`)
			_, err = md.ListFields(ctx, "netsuite", "createTaxRate")
			assert.ErrorIs(t, err, alloy.ErrNotFound, "tax rates are read-only")
			_, err = md.ListFields(ctx, "shopify", "listInvoices")
			assert.ErrorIs(t, err, alloy.ErrNotFound, "another category's")
			_, err = md.ListFields(ctx, "ghost", "listOrders")
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			status, body := raw2(t, srv, "GET", "/one/metadata/operations", version)
			assert.Equal(t, 400, status)
			assert.Contains(t, body, `query parameter \"app\": value is required but missing`)
			status, body = raw2(t, srv, "GET", "/one/metadata/fields?app=shopify", version)
			assert.Equal(t, 400, status)
			assert.Contains(t, body, `query parameter \"operation\": value is required but missing`)
		})
	}
}

// raw2 sends a request with the server's key in version's addressing style.
func raw2(t *testing.T, srv *alloytest.Server, method, path, version string) (int, string) {
	t.Helper()
	if version < "2025-09" {
		return raw(t, srv, method, "/"+version+path, "Bearer "+srv.APIKey, "", "")
	}
	return raw(t, srv, method, path, "Bearer "+srv.APIKey, version, "")
}

func TestUnifiedWebhooks(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, u, conn := connected(t, version, "shopify")
			ctx := context.Background()
			hooks := u.Webhooks
			sub, err := hooks.Create(ctx, conn, unified.SubscriptionCreateParams{Address: "https://hooks.northwind-goods.example/alloy", Topics: []string{"commerce/orders", "sync/completed"}})
			require.NoError(t, err)
			assert.Len(t, sub.ID, 24)
			assert.True(t, sub.Enabled)
			assert.Equal(t, []string{"commerce/orders", "sync/completed"}, sub.Topics)
			second, err := hooks.Create(ctx, conn, unified.SubscriptionCreateParams{Address: "https://hooks.northwind-goods.example/b", Topics: []string{"commerce/customers"}})
			require.NoError(t, err)

			list, err := hooks.List(ctx, conn, "")
			require.NoError(t, err)
			assert.Equal(t, []unified.Subscription{*sub, *second}, list)
			owner := srv.Users()[0]
			list, err = hooks.List(ctx, conn, owner.Username)
			require.NoError(t, err)
			assert.Len(t, list, 2)
			other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "other"})
			require.NoError(t, err)
			_, err = hooks.List(ctx, conn, other.ID)
			assert.ErrorIs(t, err, alloy.ErrNotFound, "another user's connection")
			assert.Equal(t, []alloytest.WebhookSubscription{
				{ID: sub.ID, Address: sub.Address, Topics: sub.Topics},
				{ID: second.ID, Address: second.Address, Topics: second.Topics},
			}, srv.Subscriptions(conn))

			got, err := hooks.Get(ctx, conn, sub.ID)
			require.NoError(t, err)
			assert.Equal(t, sub, got)
			require.NoError(t, hooks.Delete(ctx, conn, sub.ID))
			_, err = hooks.Get(ctx, conn, sub.ID)
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			assert.ErrorIs(t, hooks.Delete(ctx, conn, sub.ID), alloy.ErrNotFound)
			assert.Len(t, srv.Subscriptions(conn), 1)

			other2, err := srv.Connect(owner.ID, "bigcommerce")
			require.NoError(t, err)
			_, err = hooks.Get(ctx, other2, second.ID)
			assert.ErrorIs(t, err, alloy.ErrNotFound, "subscriptions are per connection")
			assert.Empty(t, srv.Subscriptions("nope"))
		})
	}
}

// TestUnifiedRaw covers what the SDK will not send: each error a /one/
// call can answer.
func TestUnifiedRaw(t *testing.T) {
	srv, _, u := setup(t, "2024-03")
	shop, err := srv.Connect(u.ID, "shopify")
	require.NoError(t, err)
	// a Connectivity API credential: its "hubspot-apiKey" app has no category
	cc, err := srv.Client().Connectors.CreateCredential(context.Background(), "hubspot",
		alloy.ConnectorCredentialCreateParams{UserID: u.ID, AuthenticationType: "apiKey", Data: map[string]any{"apiKey": "k"}})
	require.NoError(t, err)
	plain := cc.CredentialID
	cursor := func(q string) string {
		_, body := raw(t, srv, "GET", "/2023-12/one/commerce/customers?pageSize=1&connectionId="+shop+q, "Bearer "+srv.APIKey, "", "")
		var page struct {
			PageInfo struct{ NextCursor string } `json:"pageInfo"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &page), body)
		return page.PageInfo.NextCursor
	}
	customerCursor := cursor("")
	require.NotEmpty(t, customerCursor)
	s := "connectionId=" + shop
	for _, tc := range []struct {
		name, method, path, version, body string
		status                            int
		contains                          string
	}{
		{"no selector on 2023-12", "GET", "/2023-12/one/commerce/customers", "", "", 400, `query parameter \"connectionId\": value is required but missing`},
		{"no selector on 2024-03", "GET", "/2024-03/one/commerce/customers", "", "", 400, `query parameter \"credentialId\": value is required but missing`},
		{"no selector on 2025-09", "GET", "/one/commerce/customers/count", "2025-09", "", 400, `query parameter \"credentialId\": value is required but missing`},
		{"no selector on forward", "POST", "/2023-12/one/forward", "", `{"method":"GET","endpoint":"/x"}`, 400, `query parameter \"connectionId\": value is required but missing`},
		{"no selector on webhooks", "GET", "/one/webhooks", "2025-09", "", 400, `"credentialId is required"`},
		{"credentialId on 2023-12, which has only connectionId", "GET", "/2023-12/one/commerce/customers?credentialId=" + shop, "", "", 400, `query parameter \"connectionId\": value is required but missing`},
		{"connectionId on 2025-09", "GET", "/one/commerce/customers?" + s, "2025-09", "", 200, `"customers":[`},
		{"both, the same", "GET", "/2024-03/one/commerce/customers?credentialId=" + shop + "&" + s, "", "", 200, `"customers":[`},
		{"both, different", "GET", "/2024-03/one/commerce/customers?credentialId=x&" + s, "", "", 400, "name different connections"},
		{"unknown connection", "GET", "/2024-03/one/commerce/customers?credentialId=nope", "", "", 404, "Connection not found"},
		{"wrong category", "GET", "/2024-03/one/accounting/invoices?" + s, "", "", 400, `"shopify does not support accounting/invoices"`},
		{"no category", "GET", "/2024-03/one/crm/contacts?credentialId=" + plain, "", "", 400, "hubspot-apiKey does not support crm/contacts"},
		{"unknown id", "GET", "/2024-03/one/commerce/customers/nope?" + s, "", "", 404, `customer \"nope\" not found`},
		{"unknown parent", "GET", "/2024-03/one/commerce/products/nope/variants?" + s, "", "", 404, `product \"nope\" not found`},
		{"empty parent", "GET", "/2024-03/one/commerce/products//variants?" + s, "", "", 400, `path parameter \"productId\": value is required but missing`},
		{"pageSize 101", "GET", "/2024-03/one/commerce/customers?pageSize=101&" + s, "", "", 400, `query parameter \"pageSize\": number must be at most 100`},
		{"pageSize 0", "GET", "/2023-12/one/commerce/customers?pageSize=0&" + s, "", "", 400, `query parameter \"pageSize\": number must be at least 1`},
		{"pageNumber 0", "GET", "/2024-03/one/commerce/customers?pageNumber=0&" + s, "", "", 400, `query parameter \"pageNumber\": number must be at least 1`},
		{"garbled cursor", "GET", "/2023-12/one/commerce/customers?cursor=%25%25&" + s, "", "", 400, "Invalid cursor"},
		{"forged cursor", "GET", "/2023-12/one/commerce/customers?cursor=eyJwYWdlIjoyfQ&" + s, "", "", 400, "Invalid cursor"},
		{"another list's cursor", "GET", "/2023-12/one/commerce/orders?cursor=" + customerCursor + "&" + s, "", "", 400, "Invalid cursor"},
		{"cursor", "GET", "/2023-12/one/commerce/customers?pageSize=1&cursor=" + customerCursor + "&" + s, "", "", 200, `"id":"cus_1002"`},
		{"cursor ignored on 2024-03", "GET", "/2024-03/one/commerce/customers?cursor=x&" + s, "", "", 200, `"customers":[`},
		{"last page", "GET", "/2023-12/one/commerce/customers?pageSize=3&" + s, "", "", 200, `"pageInfo":{"hasNext":false,"nextCursor":null}`},
		{"no pageInfo on 2024-03", "GET", "/2024-03/one/commerce/customers?pageSize=1&" + s, "", "", 200, `{"customers":[{`},
		{"Min not a number", "GET", "/2024-03/one/commerce/orders?totalPriceMin=lots&" + s, "", "", 400, "totalPriceMin must be a number or a date"},
		{"undocumented create", "POST", "/2024-03/one/accounting/tax-rates?" + s, "", "{}", 405, "Method not allowed"},
		{"undocumented count", "GET", "/2024-03/one/commerce/customers/count?" + s, "", "", 404, `customer \"count\" not found`},
		{"undocumented fulfillment delete", "DELETE", "/2024-03/one/commerce/orders/ord_1001/fulfillments/ful_1001?" + s, "", "", 405, "Method not allowed"},
		{"before 2023-12", "GET", "/2023-01/one/commerce/customers?" + s, "", "", 404, "Route not found"},
		{"unknown collection", "GET", "/2024-03/one/commerce/widgets?" + s, "", "", 404, "Route not found"},
		{"null record", "POST", "/2024-03/one/commerce/customers?" + s, "", "null", 400, "request body: Value is not nullable"},
		{"array record", "POST", "/2024-03/one/commerce/customers?" + s, "", "[]", 400, "request body: value must be an object"},
		{"wrapped record, which the contract does not allow", "POST", "/2024-03/one/commerce/customers?" + s, "", `{"customer":{"firstName":"Wrapped"}}`, 400, `at /firstName: property \"firstName\" is missing`},
		{"wrapped update", "PUT", "/2024-03/one/commerce/customers/cus_1003?" + s, "", `{"customer":{"lastName":"T."}}`, 200, `"lastName":"T."`},
		{"delete answers a code", "DELETE", "/2024-03/one/commerce/customers/cus_1003?" + s, "", "", 200, `{"code":"DELETED"}`},
		{"forward for no category", "POST", "/2024-03/one/forward?credentialId=" + plain, "", `{"method":"GET","endpoint":"/x"}`, 200, `"credentialType":"hubspot-apiKey"`},
		{"count", "GET", "/2024-03/one/commerce/orders/ord_1001/fulfillments/count?" + s, "", "", 200, `{"count":1}`},
		{"forward without endpoint", "POST", "/2024-03/one/forward?" + s, "", `{"method":"GET","path":"/x"}`, 400, "method and endpoint are required"},
		{"forward unknown", "POST", "/2024-03/one/forward?credentialId=nope", "", `{"method":"GET","endpoint":"/x"}`, 404, "Connection not found"},
		{"forward bad body", "POST", "/2024-03/one/forward?" + s, "", `{"method":"GET","endpoint":"/x","body":{}}`, 400, "at /body: value must be a string"},
		{"webhook over http", "POST", "/2024-03/one/webhooks?" + s, "", `{"address":"http://x.example","topic":["commerce/orders"]}`, 400, "address must be an absolute https URL"},
		{"webhook without topic", "POST", "/2024-03/one/webhooks?" + s, "", `{"address":"https://x.example","topic":[]}`, 400, "topic must list at least one topic"},
		{"webhook for no category", "POST", "/2024-03/one/webhooks?credentialId=" + plain, "", `{"address":"https://x.example","topic":["a"]}`, 400, "hubspot-apiKey is not a Unified API connection"},
		{"webhook unknown user", "GET", "/2024-03/one/webhooks?userId=ghost&" + s, "", "", 404, "User not found"},
		{"delete connection of unknown user", "DELETE", "/2024-03/one/connections/" + shop + "?userId=ghost", "", "", 404, "User not found"},
		{"unified users", "GET", "/2024-03/one/users/ops@northwind.example", "", "", 200, `"userId":"` + u.ID + `"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := raw(t, srv, tc.method, tc.path, "Bearer "+srv.APIKey, tc.version, tc.body)
			assert.Equal(t, tc.status, status, body)
			assert.Contains(t, body, tc.contains)
		})
	}
}

func TestUnifiedFilters(t *testing.T) {
	srv, _, _, conn := connected(t, "2024-03", "hubspot")
	require.NoError(t, srv.Clear(conn, "crm/accounts"))
	require.NoError(t, srv.Seed(conn, "crm/accounts",
		map[string]any{"id": "a", "accountName": "Acme Retail", "numberOfEmployees": 1200, "revenue": "1500000.00", "active": true, "lastActivityAt": "2024-06-20T15:00:00.000Z"},
		map[string]any{"id": "b", "accountName": "Globex", "numberOfEmployees": 80, "revenue": "250000", "active": false, "tags": []string{"acme"}},
		map[string]any{"id": "c", "accountName": "acme labs", "numberOfEmployees": nil, "lastActivityAt": "2023-01-05T00:00:00Z"},
	))
	for _, tc := range []struct {
		query string
		want  string
	}{
		{"", "a,b,c"},
		{"accountName=Globex", "b"},
		{"accountName=globex", ""},
		{"accountNameContains=ACME", "a,c"},
		{"accountNameNotEquals=Globex", "a,c"},
		{"numberOfEmployees=80.0", "b"},
		{"numberOfEmployeesMin=100", "a"},
		{"numberOfEmployeesMax=1200", "a,b"},
		{"numberOfEmployeesNotEquals=80", "a,c"},
		{"revenueMin=300000", "a"},
		{"revenue=250000.00", "b"},
		{"active=true", "a"},
		{"tagsContains=acme", ""},
		{"nosuchfield=x", ""},
		{"nosuchfieldNotEquals=x", "a,b,c"},
		{"lastActivityAtMin=2024-01-01", "a"},
		{"lastActivityAtMax=2024-01-01T00:00:00Z", "c"},
		{"accountNameContains=acme&numberOfEmployeesMin=1", "a"},
		{"accountNameContains=a&accountNameContains=labs", "c"},
	} {
		status, body := raw(t, srv, "GET", "/2024-03/one/crm/accounts?credentialId="+conn+"&"+tc.query, "Bearer "+srv.APIKey, "", "")
		require.Equal(t, 200, status, body)
		var page struct {
			Accounts []struct{ ID string } `json:"accounts"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &page))
		got := make([]string, len(page.Accounts))
		for i, a := range page.Accounts {
			got[i] = a.ID
		}
		assert.Equal(t, tc.want, strings.Join(got, ","), tc.query)
	}
}

// TestUnifiedOddInputNeverFails sends malformed input to every kind of
// /one/ route: each must answer 2xx or 4xx with a JSON body.
func TestUnifiedOddInputNeverFails(t *testing.T) {
	srv, _, _, conn := connected(t, "2024-03", "shopify")
	bodies := []string{"", "null", "[]", "7", `"x"`, "{}", `{"customer":null}`, `{"customer":[1]}`, `{"id":{"a":1},"productId":7}`,
		`{"method":7,"endpoint":[]}`, `{"address":"https://x.example","topic":"commerce/orders"}`, `{"address":7}`}
	paths := []struct{ method, path string }{
		{"POST", "/one/commerce/customers"}, {"PUT", "/one/commerce/customers/cus_1001"}, {"POST", "/one/commerce/products/prd_1001/variants"},
		{"PUT", "/one/commerce/products/prd_1001/variants/var_1001"}, {"POST", "/one/forward"}, {"POST", "/one/webhooks"},
		{"GET", "/one/commerce/orders?totalPriceMin=&cursor=&pageSize=&pageNumber="}, {"GET", "/one/metadata/fields?app=shopify&operation=%00"},
		{"DELETE", "/one/connections/%20"}, {"GET", "/one/webhooks/%2F"},
	}
	for _, p := range paths {
		for _, b := range bodies {
			path := p.path
			if !strings.Contains(path, "/metadata/") && !strings.Contains(path, "/connections/") {
				path += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "credentialId=" + conn
			}
			status, body := raw(t, srv, p.method, path, "Bearer "+srv.APIKey, "2025-09", b)
			assert.True(t, status < 500, "%s %s %s: %d %s", p.method, path, b, status, body)
			assert.Contains(t, body, "{", "%s %s %s", p.method, path, b)
		}
	}
}

// TestUnifiedConcurrentUse mixes reads and writes on one connection so
// that -race sees the handlers' and helpers' locking.
func TestUnifiedConcurrentUse(t *testing.T) {
	srv, _, u, conn := connected(t, "2025-09", "shopify")
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(4)
		go func() {
			defer wg.Done()
			c, err := u.Commerce.Customers.Create(ctx, conn, &unified.Customer{FirstName: fmt.Sprint(i), LastName: "Concurrent", Email: fmt.Sprintf("c%d@example.com", i)})
			if assert.NoError(t, err) {
				_, err = u.Commerce.Customers.Update(ctx, conn, c.ID, &unified.Customer{LastName: "x"})
				assert.NoError(t, err)
			}
		}()
		go func() {
			defer wg.Done()
			collect(t, u.Commerce.Customers.ListIter(ctx, conn, &unified.ListParams{PageSize: 2}))
		}()
		go func() {
			defer wg.Done()
			assert.NoError(t, srv.Seed(conn, "commerce/customers", map[string]any{"firstName": "seeded"}))
			_ = srv.Records(conn, "commerce/customers")
		}()
		go func() {
			defer wg.Done()
			_, err := u.Webhooks.Create(ctx, conn, unified.SubscriptionCreateParams{Address: "https://x.example", Topics: []string{"commerce/customers"}})
			assert.NoError(t, err)
			_ = srv.Subscriptions(conn)
		}()
	}
	wg.Wait()
	assert.Len(t, srv.Records(conn, "commerce/customers"), 3+16)
	assert.Len(t, srv.Subscriptions(conn), 8)
}
