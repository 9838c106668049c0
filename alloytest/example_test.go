package alloytest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
)

// In a test, New starts a server, closes it when the test ends, and hands
// out clients that retry in milliseconds. (The function below is how a
// test of yours reads; an Example cannot be handed a *testing.T, so this
// one is compiled, not run.)
func ExampleNew() {
	testSignup := func(t *testing.T) {
		srv := alloytest.New(t)
		c := srv.Client()

		u, err := c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "a@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if got := srv.Users(); len(got) != 1 || got[0].ID != u.ID {
			t.Fatalf("server holds %v", got)
		}
	}
	_ = testSignup
}

// Outside a test (a program, a benchmark, another language's tests through
// alloy mock), NewServer starts a server; Close stops it.
func ExampleNewServer() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example", FullName: "Northwind Ops"})
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := c.Users.Get(ctx, "ops@northwind.example") // an id or a username
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.ID == u.ID, got.FullName, len(srv.Users()))
	// Output: true Northwind Ops 1
}

// A fault rule makes matching requests fail; the client retries a GET, and
// the counters say what the server saw. Every answer, a faulted one too,
// has a request id.
func ExampleServer_InjectFault() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client(alloy.WithRetryWait(time.Millisecond, 10*time.Millisecond))
	ctx := context.Background()

	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users", Times: 2, Fault: alloytest.Fault{Status: 503}})
	_, err := c.Users.List(ctx, nil)
	routes := srv.Counts().Routes["GET /users"]
	fmt.Println(err, routes.Received, routes.Faulted, routes.Statuses)

	// A POST is not retried: the error says whether it may have been applied.
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"})
	var apiErr *alloy.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, alloy.ErrOutcomeUnknown), apiErr.RequestID != "")
	}
	fmt.Println(srv.Counts().Routes["POST /users"].Ambiguous, len(srv.Users()))
	// Output:
	// <nil> 3 2 map[200:1 503:2]
	// 503 true true
	// 1 1
}

// With WithDuplicateUsernames the server lets a second create for a taken
// username through, so a test sees every create a client sent: here a
// create whose answer was lost, sent again by hand, makes two users, and
// Users.Ensure, which reads before it creates again, makes one.
func ExampleWithDuplicateUsernames() {
	srv := alloytest.NewServer(alloytest.WithDuplicateUsernames())
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	lost := alloytest.FaultRule{Method: "POST", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 503, AfterHandler: true}}

	srv.InjectFault(lost)
	params := alloy.UserCreateParams{Username: "naive@example.com"}
	if _, err := c.Users.Create(ctx, params); err != nil {
		_, _ = c.Users.Create(ctx, params) // "it failed, send it again"
	}

	srv.InjectFault(lost)
	_, created, err := c.Users.Ensure(ctx, alloy.UserCreateParams{Username: "careful@example.com"})

	counts := srv.Counts().Users
	fmt.Println(counts["naive@example.com"].Created, counts["careful@example.com"].Created, created, err)
	// Output: 2 1 false <nil>
}

// Counts are never trimmed: per route, what the server received, handled
// and answered; per username, the create requests and the users created
// and deleted.
func ExampleServer_Counts() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	u, _ := c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"})
	_, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"})
	_ = c.Users.Delete(ctx, u.ID)

	counts := srv.Counts()
	fmt.Println(errors.Is(err, alloy.ErrConflict), counts.Routes["POST /users"].Statuses, counts.Users["a@example.com"])
	// Output: true map[200:1 409:1] {2 1 1}
}
