package alloytest_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/testharness"
)

// hierarchyRoots are the properties a sample record leaves null: the
// parent of an account or tracking category at the root of its hierarchy.
var hierarchyRoots = []string{"parentAccountId", "parentCategoryId"}

// TestUnifiedSamplesAreComplete: on every version, every sample record of
// every collection, as served, has every documented property non-null at
// any depth, but for the parent of a hierarchy's root (which is set on the
// records below it).
func TestUnifiedSamplesAreComplete(t *testing.T) {
	for _, v := range ops.Versions {
		t.Run(v, func(t *testing.T) {
			srv, _, u := setup(t, v)
			for _, col := range ops.Collections {
				conn, err := srv.Connect(u.ID, unifiedApps[col.Family])
				require.NoError(t, err)
				path, params := collectionPath(t, srv, conn, col)
				c := &oneCall{op: opOf(col, "List", v), method: "GET", path: withConn(path, v, conn) + "&pageSize=100", params: params}
				page := send(t, srv, v, c)
				require.Equal(t, http.StatusOK, c.status, "%s", c.resp)
				strictly(t, v, c)
				records, _ := page[col.List].([]any)
				require.NotEmpty(t, records, col.Path)
				s := model(t, v, col)
				setSomewhere := map[string]bool{}
				for i, r := range records {
					rec := r.(map[string]any)
					assert.ElementsMatch(t, served(s), keys(rec), "%s[%d]", col.List, i)
					for _, null := range testharness.NullPaths(rec, col.List) {
						name := null[strings.IndexByte(null, '.')+1:]
						assert.Contains(t, hierarchyRoots, name, "%s[%d] on %s: %s is null", col.List, i, v, null)
					}
					for _, name := range hierarchyRoots {
						setSomewhere[name] = setSomewhere[name] || rec[name] != nil
					}
				}
				for _, name := range hierarchyRoots {
					if _, ok := s.Properties[name]; ok {
						assert.True(t, setSomewhere[name], "%s: some record has a %s", col.Path, name)
					}
				}
				if v == ops.Versions[len(ops.Versions)-1] {
					t.Logf("%s: %d records, %d properties (%d with nested ones)", col.Path, len(records), len(served(s)), paths(s))
				}
			}
		})
	}
}

// reference is one property of a sample collection that names records of
// another: every value must be an id there.
type reference struct {
	from, path, to string // path: dot-separated, [] for the items of an array
}

// sampleReferences are the links between the sample records.
var sampleReferences = []reference{
	{"commerce/orders", "customer.customerId", "commerce/customers"},
	{"commerce/orders", "lineItems[].productId", "commerce/products"},
	{"commerce/orders", "lineItems[].variantId", "commerce/products/{productId}/variants"},
	{"commerce/products", "variants[].id", "commerce/products/{productId}/variants"},
	{"commerce/orders/{orderId}/fulfillments", "lineItems[].variantId", "commerce/products/{productId}/variants"},
	{"commerce/orders/{orderId}/fulfillments", "lineItems[].productId", "commerce/products"},

	{"accounting/accounts", "parentAccountId", "accounting/accounts"},
	{"accounting/accounts", "companyId", "accounting/company-info"},
	{"accounting/items", "billAccountId", "accounting/accounts"},
	{"accounting/items", "invoiceAccountId", "accounting/accounts"},
	{"accounting/items", "assetAccountId", "accounting/accounts"},
	{"accounting/tracking-categories", "parentCategoryId", "accounting/tracking-categories"},
	{"accounting/invoices", "customerId", "accounting/customers"},
	{"accounting/invoices", "lineItems[].accountingItemId", "accounting/items"},
	{"accounting/invoices", "lineItems[].accountId", "accounting/accounts"},
	{"accounting/invoices", "lineItems[].trackingCategoryId", "accounting/tracking-categories"},
	{"accounting/invoices", "trackingCategories[]", "accounting/tracking-categories"},
	{"accounting/bills", "vendorId", "accounting/vendors"},
	{"accounting/bills", "lineItems[].accountId", "accounting/accounts"},
	{"accounting/bills", "purchaseOrders[]", "accounting/purchase-orders"},
	{"accounting/payments", "customerId", "accounting/customers"},
	{"accounting/payments", "vendorId", "accounting/vendors"},
	{"accounting/payments", "accountId", "accounting/accounts"},
	{"accounting/payments", "trackingCategoryIds[]", "accounting/tracking-categories"},
	{"accounting/purchase-orders", "vendorId", "accounting/vendors"},
	{"accounting/purchase-orders", "accountId", "accounting/accounts"},
	{"accounting/sales-orders", "customerId", "accounting/customers"},
	{"accounting/sales-orders", "accountId", "accounting/accounts"},
	{"accounting/sales-orders", "lineItems[].accountingItemId", "accounting/items"},

	{"crm/contacts", "account", "crm/accounts"},
	{"crm/opportunities", "opportunityAccount", "crm/accounts"},
	{"crm/opportunities", "opportunityOwner", "crm/users"},
	{"crm/leads", "leadOwner", "crm/users"},
	{"crm/notes", "noteContact", "crm/contacts"},
	{"crm/notes", "noteAccount", "crm/accounts"},
	{"crm/notes", "noteOpportunity", "crm/opportunities"},
	{"crm/notes", "noteOwner", "crm/users"},
	{"crm/tasks", "taskOpportunity", "crm/opportunities"},
	{"crm/tasks", "taskOwner", "crm/users"},
}

// TestUnifiedSamplesReferToEachOther: the ids a sample record names are
// records of the same connection: an order's customer and products, an
// invoice's items and accounts, a note's contact, and so on.
func TestUnifiedSamplesReferToEachOther(t *testing.T) {
	srv, _, u := setup(t, "2024-03")
	conns := map[string]string{}
	for family, app := range unifiedApps {
		var err error
		conns[strings.ToLower(family)], err = srv.Connect(u.ID, app)
		require.NoError(t, err)
	}
	idsOf := func(conn, path string) []string {
		var out []string
		for _, r := range srv.Records(conn, path) {
			out = append(out, r["id"].(string))
		}
		return out
	}
	for _, ref := range sampleReferences {
		conn := conns[ref.from[:strings.IndexByte(ref.from, '/')]]
		targets := idsOf(conn, ref.to)
		require.NotEmpty(t, targets, ref.to)
		var values []any
		for _, rec := range srv.Records(conn, ref.from) {
			values = append(values, valuesAt(rec, strings.Split(ref.path, "."))...)
		}
		require.NotEmpty(t, values, "%s has no %s: rename the reference with the contract", ref.from, ref.path)
		for _, v := range values {
			if v == nil && slices.Contains(hierarchyRoots, ref.path) {
				continue
			}
			assert.Contains(t, targets, fmt.Sprint(v), "%s.%s names a record of %s", ref.from, ref.path, ref.to)
		}
	}
	// every order and fulfillment line names a variant of its product
	variants := srv.Records(conns["commerce"], "commerce/products/{productId}/variants")
	productOf := map[string]any{}
	for _, v := range variants {
		productOf[v["id"].(string)] = v["productId"]
	}
	for _, from := range []string{"commerce/orders", "commerce/orders/{orderId}/fulfillments"} {
		for _, rec := range srv.Records(conns["commerce"], from) {
			for _, line := range rec["lineItems"].([]any) {
				l := line.(map[string]any)
				assert.Equal(t, productOf[l["variantId"].(string)], l["productId"], "%s: variant %s", from, l["variantId"])
			}
		}
	}
}

// valuesAt collects the values at a path of property names, "x[]" going
// into every item of the array x.
func valuesAt(v any, path []string) []any {
	if len(path) == 0 {
		return []any{v}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	name, each := strings.CutSuffix(path[0], "[]")
	next, ok := m[name]
	if !ok {
		return nil
	}
	if !each {
		return valuesAt(next, path[1:])
	}
	var out []any
	items, _ := next.([]any)
	for _, item := range items {
		out = append(out, valuesAt(item, path[1:])...)
	}
	return out
}
