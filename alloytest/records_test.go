package alloytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/testharness"

	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/internal/contract"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

// These tests talk to alloytest over raw HTTP and read every shape from
// the contract: nothing here names a model's properties, so they follow
// the contract's Unified schemas as those change.

// unifiedApps connects a user to one app of each Unified family.
var unifiedApps = map[string]string{"Commerce": "shopify", "Accounting": "netsuite", "CRM": "hubspot"}

// oneCall is a Unified API call made over raw HTTP in a version's
// addressing style, and what came back.
type oneCall struct {
	op, method, path string // path without the version, with the query
	params           map[string]string
	body             []byte
	status           int
	header           http.Header
	resp             []byte
}

// send makes the call on version v: the version in the path before
// ops.FirstHeaderVersion, in the x-api-version header from it on.
func send(t *testing.T, srv *alloytest.Server, v string, c *oneCall) map[string]any {
	t.Helper()
	url := srv.URL + c.path
	if v < ops.FirstHeaderVersion {
		url = srv.URL + "/" + v + c.path
	}
	req, err := http.NewRequest(c.method, url, bytes.NewReader(c.body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	req.Header.Set("Content-Type", "application/json")
	if v >= ops.FirstHeaderVersion {
		req.Header.Set("X-Api-Version", v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	c.status, c.header = resp.StatusCode, resp.Header
	c.resp, err = io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	_ = json.Unmarshal(c.resp, &out)
	return out
}

// strictly validates a call's response against the strict contract of v,
// where a property no page documents is an error.
func strictly(t *testing.T, v string, c *oneCall) {
	t.Helper()
	req, err := http.NewRequest(c.method, "http://alloy.test"+c.path, nil)
	require.NoError(t, err)
	err = contract.MustLoad(v, true).ValidateResponse(context.Background(), c.op, c.params, req, c.status, c.header, c.resp)
	assert.NoError(t, err, "%s on %s: %s", c.op, v, c.resp)
}

// model is the contract's schema of a collection's record in v: the
// record of its Get response, or the items of its List.
func model(t *testing.T, v string, col ops.Collection) *openapi3.Schema {
	t.Helper()
	spec := contract.MustLoad(v, false)
	base := "unified." + col.Family + "." + col.Name
	for _, kind := range []string{"Get", "List"} {
		o := spec.Operation(base + "." + kind)
		if o == nil {
			continue
		}
		body := o.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
		if kind == "Get" {
			return body.Properties[col.Single].Value
		}
		return body.Properties[col.List].Value.Items.Value
	}
	t.Fatalf("%s has no Get or List on %s", base, v)
	return nil
}

// writeOnly reports whether the contract marks a property as sent, never
// served (remoteFields).
func writeOnly(s *openapi3.Schema) bool {
	wo, _ := s.Extensions["x-alloy-write-only"].(bool)
	return s.WriteOnly || wo
}

// served lists the properties a read of the schema answers.
func served(s *openapi3.Schema) []string {
	var out []string
	for name, p := range s.Properties {
		if !writeOnly(p.Value) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// writable lists the properties a create or update may send.
func writable(s *openapi3.Schema) []string {
	var out []string
	for name, p := range s.Properties {
		if !p.Value.ReadOnly {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// collectionPath is a collection's route after the version, with the
// parent's id in place, e.g. /one/commerce/products/prd_1001/variants.
func collectionPath(t *testing.T, srv *alloytest.Server, conn string, col ops.Collection) (path string, params map[string]string) {
	t.Helper()
	path, params = col.Path, map[string]string{}
	if i := strings.Index(path, "/{"); i >= 0 {
		key := path[i+2 : strings.Index(path, "}")]
		parents := srv.Records(conn, strings.TrimPrefix(path[:i], "/one/"))
		require.NotEmpty(t, parents, "no parent for %s", col.Path)
		params[key] = parents[0]["id"].(string)
		path = strings.Replace(path, "{"+key+"}", params[key], 1)
	}
	return path, params
}

// withConn adds the connection to a path, as the version names it.
func withConn(path, v, conn string) string {
	name := "credentialId"
	if v < ops.UnifiedCredentialIdSince {
		name = "connectionId"
	}
	return path + "?" + name + "=" + conn
}

// opOf returns the operationId of a collection's operation of a kind in
// v, or "" when v has none.
func opOf(col ops.Collection, kind, v string) string {
	id := "unified." + col.Family + "." + col.Name + "." + kind
	for _, o := range ops.Operations {
		if o.ID == id && o.In(ops.Effective(v)) {
			return id
		}
	}
	return ""
}

// recordParam is the name of the route parameter of one record, e.g.
// orderId.
func recordParam(op string) string {
	for _, o := range ops.Operations {
		if o.ID == op {
			segs := strings.Split(o.Path, "/")
			return strings.Trim(segs[len(segs)-1], "{}")
		}
	}
	return "id"
}

// body keeps the writable properties of a record as the version serves
// it, and adds remoteFields when the version documents it.
func body(t *testing.T, s *openapi3.Schema, rec map[string]any) []byte {
	t.Helper()
	out := map[string]any{}
	for _, name := range writable(s) {
		if v, ok := rec[name]; ok && v != nil {
			out[name] = v
		}
		if writeOnly(s.Properties[name].Value) {
			out[name] = map[string]any{"custom_field_7": "kept"}
		}
	}
	b, err := json.Marshal(out)
	require.NoError(t, err)
	return b
}

// TestUnifiedEveryOperationAnswersTheContractStrictly makes every Unified
// model operation on every version over raw HTTP, with the sample records
// and with records written back from them, and validates each response
// against the strict contract: the alloytest side of the contract walk,
// without the SDK.
func TestUnifiedEveryOperationAnswersTheContractStrictly(t *testing.T) {
	for _, v := range append(slices.Clone(ops.Versions), "2099-01") {
		t.Run(v, func(t *testing.T) {
			srv, _, u := setup(t, v)
			conns := map[string]string{}
			for family, app := range unifiedApps {
				var err error
				conns[family], err = srv.Connect(u.ID, app)
				require.NoError(t, err)
			}
			calls := 0
			for _, col := range ops.Collections {
				conn := conns[col.Family]
				path, params := collectionPath(t, srv, conn, col)
				s := model(t, v, col)
				var id string
				check := func(kind, method, p string, b []byte) map[string]any {
					op := opOf(col, kind, v)
					if op == "" {
						return nil
					}
					c := &oneCall{op: op, method: method, path: withConn(p, v, conn), params: map[string]string{}, body: b}
					for k, val := range params {
						c.params[k] = val
					}
					if id != "" && strings.HasSuffix(p, "/"+id) {
						c.params[recordParam(op)] = id
					}
					out := send(t, srv, v, c)
					require.Equal(t, http.StatusOK, c.status, "%s on %s: %s", op, v, c.resp)
					strictly(t, v, c)
					calls++
					return out
				}
				list := check("List", "GET", path, nil)
				check("Count", "GET", path+"/count", nil)
				first := srv.Records(conn, strings.TrimPrefix(path, "/one/"))[0]
				id = first["id"].(string)
				got := check("Get", "GET", path+"/"+id, nil)
				rec, _ := got[col.Single].(map[string]any)
				if rec == nil { // a collection without Get: its first listed record
					rec = list[col.List].([]any)[0].(map[string]any)
				}
				if created := check("Create", "POST", path, body(t, s, rec)); created != nil {
					all := srv.Records(conn, strings.TrimPrefix(path, "/one/")) // the id, which not every model serves
					id = all[len(all)-1]["id"].(string)
				}
				check("Update", "PUT", path+"/"+id, body(t, s, rec))
				check("Delete", "DELETE", path+"/"+id, nil)
			}
			assert.Greater(t, calls, 100)
		})
	}
}

// TestUnifiedRoundTripOfFullyPopulatedRecords creates an order, a CRM
// contact and an accounting invoice on each version from records with
// every documented, writable property set (nested ones too, and
// remoteFields), reads each back, and finds every documented property
// non-null and equal to what was sent; the read-only ones (ids, sync
// timestamps, remoteDeleted) are set by the server. Each record also reads
// back the same from every other version, in that version's names.
func TestUnifiedRoundTripOfFullyPopulatedRecords(t *testing.T) {
	models := []struct{ family, name string }{{"Commerce", "Orders"}, {"CRM", "Contacts"}, {"Accounting", "Invoices"}}
	for _, v := range ops.Versions {
		t.Run(v, func(t *testing.T) {
			srv, _, u := setup(t, v)
			for _, m := range models {
				i := slices.IndexFunc(ops.Collections, func(c ops.Collection) bool { return c.Family == m.family && c.Name == m.name })
				col := ops.Collections[i]
				conn, err := srv.Connect(u.ID, unifiedApps[m.family])
				require.NoError(t, err)
				s := model(t, v, col)
				sent := map[string]any{}
				for _, name := range writable(s) {
					sent[name] = contract.FullValue(s.Properties[name].Value, name)
				}
				b, err := json.Marshal(sent)
				require.NoError(t, err)
				before := time.Now().Add(-time.Second)
				create := &oneCall{op: opOf(col, "Create", v), method: "POST", path: withConn(col.Path, v, conn), params: map[string]string{}, body: b}
				created := send(t, srv, v, create)
				require.Equal(t, http.StatusOK, create.status, "%s", create.resp)
				strictly(t, v, create)
				id := created[col.Single].(map[string]any)["id"].(string)

				read := &oneCall{op: opOf(col, "Get", v), method: "GET", path: withConn(col.Path+"/"+id, v, conn), params: map[string]string{recordParam(opOf(col, "Get", v)): id}}
				got := send(t, srv, v, read)
				require.Equal(t, http.StatusOK, read.status, "%s", read.resp)
				strictly(t, v, read)
				for _, answer := range []map[string]any{created[col.Single].(map[string]any), got[col.Single].(map[string]any)} {
					assert.ElementsMatch(t, served(s), keys(answer), "every documented property, nothing else")
					assert.Empty(t, testharness.NullPaths(answer, col.Single), "no documented property is null")
					for name, value := range sent {
						if writeOnly(s.Properties[name].Value) {
							assert.NotContains(t, answer, name, "write-only")
							continue
						}
						assert.Equal(t, testharness.Normal(t, value), testharness.Normal(t, answer[name]), "%s.%s as sent", col.Single, name)
					}
					for _, name := range served(s) {
						p := s.Properties[name].Value
						if unit, _ := p.Extensions["x-alloy-unit"].(string); unit != "" {
							n, _ := answer[name].(float64)
							at := time.Unix(int64(n), 0)
							if unit == "milliseconds" {
								at = time.UnixMilli(int64(n))
							}
							assert.WithinDuration(t, time.Now(), at, time.Minute, "%s in %s", name, unit)
							assert.False(t, at.Before(before.Truncate(time.Second)), name)
						}
					}
				}
				stored := srv.Records(conn, strings.TrimPrefix(col.Path, "/one/"))
				last := stored[len(stored)-1]
				for name := range sent {
					if writeOnly(s.Properties[name].Value) {
						assert.Equal(t, testharness.Normal(t, sent[name]), last[name], "the store keeps %s", name)
					}
				}

				// the same record on every other version, in its names
				for _, other := range ops.Versions {
					o := model(t, other, col)
					c := &oneCall{op: opOf(col, "Get", other), method: "GET", path: withConn(col.Path+"/"+id, other, conn), params: map[string]string{recordParam(opOf(col, "Get", other)): id}}
					again := send(t, srv, other, c)
					require.Equal(t, http.StatusOK, c.status, "%s", c.resp)
					strictly(t, other, c)
					rec := again[col.Single].(map[string]any)
					assert.ElementsMatch(t, served(o), keys(rec), "%s on %s", col.Single, other)
					for name, value := range sent {
						if p := o.Properties[name]; p != nil && !writeOnly(p.Value) {
							assert.Equal(t, testharness.Normal(t, value), testharness.Normal(t, rec[name]), "%s.%s read on %s", col.Single, name, other)
						}
					}
				}
				t.Logf("%s on %s: %d documented properties served, %d with nested ones (%d writable sent, remoteFields included)",
					col.Single, v, len(served(s)), paths(s), len(sent))
			}
		})
	}
}

// paths counts the property paths a read of s answers, nested ones
// included (an array's items count once).
func paths(s *openapi3.Schema) int {
	n := 0
	for _, p := range s.Properties {
		if writeOnly(p.Value) {
			continue
		}
		n++
		inner := p.Value
		if inner.Items != nil && inner.Items.Value != nil {
			inner = inner.Items.Value
		}
		n += paths(inner)
	}
	return n
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestUnifiedSeedTakesAnyVersionsNames seeds a record written in
// 2023-12's names: its Unix createdTimestamp is kept as the time it names,
// served as createdTimestamp on 2023-12 and as remoteCreatedAt later.
func TestUnifiedSeedTakesAnyVersionsNames(t *testing.T) {
	srv, _, u := setup(t, "2023-12")
	conn, err := srv.Connect(u.ID, "shopify")
	require.NoError(t, err)
	require.NoError(t, srv.Seed(conn, "commerce/orders",
		map[string]any{"id": "ord_old", "orderNumber": "0999", "createdTimestamp": 1589865701, "updatedTimestamp": "1592351971"}))
	stored := srv.Records(conn, "commerce/orders")[2]
	assert.Equal(t, "2020-05-19T05:21:41.000Z", stored["remoteCreatedAt"])
	assert.Equal(t, "2020-06-16T23:59:31.000Z", stored["remoteUpdatedAt"])
	assert.NotContains(t, stored, "createdTimestamp")

	for _, v := range ops.Versions {
		c := &oneCall{op: "unified.Commerce.Orders.Get", method: "GET", path: withConn("/one/commerce/orders/ord_old", v, conn), params: map[string]string{"orderId": "ord_old"}}
		got := send(t, srv, v, c)
		require.Equal(t, http.StatusOK, c.status, "%s", c.resp)
		strictly(t, v, c)
		order := got["order"].(map[string]any)
		assert.Equal(t, "0999", order["orderNumber"])
		assert.Nil(t, order["currency"], "null where unset")
		if v == "2023-12" {
			assert.EqualValues(t, 1589865701, order["createdTimestamp"])
			assert.EqualValues(t, 1592351971, order["updatedTimestamp"])
		} else {
			assert.Equal(t, "2020-05-19T05:21:41.000Z", order["remoteCreatedAt"])
			assert.Equal(t, false, order["remoteDeleted"])
		}
	}
	// a filter reads the version's names: createdTimestamp on 2023-12,
	// compared with a date as the time it names
	c := &oneCall{method: "GET", path: withConn("/one/commerce/orders", "2023-12", conn) + "&createdTimestampMax=2021-01-01"}
	page := send(t, srv, "2023-12", c)
	require.Equal(t, http.StatusOK, c.status, "%s", c.resp)
	require.Len(t, page["orders"], 1)
	assert.Equal(t, "ord_old", page["orders"].([]any)[0].(map[string]any)["id"])
}
