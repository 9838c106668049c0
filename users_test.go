package alloy

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

// apiCase is one method call: the operation it must send, with the values
// of the route's placeholders and the query, and the exact value it must
// decode from the response. The method, the route on each version and the
// versions that refuse the call come from the contract (ops.Lookup), never
// from the case.
type apiCase struct {
	name     string
	op       string   // the operation's Go name in the contract, e.g. "Workflows.ListVersions"
	ids      []string // the route's placeholder values in order, unescaped (the SDK escapes them)
	query    string   // the exact encoded query it must send; "" for none
	status   int
	response string
	wantBody string // expected JSON request body; "" for none
	call     func(ctx context.Context, c *Client) (any, error)
	want     any
}

// expect returns the method and the URL the case must send on version v
// (relative to its base), or ok false when the contract has no route for
// the operation in v, so the call must be refused before any I/O.
func (tc apiCase) expect(t *testing.T, v string) (method, url string, ok bool) {
	t.Helper()
	// ids fill the placeholders of whichever route the version has; where
	// the route moved, a case gives the ids of the route with the most (the
	// SDK passes the same values on every version).
	placeholders, found := 0, false
	for _, o := range ops.Operations {
		if o.Go == tc.op {
			placeholders, found = max(placeholders, strings.Count(o.Path, "{")), true
		}
	}
	require.Truef(t, found, "the contract has no operation %s", tc.op)
	require.Lenf(t, tc.ids, placeholders, "%s: one id per placeholder of %s's routes", tc.name, tc.op)
	o, err := ops.Lookup(tc.op, ops.Effective(v))
	if err != nil {
		var ue *ops.UnsupportedError
		require.ErrorAs(t, err, &ue)
		return "", "", false
	}
	url, err = expandRoute(o.Path, tc.ids)
	require.NoError(t, err)
	if tc.query != "" {
		url += "?" + tc.query
	}
	return o.Method, url, true
}

func runAPICases(t *testing.T, cases []apiCase) {
	t.Helper()
	for _, tc := range cases {
		assert.Truef(t, slices.ContainsFunc(versions, func(v testVersion) bool { _, _, ok := tc.expect(t, v.version); return ok }),
			"%s: no version sends it, so its response and value are never checked", tc.name)
	}
	for _, v := range versions {
		for _, tc := range cases {
			t.Run(v.version+"/"+tc.name, func(t *testing.T) {
				h := newHarness(t, WithAPIVersion(v.version))
				method, path, ok := tc.expect(t, v.version)
				if !ok {
					_, err := tc.call(context.Background(), h.c)
					require.ErrorIs(t, err, ErrUnsupportedVersion)
					assert.NotErrorIs(t, err, ErrInvalidArgument, "the arguments are valid")
					assert.Zero(t, h.mt.GetTotalCallCount())
					return
				}
				status := tc.status
				if status == 0 {
					status = http.StatusOK
				}
				h.on(method, v.base+path, jsonResp(status, tc.response))
				got, err := tc.call(context.Background(), h.c)
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)

				r := h.only()
				assert.Equal(t, method, r.Method)
				assert.Equal(t, v.base+path, r.URL)
				assert.Equal(t, "Bearer "+testKey, r.Header.Get("Authorization"))
				assert.Equal(t, v.version, r.Header.Get("X-Api-Version"))
				assert.Equal(t, "application/json", r.Header.Get("Accept"))
				assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "alloy-go/"+Version+" ("), r.Header.Get("User-Agent"))
				if tc.wantBody == "" {
					assert.Empty(t, r.Body)
					assert.Empty(t, r.Header.Get("Content-Type"))
				} else {
					assert.JSONEq(t, tc.wantBody, string(r.Body))
					assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				}
			})
		}
	}
}

func TestUsersRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	installedAt := time.Date(2025, 2, 2, 16, 40, 51, 902e6, time.UTC)
	runAPICases(t, []apiCase{
		{
			name: "Create", op: "Users.Create",
			response: `{"userId":"65f1c2a9d4e8b71a2c3d4e5f"}`,
			wantBody: `{"username":"ops@northwind.example","fullName":"Northwind Goods"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.Create(ctx, UserCreateParams{Username: "ops@northwind.example", FullName: "Northwind Goods"})
			},
			want: &User{ID: "65f1c2a9d4e8b71a2c3d4e5f", Username: "ops@northwind.example", FullName: "Northwind Goods"},
		},
		{
			name: "Create without full name", op: "Users.Create",
			response: `{"userId":"u2","unknownField":1}`,
			wantBody: `{"username":"solo"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.Create(ctx, UserCreateParams{Username: "solo"})
			},
			want: &User{ID: "u2", Username: "solo"},
		},
		{
			name: "CreateBatch", op: "Users.CreateBatch",
			response: `{"message":"success","invalidUsers":[{"username":"b@x.example"}]}`,
			wantBody: `{"users":[{"username":"a@x.example","fullName":"A"},{"username":"b@x.example"}]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.CreateBatch(ctx, []UserCreateParams{{Username: "a@x.example", FullName: "A"}, {Username: "b@x.example"}})
			},
			want: &BatchResult{Message: "success", InvalidUsers: []InvalidUser{{Username: "b@x.example"}}},
		},
		{
			name: "Get", op: "Users.Get", ids: []string{"65f1c2a9d4e8b71a2c3d4e5f"},
			response: `{"userId":"65f1c2a9d4e8b71a2c3d4e5f","fullName":"Northwind Goods","username":"ops@northwind.example"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.Get(ctx, "65f1c2a9d4e8b71a2c3d4e5f")
			},
			want: &User{ID: "65f1c2a9d4e8b71a2c3d4e5f", Username: "ops@northwind.example", FullName: "Northwind Goods"},
		},
		{
			name: "Get wrapped in data", op: "Users.Get", ids: []string{"u1"},
			response: `{"data":{"userId":"u1","username":"x"}}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Users.Get(ctx, "u1") },
			want:     &User{ID: "u1", Username: "x"},
		},
		{
			name: "List", op: "Users.List",
			response: `{"data":[{"userId":"u1","username":"a","fullName":"A"},{"userId":"u2","fullName":"Legacy Tenant Without Username"}]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Users.List(ctx, nil) },
			want:     []User{{ID: "u1", Username: "a", FullName: "A"}, {ID: "u2", FullName: "Legacy Tenant Without Username"}},
		},
		{
			name: "List by parent workflow", op: "Users.List", query: "parentWorkflowId=wf%2F1",
			response: `{"data":[]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.List(ctx, &UserListParams{ParentWorkflowID: "wf/1"})
			},
			want: []User{},
		},
		{
			name: "Update full name only", op: "Users.Update", ids: []string{"u1"},
			response: `{"userId":"u1","fullName":"Northwind Goods LLC","username":"ops@northwind.example"}`,
			wantBody: `{"fullName":"Northwind Goods LLC"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.Update(ctx, "u1", UserUpdateParams{FullName: Ptr("Northwind Goods LLC")})
			},
			want: &User{ID: "u1", Username: "ops@northwind.example", FullName: "Northwind Goods LLC"},
		},
		{
			name: "Update both", op: "Users.Update", ids: []string{"u1"},
			response: `{"userId":"u1","fullName":"","username":"new"}`,
			wantBody: `{"username":"new","fullName":""}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.Update(ctx, "u1", UserUpdateParams{Username: Ptr("new"), FullName: Ptr("")})
			},
			want: &User{ID: "u1", Username: "new"},
		},
		{
			name: "Delete", op: "Users.Delete", ids: []string{"u1"},
			response: `{"success":true}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return nil, c.Users.Delete(ctx, "u1") },
			want:     nil,
		},
		{
			name: "ListByWorkflow", op: "Users.ListByWorkflow", ids: []string{"wf1"},
			response: `{"data":[{"username":"a","fullName":"A","userId":"u1","workflowActive":true,"installedAt":"bogus"},` +
				`{"username":"b","fullName":"B","userId":"u2","workflowActive":false,"installedVersion":3,"installedAt":"2025-02-02T16:40:51.902Z"}]}`,
			call: func(ctx context.Context, c *Client) (any, error) { return c.Users.ListByWorkflow(ctx, "wf1") },
			want: []WorkflowUser{
				{User: User{ID: "u1", Username: "a", FullName: "A"}, WorkflowActive: true},
				{User: User{ID: "u2", Username: "b", FullName: "B"}, InstalledVersion: Ptr(3), InstalledAt: Timestamp{installedAt}},
			},
		},
		{
			name: "DeleteLogs, the user in the path and the query", op: "Users.DeleteLogs", ids: []string{"u1"}, query: "userId=u1",
			response: `{"message":"Success"}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return nil, c.Users.DeleteLogs(ctx, "u1") },
			want:     nil,
		},
	})
}

func TestUsersFixturesDecode(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/workflows/wf/users", jsonResp(200, readFixture(t, "users_by_workflow.json")))
	h.on("GET", testRoot+"/users", jsonResp(200, readFixture(t, "users_list.json")))
	wu, err := h.c.Users.ListByWorkflow(context.Background(), "wf")
	require.NoError(t, err)
	require.Len(t, wu, 2)
	assert.Nil(t, wu[0].InstalledVersion)
	assert.Equal(t, 3, *wu[1].InstalledVersion)
	assert.Equal(t, time.Date(2025, 1, 14, 9, 21, 5, 118e6, time.UTC), wu[0].InstalledAt.Time)
	users, err := h.c.Users.List(context.Background(), &UserListParams{})
	require.NoError(t, err)
	require.Len(t, users, 3)
	assert.Equal(t, User{ID: "65f1c2c3bb12c81b3d4e5f61", FullName: "Legacy Tenant Without Username"}, users[2])
}

func TestUsersRejectBadArgumentsWithoutSending(t *testing.T) {
	t.Parallel()
	many := make([]UserCreateParams, 1001)
	for i := range many {
		many[i].Username = "u"
	}
	many[1000].Username = " " // checked before any chunk is sent
	cases := map[string]func(ctx context.Context, c *Client) error{
		"Create without username": func(ctx context.Context, c *Client) error {
			_, err := c.Users.Create(ctx, UserCreateParams{FullName: "x"})
			return err
		},
		"Create blank username": func(ctx context.Context, c *Client) error {
			_, err := c.Users.Create(ctx, UserCreateParams{Username: "  "})
			return err
		},
		"CreateBatch empty": func(ctx context.Context, c *Client) error {
			_, err := c.Users.CreateBatch(ctx, nil)
			return err
		},
		"CreateBatch with a bad user in a later chunk": func(ctx context.Context, c *Client) error {
			_, err := c.Users.CreateBatch(ctx, many)
			return err
		},
		"CreateBatch missing username": func(ctx context.Context, c *Client) error {
			_, err := c.Users.CreateBatch(ctx, []UserCreateParams{{Username: "a"}, {}})
			return err
		},
		"Get empty id": func(ctx context.Context, c *Client) error {
			_, err := c.Users.Get(ctx, "")
			return err
		},
		"Update nothing": func(ctx context.Context, c *Client) error {
			_, err := c.Users.Update(ctx, "u1", UserUpdateParams{})
			return err
		},
		"Update empty username": func(ctx context.Context, c *Client) error {
			_, err := c.Users.Update(ctx, "u1", UserUpdateParams{Username: Ptr("")})
			return err
		},
		"Update empty id": func(ctx context.Context, c *Client) error {
			_, err := c.Users.Update(ctx, "", UserUpdateParams{FullName: Ptr("x")})
			return err
		},
		"Delete empty id":         func(ctx context.Context, c *Client) error { return c.Users.Delete(ctx, "") },
		"DeleteLogs empty id":     func(ctx context.Context, c *Client) error { return c.Users.DeleteLogs(ctx, " ") },
		"ListByWorkflow empty id": func(ctx context.Context, c *Client) error { _, err := c.Users.ListByWorkflow(ctx, ""); return err },
		"Token empty id":          func(ctx context.Context, c *Client) error { _, err := c.Tokens.Create(ctx, ""); return err },
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			err := fn(context.Background(), h.c)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalidArgument), "%v", err)
			assert.Zero(t, h.mt.GetTotalCallCount(), "nothing may be sent")
		})
	}
}

func TestUsersCreateDuplicateIsConflict(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/users", jsonResp(409, `{"message":"A user with username \"a\" already exists"}`))
	_, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
	require.ErrorIs(t, err, ErrConflict)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, `A user with username "a" already exists`, apiErr.Message)
	assert.Equal(t, 1, h.mt.GetTotalCallCount(), "POST 409 is not retried")
}

func TestUsersCreateWithoutUserIDInResponseIsAnError(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/users", jsonResp(200, `{}`))
	u, err := h.c.Users.Create(context.Background(), UserCreateParams{Username: "a"})
	assert.Nil(t, u)
	assert.ErrorContains(t, err, "no userId")
}

// TestUserBodyHasUsersFields: userBody spells out User's fields (see its
// doc); a field added to User must be added to it, with the same tag, and
// copied by user().
func TestUserBodyHasUsersFields(t *testing.T) {
	t.Parallel()
	ut, bt := reflect.TypeFor[User](), reflect.TypeFor[userBody]()
	require.Equal(t, ut.NumField()+1, bt.NumField(), "userBody: User's fields and Data")
	for i := range ut.NumField() {
		f := ut.Field(i)
		g, ok := bt.FieldByName(f.Name)
		require.True(t, ok, "userBody has no %s", f.Name)
		assert.Equal(t, f.Type, g.Type, f.Name)
		assert.Equal(t, strings.Split(f.Tag.Get("json"), ",")[0], strings.Split(g.Tag.Get("json"), ",")[0], f.Name)
	}
	// Every field is copied: set each to a value of its own.
	var b userBody
	bv := reflect.ValueOf(&b).Elem()
	for i := range ut.NumField() {
		f := bv.FieldByName(ut.Field(i).Name)
		require.Equal(t, reflect.String, f.Kind(), "extend this test for %s", ut.Field(i).Name)
		f.SetString("v-" + ut.Field(i).Name)
	}
	u, err := b.user("Users.Get")
	require.NoError(t, err)
	uv := reflect.ValueOf(u).Elem()
	for i := range ut.NumField() {
		assert.Equal(t, "v-"+ut.Field(i).Name, uv.Field(i).String(), "user() copies %s", ut.Field(i).Name)
	}
}
