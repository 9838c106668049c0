package alloytest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestLogStaysWithinItsBudget fills a 64 KiB log with 1 KiB
// updates: it keeps the most recent ones, in order, and drops the oldest.
func TestRequestLogStaysWithinItsBudget(t *testing.T) {
	srv := newServer(t, alloytest.WithRequestLog(64<<10))
	c := srv.Client()
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"})
	require.NoError(t, err)
	const n = 300
	for i := 0; i < n; i++ {
		_, err := c.Users.Update(ctx, u.ID, alloy.UserUpdateParams{FullName: alloy.Ptr(fmt.Sprintf("%04d", i) + strings.Repeat("x", 1020))})
		require.NoError(t, err)
	}
	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	assert.Less(t, len(reqs), n/4, "a 64 KiB budget holds far fewer than 300 entries of over 1 KiB")
	bytes := 0
	for i, r := range reqs {
		bytes += len(r.Body)
		want := fmt.Sprintf(`"fullName":"%04d`, n-len(reqs)+i)
		assert.Contains(t, string(r.Body), want, "entry %d: the most recent requests, oldest first", i)
	}
	assert.LessOrEqual(t, bytes, 64<<10)
	assert.Equal(t, n+1, srv.Counts().Requests.Received, "the counters still saw every request")

	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
	assert.Equal(t, n+1, srv.Counts().Requests.Received, "ResetRequests keeps the counters")
	_, err = c.Users.Get(ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, srv.Requests(), 1)
	assert.Equal(t, "/users/"+u.ID, srv.Requests()[0].Path)
}

func TestRequestLogKeepsAtMostAQuarterOfItsBudgetOfABody(t *testing.T) {
	srv := newServer(t, alloytest.WithRequestLog(16<<10))
	_, err := srv.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: "a@example.com", FullName: strings.Repeat("x", 20<<10)})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1, "a body larger than the budget still leaves an entry")
	assert.Len(t, reqs[0].Body, 4<<10)
	assert.True(t, strings.HasPrefix(string(reqs[0].Body), `{"username":"a@example.com"`))

	big := newServer(t)
	_, err = big.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: "a@example.com", FullName: strings.Repeat("x", 100<<10)})
	require.NoError(t, err)
	assert.Len(t, big.Requests()[0].Body, 64<<10, "by default the first 64 KiB")
}

func TestRequestLogOff(t *testing.T) {
	for _, budget := range []int64{0} { // a negative budget is a bad value: TestBadOptionValues
		srv := newServer(t, alloytest.WithRequestLog(budget))
		c := srv.Client()
		_, err := c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "a@example.com"})
		require.NoError(t, err)
		_, err = c.Users.List(context.Background(), nil)
		require.NoError(t, err)
		assert.Empty(t, srv.Requests(), "budget %d: no log", budget)
		counts := srv.Counts()
		assert.Equal(t, 2, counts.Requests.Received, "budget %d: counted all the same", budget)
		assert.Equal(t, 1, counts.Routes["POST /users"].Handled)
		assert.Equal(t, 1, counts.Users["a@example.com"].Created)
	}
}

// TestCountsPerRouteAndFault checks what each kind of fault does to the
// counters: whether the handler ran, and whether the client can know.
func TestCountsPerRouteAndFault(t *testing.T) {
	srv := newServer(t, alloytest.WithRequestLog(0))
	// No kept-alive connections: net/http would replay a GET dropped on a
	// reused one.
	c := fastClient(srv, alloy.WithMaxRetries(0), alloy.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"})
	require.NoError(t, err)

	for _, f := range []alloytest.Fault{
		{Status: 503},                                // not handled
		{Drop: true},                                 // not handled, no answer
		{Status: 503, AfterHandler: true},            // handled, answer replaced
		{Drop: true, AfterHandler: true},             // handled, no answer
		{Truncate: true},                             // handled, answer cut
		{ContentType: "text/plain"},                  // handled, real answer
		{AfterHandler: true},                         // handled, real answer
		{Latency: time.Millisecond},                  // handled, real answer
		{Malformed: true, AfterHandler: true},        // handled, answer replaced
		{Status: 502, ContentType: "text/html"},      // not handled
		{Status: 429, RetryAfter: "1", Latency: 1e6}, // not handled
	} {
		srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Times: 1, Fault: f})
		_, _ = c.Users.Get(ctx, u.ID)
	}
	_, err = c.Users.Get(ctx, "nobody") // handled: the handler answers 404
	require.ErrorIs(t, err, alloy.ErrNotFound)
	bad, err := http.NewRequest("PATCH", srv.URL+"/users", nil)
	require.NoError(t, err)
	bad.Header.Set("Authorization", "Bearer "+srv.APIKey)
	resp, err := http.DefaultClient.Do(bad)
	require.NoError(t, err)
	resp.Body.Close()

	counts := srv.Counts()
	assert.Equal(t, alloytest.RouteCounts{Received: 12, Handled: 8, Faulted: 11, Ambiguous: 4,
		Statuses: map[int]int{0: 2, 200: 5, 404: 1, 429: 1, 502: 1, 503: 2}}, counts.Routes["GET /users/{userId}"])
	assert.Equal(t, alloytest.RouteCounts{Received: 1, Handled: 1, Statuses: map[int]int{200: 1}}, counts.Routes["POST /users"])
	assert.Equal(t, alloytest.RouteCounts{Received: 1, Statuses: map[int]int{405: 1}}, counts.Routes[""], "no route: under \"\"")
	assert.Equal(t, alloytest.RouteCounts{Received: 14, Handled: 9, Faulted: 11, Ambiguous: 4,
		Statuses: map[int]int{0: 2, 200: 6, 404: 1, 405: 1, 429: 1, 502: 1, 503: 2}}, counts.Requests)
	assert.Len(t, counts.Routes, 3)

	// The snapshot is a copy.
	counts.Routes["POST /users"].Statuses[200] = 99
	assert.Equal(t, 1, srv.Counts().Routes["POST /users"].Statuses[200])
}

func TestCountsPerUsername(t *testing.T) {
	srv := newServer(t, alloytest.WithRequestLog(0))
	c := fastClient(srv)
	ctx := context.Background()
	_, err := srv.LoadSeed(&alloytest.SeedFile{Users: []alloytest.SeedUser{{Username: "seeded@example.com"}}})
	require.NoError(t, err)

	// A create the server acted on but answered 503, then the same create
	// again: two requests reached the handler, one user was created.
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"})
	require.ErrorIs(t, err, alloy.ErrServer)
	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"})
	require.ErrorIs(t, err, alloy.ErrConflict)
	// A create refused before the handler reached nothing.
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 503}})
	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "b@example.com"})
	require.ErrorIs(t, err, alloy.ErrServer)
	// A batch, then a delete and a re-create of one of its users.
	_, err = c.Users.CreateBatch(ctx, []alloy.UserCreateParams{{Username: "b@example.com"}, {Username: "c@example.com"}})
	require.NoError(t, err)
	require.NoError(t, c.Users.Delete(ctx, "c@example.com"))
	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "c@example.com"})
	require.NoError(t, err)

	assert.Equal(t, map[string]alloytest.UserCounts{
		"seeded@example.com": {Created: 1},
		"a@example.com":      {CreateRequests: 2, Created: 1},
		"b@example.com":      {CreateRequests: 1, Created: 1},
		"c@example.com":      {CreateRequests: 2, Created: 2, Deleted: 1},
	}, srv.Counts().Users)
}

func TestWithUserCountsOff(t *testing.T) {
	srv := newServer(t, alloytest.WithUserCounts(false))
	c := srv.Client()
	u, err := c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "a@example.com"})
	require.NoError(t, err)
	require.NoError(t, c.Users.Delete(context.Background(), u.ID))
	counts := srv.Counts()
	assert.Equal(t, map[string]alloytest.UserCounts{}, counts.Users, "not kept")
	assert.Equal(t, 1, counts.Routes["POST /users"].Handled, "the route counters are")
	assert.Equal(t, 1, counts.Routes["DELETE /users/{userId}"].Handled)
}
