package alloytest

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Connect connects a user (id or username) to a Unified API app, as the
// user finishing Alloy's connect modal would, and returns the connection's
// id: the connectionId (or credentialId) of /one/ calls. The connection is
// a credential of app for the user, so Credentials.List shows it, and
// starts with sample records of every collection of the app's category,
// one small business's data (Northwind Goods) whose records reference
// each other by id:
//
//   - commerce: customers cus_1001..cus_1003; products prd_1001..prd_1003
//     with two variants each (var_1001..var_1006); orders ord_1001
//     (fulfilled, with fulfillment ful_1001) and ord_1002, whose customers
//     and line items name those customers, products and variants;
//   - accounting: company info cmp_1001, accounts acc_1001..acc_1007,
//     customers cus_1001..cus_1003, vendors ven_1001..ven_1002, tax rates,
//     tracking categories trk_1001..trk_1003, items itm_1001..itm_1003,
//     invoices inv_1001..inv_1002, bills, payments, purchase orders and a
//     sales order, each naming those accounts, items and parties;
//   - crm: accounts acc_1001..acc_1002, contacts con_1001..con_1003,
//     leads, opportunities opp_1001..opp_1002, notes, tasks and users
//     usr_1001..usr_1002.
//
// Every sample record fills every property the contract documents for its
// model on any version (null only for parentAccountId and
// parentCategoryId at the root of a hierarchy). Records lists them; Clear
// removes them. The app must have a Category.
func (s *Server) Connect(userID, app string) (connectionID string, err error) {
	a := s.app(app)
	switch {
	case a == nil:
		return "", fmt.Errorf("alloytest: no app %q", app)
	case a.Category == "":
		return "", fmt.Errorf("alloytest: app %q has no Unified API category", app)
	}
	c, err := s.st.addCredential(userID, a, map[string]any{})
	if err != nil {
		return "", fmt.Errorf("alloytest: no user %q", userID)
	}
	return c.ID, nil
}

// Seed adds records to a collection of a connection, after those it
// holds, so that a test can load, say, a thousand customers. collection is
// the path after /one/, e.g. "commerce/customers"; a sub-collection is
// named either with the parent's id in place
// ("commerce/products/prd_1001/variants") or as its template
// ("commerce/products/{productId}/variants"), each record then naming an
// existing parent in the linking field ("productId").
//
// A record is written in the canonical form Records returns, or in any
// version's names: a Unix timestamp such as 2023-12's createdTimestamp is
// stored as the time it names (remoteCreatedAt; see Records). The server
// keeps deep copies, with numbers as their JSON text (so 129.50 is served
// as 129.50), and fills in what a record lacks: a random id and remoteId,
// the sync times createdAt, updatedAt, remoteCreatedAt and remoteUpdatedAt
// (now) and remoteDeleted (false). Fields the contract does not document
// are kept, for filters, but never served. A given id must be a string not
// yet in the collection. Seed adds nothing and returns an error for an
// unknown connection or collection, a collection the connection's app does
// not serve, or a bad record.
func (s *Server) Seed(connectionID, collection string, records ...map[string]any) error {
	copies := make([]map[string]any, len(records))
	for i, rec := range records {
		b, err := json.Marshal(rec)
		if err != nil || decodeNumbers(b, &copies[i]) != nil || copies[i] == nil {
			return fmt.Errorf("alloytest: record %d is not a JSON object", i)
		}
	}
	t, err := s.target(connectionID, collection)
	if err != nil {
		return err
	}
	return t.seed(collection, copies)
}

// seed adds copies, in the canonical form or a version's, as t's newest
// records; see Server.Seed.
func (t *target) seed(collection string, copies []map[string]any) error {
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	if f := t.parentGoneLocked(); f != nil {
		return f
	}
	parentPath, key := t.c.parentOf()
	taken := map[string]bool{}
	for _, r := range t.conn.records[t.c.path] {
		taken[r.id()] = true
	}
	for i, rec := range copies {
		id, isText := rec["id"].(string)
		parent, _ := rec[key].(string)
		switch {
		case rec["id"] != nil && !isText:
			return fmt.Errorf("alloytest: record %d: id must be a string", i)
		case id != "" && taken[id]:
			return fmt.Errorf("alloytest: record %d: id %q is already in %s", i, id, collection)
		case key != "" && t.parent == "" && !t.conn.hasLocked(parentPath, parent):
			return fmt.Errorf("alloytest: record %d: %s %q is not in %s", i, key, parent, parentPath)
		}
		taken[id] = id != ""
	}
	for _, rec := range copies {
		t.c.canonical(rec)
		t.addLocked(rec)
	}
	return nil
}

// Records returns a snapshot of a connection's records in a collection
// (named as for Seed), oldest first: for a sub-collection's template,
// every parent's. Records are decoded JSON (numbers are float64) in the
// canonical form the server keeps, one for every API version:
//
//   - id and remoteId;
//   - createdAt and updatedAt (when Alloy synced the record), and
//     remoteCreatedAt and remoteUpdatedAt (when the remote app created and
//     last changed it), RFC 3339 in UTC with milliseconds, and
//     remoteDeleted: on every record, whatever the version documents;
//   - the model's properties as last written, in the contract's names;
//     remoteFields too, when a create or update sent it.
//
// A read renders this record through the contract's schema of the version
// asked for: every property it documents, null where unset, nothing else;
// a Unix timestamp such as 2023-12's createdTimestamp (seconds, or
// milliseconds for commerce customers) from remoteCreatedAt, and
// updatedTimestamp from remoteUpdatedAt. It returns nil when there is no
// such connection or collection.
func (s *Server) Records(connectionID, collection string) []map[string]any {
	t, err := s.target(connectionID, collection)
	if err != nil {
		return nil
	}
	return t.snapshot()
}

// snapshot returns deep copies of t's records, oldest first.
func (t *target) snapshot() []map[string]any {
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	out := []map[string]any{}
	for _, r := range t.recordsLocked() {
		out = append(out, cloneJSON(r.fields))
	}
	return out
}

// Clear deletes a connection's records in the named collections (named as
// for Seed), and the records of their sub-collections that belong to them;
// with no collection named, every record the connection holds.
func (s *Server) Clear(connectionID string, paths ...string) error {
	if len(paths) == 0 {
		cred, _ := s.st.credentialByID(connectionID, "")
		if cred == nil || cred.one == nil {
			return fmt.Errorf("alloytest: no Unified API connection %q", connectionID)
		}
		cred.one.clear()
		return nil
	}
	for _, p := range paths {
		t, err := s.target(connectionID, p)
		if err != nil {
			return err
		}
		t.clear()
	}
	return nil
}

// clear deletes t's records and the records of their sub-collections.
func (t *target) clear() {
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	gone := t.recordsLocked()
	t.conn.removeLocked(t.c.path, func(r *record) bool { return slices.Contains(gone, r) })
}

// target resolves a connection's collection (named as for Seed) for the
// exported helpers.
func (s *Server) target(connectionID, path string) (*target, error) {
	c, parent, ok := collectionAt(path)
	if !ok {
		return nil, fmt.Errorf("alloytest: no Unified API collection %q", path)
	}
	cred, _ := s.st.credentialByID(connectionID, "")
	if cred == nil {
		return nil, fmt.Errorf("alloytest: no connection %q", connectionID)
	}
	t, f := open(cred, c)
	if f == nil && parent != "" {
		t, f = t.of(parent)
	}
	if f != nil {
		return nil, f
	}
	return t, nil
}

// newConnection returns the data of a new connection of category: the
// sample records of the category's collections.
func newConnection(category string, rand randSource) *connection {
	conn := &connection{category: category, rand: rand, records: map[string][]*record{}}
	data := samples()
	for _, c := range collections { // parents come before their sub-collections
		if c.category() == category {
			for _, rec := range data[c.path] {
				conn.insertLocked(c.path, rec) // not shared yet
			}
		}
	}
	return conn
}
