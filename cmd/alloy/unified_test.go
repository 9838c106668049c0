package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUnifiedCollectionsAreTheContracts: the collections found by
// reflection on unified.Client are the contract's, named by their routes,
// nested ones with the parent their route names, each with the verbs its
// operations allow.
func TestUnifiedCollectionsAreTheContracts(t *testing.T) {
	t.Parallel()
	found := map[string]collection{}
	for _, c := range unifiedCollections() {
		found[c.name] = c
	}
	require.Len(t, found, len(ops.Collections))
	for _, want := range ops.Collections {
		route := strings.TrimPrefix(want.Path, "/one/")
		name, parent := route, ""
		if i := strings.Index(route, "/{"); i >= 0 { // commerce/products/{productId}/variants
			j := strings.Index(route, "}/")
			parent = strings.TrimSuffix(route[i+2:j], "Id")
			name = route[:strings.Index(route, "/")] + route[j+1:]
		}
		got, ok := found[name]
		if !assert.True(t, ok, "no command for %s", want.Path) {
			continue
		}
		assert.Equal(t, want.Family+"."+want.Name, got.family+"."+got.member)
		assert.Equal(t, parent != "", got.nested, name)
		if parent != "" {
			assert.Equal(t, parent, got.parent, "the parent flag of %s", name)
		}
		for _, v := range collectionVerbs {
			assert.Equal(t, slices.Contains(want.Ops, v.verb), got.can(v.method), "%s %s", name, v.verb)
		}
	}
}

func TestUnifiedRecordsLifecycle(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	conn, err := h.srv.Connect(u.ID, "hubspot")
	require.NoError(t, err)
	col := []string{"unified", "crm/contacts"}
	args := func(a ...string) []string {
		return append(append(append([]string(nil), col...), a...), "--connection", conn)
	}

	var before map[string]int
	h.jsonOut(&before, args("count")...)
	require.Greater(t, before["count"], 0, "sample records")

	var created map[string]any
	h.jsonOut(&created, args("create", "--data", `{"firstName": "Ada", "lastName": "Lovelace"}`)...)
	id, _ := created["id"].(string)
	require.NotEmpty(t, id)
	assert.Equal(t, "Ada", created["firstName"])
	var sent map[string]any
	for _, r := range h.srv.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/one/crm/contacts") {
			require.NoError(t, json.Unmarshal(r.Body, &sent))
			assert.Contains(t, r.Query, "credentialId="+conn)
		}
	}
	assert.Equal(t, "Lovelace", sent["lastName"], "the record was sent")
	assert.NotContains(t, sent, "id", "read-only fields are left out")

	out := h.ok(args("get", id)...)
	assert.Regexp(t, `(?m)^firstName +Ada$`, out)
	var after map[string]int
	h.jsonOut(&after, args("count")...)
	assert.Equal(t, before["count"]+1, after["count"])

	var updated map[string]any
	h.jsonOut(&updated, args("update", id, "--data", `{"firstName": "Augusta", "lastName": "King"}`)...)
	assert.Equal(t, "Augusta", updated["firstName"])

	var found []map[string]any
	h.jsonOut(&found, args("list", "--filter", "firstName=Augusta")...)
	require.Len(t, found, 1)
	assert.Equal(t, id, found[0]["id"])
	var filtered int
	h.jsonOut(&after, args("count", "--filter", "firstName~gust")...)
	filtered = after["count"]
	assert.Equal(t, 1, filtered)

	// paging: one page says how to get the next; --all walks them
	r := h.run(args("list", "--page-size", "1")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Len(t, lines(r.stdout), 2, "header and one record")
	assert.Regexp(t, `^alloy unified crm/contacts list: more records: add --(page 2|cursor \S+) for the next page, or --all\n$`, r.stderr)
	all := lines(h.ok(args("list", "--all", "--page-size", "1", "--jsonl")...))
	assert.Len(t, all, before["count"]+1)
	assert.Len(t, lines(h.ok(args("list", "--all", "--max", "2", "--jsonl")...)), 2)

	assert.Equal(t, "Deleted crm/contacts record "+id+".\n", h.ok(args("delete", id, "--yes")...))
	r = h.run(args("get", id)...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "HTTP 404")
}

func TestUnifiedNestedCollection(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	conn, err := h.srv.Connect(u.ID, "shopify")
	require.NoError(t, err)
	var products []map[string]any
	h.jsonOut(&products, "unified", "commerce/products", "list", "--connection", conn)
	require.NotEmpty(t, products)
	product := products[0]["id"].(string)
	h.srv.ResetRequests()
	var variants []map[string]any
	h.jsonOut(&variants, "unified", "commerce/variants", "list", "--connection", conn, "--product", product)
	require.NotEmpty(t, variants)
	reqs := h.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/one/commerce/products/"+product+"/variants", reqs[0].Path)
}
