package alloy

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type deadlineTestKey struct{}

// waitDone waits for ctx to end, failing the test after a generous bound.
func waitDone(t *testing.T, ctx context.Context) time.Time {
	t.Helper()
	select {
	case <-ctx.Done():
		return time.Now()
	case <-time.After(10 * time.Second):
		t.Fatal("the context did not end")
		return time.Time{}
	}
}

// TestDeadlinesEndEachCallAtItsDeadline: each call's context ends at its
// own deadline (start plus the timeout), never before, with
// context.DeadlineExceeded, as a context.WithTimeout would; it reports its
// deadline and the caller's values, and leaves the list when it ends.
func TestDeadlinesEndEachCallAtItsDeadline(t *testing.T) {
	t.Parallel()
	d := newDeadlines(30 * time.Millisecond)
	parent := context.WithValue(context.Background(), deadlineTestKey{}, "v")
	var calls []*deadlineCtx
	for range 3 {
		start := time.Now()
		c := d.start(parent)
		dl, ok := c.Deadline()
		require.True(t, ok)
		assert.False(t, dl.Before(start.Add(d.timeout)), "deadline is start + timeout")
		assert.Equal(t, "v", c.Value(deadlineTestKey{}))
		calls = append(calls, c)
		time.Sleep(5 * time.Millisecond)
	}
	for _, c := range calls {
		ended := waitDone(t, c)
		dl, _ := c.Deadline()
		assert.False(t, ended.Before(dl), "ended at %v, before its deadline %v", ended, dl)
		assert.Equal(t, context.DeadlineExceeded, c.Err())
		assert.Equal(t, context.DeadlineExceeded, context.Cause(c))
		d.stop(c) // after the end: changes nothing
		assert.Equal(t, context.DeadlineExceeded, c.Err())
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	assert.Nil(t, d.first)
	assert.Nil(t, d.last)
}

// TestDeadlinesStopAndCallerCancel: a call stopped before its deadline
// leaves the list and its context ends with context.Canceled, the others
// stay; a caller's cancellation ends a call at once with the caller's
// error; after the timer fired with no call left, the next call arms it
// again.
func TestDeadlinesStopAndCallerCancel(t *testing.T) {
	t.Parallel()
	d := newDeadlines(time.Hour)
	a, b := d.start(context.Background()), d.start(context.Background())
	assert.NoError(t, a.Err())
	d.stop(a)
	assert.Equal(t, context.Canceled, a.Err())
	assert.NoError(t, b.Err())
	d.mu.Lock()
	assert.Same(t, b, d.first)
	assert.Same(t, b, d.last)
	d.mu.Unlock()
	d.stop(b)

	parent, cancel := context.WithCancel(context.Background())
	c := d.start(parent)
	cancel()
	waitDone(t, c)
	assert.Equal(t, context.Canceled, c.Err())
	d.stop(c)

	short := newDeadlines(10 * time.Millisecond)
	x := short.start(context.Background())
	waitDone(t, x) // the timer fired and found no other call
	short.stop(x)
	y := short.start(context.Background())
	waitDone(t, y)
	assert.Equal(t, context.DeadlineExceeded, y.Err(), "the timer was armed again")
	short.stop(y)
}

// TestDeadlinesConcurrentCalls: calls started and stopped from many
// goroutines, some outliving the timeout, each end as they should and
// leave the list empty.
func TestDeadlinesConcurrentCalls(t *testing.T) {
	t.Parallel()
	d := newDeadlines(20 * time.Millisecond)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			for j := range 20 {
				c := d.start(context.Background())
				if (i+j)%5 == 0 { // outlives its deadline
					waitDone(t, c)
					assert.Equal(t, context.DeadlineExceeded, c.Err())
				}
				d.stop(c)
				assert.Error(t, c.Err(), "ended either way")
			}
		})
	}
	wg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	assert.Nil(t, d.first)
	assert.Nil(t, d.last)
}

// TestBoundPicksTheContext: no bound when the caller's deadline comes
// first; a shared window for a caller that can never cancel; a context of
// its own for a caller that can.
func TestBoundPicksTheContext(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey, WithBaseURL(testRoot), WithTimeout(time.Hour))
	require.NoError(t, err)

	soon, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, dc := c.bound(soon)
	assert.Equal(t, soon, got, "the caller's deadline comes first")
	assert.Nil(t, dc)

	got, dc = c.bound(context.WithValue(context.Background(), deadlineTestKey{}, "v"))
	assert.IsType(t, &sharedCtx{}, got, "never cancelled: a window")
	assert.Nil(t, dc)
	assert.Equal(t, "v", got.Value(deadlineTestKey{}))

	cancellable, cancel2 := context.WithCancel(context.Background())
	got, dc = c.bound(cancellable)
	assert.Same(t, dc, got, "cancellable: a context of its own")
	c.deadlines.stop(dc)
	cancel2()

	none, err := NewClient(testKey, WithBaseURL(testRoot), WithTimeout(0))
	require.NoError(t, err)
	got, dc = none.bound(context.Background())
	assert.Equal(t, context.Background(), got, "no timeout")
	assert.Nil(t, dc)
}

// TestSharedWindows: a call in a window ends at the window's deadline,
// which is never after its own start plus the timeout and at most a
// window (1% of the timeout) before; it keeps the caller's values, and a
// context derived from it (as net/http derives one) ends with it.
func TestSharedWindows(t *testing.T) {
	t.Parallel()
	d := newDeadlines(100 * time.Millisecond)
	parent := context.WithValue(context.Background(), deadlineTestKey{}, "v")
	var ctxs []*sharedCtx
	for i := range 40 {
		before := time.Now()
		c := d.shared(parent)
		after := time.Now()
		dl, ok := c.Deadline()
		require.True(t, ok)
		assert.False(t, dl.After(after.Add(d.timeout)), "call %d: deadline after its start plus the timeout", i)
		assert.True(t, dl.After(before.Add(d.timeout-d.window)), "call %d: deadline more than a window early", i)
		assert.Equal(t, "v", c.Value(deadlineTestKey{}))
		ctxs = append(ctxs, c)
		time.Sleep(time.Duration(i%3) * time.Millisecond) // some share a window, some do not
	}
	for _, c := range ctxs {
		child, cancel := context.WithCancel(c)
		ended := waitDone(t, child)
		dl, _ := c.Deadline()
		assert.False(t, ended.Before(dl))
		assert.Equal(t, context.DeadlineExceeded, c.Err())
		assert.Equal(t, context.DeadlineExceeded, child.Err(), "derived contexts end with it")
		cancel()
	}
}

// TestSharedWindowsConcurrently: calls from many goroutines join windows
// and each gets a deadline within its bounds.
func TestSharedWindowsConcurrently(t *testing.T) {
	t.Parallel()
	d := newDeadlines(time.Second)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range 200 {
				before := time.Now()
				c := d.shared(context.Background())
				after := time.Now()
				dl, _ := c.Deadline()
				if dl.After(after.Add(d.timeout)) || !dl.After(before.Add(d.timeout-d.window)) {
					t.Errorf("deadline %v outside (%v, %v]", dl, before.Add(d.timeout-d.window), after.Add(d.timeout))
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestTimeoutEndsASlowCall: over a real connection, a call the server does
// not answer within the client's timeout fails with
// context.DeadlineExceeded, as a *TransportError.
func TestTimeoutEndsASlowCall(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(testKey, WithBaseURL(srv.URL), WithTimeout(50*time.Millisecond), WithMaxRetries(0),
		WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}))
	require.NoError(t, err)
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	for name, ctx := range map[string]context.Context{"shared window": context.Background(), "own context": cancellable} {
		start := time.Now()
		_, err = c.Users.Get(ctx, "u1")
		assert.GreaterOrEqual(t, time.Since(start), 49*time.Millisecond, name) // a window is 1% of the timeout
		var te *TransportError
		require.ErrorAs(t, err, &te, name)
		assert.ErrorIs(t, err, context.DeadlineExceeded, name)
		assert.False(t, errors.Is(err, context.Canceled), name)
	}
}
