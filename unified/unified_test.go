package unified

import (
	"context"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/testharness"
)

const (
	testKey  = "sk_test_UNIFIED_SECRET_1234"
	testRoot = "https://api.alloy.test"
)

// versions are the two documented styles: cursor paging with connectionId,
// and page numbers with credentialId. 2025-09 is header-versioned on the
// same /one/ paths.
var versions = []struct {
	version, base, selector string
}{
	{"2023-12", testRoot + "/2023-12", ConnectionIDParam},
	{"2024-03", testRoot + "/2024-03", CredentialIDParam},
	{"2025-09", testRoot, CredentialIDParam},
}

type sent = testharness.Sent

// harness is a unified client on the module's test recorder (see
// internal/testharness).
type harness struct {
	*testharness.Recorder
	t  *testing.T
	u  *Client
	mt *httpmock.MockTransport
}

func newHarness(t *testing.T, version string, opts ...Option) *harness {
	t.Helper()
	rec := testharness.New(t)
	h := &harness{Recorder: rec, t: t, mt: rec.MT}
	c, err := alloy.NewClient(testKey, alloy.WithBaseURL(testRoot), alloy.WithAPIVersion(version),
		alloy.WithHTTPClient(rec.HTTPClient()), alloy.WithRetryWait(1, 1))
	require.NoError(t, err)
	h.u, err = New(c, opts...)
	require.NoError(t, err)
	return h
}

// on answers method+url (httpmock syntax, "=~" for a regexp) and records.
func (h *harness) on(method, url string, status int, body string) {
	h.On(method, url, testharness.JSON(status, body))
}

// onFunc answers with what f says, as JSON, and records.
func (h *harness) onFunc(method, url string, f func(*http.Request) (int, string)) {
	h.On(method, url, func(r *http.Request) (*http.Response, error) {
		status, body := f(r)
		return testharness.JSON(status, body)(r)
	})
}

func (h *harness) requests() []sent { return h.Requests() }

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

type endpoint struct {
	Family, Name, Method, Path string
	Versions                   []string
}

// modelResources maps every model collection of the contract to the SDK
// value that serves it (found by the collection's Go names), with the
// parent ids a test passes.
func modelResources(u *Client) map[string]any {
	out := map[string]any{}
	for _, c := range ops.Collections {
		family := reflect.ValueOf(u).Elem().FieldByName(c.Family)
		v := family.Elem().FieldByName(c.Name)
		if !v.IsValid() { // a nested collection is a method taking its parent's id
			parent := map[string]string{"Variants": "p 1", "Fulfillments": "o1"}[c.Name]
			v = family.MethodByName(c.Name).Call([]reflect.Value{reflect.ValueOf(parent)})[0]
		}
		out[c.Path] = v.Interface()
	}
	return out
}

// contractRows are the contract's model operations, as rows.
func contractRows() []endpoint {
	var rows []endpoint
	for _, o := range ops.Operations {
		if strings.HasPrefix(o.Path, "/one/commerce/") || strings.HasPrefix(o.Path, "/one/accounting/") || strings.HasPrefix(o.Path, "/one/crm/") {
			rows = append(rows, endpoint{Name: o.ID, Method: o.Method, Path: o.Path})
		}
	}
	return rows
}

// parentValues fills the reference's placeholders as the test's parent ids
// ("p 1", "o1") are sent.
var parentValues = strings.NewReplacer("{productId}", "p%201", "{orderId}", "o1")

// TestEveryModelRouteHasExactlyItsOperations walks the contract's model
// operations (commerce, accounting, crm): each resource × operation is called on
// every version style, and the exact method, path, selector parameter and
// decoded record are checked. A resource also may not offer an operation
// the reference does not document.
func TestEveryModelRouteHasExactlyItsOperations(t *testing.T) {
	t.Parallel()
	documented := map[string][]string{} // collection -> operations
	rows := 0
	for _, e := range contractRows() {
		rows++
		collection, op := splitRoute(t, e)
		documented[collection] = append(documented[collection], op)
		for _, v := range versions {
			t.Run(e.Name+"/"+v.version, func(t *testing.T) {
				h := newHarness(t, v.version)
				res, ok := modelResources(h.u)[collection]
				require.True(t, ok, "no SDK resource for %s", collection)
				callOp(t, h, res, op, v.base+parentValues.Replace(collection), v.selector)
			})
		}
	}
	assert.Equal(t, 128, rows, "the reference's model rows")
	h := newHarness(t, "2024-03")
	for collection, res := range modelResources(h.u) {
		ops := documented[collection]
		require.NotEmpty(t, ops, "%s is not in the reference", collection)
		sort.Strings(ops)
		assert.Equal(t, ops, offered(res), "%s offers exactly its documented operations", collection)
	}
}

// splitRoute returns the collection a row belongs to and its operation.
func splitRoute(t *testing.T, e endpoint) (collection, op string) {
	path := e.Path
	last := path[strings.LastIndexByte(path, '/')+1:]
	switch {
	case last == "count":
		return strings.TrimSuffix(path, "/count"), "Count"
	case strings.HasPrefix(last, "{"):
		collection = path[:strings.LastIndexByte(path, '/')]
		op = map[string]string{"GET": "Get", "PUT": "Update", "DELETE": "Delete"}[e.Method]
	default:
		collection = path
		op = map[string]string{"GET": "List", "POST": "Create"}[e.Method]
	}
	require.NotEmpty(t, op, "%s %s", e.Method, e.Path)
	return collection, op
}

// offered lists the operations a resource value has, with All folded into List.
func offered(res any) []string {
	var ops []string
	rt := reflect.TypeOf(res)
	for i := 0; i < rt.NumMethod(); i++ {
		if name := rt.Method(i).Name; name != "ListIter" {
			ops = append(ops, name)
		}
	}
	sort.Strings(ops)
	return ops
}

var ctxValue = reflect.ValueOf(context.Background())

// callOp calls op on res through reflection, answering with one record
// whose id is "r1", and checks the request and the decoded record.
func callOp(t *testing.T, h *harness, res any, op, collection, selector string) {
	t.Helper()
	m := reflect.ValueOf(res).MethodByName(op)
	require.True(t, m.IsValid(), "%T has no %s", res, op)
	single, list := keysOf(res)
	record := `{"id":"r1","remoteId":"x1","createdTimestamp":"2024-06-11T13:45:00.000Z","extraField":7}`
	conn := reflect.ValueOf("conn/1")
	var args []reflect.Value
	var method, url, response string
	switch op {
	case "List":
		method, url, response = "GET", collection+"?"+selector+"=conn%2F1&pageSize=2", `{"`+list+`":[`+record+`]}`
		args = []reflect.Value{ctxValue, conn, reflect.ValueOf(&ListParams{PageSize: 2})}
	case "Count":
		method, url, response = "GET", collection+"/count?"+selector+"=conn%2F1&email=a%40b.example", `{"count":1842}`
		args = []reflect.Value{ctxValue, conn, reflect.ValueOf([]Filter{Eq("email", "a@b.example")})}
	case "Get", "Delete":
		method, url, response = map[string]string{"Get": "GET", "Delete": "DELETE"}[op], collection+"/r%2F1?"+selector+"=conn%2F1", `{"`+single+`":`+record+`}`
		args = []reflect.Value{ctxValue, conn, reflect.ValueOf("r/1")}
	case "Create", "Update":
		method, url, response = map[string]string{"Create": "POST", "Update": "PUT"}[op], collection+"?"+selector+"=conn%2F1", `{"`+single+`":`+record+`}`
		newRecord := reflect.New(m.Type().In(m.Type().NumIn() - 2).Elem())
		newRecord.Elem().FieldByName("Record").FieldByName("RemoteID").SetString("x1")
		args = []reflect.Value{ctxValue, conn}
		if op == "Update" {
			url = collection + "/r%2F1?" + selector + "=conn%2F1"
			args = append(args, reflect.ValueOf("r/1"))
		}
		args = append(args, newRecord)
	}
	h.on(method, url, 200, response)
	out := m.Call(args)
	errV := out[len(out)-1]
	require.True(t, errV.IsNil(), "%v", errV.Interface())
	reqs := h.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, method, reqs[0].Method)
	assert.Equal(t, url, reqs[0].URL)
	assert.Equal(t, "Bearer "+testKey, reqs[0].Header.Get("Authorization"))
	if op == "Create" || op == "Update" {
		assert.JSONEq(t, `{}`, string(reqs[0].Body), "zero fields and the properties Alloy sets (remoteId) are left out of the body")
	} else {
		assert.Empty(t, reqs[0].Body)
	}
	var rec reflect.Value
	switch op {
	case "Count":
		assert.Equal(t, 1842, int(out[0].Int()))
		return
	case "Delete":
		return
	case "List":
		items := out[0].Elem().FieldByName("Items")
		require.Equal(t, 1, items.Len())
		rec = items.Index(0)
	default:
		rec = out[0].Elem()
	}
	r := rec.FieldByName("Record").Interface().(Record)
	assert.Equal(t, "r1", r.ID)
	assert.Equal(t, "x1", r.RemoteID)
	assert.Equal(t, "2024-06-11T13:45:00Z", r.CreatedTimestamp.Format("2006-01-02T15:04:05Z07:00"))
	assert.JSONEq(t, record, string(r.Raw), "unknown fields are kept in Raw")
}

func keysOf(res any) (single, list string) {
	r := (*resource)(reflect.ValueOf(res).Elem().Field(0).UnsafePointer())
	return r.single, r.list
}
