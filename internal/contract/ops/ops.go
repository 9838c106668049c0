// Package ops is the contract's operation table in Go, generated from the
// same sources as internal/contract/openapi.json (a test proves the two
// equal). The SDK reads every route, version range and Unified collection
// from it, so none is typed by hand anywhere else.
package ops

import (
	"errors"
	"net/url"
	"sort"
	"strings"
)

//go:generate go run ../gen -dir ..

// Operation is one route of the contract.
type Operation struct {
	ID      string   // operationId: the Go name, or Go name + "@" + since for a route that moved
	Go      string   // the public Go name, e.g. "Users.Get" or "unified.Commerce.Orders.List"; "-" when the SDK has none
	Method  string   // HTTP method
	Path    string   // path template without the version, e.g. "/users/{userId}"
	Since   string   // first API version with the route
	Until   string   // first API version without it; "" for none
	Assumed []string // supported versions no page shows it on
}

// In reports whether the operation exists in version v.
func (o Operation) In(v string) bool { return v >= o.Since && (o.Until == "" || v < o.Until) }

// Collection is one Unified API model collection.
type Collection struct {
	Family string   // "Commerce", "Accounting" or "CRM"
	Name   string   // the family's Go field, e.g. "Orders"
	Path   string   // e.g. "/one/commerce/orders" or "/one/commerce/products/{productId}/variants"
	Single string   // the key one record is wrapped in, e.g. "order"
	List   string   // the key a page is wrapped in, e.g. "orders"
	Model  string   // the model's key in Alloy's reference, e.g. "commerce/orders"
	Ops    []string // kinds: list, count, get, create, update, delete
	// ReadOnly are the model's properties Alloy sets (ids, sync
	// timestamps): a create or update must not send them.
	ReadOnly []string
}

var byGo = func() map[string][]Operation {
	m := map[string][]Operation{}
	for _, o := range Operations {
		m[o.Go] = append(m[o.Go], o)
	}
	for _, l := range m {
		sort.Slice(l, func(i, j int) bool { return l[i].Since > l[j].Since })
	}
	return m
}()

// ErrUnsupported is the sentinel an *UnsupportedError matches; the root
// package exports it as alloy.ErrUnsupportedVersion.
var ErrUnsupported = errors.New("alloy: not available in this API version")

// UnsupportedError says that an operation does not exist in a version.
type UnsupportedError struct {
	Go, Version string
	Since       string // the first version with the operation, when it is later
	Until       string // the version it ended in, when it is earlier
}

func (e *UnsupportedError) Error() string {
	s := "alloy: " + e.Go + ": not available in API version " + e.Version
	switch {
	case e.Since != "":
		s += " (from " + e.Since + " on)"
	case e.Until != "":
		s += " (ended with " + e.Until + ")"
	}
	return s
}

// Is matches ErrUnsupported.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// Lookup returns the route of the operation named goName (its public Go
// name) in version v, or an *UnsupportedError. It panics when no operation
// has that name: a method calling it names its own operation, and a typo is
// a bug that every test of the method finds.
func Lookup(goName, v string) (Operation, error) {
	routes, ok := byGo[goName]
	if !ok {
		panic("ops: no operation " + goName)
	}
	for _, o := range routes {
		if o.In(v) {
			return o, nil
		}
	}
	e := &UnsupportedError{Go: goName, Version: v}
	oldest, newest := routes[len(routes)-1], routes[0]
	switch {
	case v < oldest.Since:
		e.Since = oldest.Since
	case newest.Until != "" && v >= newest.Until:
		e.Until = newest.Until
	}
	return Operation{}, e
}

// Known reports whether v is one of the versions the contract covers.
func Known(v string) bool {
	for _, k := range Versions {
		if k == v {
			return true
		}
	}
	return false
}

// Effective is the version whose routes and shapes a client of version v
// gets: v itself when the contract covers it, and the newest covered version
// for a later one.
func Effective(v string) string {
	if newest := Versions[len(Versions)-1]; v > newest {
		return newest
	}
	return v
}

// Match finds the operation a request is for: method, its path as sent
// (escaped, without the host or the version prefix), and the version it
// was made with. Path parameters come back unescaped. At a segment where
// one route has a literal and another a parameter, the literal wins
// (/one/crm/users/count is a count, not the user "count").
func Match(method, escapedPath, v string) (Operation, map[string]string, bool) {
	segs := splitPath(escapedPath)
	var best *Operation
	var bestParams map[string]string
	for i := range Operations {
		o := &Operations[i]
		if o.Method != method || !o.In(v) {
			continue
		}
		params, ok := matchSegs(splitPath(o.Path), segs)
		if !ok {
			continue
		}
		if best == nil || literalsFirst(o.Path, best.Path) {
			best, bestParams = o, params
		}
	}
	if best == nil {
		return Operation{}, nil, false
	}
	return *best, bestParams, true
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func matchSegs(route, segs []string) (map[string]string, bool) {
	if len(route) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, want := range route {
		if strings.HasPrefix(want, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, false
			}
			params[strings.Trim(want, "{}")] = v
			continue
		}
		if segs[i] != want {
			return nil, false
		}
	}
	return params, true
}

// literalsFirst reports whether route a should win over b: at the first
// segment where one is a parameter and the other a literal, a has the
// literal.
func literalsFirst(a, b string) bool {
	as, bs := splitPath(a), splitPath(b)
	for i := range as {
		pa, pb := strings.HasPrefix(as[i], "{"), strings.HasPrefix(bs[i], "{")
		if pa != pb {
			return pb
		}
	}
	return false
}
