package alloytest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	contractops "github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/timeparse"
)

// op is a set of the operations a Unified API collection supports.
type op uint8

const (
	opList op = 1 << iota
	opGet
	opCreate
	opUpdate
	opDelete
	opCount
)

// collection is one model collection of the Unified API.
type collection struct {
	// path is the route after /one/, e.g. "commerce/customers"; a
	// sub-collection names its parent record with a parameter, e.g.
	// "commerce/products/{productId}/variants".
	path   string
	single string // the key one record is wrapped in, e.g. "customer"
	list   string // the key a page is wrapped in, e.g. "customers"
	ops    op
	name   string // the contract's name, e.g. "unified.Commerce.Variants"
}

// opName is the contract's name of c's operations, without the kind.
func (c *collection) opName() string { return c.name }

// collections are the model collections of the contract, with the
// operations it documents for each; every one is served by the same
// handlers.
var collections = func() []collection {
	kinds := map[string]op{"list": opList, "get": opGet, "create": opCreate, "update": opUpdate, "delete": opDelete, "count": opCount}
	var out []collection
	for _, oc := range contractops.Collections {
		c := collection{path: strings.TrimPrefix(oc.Path, "/one/"), single: oc.Single, list: oc.List,
			name: "unified." + oc.Family + "." + oc.Name}
		for _, k := range oc.Ops {
			c.ops |= kinds[k]
		}
		out = append(out, c)
	}
	return out
}()

// category is the first segment of c's path, e.g. "commerce".
func (c *collection) category() string {
	cat, _, _ := strings.Cut(c.path, "/")
	return cat
}

// parentOf returns, for a sub-collection, the parent collection's path and
// the key that links a record to its parent: the route parameter and the
// record's field, e.g. "productId". Both are "" for a top-level collection.
func (c *collection) parentOf() (path, key string) {
	i := strings.Index(c.path, "/{")
	if i < 0 {
		return "", ""
	}
	key, _, _ = strings.Cut(c.path[i+2:], "}")
	return c.path[:i], key
}

// operations names c's operations as Alloy's metadata does, e.g.
// listCustomers, getCustomer, ..., countCustomers.
func (c *collection) operations() []string {
	one, many := upperFirst(c.single), upperFirst(c.list)
	var out []string
	for _, o := range []struct {
		op   op
		name string
	}{{opList, "list" + many}, {opGet, "get" + one}, {opCreate, "create" + one}, {opUpdate, "update" + one}, {opDelete, "delete" + one}, {opCount, "count" + many}} {
		if c.ops&o.op != 0 {
			out = append(out, o.name)
		}
	}
	return out
}

func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// collectionAt finds the collection a path after /one/ names, either as its
// template ("commerce/products/{productId}/variants") or with a parent's id
// in place ("commerce/products/prd_1001/variants"); parent is that id, or
// "" for a template or a top-level collection.
func collectionAt(path string) (c *collection, parent string, ok bool) {
	segs := splitPath(strings.TrimPrefix(strings.Trim(path, "/"), "one/"))
	for i := range collections {
		want := splitPath(collections[i].path)
		if len(want) != len(segs) {
			continue
		}
		parent, ok = "", true
		for j, w := range want {
			switch {
			case strings.HasPrefix(w, "{") && segs[j] != w:
				parent = segs[j]
			case segs[j] != w:
				ok = false
			}
		}
		if ok {
			return &collections[i], parent, true
		}
	}
	return nil, "", false
}

// connection is the Unified API data of one credential. Its records and
// subscriptions have their own lock, mu, which the connection's (and its
// targets') methods take as the store's take st.mu: the ones named
// ...Locked expect it held, the others take it.
type connection struct {
	category string     // its app's category, e.g. "commerce"; never changes
	rand     randSource // its store's; never changes

	mu      sync.Mutex
	seq     uint64
	records map[string][]*record // collection path -> records, oldest first
	subs    []*subscription      // webhook subscriptions, oldest first
}

// record is one stored record of a collection; seq orders records and
// anchors cursors. fields is the canonical record (see records.go), which
// every read renders in the shape of the version asked for. An update
// replaces its top-level values; none is changed in place, so a rendering
// may share them.
type record struct {
	seq    uint64
	fields map[string]any
}

// insertLocked stores fields as the newest record of the collection at
// path.
func (conn *connection) insertLocked(path string, fields map[string]any) *record {
	conn.seq++
	rec := &record{seq: conn.seq, fields: fields}
	conn.records[path] = append(conn.records[path], rec)
	return rec
}

// hasLocked reports whether the collection at path holds a record with id.
func (conn *connection) hasLocked(path, id string) bool {
	return slices.ContainsFunc(conn.records[path], func(r *record) bool { return r.id() == id })
}

// removeLocked deletes the records of the collection at path that del
// picks, and the records of its sub-collections that belong to them.
func (conn *connection) removeLocked(path string, del func(*record) bool) {
	var gone []string
	conn.records[path] = slices.DeleteFunc(conn.records[path], func(r *record) bool {
		if del(r) {
			gone = append(gone, r.id())
			return true
		}
		return false
	})
	for i := range collections {
		if p, key := collections[i].parentOf(); p == path && len(gone) > 0 {
			conn.removeLocked(collections[i].path, func(r *record) bool { return slices.Contains(gone, r.text(key)) })
		}
	}
}

// clear deletes every record of the connection.
func (conn *connection) clear() {
	conn.mu.Lock()
	defer conn.mu.Unlock()
	conn.records = map[string][]*record{}
}

func (r *record) id() string { return r.text("id") }

// text is a field's value as text when it is a string, number or boolean.
func (r *record) text(field string) string {
	s, _ := scalarText(r.fields[field])
	return s
}

// decodeNumbers decodes JSON keeping numbers as json.Number, so that a
// record's "129.50" is served as it came, not as 129.5.
func decodeNumbers(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// scalarText renders a string, number or boolean as text; ok is false for
// anything else (null, objects, arrays).
func scalarText(v any) (s string, ok bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// target is one collection of one connection: of one parent record for a
// sub-collection, or of every parent when parent is "". Its methods lock
// the connection as the connection's do.
type target struct {
	c      *collection
	conn   *connection
	parent string
}

// open returns c of cred's connection, failing with 400 when cred's app
// does not serve c.
func open(cred *credential, c *collection) (*target, *failure) {
	if cred.one == nil || cred.one.category != c.category() {
		return nil, &failure{http.StatusBadRequest, fmt.Sprintf("%s does not support %s", cred.Type, c.path)}
	}
	return &target{c: c, conn: cred.one}, nil
}

// of narrows t, a sub-collection, to the parent record id, failing with
// 404 when there is none.
func (t *target) of(parent string) (*target, *failure) {
	n := *t
	n.parent = parent
	n.conn.mu.Lock()
	defer n.conn.mu.Unlock()
	if f := n.parentGoneLocked(); f != nil {
		return nil, f
	}
	return &n, nil
}

// parentGoneLocked fails with 404 when t names a parent record that is no
// longer there.
func (t *target) parentGoneLocked() *failure {
	if t.parent == "" {
		return nil
	}
	path, _ := t.c.parentOf()
	if !t.conn.hasLocked(path, t.parent) {
		p, _, _ := collectionAt(path)
		return &failure{http.StatusNotFound, fmt.Sprintf("%s %q not found", p.single, t.parent)}
	}
	return nil
}

// where is t's path after /one/, with the parent's id in place.
func (t *target) where() string {
	if _, key := t.c.parentOf(); t.parent != "" {
		return strings.Replace(t.c.path, "{"+key+"}", t.parent, 1)
	}
	return t.c.path
}

// recordsLocked lists t's records, oldest first.
func (t *target) recordsLocked() []*record {
	all := t.conn.records[t.c.path]
	if t.parent == "" {
		return all
	}
	_, key := t.c.parentOf()
	var out []*record
	for _, r := range all {
		if r.text(key) == t.parent {
			out = append(out, r)
		}
	}
	return out
}

// lookupLocked returns t's record with id: 404 when there is none.
func (t *target) lookupLocked(id string) (*record, error) {
	for _, r := range t.recordsLocked() {
		if r.id() == id {
			return r, nil
		}
	}
	return nil, fail(http.StatusNotFound, "%s %q not found", t.c.single, id)
}

// addLocked stores fields, a canonical record, as t's newest record,
// filling in what is missing or empty: an id (random, and not yet in the
// collection) and a remoteId, the sync times (now) and remoteDeleted, and
// the parent's id when t names one.
func (t *target) addLocked(fields map[string]any) *record {
	if fields["id"] == nil || fields["id"] == "" {
		id := t.conn.rand.randomID(12)
		for t.conn.hasLocked(t.c.path, id) {
			id = t.conn.rand.randomID(12)
		}
		fields["id"] = id
	}
	if fields["remoteId"] == nil || fields["remoteId"] == "" {
		fields["remoteId"] = t.conn.rand.remoteID()
	}
	stamp(fields, time.Now())
	if _, key := t.c.parentOf(); t.parent != "" {
		fields[key] = t.parent
	}
	return t.conn.insertLocked(t.c.path, fields)
}

// remoteID returns a random 13-digit id, like a provider's.
func (r randSource) remoteID() string {
	b := make([]byte, 8)
	_, _ = r(b)
	return strconv.FormatUint(1e12+binary.BigEndian.Uint64(b)%9e12, 10)
}

// selectorParam is the query parameter that names the connection in
// version's documents: connectionId up to 2023-12, credentialId after.
func selectorParam(version string) string {
	if version < contractops.UnifiedCredentialIdSince {
		return "connectionId"
	}
	return "credentialId"
}

// connectionParam reads the connection a Unified API call names with
// connectionId or credentialId (either, on any version: Alloy's documents
// disagree), failing with 400 when there is neither, or two different
// ones.
func connectionParam(r *http.Request, req *request) (string, error) {
	q := r.URL.Query()
	conn, cred := q.Get("connectionId"), q.Get("credentialId")
	switch {
	case conn == "" && cred == "":
		return "", fail(http.StatusBadRequest, "%s is required", selectorParam(req.version))
	case conn != "" && cred != "" && conn != cred:
		return "", fail(http.StatusBadRequest, "connectionId and credentialId name different connections")
	}
	return cmp.Or(conn, cred), nil
}

// connectionHandler acts on the connection a Unified API call names.
type connectionHandler func(w http.ResponseWriter, r *http.Request, req *request, cred *credential)

// forConnection runs h with the connection the query names resolved (see
// connectionParam), answering 404 when there is no such credential.
func (s *Server) forConnection(h connectionHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, req *request) {
		id, err := connectionParam(r, req)
		if err != nil {
			writeFailure(w, err)
			return
		}
		cred, _ := s.st.credentialByID(id, "")
		if cred == nil {
			writeError(w, http.StatusNotFound, "Connection not found")
			return
		}
		h(w, r, req, cred)
	}
}

// collectionHandler acts on one collection of one connection; in is the
// record a POST or PUT sent.
type collectionHandler func(w http.ResponseWriter, r *http.Request, req *request, t *target, in map[string]any)

// forCollection runs h with the connection resolved and serving c, and,
// for a sub-collection, the parent record found (h's methods on t check
// again that it is still there). The record a POST or PUT sends is read
// first.
func (s *Server) forCollection(c *collection, h collectionHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, req *request) {
		var in map[string]any
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			var ok bool
			if in, ok = readRecord(w, r, c); !ok {
				return
			}
		}
		s.forConnection(func(w http.ResponseWriter, r *http.Request, req *request, cred *credential) {
			t, f := open(cred, c)
			if _, key := c.parentOf(); f == nil && key != "" {
				t, f = t.of(req.params[key])
			}
			if f != nil {
				f.write(w)
				return
			}
			h(w, r, req, t, in)
		})(w, r, req)
	}
}

// readRecord reads the record a create or update sends: bare, as the SDK
// sends it, or wrapped in {<single>: {...}}. Numbers keep their text.
func readRecord(w http.ResponseWriter, r *http.Request, c *collection) (map[string]any, bool) {
	var raw json.RawMessage
	if !readJSON(w, r, &raw) {
		return nil, false
	}
	var in map[string]any
	if decodeNumbers(raw, &in) != nil {
		writeError(w, http.StatusBadRequest, "Request body is not valid JSON")
		return nil, false
	}
	if in == nil {
		writeError(w, http.StatusBadRequest, "The body must be a JSON object")
		return nil, false
	}
	if inner, ok := in[c.single].(map[string]any); ok && len(in) == 1 {
		in = inner
	}
	return in, true
}

// collectionHandlers are the handlers of c's operations, by the contract's
// operationId.
func (s *Server) collectionHandlers(c *collection) map[string]handler {
	out := map[string]handler{}
	for _, o := range []struct {
		op   op
		kind string
		h    collectionHandler
	}{
		{opCount, "Count", s.countRecords},
		{opList, "List", s.listRecords},
		{opGet, "Get", s.getRecord},
		{opCreate, "Create", s.createRecord},
		{opUpdate, "Update", s.updateRecord},
		{opDelete, "Delete", s.deleteRecord},
	} {
		if c.ops&o.op != 0 {
			out[c.opName()+"."+o.kind] = s.forCollection(c, o.h)
		}
	}
	return out
}

// Paging of Unified API lists.
const (
	defaultPageSize = contractops.UnifiedDefaultPageSize
	maxPageSize     = contractops.UnifiedMaxPageSize
)

// cursorPaging reports whether version pages lists by cursor (2023-12)
// rather than by page number (2024-03 on).
func cursorPaging(version string) bool { return version < contractops.UnifiedCursorPagingUntil }

// listRecords serves a page of the records that match the filters, oldest
// first, as the version renders them: on 2023-12 from cursor, with
// pageInfo; later from pageNumber (1-based), with no paging data.
func (s *Server) listRecords(w http.ResponseWriter, r *http.Request, req *request, t *target, _ map[string]any) {
	q := r.URL.Query()
	size, ok := intParam(w, q, "pageSize", defaultPageSize, 1, maxPageSize)
	if !ok {
		return
	}
	filters, err := parseFilters(q)
	if err != nil {
		writeFailure(w, err)
		return
	}
	number := 0
	if !cursorPaging(req.version) {
		if number, ok = intParam(w, q, "pageNumber", 1, 1, 0); !ok {
			return
		}
	}
	out, err := t.page(filters, req.version, size, q.Get("cursor"), number)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// page renders a page of t's records that match filters, as the version
// renders them: from cursor with pageInfo when the version pages by
// cursor, else page number (1-based) with no paging data.
func (t *target) page(filters []filter, version string, size int, cursor string, number int) (map[string]any, error) {
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	if f := t.parentGoneLocked(); f != nil {
		return nil, f
	}
	list := t.matchingLocked(filters, version)
	out := map[string]any{}
	if cursorPaging(version) {
		from, err := t.cursorStartLocked(list, cursor)
		if err != nil {
			return nil, err
		}
		page := window(list, from, size)
		var next *string
		if from+len(page) < len(list) {
			c := t.cursorLocked(page[len(page)-1])
			next = &c
		}
		out["pageInfo"] = map[string]any{"hasNext": next != nil, "nextCursor": next}
		list = page
	} else {
		from := len(list)
		if number-1 <= len(list)/size {
			from = (number - 1) * size
		}
		list = window(list, from, size)
	}
	page := make([]map[string]any, 0, len(list))
	for _, rec := range list {
		page = append(page, t.c.render(version, rec.fields))
	}
	out[t.c.list] = page
	return out, nil
}

// cursorState is what a cursor carries: the list it pages and the last
// record it served.
type cursorState struct {
	Path  string `json:"c"`
	After uint64 `json:"after"`
}

// cursorLocked is the opaque cursor of the page after last.
func (t *target) cursorLocked(last *record) string {
	b, _ := json.Marshal(cursorState{Path: t.where(), After: last.seq})
	return base64.RawURLEncoding.EncodeToString(b)
}

// cursorStartLocked returns where in list the page a cursor names starts: 0 for
// no cursor. A cursor this server did not hand out for t fails with 400.
func (t *target) cursorStartLocked(list []*record, cursor string) (int, error) {
	if cursor == "" {
		return 0, nil
	}
	var st cursorState
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || json.Unmarshal(b, &st) != nil || st.Path != t.where() || st.After == 0 {
		return 0, fail(http.StatusBadRequest, "Invalid cursor")
	}
	i := slices.IndexFunc(list, func(r *record) bool { return r.seq > st.After })
	if i < 0 {
		i = len(list)
	}
	return i, nil
}

func (s *Server) countRecords(w http.ResponseWriter, r *http.Request, req *request, t *target, _ map[string]any) {
	filters, err := parseFilters(r.URL.Query())
	if err != nil {
		writeFailure(w, err)
		return
	}
	n, err := t.count(filters, req.version)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"count": n})
}

// count counts t's records that match filters.
func (t *target) count(filters []filter, version string) (int, error) {
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	if f := t.parentGoneLocked(); f != nil {
		return 0, f
	}
	return len(t.matchingLocked(filters, version)), nil
}

// answer writes one record as rendered, wrapped in the collection's single
// key, or the failure of the operation that gave it.
func (t *target) answer(w http.ResponseWriter, rendered map[string]any, err error) {
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{t.c.single: rendered})
}

func (s *Server) getRecord(w http.ResponseWriter, _ *http.Request, req *request, t *target, _ map[string]any) {
	rec, err := t.get(req.params["id"], req.version)
	t.answer(w, rec, err)
}

// get renders t's record with id as the version does.
func (t *target) get(id, version string) (map[string]any, error) {
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	if f := t.parentGoneLocked(); f != nil {
		return nil, f
	}
	rec, err := t.lookupLocked(id)
	if err != nil {
		return nil, err
	}
	return t.c.render(version, rec.fields), nil
}

// createRecord stores the properties sent that the version documents as
// writable (see collection.accept); the server sets the id, remoteId, the
// sync times and, in a sub-collection, the parent's id, whatever the body
// says. It answers the whole record: what was not sent is null.
func (s *Server) createRecord(w http.ResponseWriter, _ *http.Request, req *request, t *target, in map[string]any) {
	rec, err := t.create(in, req.version)
	t.answer(w, rec, err)
}

// create stores the writable properties of in as a new record of t and
// renders it.
func (t *target) create(in map[string]any, version string) (map[string]any, error) {
	fields := t.c.accept(version, in)
	if _, key := t.c.parentOf(); key != "" {
		delete(fields, key)
	}
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	if f := t.parentGoneLocked(); f != nil {
		return nil, f
	}
	return t.c.render(version, t.addLocked(fields).fields), nil
}

// updateRecord merges the writable properties sent into the record's
// (top-level properties replace the old values) and marks it changed now
// (updatedAt, remoteUpdatedAt); the fields the server sets are kept.
func (s *Server) updateRecord(w http.ResponseWriter, _ *http.Request, req *request, t *target, in map[string]any) {
	rec, err := t.update(req.params["id"], in, req.version)
	t.answer(w, rec, err)
}

// update merges the writable properties of in into t's record with id and
// renders it.
func (t *target) update(id string, in map[string]any, version string) (map[string]any, error) {
	fields := t.c.accept(version, in)
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	if f := t.parentGoneLocked(); f != nil {
		return nil, f
	}
	rec, err := t.lookupLocked(id)
	if err != nil {
		return nil, err
	}
	_, key := t.c.parentOf()
	for k, v := range fields {
		if k != key {
			rec.fields[k] = v
		}
	}
	touch(rec.fields, time.Now())
	return t.c.render(version, rec.fields), nil
}

// deleteCode is the code a delete answers: the contract settles on
// {"code": ...} (Alloy's own SDK tests expect the key) and no page gives
// its value.
const deleteCode = "DELETED"

// deleteRecord deletes a record and the records of its sub-collections
// (a product's variants, an order's fulfillments).
func (s *Server) deleteRecord(w http.ResponseWriter, _ *http.Request, req *request, t *target, _ map[string]any) {
	if err := t.delete(req.params["id"]); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"code": deleteCode})
}

// delete deletes t's record with id and the records of its
// sub-collections.
func (t *target) delete(id string) error {
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	if f := t.parentGoneLocked(); f != nil {
		return f
	}
	rec, err := t.lookupLocked(id)
	if err != nil {
		return err
	}
	t.conn.removeLocked(t.c.path, func(r *record) bool { return r == rec })
	return nil
}

// notFilters are the query parameters of a list or count that are not
// filters.
var notFilters = map[string]bool{"connectionId": true, "credentialId": true, "cursor": true, "pageSize": true, "pageNumber": true}

// filterOps are the suffixes that make a query parameter a filter other
// than equals.
var filterOps = []string{"Contains", "NotEquals", "Min", "Max"}

// filter is one condition on the top-level field of a record.
type filter struct{ field, op, value string }

// parseFilters reads the filters of a list or count's query, failing with
// 400 for a Min or Max that is neither a number nor a date. Every
// parameter but the connection and paging ones is a filter: <field>
// (equals), <field>Contains (case-insensitive), <field>NotEquals,
// <field>Min and <field>Max (numbers, or dates, as JSON numbers or
// strings; a Unix timestamp compares with a date as the time it names).
func parseFilters(q url.Values) ([]filter, error) {
	var filters []filter
	for _, key := range slices.Sorted(maps.Keys(q)) {
		if notFilters[key] {
			continue
		}
		f := filter{field: key}
		for _, op := range filterOps {
			if name, ok := strings.CutSuffix(key, op); ok && name != "" {
				f.field, f.op = name, op
				break
			}
		}
		for _, v := range q[key] {
			if (f.op == "Min" || f.op == "Max") && number(v) == nil && date(v) == nil {
				return nil, fail(http.StatusBadRequest, "%s must be a number or a date", key)
			}
			f.value = v
			filters = append(filters, f)
		}
	}
	return filters, nil
}

// matchingLocked returns t's records that match every filter. A field is
// read as the version renders the record (2023-12's createdTimestamp), or
// from the canonical record when the version does not show it (a field
// only Seed gave). A field a record lacks equals nothing.
func (t *target) matchingLocked(filters []filter, version string) []*record {
	var out []*record
	for _, rec := range t.recordsLocked() {
		var view map[string]any
		if len(filters) > 0 {
			view = t.c.render(version, rec.fields)
		}
		if !slices.ContainsFunc(filters, func(f filter) bool { return !f.match(rec.fields, view) }) {
			out = append(out, rec)
		}
	}
	return out
}

// match reports whether a record, as the version shows it (view) or as
// stored, meets the filter.
func (f filter) match(fields, view map[string]any) bool {
	v, shown := view[f.field]
	if !shown {
		v = fields[f.field]
	}
	text, scalar := scalarText(v)
	switch f.op {
	case "":
		return scalar && equal(text, f.value)
	case "NotEquals":
		return !scalar || !equal(text, f.value)
	case "Contains":
		return scalar && strings.Contains(strings.ToLower(text), strings.ToLower(f.value))
	}
	c, ok := compare(text, f.value)
	return scalar && ok && (f.op == "Min" && c >= 0 || f.op == "Max" && c <= 0)
}

// equal compares as text, or as numbers when both are: "129.5" equals
// "129.50".
func equal(a, b string) bool {
	x, y := number(a), number(b)
	return a == b || x != nil && y != nil && *x == *y
}

// compare compares a and b as numbers or, failing that, as dates (RFC
// 3339 or YYYY-MM-DD); ok is false when they are neither.
func compare(a, b string) (c int, ok bool) {
	if x, y := number(a), number(b); x != nil && y != nil {
		return cmp.Compare(*x, *y), true
	}
	if x, y := date(a), date(b); x != nil && y != nil {
		return x.Compare(*y), true
	}
	if x, y := instant(a), instant(b); x != nil && y != nil && (date(a) != nil || date(b) != nil) {
		return x.Compare(*y), true // a Unix timestamp and a date
	}
	return 0, false
}

// instant reads a date, or a number as a Unix timestamp (its unit told by
// its magnitude).
func instant(s string) *time.Time {
	if t, ok := timeparse.String(s); ok {
		return &t
	}
	return nil
}

func number(s string) *float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// date reads a filter's or a record's time with the SDK's own lenient
// parser, except as a bare number (numbers compare as numbers).
func date(s string) *time.Time {
	if number(s) != nil {
		return nil
	}
	if t, ok := timeparse.String(s); ok {
		return &t
	}
	return nil
}
