package unified

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func customersJSON(from, n int) string {
	var items []string
	for i := from; i < from+n; i++ {
		items = append(items, fmt.Sprintf(`{"id":"c%d"}`, i))
	}
	return "[" + strings.Join(items, ",") + "]"
}

func ids(t *testing.T, seq func(func(Customer, error) bool)) ([]string, error) {
	t.Helper()
	var out []string
	for c, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, c.ID)
	}
	return out, nil
}

func TestListCursorPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "2023-12")
	h.on("GET", testRoot+"/2023-12/one/commerce/customers?connectionId=c&cursor=abc&fulfillmentStatus=Fulfilled&pageSize=1&totalPriceMin=250",
		200, fixture(t, "uapi_commerce_customers_list_2023-12.json"))
	page, err := h.u.Commerce.Customers.List(context.Background(), "c", &ListParams{PageSize: 1, Cursor: "abc",
		Filters: []Filter{Eq("fulfillmentStatus", "Fulfilled"), Min("totalPrice", 250)}})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "Dana", page.Items[0].FirstName)
	assert.True(t, page.HasNext)
	assert.Equal(t, "eyJwYWdlIjoyfQ==", page.NextCursor)
	assert.Zero(t, page.PageNumber)
}

func TestListPageNumberPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "2024-03")
	h.on("GET", testRoot+"/2024-03/one/commerce/customers?credentialId=c&pageNumber=3&pageSize=2", 200, `{"customers":`+customersJSON(0, 2)+`}`)
	page, err := h.u.Commerce.Customers.List(context.Background(), "c", &ListParams{PageSize: 2, PageNumber: 3})
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	assert.True(t, page.HasNext, "a full page may have a successor")
	assert.Equal(t, 3, page.PageNumber)
	assert.Empty(t, page.NextCursor)
}

func TestAllWalksCursorsAndCountsRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "2023-12")
	var asked []string
	h.onFunc("GET", `=~^`+testRoot+`/2023-12/one/commerce/customers`, func(r *http.Request) (int, string) {
		cur := r.URL.Query().Get("cursor")
		asked = append(asked, cur)
		assert.Equal(t, "c", r.URL.Query().Get("connectionId"))
		assert.Equal(t, "@x", r.URL.Query().Get("emailContains"), "filters carried to every page")
		switch cur {
		case "":
			return 200, `{"customers":` + customersJSON(0, 2) + `,"pageInfo":{"hasNext":true,"nextCursor":"p2"}}`
		case "p2": // an empty page in the middle: the server says more follow
			return 200, `{"customers":[],"pageInfo":{"hasNext":true,"nextCursor":"p3"}}`
		default:
			return 200, `{"customers":` + customersJSON(2, 1) + `,"pageInfo":{"hasNext":false,"nextCursor":null}}`
		}
	})
	params := &ListParams{Filters: []Filter{Contains("email", "@x")}}
	got, err := ids(t, h.u.Commerce.Customers.ListIter(context.Background(), "c", params))
	require.NoError(t, err)
	assert.Equal(t, []string{"c0", "c1", "c2"}, got)
	assert.Equal(t, []string{"", "p2", "p3"}, asked)
	assert.Equal(t, &ListParams{Filters: []Filter{Contains("email", "@x")}}, params, "caller's params unchanged")
}

func TestAllWalksPageNumbersUntilAShortPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "2024-03")
	var asked []string
	h.onFunc("GET", `=~^`+testRoot+`/2024-03/one/commerce/customers`, func(r *http.Request) (int, string) {
		n, _ := strconv.Atoi(r.URL.Query().Get("pageNumber"))
		asked = append(asked, r.URL.RawQuery)
		if n <= 1 {
			return 200, `{"customers":` + customersJSON(0, 50) + `}`
		}
		return 200, `{"customers":` + customersJSON(50, 7) + `}`
	})
	got, err := ids(t, h.u.Commerce.Customers.ListIter(context.Background(), "c", nil))
	require.NoError(t, err)
	assert.Len(t, got, 57)
	assert.Equal(t, []string{"credentialId=c", "credentialId=c&pageNumber=2"}, asked, "default page size 50")
}

func TestAllStopsOnBreakErrorAndGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("break makes no further request", func(t *testing.T) {
		h := newHarness(t, "2024-03")
		h.on("GET", testRoot+"/2024-03/one/crm/leads?credentialId=c&pageSize=2", 200, `{"leads":[{"id":"a"},{"id":"b"}]}`)
		for range h.u.CRM.Leads.ListIter(ctx, "c", &ListParams{PageSize: 2}) {
			break
		}
		assert.Len(t, h.requests(), 1)
	})
	t.Run("first error ends it", func(t *testing.T) {
		h := newHarness(t, "2024-03")
		h.on("GET", testRoot+"/2024-03/one/crm/leads?credentialId=c&pageSize=1", 200, `{"leads":[{"id":"a"}]}`)
		h.on("GET", testRoot+"/2024-03/one/crm/leads?credentialId=c&pageNumber=2&pageSize=1", 401, `{"message":"Unauthorized"}`)
		n, errs := 0, 0
		for _, err := range h.u.CRM.Leads.ListIter(ctx, "c", &ListParams{PageSize: 1}) {
			if err != nil {
				errs++
				assert.ErrorIs(t, err, alloy.ErrUnauthorized)
				continue
			}
			n++
		}
		assert.Equal(t, 1, n)
		assert.Equal(t, 1, errs)
		assert.Len(t, h.requests(), 2)
	})
	t.Run("repeated cursor is an error, not a loop", func(t *testing.T) {
		h := newHarness(t, "2023-12")
		h.on("GET", `=~^`+testRoot+`/2023-12/one/crm/leads`, 200, `{"leads":[{"id":"a"}],"pageInfo":{"hasNext":true,"nextCursor":"same"}}`)
		err := firstErr(h.u.CRM.Leads.ListIter(ctx, "c", nil))
		assert.ErrorContains(t, err, "gives no new cursor")
		assert.Len(t, h.requests(), 2)
	})
	t.Run("max pages guard", func(t *testing.T) {
		h := newHarness(t, "2024-03")
		h.u.maxPages = 5
		h.on("GET", `=~^`+testRoot+`/2024-03/one/crm/leads`, 200, `{"leads":[{"id":"a"}]}`)
		err := firstErr(h.u.CRM.Leads.ListIter(ctx, "c", &ListParams{PageSize: 1}))
		assert.ErrorIs(t, err, alloy.ErrTooManyPages)
		assert.Len(t, h.requests(), 5)
	})
}

func TestAllOverAThousandRecords(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "2024-03")
	const total = 1000
	h.onFunc("GET", `=~^`+testRoot+`/2024-03/one/accounting/invoices`, func(r *http.Request) (int, string) {
		n, _ := strconv.Atoi(r.URL.Query().Get("pageNumber"))
		n = max(n, 1)
		from := (n - 1) * 100
		return 200, `{"invoices":` + customersJSON(from, min(100, max(total-from, 0))) + `}`
	})
	count := 0
	for inv, err := range h.u.Accounting.Invoices.ListIter(context.Background(), "c", &ListParams{PageSize: 100}) {
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("c%d", count), inv.ID)
		count++
	}
	assert.Equal(t, total, count)
	assert.Len(t, h.requests(), 11, "10 full pages and an empty one")
}
