package alloy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/internal/contract"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/unified"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The contract walk: for every operation of the contract and every API
// version (each one it covers, and one later), the SDK method named by the
// operationId exists and is called on alloytest; every request the SDK sends
// validates against the contract (method, path, query, body), and every
// response alloytest gives validates in strict form, where a property no
// page documents is an error. Nothing is typed here about routes or shapes:
// they all come from internal/contract.

// walkVersions are the versions walked: every one the contract covers and a
// later one, which gets the newest version's routes and shapes.
var walkVersions = append(slices.Clone(ops.Versions), "2099-01")

const (
	walkIntegration = "6712ab34cd56ef7890a1b2c3" // alloytest's BigCommerce integration
	walkWorkflow    = "6712ab3acd56ef7890a1b2d9" // its "Paid order to ERP" workflow
)

// mustUnified is unified.New for a client the test knows is good.
func mustUnified(t testing.TB, c *alloy.Client, opts ...unified.Option) *unified.Client {
	t.Helper()
	u, err := unified.New(c, opts...)
	require.NoError(t, err)
	return u
}

// exchange is one request and its response, as sent and received.
type exchange struct {
	method, path, query string // path escaped, as sent
	reqHeader           http.Header
	reqBody             []byte
	status              int
	respHeader          http.Header
	respBody            []byte
}

// recorder is an http.RoundTripper that keeps every exchange; mutate, when
// set, changes a response before the SDK (and the walk) sees it.
type recorder struct {
	rt     http.RoundTripper
	mutate func(x *exchange)
	mu     sync.Mutex
	xs     []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := exchange{method: req.Method, path: req.URL.EscapedPath(), query: req.URL.RawQuery, reqHeader: req.Header.Clone()}
	if req.Body != nil {
		x.reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(x.reqBody))
	}
	resp, err := r.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	x.respBody, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	x.status, x.respHeader = resp.StatusCode, resp.Header
	if r.mutate != nil {
		r.mutate(&x)
		resp.ContentLength = int64(len(x.respBody))
	}
	resp.Body = io.NopCloser(bytes.NewReader(x.respBody))
	r.mu.Lock()
	r.xs = append(r.xs, x)
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) take() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	xs := r.xs
	r.xs = nil
	return xs
}

// walkEnv is what an example runs with: a client of one version on a fresh
// alloytest server, a user with an installed workflow, and one connection
// per Unified family.
type walkEnv struct {
	v     string
	srv   *alloytest.Server
	c     *alloy.Client
	u     *unified.Client
	user  *alloy.User
	conns map[string]string // Unified family ("Commerce", ...) -> connection id
}

// example makes the SDK call of one operation, with whatever it needs set
// up first (through the SDK, so those requests are checked too).
type example func(ctx context.Context, e *walkEnv) error

// failure is one thing the walk found wrong.
type failure struct {
	op, version, kind, msg string
}

func (f failure) String() string { return f.op + " on " + f.version + ": " + f.kind + ": " + f.msg }

// TestContractWalk walks every operation × version: every request the SDK
// sends and every response alloytest answers is checked against the
// strict contract, and every decoded value against the response's. There
// is no list of known failures: an operation that fails fails the test.
func TestContractWalk(t *testing.T) {
	t.Parallel()
	for _, v := range walkVersions {
		for _, f := range walk(t, v, nil) {
			t.Error(f)
		}
	}
}

// walk runs every operation of version v and returns what failed.
func walk(t *testing.T, v string, mutate func(*exchange)) []failure {
	t.Helper()
	rec := &recorder{rt: http.DefaultTransport, mutate: mutate}
	srv := alloytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client(alloy.WithAPIVersion(v), alloy.WithHTTPClient(&http.Client{Transport: rec}), alloy.WithMaxRetries(0))
	e := &walkEnv{v: v, srv: srv, c: c, u: mustUnified(t, c), conns: map[string]string{}}
	ctx := context.Background()
	var err error
	e.user, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "walk@example.com", FullName: "Walk Goods"})
	require.NoError(t, err)
	require.NoError(t, srv.InstallWorkflow(e.user.ID, walkWorkflow))
	for family, app := range map[string]string{"Commerce": "shopify", "Accounting": "netsuite", "CRM": "hubspot"} {
		e.conns[family], err = srv.Connect(e.user.ID, app)
		require.NoError(t, err)
	}
	_, err = srv.Connect(e.user.ID, "bigcommerce") // the walk's integration installs with it
	require.NoError(t, err)
	var out []failure
	out = append(out, check(v, "setup", rec.take())...)

	eff := ops.Effective(v)
	for _, o := range sortedOps() {
		if !o.In(eff) {
			continue
		}
		fail := func(kind, format string, args ...any) {
			out = append(out, failure{op: o.ID, version: v, kind: kind, msg: fmt.Sprintf(format, args...)})
		}
		if o.Go == "-" {
			fail("missing", "the SDK has no method for %s %s", o.Method, o.Path)
			continue
		}
		if _, ok := goMethod(e, o.Go); !ok {
			fail("missing", "no SDK method %s", o.Go)
			continue
		}
		ex, ok := examples[o.Go]
		if !ok {
			ex = unifiedExample(o)
		}
		if ex == nil {
			fail("missing", "the walk has no example for %s", o.Go)
			continue
		}
		if err := ex(ctx, e); err != nil {
			fail("call", "%v", err)
		}
		xs := rec.take()
		called := false
		for _, x := range xs {
			if m, _, ok := ops.Match(x.method, unversioned(x.path), eff); ok && m.ID == o.ID {
				called = true
			}
		}
		if !called {
			fail("not called", "the example sent no %s %s", o.Method, o.Path)
		}
		for _, f := range check(v, o.ID, xs) {
			if f.op == o.ID || f.op == "" {
				f.op = o.ID
			}
			out = append(out, f)
		}
	}
	return out
}

func sortedOps() []ops.Operation {
	out := slices.Clone(ops.Operations)
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// unversioned strips a leading /YYYY-MM segment.
func unversioned(p string) string {
	if len(p) > 8 && p[0] == '/' && p[5] == '-' && p[8] == '/' {
		return p[8:]
	}
	return p
}

// check validates every exchange: the request against the contract of v,
// the response against its strict form.
func check(v, during string, xs []exchange) []failure {
	var out []failure
	eff := ops.Effective(v)
	loose, strict := contract.MustLoad(v, false), contract.MustLoad(v, true)
	ctx := context.Background()
	for _, x := range xs {
		o, params, ok := ops.Match(x.method, unversioned(x.path), eff)
		if !ok {
			out = append(out, failure{op: during, version: v, kind: "route", msg: fmt.Sprintf("%s %s is not a route of the contract", x.method, x.path)})
			continue
		}
		req, _ := http.NewRequest(x.method, "http://alloy.test"+unversioned(x.path)+"?"+x.query, nil)
		req.Header = x.reqHeader
		if err := loose.ValidateRequest(ctx, o.ID, params, req, x.reqBody); err != nil {
			out = append(out, failure{op: o.ID, version: v, kind: "request", msg: oneLine(err)})
		}
		if err := strict.ValidateResponse(ctx, o.ID, params, req, x.status, x.respHeader, x.respBody); err != nil {
			out = append(out, failure{op: o.ID, version: v, kind: "response", msg: fmt.Sprintf("%d %s", x.status, oneLine(err))})
		}
	}
	return out
}

// oneLine shortens a validator's error to its reasons, each with where.
func oneLine(err error) string {
	var reasons []string
	var walkErr func(err error)
	walkErr = func(err error) {
		if me, ok := err.(openapi3.MultiError); ok {
			for _, e := range me {
				walkErr(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			reasons = append(reasons, "at /"+strings.Join(se.JSONPointer(), "/")+": "+se.Reason)
			return
		}
		var me openapi3.MultiError
		if errors.As(err, &me) {
			walkErr(me)
			return
		}
		reasons = append(reasons, strings.SplitN(err.Error(), "\n", 2)[0])
	}
	walkErr(err)
	slices.Sort(reasons)
	return strings.Join(slices.Compact(reasons), "; ")
}

// goMethod finds the SDK method a Go name names: "Users.Get" on the client,
// "unified.Commerce.Orders.List" on the Unified client (a nested collection
// is a method taking its parent's id).
func goMethod(e *walkEnv, goName string) (reflect.Value, bool) {
	parts := strings.Split(goName, ".")
	v := reflect.ValueOf(e.c)
	if parts[0] == "unified" {
		v, parts = reflect.ValueOf(e.u), parts[1:]
	}
	for i, p := range parts {
		if i == len(parts)-1 {
			m := v.MethodByName(p)
			return m, m.IsValid()
		}
		next := reflect.Indirect(v).FieldByName(p)
		if !next.IsValid() {
			m := v.MethodByName(p)
			if !m.IsValid() || m.Type().NumIn() != 1 {
				return reflect.Value{}, false
			}
			next = m.Call([]reflect.Value{reflect.ValueOf("parent")})[0]
		}
		v = next
	}
	return reflect.Value{}, false
}

// unifiedExample calls a Unified model operation by reflection, on real
// records of the walk's connection: a list, a count, a read, an update and
// a delete of a record the connection holds, and a create of a copy of it.
func unifiedExample(o ops.Operation) example {
	var col *ops.Collection
	for i := range ops.Collections {
		c := &ops.Collections[i]
		if strings.HasPrefix(o.Go, "unified."+c.Family+"."+c.Name+".") {
			col = c
		}
	}
	if col == nil {
		return nil
	}
	kind := o.Go[strings.LastIndexByte(o.Go, '.')+1:]
	return func(ctx context.Context, e *walkEnv) error {
		conn := e.conns[col.Family]
		name := strings.TrimPrefix(col.Path, "/one/")
		res := reflect.Indirect(reflect.ValueOf(e.u)).FieldByName(col.Family)
		target := res.Elem().FieldByName(col.Name)
		if !target.IsValid() { // nested: the first parent record
			parentPath, _, _ := strings.Cut(name, "/{")
			parents := e.srv.Records(conn, parentPath)
			if len(parents) == 0 {
				return fmt.Errorf("no %s to nest under", parentPath)
			}
			target = res.MethodByName(col.Name).Call([]reflect.Value{reflect.ValueOf(parents[0]["id"])})[0]
			name = strings.Replace(name, name[strings.Index(name, "{"):strings.Index(name, "}")+1], parents[0]["id"].(string), 1)
		}
		records := e.srv.Records(conn, name)
		if len(records) == 0 { // a collection the sample data leaves empty
			if err := e.srv.Seed(conn, name, map[string]any{"id": "walk-1"}); err != nil {
				return err
			}
			records = e.srv.Records(conn, name)
		}
		id := records[0]["id"].(string)
		args := []reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(conn)}
		m := target.MethodByName(kind)
		switch kind {
		case "List":
			args = append(args, reflect.Zero(m.Type().In(2)))
		case "Count":
			args = append(args, reflect.Zero(m.Type().In(2)))
		case "Get", "Delete":
			args = append(args, reflect.ValueOf(id))
		case "Create", "Update":
			rec := reflect.New(m.Type().In(len(args) + boolInt(kind == "Update")).Elem())
			raw := records[len(records)-1]
			delete(raw, "id")
			b, _ := json.Marshal(raw)
			if err := json.Unmarshal(b, rec.Interface()); err != nil {
				return err
			}
			if kind == "Update" {
				args = append(args, reflect.ValueOf(id))
			}
			args = append(args, rec)
		}
		outs := m.Call(args)
		if err, _ := outs[len(outs)-1].Interface().(error); err != nil {
			return err
		}
		return nil
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestWalkCoversEveryOperation: every operation the SDK implements has an
// example (or is a Unified model operation, called by reflection), and
// every example names an operation of the contract.
func TestWalkCoversEveryOperation(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, o := range ops.Operations {
		known[o.Go] = true
		if o.Go == "-" {
			continue
		}
		_, ok := examples[o.Go]
		assert.True(t, ok || unifiedExample(o) != nil, "no example for %s", o.Go)
	}
	for name := range examples {
		assert.True(t, known[name], "the example %s names no operation of the contract", name)
	}
}

// TestWalkCatchesARenamedProperty: had alloytest answered one property
// under another name (here Users.Get's fullName as full_name), the walk
// fails on that operation and names the property.
func TestWalkCatchesARenamedProperty(t *testing.T) {
	t.Parallel()
	rename := func(x *exchange) {
		if x.method == http.MethodGet && strings.HasPrefix(unversioned(x.path), "/users/") && !strings.Contains(x.path, "/token") {
			x.respBody = bytes.Replace(x.respBody, []byte(`"fullName"`), []byte(`"full_name"`), 1)
		}
	}
	var found []failure
	for _, f := range walk(t, "2025-09", rename) {
		if f.op == "Users.Get" {
			found = append(found, f)
		}
	}
	require.NotEmpty(t, found, "the walk passed a renamed property")
	assert.Equal(t, "response", found[0].kind)
	assert.Contains(t, found[0].msg, `property "full_name" is unsupported`)
}
