package alloy_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
)

// TestEnsureIsExactlyOnceUnderFaults: 1,000 concurrent Ensure calls over
// 200 usernames, with seeded faults on: 5% of creates answered 503 after
// the server made the user, 5% of reads 503, 3% of every request dropped
// (before or after the handler ran) and 2% answered 429. Every call
// returns the server's one user for its username, no username is created
// twice, and created is reported at most once per username.
//
// No call may fail: with 6 retries, a read fails for good only when 7
// attempts in a row fault (8% each: below 1e-7 per read, about 1e-4 per
// run), and a create is sent again only after a read found nothing.
func TestEnsureIsExactlyOnceUnderFaults(t *testing.T) {
	t.Parallel()
	srv := alloytest.NewServer(alloytest.WithFaultSeed(20251130), alloytest.WithRequestLog(0))
	t.Cleanup(srv.Close)
	srv.InjectFault(alloytest.FaultRule{Rate: 0.02, Fault: alloytest.Fault{Status: 429}})
	srv.InjectFault(alloytest.FaultRule{Rate: 0.03, Fault: alloytest.Fault{Drop: true}})
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Rate: 0.05, Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Rate: 0.05, Fault: alloytest.Fault{Status: 503}})
	c := srv.Client(alloy.WithMaxRetries(6), alloy.WithRetryWait(time.Millisecond, 5*time.Millisecond))

	const calls, names = 1000, 200
	type result struct {
		name    string
		user    *alloy.User
		created bool
		err     error
	}
	results := make([]result, calls)
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			name := fmt.Sprintf("tenant-%03d@northwind.example", i%names)
			u, created, err := c.Users.Ensure(context.Background(), alloy.UserCreateParams{Username: name})
			results[i] = result{name, u, created, err}
		})
	}
	wg.Wait()

	server := map[string]string{} // username -> the server's user id
	for _, u := range srv.Users() {
		require.NotContains(t, server, u.Username, "the server holds %s twice", u.Username)
		server[u.Username] = u.ID
	}
	require.Len(t, server, names)
	createdBy := map[string]int{}
	for _, r := range results {
		if !assert.NoError(t, r.err, r.name) {
			continue
		}
		assert.Equal(t, server[r.name], r.user.ID, "%s: the server's user", r.name)
		assert.Equal(t, r.name, r.user.Username)
		if r.created {
			createdBy[r.name]++
		}
	}
	for name, n := range createdBy {
		assert.LessOrEqual(t, n, 1, "%s reported created %d times", name, n)
	}
	counts := srv.Counts()
	for name := range server {
		assert.Equal(t, 1, counts.Users[name].Created, "%s created once on the server", name)
	}
	assert.Positive(t, counts.Requests.Faulted, "faults were injected")
	t.Logf("%d calls, %d requests, %d faulted, %d users reported created", calls, counts.Requests.Received, counts.Requests.Faulted, len(createdBy))
}

// TestEnsureNeverCreatesTwiceWhereDuplicatesWouldShow: against a server
// that lets duplicate usernames through (as one that did not enforce
// uniqueness would), so that any second create leaves a second user, 200
// usernames each ensured by 5 sequential calls, under seeded faults (creates
// answered 503 after the server made the user, dropped connections before
// and after the handler, 429s, failed reads), end with exactly 200 users:
// one per username, created once. Only the first call of each username
// may report created; the others find the user.
func TestEnsureNeverCreatesTwiceWhereDuplicatesWouldShow(t *testing.T) {
	t.Parallel()
	srv := alloytest.New(t, alloytest.WithDuplicateUsernames(), alloytest.WithFaultSeed(20261130), alloytest.WithRequestLog(0))
	srv.InjectFault(alloytest.FaultRule{Rate: 0.02, Fault: alloytest.Fault{Status: 429}})
	srv.InjectFault(alloytest.FaultRule{Rate: 0.02, Fault: alloytest.Fault{Drop: true}})
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Rate: 0.05, Fault: alloytest.Fault{Drop: true, AfterHandler: true}})
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Rate: 0.10, Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Rate: 0.05, Fault: alloytest.Fault{Status: 503}})
	c := srv.Client(alloy.WithMaxRetries(6))

	const names, rounds = 200, 5
	errs := make([][]error, names)
	created := make([]int, names)
	var wg sync.WaitGroup
	for i := range names {
		wg.Go(func() { // a username's calls one after another; usernames side by side
			name := fmt.Sprintf("tenant-%03d@northwind.example", i)
			for range rounds {
				u, made, err := c.Users.Ensure(context.Background(), alloy.UserCreateParams{Username: name})
				if err == nil && u.Username != name {
					err = fmt.Errorf("got user %q", u.Username)
				}
				errs[i] = append(errs[i], err)
				if made {
					created[i]++
				}
			}
		})
	}
	wg.Wait()

	for i := range names {
		for round, err := range errs[i] {
			assert.NoError(t, err, "username %d, call %d", i, round)
		}
		assert.LessOrEqual(t, created[i], 1, "username %d reported created %d times", i, created[i])
	}
	assert.Equal(t, names, len(srv.Users()), "exactly one user per username on the server")
	counts := srv.Counts()
	for i := range names {
		name := fmt.Sprintf("tenant-%03d@northwind.example", i)
		assert.Equal(t, 1, counts.Users[name].Created, "%s created once", name)
	}
	post := counts.Routes["POST /users"]
	assert.Positive(t, post.Ambiguous, "some creates were applied and their answers lost")
	t.Logf("%d requests, %d faulted, %d creates applied but answered with a fault", counts.Requests.Received, counts.Requests.Faulted, post.Ambiguous)
}
