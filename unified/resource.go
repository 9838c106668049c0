package unified

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/pager"
)

// resource is one /one/ collection: its operations' name, the values of
// the parent ids in its route, and the keys Alloy wraps records in. Routes
// and keys come from the contract (internal/contract/ops).
type resource struct {
	u      *Client
	name   string   // e.g. "unified.Commerce.Variants"; each operation adds ".List", ".Get", ...
	parent []string // values for the route's placeholders
	single string   // key of one record, e.g. "customer"
	list   string   // key of a page, e.g. "customers"
	// readOnly are the properties Alloy sets, which a write leaves out.
	readOnly []string
}

// resource returns the collection family/name of the contract.
func (u *Client) resource(family, name string, parent ...string) *resource {
	for _, c := range ops.Collections {
		if c.Family == family && c.Name == name {
			return &resource{u: u, name: "unified." + family + "." + name, parent: parent, single: c.Single, list: c.List, readOnly: c.ReadOnly}
		}
	}
	panic("unified: the contract has no collection " + family + "." + name)
}

// ReadResource is a collection that can be listed, read and counted.
type ReadResource[T any] struct{ r *resource }

// CRUDResource is a collection that can be listed, read, created, updated
// and deleted (Alloy documents no count for it).
type CRUDResource[T any] struct{ r *resource }

// Resource is a collection with every operation: list, get, create,
// update, delete and count.
type Resource[T any] struct{ r *resource }

// List returns one page. GET {path}
func (x *ReadResource[T]) List(ctx context.Context, conn string, params *ListParams, opts ...alloy.RequestOption) (*Page[T], error) {
	return list[T](ctx, x.r, conn, params, opts)
}

// ListIter iterates over every record from params on; see ListParams.
func (x *ReadResource[T]) ListIter(ctx context.Context, conn string, params *ListParams, opts ...alloy.RequestOption) iter.Seq2[T, error] {
	return all[T](ctx, x.r, conn, params, opts)
}

// Get returns one record. GET {path}/{id}
func (x *ReadResource[T]) Get(ctx context.Context, conn, id string, opts ...alloy.RequestOption) (*T, error) {
	return get[T](ctx, x.r, conn, id, opts)
}

// Count returns how many records match filters. GET {path}/count
func (x *ReadResource[T]) Count(ctx context.Context, conn string, filters []Filter, opts ...alloy.RequestOption) (int, error) {
	return count(ctx, x.r, conn, filters, opts)
}

// List returns one page. GET {path}
func (x *CRUDResource[T]) List(ctx context.Context, conn string, params *ListParams, opts ...alloy.RequestOption) (*Page[T], error) {
	return list[T](ctx, x.r, conn, params, opts)
}

// ListIter iterates over every record from params on; see ListParams.
func (x *CRUDResource[T]) ListIter(ctx context.Context, conn string, params *ListParams, opts ...alloy.RequestOption) iter.Seq2[T, error] {
	return all[T](ctx, x.r, conn, params, opts)
}

// Get returns one record. GET {path}/{id}
func (x *CRUDResource[T]) Get(ctx context.Context, conn, id string, opts ...alloy.RequestOption) (*T, error) {
	return get[T](ctx, x.r, conn, id, opts)
}

// Create creates a record and returns it as stored. POST {path}
//
// Not retried on 5xx or timeouts, which could create it twice.
func (x *CRUDResource[T]) Create(ctx context.Context, conn string, record *T, opts ...alloy.RequestOption) (*T, error) {
	return write[T](ctx, x.r, "Create", conn, "", record, opts)
}

// Update changes a record and returns it as stored. PUT {path}/{id}
func (x *CRUDResource[T]) Update(ctx context.Context, conn, id string, record *T, opts ...alloy.RequestOption) (*T, error) {
	return write[T](ctx, x.r, "Update", conn, id, record, opts)
}

// Delete deletes a record. DELETE {path}/{id}
func (x *CRUDResource[T]) Delete(ctx context.Context, conn, id string, opts ...alloy.RequestOption) error {
	return del(ctx, x.r, conn, id, opts)
}

// List returns one page. GET {path}
func (x *Resource[T]) List(ctx context.Context, conn string, params *ListParams, opts ...alloy.RequestOption) (*Page[T], error) {
	return list[T](ctx, x.r, conn, params, opts)
}

// ListIter iterates over every record from params on; see ListParams.
func (x *Resource[T]) ListIter(ctx context.Context, conn string, params *ListParams, opts ...alloy.RequestOption) iter.Seq2[T, error] {
	return all[T](ctx, x.r, conn, params, opts)
}

// Get returns one record. GET {path}/{id}
func (x *Resource[T]) Get(ctx context.Context, conn, id string, opts ...alloy.RequestOption) (*T, error) {
	return get[T](ctx, x.r, conn, id, opts)
}

// Create creates a record and returns it as stored. POST {path}
//
// Not retried on 5xx or timeouts, which could create it twice.
func (x *Resource[T]) Create(ctx context.Context, conn string, record *T, opts ...alloy.RequestOption) (*T, error) {
	return write[T](ctx, x.r, "Create", conn, "", record, opts)
}

// Update changes a record and returns it as stored. PUT {path}/{id}
func (x *Resource[T]) Update(ctx context.Context, conn, id string, record *T, opts ...alloy.RequestOption) (*T, error) {
	return write[T](ctx, x.r, "Update", conn, id, record, opts)
}

// Delete deletes a record. DELETE {path}/{id}
func (x *Resource[T]) Delete(ctx context.Context, conn, id string, opts ...alloy.RequestOption) error {
	return del(ctx, x.r, conn, id, opts)
}

// Count returns how many records match filters. GET {path}/count
func (x *Resource[T]) Count(ctx context.Context, conn string, filters []Filter, opts ...alloy.RequestOption) (int, error) {
	return count(ctx, x.r, conn, filters, opts)
}

// ListParams page and filter a list. Alloy pages in one of two ways: by
// cursor (2023-12: every page says whether another follows and gives its
// cursor) or by page number (2024-03: pages carry no paging data, and a
// page shorter than PageSize is the last). All walks whichever the server
// answers with.
type ListParams struct {
	PageSize   int      // records per page, at most 100; 0 for Alloy's default (50)
	PageNumber int      // page-number paging: the 1-based page; 0 for the first
	Cursor     string   // cursor paging: the NextCursor of the previous page
	Filters    []Filter // all must match
}

// maxPageSize is the largest page Alloy serves; defaultPageSize the one it
// uses when none is sent.
const (
	maxPageSize     = ops.UnifiedMaxPageSize
	defaultPageSize = ops.UnifiedDefaultPageSize
)

// Page is one page of a list.
type Page[T any] struct {
	Items []T
	// HasNext reports whether another page follows: as Alloy says with
	// cursor paging, or because this page is full with page numbers.
	HasNext    bool
	NextCursor string // cursor paging: pass as ListParams.Cursor
	PageNumber int    // page-number paging: the page this is
	cursor     bool   // the response carried pageInfo
}

// Filter is one condition on a list, sent as a query parameter: field
// (equals), fieldContains, fieldNotEquals, fieldMin or fieldMax. Build it
// with Eq, Contains, NotEq, Min or Max.
type Filter struct {
	Field string
	Op    string // "", "Contains", "NotEquals", "Min" or "Max"
	Value string
}

// Eq matches records whose field equals v.
func Eq(field string, v any) Filter { return Filter{field, "", filterValue(v)} }

// Contains matches records whose field contains v.
func Contains(field, v string) Filter { return Filter{field, "Contains", v} }

// NotEq matches records whose field differs from v.
func NotEq(field string, v any) Filter { return Filter{field, "NotEquals", filterValue(v)} }

// Min matches records whose numeric field is at least v, e.g.
// Min("totalPrice", 250).
func Min(field string, v any) Filter { return Filter{field, "Min", filterValue(v)} }

// Max matches records whose numeric field is at most v.
func Max(field string, v any) Filter { return Filter{field, "Max", filterValue(v)} }

func filterValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case Decimal:
		return string(x)
	case Code:
		return string(x)
	case Date:
		return x.String()
	case Timestamp:
		return x.UTC().Format(time.RFC3339)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	}
	return fmt.Sprint(v)
}

// reservedParams cannot be filtered on: they carry paging and the connection.
var reservedParams = map[string]bool{"pageSize": true, "pageNumber": true, "cursor": true, ConnectionIDParam: true, CredentialIDParam: true}

// query adds the paging and filter parameters to q.
func (p *ListParams) query(op string, q url.Values) error {
	if p == nil {
		return nil
	}
	switch {
	case p.PageSize < 0 || p.PageSize > maxPageSize:
		return invalidArg(op, "page size %d is outside 0..%d", p.PageSize, maxPageSize)
	case p.PageNumber < 0:
		return invalidArg(op, "page number %d is negative", p.PageNumber)
	case p.PageNumber > 0 && p.Cursor != "":
		return invalidArg(op, "give a page number or a cursor, not both")
	}
	if p.PageSize > 0 {
		q.Set("pageSize", strconv.Itoa(p.PageSize))
	}
	if p.PageNumber > 0 {
		q.Set("pageNumber", strconv.Itoa(p.PageNumber))
	}
	if p.Cursor != "" {
		q.Set("cursor", p.Cursor)
	}
	return addFilters(op, q, p.Filters)
}

func addFilters(op string, q url.Values, filters []Filter) error {
	for _, f := range filters {
		switch f.Op {
		case "", "Contains", "NotEquals", "Min", "Max":
		default:
			return invalidArg(op, "filter on %q has an unknown operator %q", f.Field, f.Op)
		}
		if !isIdentifier(f.Field) || reservedParams[f.Field] {
			return invalidArg(op, "filter field %q is not a field name", f.Field)
		}
		key := f.Field + f.Op
		if q.Has(key) {
			return invalidArg(op, "two filters on %s", key)
		}
		q.Set(key, f.Value)
	}
	return nil
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// path returns the values for the route's placeholders: the parents', and
// the record's when id is set.
func (r *resource) path(id string) []string {
	if id == "" {
		return r.parent
	}
	return append(slices.Clone(r.parent), id)
}

func list[T any](ctx context.Context, r *resource, conn string, params *ListParams, opts []alloy.RequestOption) (*Page[T], error) {
	op := r.name + ".List"
	q, err := r.u.connQuery(op, conn)
	if err != nil {
		return nil, err
	}
	if err := params.query(op, q); err != nil {
		return nil, err
	}
	var body map[string]json.RawMessage
	if err := r.u.send(ctx, apiCall{op: op, path: r.path(""), query: q, out: &body}, opts); err != nil {
		return nil, err
	}
	items, err := decodeItems[T](body[r.list])
	if err != nil {
		return nil, fmt.Errorf("alloy: %s: decode %s: %w", op, r.list, err)
	}
	page := &Page[T]{Items: items}
	if raw, ok := body["pageInfo"]; ok && string(raw) != "null" {
		var info struct {
			HasNext    bool    `json:"hasNext"`
			NextCursor *string `json:"nextCursor"`
		}
		_ = json.Unmarshal(raw, &info) // a malformed pageInfo reads as the last page
		page.cursor, page.HasNext = true, info.HasNext
		if info.NextCursor != nil {
			page.NextCursor = *info.NextCursor
		}
		return page, nil
	}
	size := defaultPageSize
	page.PageNumber = 1
	if params != nil {
		if params.PageSize > 0 {
			size = params.PageSize
		}
		page.PageNumber = max(params.PageNumber, 1)
	}
	page.HasNext = len(items) >= size
	return page, nil
}

// decodeItems decodes a list of records, keeping each one's JSON in Raw.
func decodeItems[T any](raw json.RawMessage) ([]T, error) {
	var items []json.RawMessage
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
	}
	out := make([]T, len(items))
	for i, b := range items {
		if err := decodeRecord(b, &out[i]); err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
	}
	return out, nil
}

func decodeRecord[T any](b []byte, v *T) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	if rs, ok := any(v).(rawSetter); ok {
		rs.setRaw(b)
	}
	return nil
}

func all[T any](ctx context.Context, r *resource, conn string, params *ListParams, opts []alloy.RequestOption) iter.Seq2[T, error] {
	var p ListParams
	if params != nil {
		p = *params
		p.Filters = slices.Clone(params.Filters)
	}
	opts = slices.Clone(opts)
	return pager.Seq(func() func() ([]T, bool, error) {
		p := p // each range over the iterator starts afresh
		return func() ([]T, bool, error) {
			page, err := list[T](ctx, r, conn, &p, opts)
			switch {
			case err != nil:
				return nil, false, err
			case !page.HasNext:
				return page.Items, false, nil
			case page.cursor:
				if page.NextCursor == "" || page.NextCursor == p.Cursor {
					return page.Items, false, fmt.Errorf("alloy: %s.ListIter: the server says more pages follow but gives no new cursor", r.name)
				}
				p.Cursor = page.NextCursor
			default:
				p.PageNumber = page.PageNumber + 1
			}
			return page.Items, true, nil
		}
	}, r.u.maxPages, func(pages int) error {
		return fmt.Errorf("alloy: %s.ListIter: %w: stopped after %d pages", r.name, alloy.ErrTooManyPages, pages)
	})
}

// one decodes a record under key, or under "data", or bare. A record
// wrapped in a one-element array is read too: get-fulfillment's page shows
// {"fulfillment": [ {...} ]}.
func one[T any](body []byte, key string) (*T, error) {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, err
	}
	b := body
	if v, ok := env[key]; ok {
		b = v
	} else if v, ok := env["data"]; ok {
		b = v
	}
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, err
		}
		if len(list) != 1 {
			return nil, fmt.Errorf("%d records under %s, want one", len(list), key)
		}
		b = list[0]
	}
	if len(bytes.TrimSpace(b)) == 0 || string(b) == "null" {
		return nil, fmt.Errorf("no %s in the response", key)
	}
	out := new(T)
	if err := decodeRecord(b, out); err != nil {
		return nil, err
	}
	return out, nil
}

func get[T any](ctx context.Context, r *resource, conn, id string, opts []alloy.RequestOption) (*T, error) {
	return call[T](ctx, r, "Get", conn, id, nil, opts)
}

// write creates (kind "Create") or updates (kind "Update") a record.
func write[T any](ctx context.Context, r *resource, kind, conn, id string, record *T, opts []alloy.RequestOption) (*T, error) {
	if record == nil {
		return nil, invalidArg(r.name+"."+kind, "record is nil")
	}
	if kind == "Update" && id == "" {
		return nil, invalidArg(r.name+".Update", "id is empty")
	}
	body, err := r.writable(record)
	if err != nil {
		return nil, fmt.Errorf("alloy: %s.%s: encode record: %w", r.name, kind, err)
	}
	return call[T](ctx, r, kind, conn, id, body, opts)
}

// writable encodes record without the properties Alloy sets (ids, sync
// timestamps), which the contract marks readOnly: a record read back and
// written again must not send them. Records nested in it (a product's
// variants) keep their ids, which say which one is meant, but lose their
// sync timestamps, which the pages give in another form there (Unix
// seconds) and Alloy sets anyway.
func (r *resource) writable(record any) (json.RawMessage, error) {
	b, err := json.Marshal(record)
	if err != nil || len(r.readOnly) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for _, k := range r.readOnly {
		delete(m, k)
	}
	for k, v := range m {
		if k == "remoteFields" {
			continue // the remote app's own fields, sent as given
		}
		if nested, changed := r.withoutStamps(v); changed {
			m[k] = nested
		}
	}
	return json.Marshal(m)
}

// withoutStamps removes the read-only properties but ids from an object,
// or from each object of an array; changed is false when v is neither or
// has none.
func (r *resource) withoutStamps(v json.RawMessage) (_ json.RawMessage, changed bool) {
	strip := func(o map[string]json.RawMessage) bool {
		n := len(o)
		for _, k := range r.readOnly {
			if k != "id" && k != "remoteId" {
				delete(o, k)
			}
		}
		return len(o) != n
	}
	switch t := bytes.TrimLeft(v, " \t\r\n"); {
	case len(t) > 0 && t[0] == '{':
		var o map[string]json.RawMessage
		if json.Unmarshal(v, &o) != nil || !strip(o) {
			return v, false
		}
		b, err := json.Marshal(o)
		return b, err == nil
	case len(t) > 0 && t[0] == '[':
		var arr []json.RawMessage
		if json.Unmarshal(v, &arr) != nil {
			return v, false
		}
		stripped := false
		for i, e := range arr {
			var o map[string]json.RawMessage
			if et := bytes.TrimLeft(e, " \t\r\n"); len(et) == 0 || et[0] != '{' || json.Unmarshal(e, &o) != nil || !strip(o) {
				continue
			}
			if b, err := json.Marshal(o); err == nil {
				arr[i], stripped = b, true
			}
		}
		if !stripped {
			return v, false
		}
		b, err := json.Marshal(arr)
		return b, err == nil
	}
	return v, false
}

// call sends a request about one record (kind "Get", "Create" or
// "Update") and decodes the record answered.
func call[T any](ctx context.Context, r *resource, kind, conn, id string, body any, opts []alloy.RequestOption) (*T, error) {
	op := r.name + "." + kind
	q, err := r.u.connQuery(op, conn)
	if err != nil {
		return nil, err
	}
	if kind == "Get" && id == "" {
		return nil, invalidArg(op, "id is empty")
	}
	var raw json.RawMessage
	if err := r.u.send(ctx, apiCall{op: op, path: r.path(id), query: q, body: body, out: &raw}, opts); err != nil {
		return nil, err
	}
	out, err := one[T](raw, r.single)
	if err != nil {
		return nil, fmt.Errorf("alloy: %s: decode response: %w", op, err)
	}
	return out, nil
}

func del(ctx context.Context, r *resource, conn, id string, opts []alloy.RequestOption) error {
	op := r.name + ".Delete"
	q, err := r.u.connQuery(op, conn)
	if err != nil {
		return err
	}
	if id == "" {
		return invalidArg(op, "id is empty")
	}
	return r.u.send(ctx, apiCall{op: op, path: r.path(id), query: q}, opts)
}

func count(ctx context.Context, r *resource, conn string, filters []Filter, opts []alloy.RequestOption) (int, error) {
	op := r.name + ".Count"
	q, err := r.u.connQuery(op, conn)
	if err != nil {
		return 0, err
	}
	if err := addFilters(op, q, filters); err != nil {
		return 0, err
	}
	var out struct {
		Count *int `json:"count"`
	}
	if err := r.u.send(ctx, apiCall{op: op, path: r.parent, query: q, out: &out}, opts); err != nil {
		return 0, err
	}
	if out.Count == nil {
		return 0, fmt.Errorf("alloy: %s: response has no count", op)
	}
	return *out.Count, nil
}
