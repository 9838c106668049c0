package alloytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingTB is a testing.TB that records what New asks of it: its
// Fatal does not stop the caller, so New must return after it.
type recordingTB struct {
	testing.TB // nil: New calls only the methods below
	fatal      []string
	cleanups   []func()
}

func (r *recordingTB) Helper()          {}
func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Fatal(args ...any) {
	r.fatal = append(r.fatal, fmt.Sprint(args...))
}

// TestNewClosesTheServerWhenTheTestEnds: New's server serves during the
// test and is closed by the test's cleanup.
func TestNewClosesTheServerWhenTheTestEnds(t *testing.T) {
	var srv *alloytest.Server
	t.Run("the test", func(t *testing.T) {
		srv = alloytest.New(t)
		_, err := srv.Client().Users.List(context.Background(), nil)
		require.NoError(t, err)
	})
	_, err := srv.Client(alloy.WithMaxRetries(0)).Users.List(context.Background(), nil)
	var te *alloy.TransportError
	assert.True(t, errors.As(err, &te), "closed after the test: %v", err)

	tb := &recordingTB{}
	srv = alloytest.New(tb)
	require.NotNil(t, srv)
	require.Len(t, tb.cleanups, 1, "one cleanup registered")
	assert.Empty(t, tb.fatal)
	tb.cleanups[0]()
	_, err = srv.Client(alloy.WithMaxRetries(0)).Users.List(context.Background(), nil)
	assert.True(t, errors.As(err, &te), "the cleanup closes it: %v", err)
}

// TestNewFailsTheTestWhenItCannotStart: a bad option value fails the test
// with Start's error, and New returns nil without registering a cleanup.
func TestNewFailsTheTestWhenItCannotStart(t *testing.T) {
	tb := &recordingTB{}
	srv := alloytest.New(tb, alloytest.WithTokenTTL(-time.Second))
	assert.Nil(t, srv)
	assert.Equal(t, []string{"alloy: alloytest.Start: invalid argument: token TTL -1s is negative"}, tb.fatal)
	assert.Empty(t, tb.cleanups)
}

// TestNewClientRetriesFast: the clients of New's server retry with waits
// of milliseconds: three 503s are retried to success, and a Retry-After
// of one second, beyond their longest wait (10ms), ends the retries at once
// and is handed back (no clock is read: a client with alloy's waits, up to
// 8s, would have waited it out and succeeded). A test can set its own
// waits, and NewServer's clients keep alloy's.
func TestNewClientRetriesFast(t *testing.T) {
	t.Parallel()
	srv := alloytest.New(t)
	ctx := context.Background()
	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users", Times: 3, Fault: alloytest.Fault{Status: 503}})
	_, err := srv.Client().Users.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, srv.Counts().Routes["GET /users"].Received)

	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 429, RetryAfter: "1"}})
	_, err = srv.Client().Users.List(ctx, nil)
	var apiErr *alloy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.Equal(t, time.Second, apiErr.RetryAfter, "longer than the client waits: handed back")
	assert.Equal(t, 5, srv.Counts().Routes["GET /users"].Received, "not retried")

	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 503}})
	_, err = srv.Client(alloy.WithMaxRetries(0)).Users.List(ctx, nil)
	assert.ErrorIs(t, err, alloy.ErrServer, "Client's options come after New's waits")

	// NewServer's client waits as alloy does: the same 1s Retry-After is
	// within its longest wait (8s), so it is waited out (this costs the
	// test one second) and the retry succeeds.
	plain := alloytest.NewServer()
	t.Cleanup(plain.Close)
	plain.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 429, RetryAfter: "1"}})
	_, err = plain.Client().Users.List(ctx, nil)
	require.NoError(t, err, "waited out the Retry-After, not handed it back")
	assert.Equal(t, 2, plain.Counts().Routes["GET /users"].Received)
}

// TestFaultedAnswersCarryARequestID: every answer has an X-Request-Id, a
// faulted one too (a status, an HTML page, one after the handler ran), and
// the SDK reports it; the request log holds the same id.
func TestFaultedAnswersCarryARequestID(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]alloytest.Fault{
		"status":            {Status: 503},
		"html":              {Status: 502, ContentType: "text/html"},
		"after the handler": {Status: 500, AfterHandler: true},
		"rate limited":      {Status: 429, RetryAfter: "0"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := alloytest.New(t)
			srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users", Times: 1, Fault: f})
			_, err := srv.Client(alloy.WithMaxRetries(0)).Users.List(context.Background(), nil)
			var apiErr *alloy.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, f.Status, apiErr.StatusCode)
			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			assert.Regexp(t, `^req_[0-9]+$`, reqs[0].RequestID)
			assert.Equal(t, reqs[0].RequestID, apiErr.RequestID)
			assert.NotEmpty(t, reqs[0].Fault)
		})
	}
}

// TestDuplicateUsernamesLetThrough: with WithDuplicateUsernames a create
// for a taken username makes a second user (the counters show both), and
// the username names the oldest; without it the second create is a 409.
func TestDuplicateUsernamesLetThrough(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := alloytest.New(t, alloytest.WithDuplicateUsernames())
	c := srv.Client()
	first, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	require.NoError(t, err)
	second, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	require.NoError(t, err)
	assert.NotEqual(t, first.ID, second.ID)
	assert.Len(t, srv.Users(), 2)
	assert.Equal(t, 2, srv.Counts().Users["ops@northwind.example"].Created)
	got, err := c.Users.Get(ctx, "ops@northwind.example")
	require.NoError(t, err)
	assert.Equal(t, first.ID, got.ID, "the oldest")

	strict := alloytest.New(t)
	_, err = strict.Client().Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	require.NoError(t, err)
	_, err = strict.Client().Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	assert.ErrorIs(t, err, alloy.ErrConflict)
	assert.Len(t, strict.Users(), 1)
}
