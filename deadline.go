package alloy

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// deadlines enforces a client's timeout (WithTimeout) on its calls
// without a context.WithTimeout per call.
//
// A timer per call is cheap to allocate but not to start: when it is the
// earliest of its P's timers (and on a P with no other timers, each call's
// is) the Go runtime wakes an idle thread to watch it. In BenchmarkCall on
// 2 CPUs that was one more futex wake-up per call (strace) and 5-15% more
// time per loopback call than the same client without a timeout. A
// cancellable context per call is not free either: with net/http's own
// registered in it, it cost about 1.2 µs and 5 allocations per call.
//
// So a call whose caller's context can never be cancelled (Done is nil:
// context.Background, values on it, context.WithoutCancel) shares the
// context of a window: every such call that starts within timeout/100 of
// the window's first ends at the window's deadline, the first's start
// plus the timeout. A call may so end up to 1% of the timeout before its
// own start plus the timeout, never after; it costs one small allocation,
// and the window one timer. A call whose caller can cancel it needs a
// context of its own, which ends when either does: it joins a list under
// a mutex, and one timer for the whole list (every call of a client has
// the same timeout, so deadlines come in the order calls start), armed for
// the first deadline and re-armed when it fires, cancels each call when
// its own deadline passes, as precisely as a context's timer would.
type deadlines struct {
	timeout time.Duration
	window  time.Duration // timeout/100: how long a window takes calls

	cur atomic.Pointer[window] // the window calls join; replaced under mu

	mu          sync.Mutex
	first, last *deadlineCtx // calls of their own in flight, by deadline
	timer       *time.Timer  // created on first use
	armed       bool         // the timer fires at or before first's deadline
}

// newDeadlines returns the deadlines of a client with timeout d > 0.
func newDeadlines(d time.Duration) *deadlines {
	return &deadlines{timeout: d, window: d / 100}
}

// bound returns ctx bounded by the client's timeout, and the context to
// stop (d.stop) when the call is over; nil when there is no timeout, or
// the caller's deadline comes first and bounds the call already, or the
// call shares a window's.
func (c *Client) bound(ctx context.Context) (context.Context, *deadlineCtx) {
	d := c.deadlines
	if d == nil || ctx == nil {
		return ctx, nil
	}
	dl, ok := ctx.Deadline()
	switch {
	case ok && time.Until(dl) <= d.timeout:
		return ctx, nil
	case !ok && ctx.Done() == nil:
		return d.shared(ctx), nil
	}
	dc := d.start(ctx)
	return dc, dc
}

// window is a deadline shared by the calls that start within d.window of
// its start.
type window struct {
	ctx    context.Context // context.WithDeadline(context.Background(), start+timeout)
	cancel context.CancelFunc
	start  time.Time
}

// sharedCtx is a call's context in a window: the window's deadline and
// cancellation, the caller's values.
type sharedCtx struct {
	context.Context                 // the window's
	values          context.Context // the caller's, which is never cancelled
}

// Value is the caller's value for key. The window's context holds no
// values: it answers only for the context package's own key, which makes
// it the parent that net/http's context (and any other derived with
// context.WithCancel) registers with, to end with it.
func (c *sharedCtx) Value(key any) any {
	if v := c.Context.Value(key); v != nil {
		return v
	}
	return c.values.Value(key)
}

// shared returns a context for a call whose caller's context, values, is
// never cancelled: the current window's, or a new window's.
func (d *deadlines) shared(values context.Context) *sharedCtx {
	w := d.cur.Load()
	// Read after the window, so that now is not before its start.
	if now := time.Now(); w == nil || now.Sub(w.start) >= d.window {
		w = d.newWindow()
	}
	return &sharedCtx{Context: w.ctx, values: values}
}

// newWindow starts a window now, unless another goroutine just did.
func (d *deadlines) newWindow() *window {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if w := d.cur.Load(); w != nil && now.Sub(w.start) < d.window {
		return w
	}
	// The window's timer cancels it at its deadline: cancel is kept only
	// so that nothing is left to release.
	ctx, cancel := context.WithDeadline(context.Background(), now.Add(d.timeout))
	w := &window{ctx: ctx, cancel: cancel, start: now}
	d.cur.Store(w)
	return w
}

// deadlineCtx is the context of a call whose caller may cancel it: the
// caller's context with a cancel of its own, which deadlines calls at the
// deadline with cause context.DeadlineExceeded, and the deadline it
// reports.
type deadlineCtx struct {
	context.Context // from context.WithCancelCause(the caller's)
	cancel          context.CancelCauseFunc
	deadline        time.Time

	prev, next *deadlineCtx // in deadlines' list, under its mutex
	listed     bool
}

// Deadline is the call's deadline (the client uses a deadlineCtx only
// when the caller's context has none, or a later one).
func (c *deadlineCtx) Deadline() (time.Time, bool) { return c.deadline, true }

// Err reports context.DeadlineExceeded once the call's deadline has
// passed, as a context.WithTimeout would, and otherwise what the caller's
// context reports.
func (c *deadlineCtx) Err() error {
	err := c.Context.Err()
	if err != nil && context.Cause(c.Context) == context.DeadlineExceeded {
		return context.DeadlineExceeded
	}
	return err
}

// start returns a context for a call that ends at the client's timeout
// from now, or before if parent ends first. The caller must call d.stop
// with it when the call is over.
func (d *deadlines) start(parent context.Context) *deadlineCtx {
	inner, cancel := context.WithCancelCause(parent)
	c := &deadlineCtx{Context: inner, cancel: cancel}
	d.mu.Lock()
	// Taken under the lock, so that the list stays in deadline order.
	c.deadline = time.Now().Add(d.timeout)
	c.prev, c.listed = d.last, true
	if d.last != nil {
		d.last.next = c
	} else {
		d.first = c
	}
	d.last = c
	if !d.armed {
		d.arm(time.Until(c.deadline))
	}
	d.mu.Unlock()
	return c
}

// stop ends a call's context: it leaves the list, and its context is
// cancelled (context.Canceled), releasing what the caller's context holds
// for it. A nil c (a call bound was not needed for) is nothing to stop.
func (d *deadlines) stop(c *deadlineCtx) {
	if c == nil {
		return
	}
	d.mu.Lock()
	d.unlist(c)
	d.mu.Unlock()
	c.cancel(context.Canceled)
}

// arm sets the timer to fire after wait. d.mu is held.
func (d *deadlines) arm(wait time.Duration) {
	if d.timer == nil {
		d.timer = time.AfterFunc(wait, d.expire)
	} else {
		d.timer.Reset(wait)
	}
	d.armed = true
}

// expire is the timer's function: it ends every call whose deadline has
// passed and arms the timer for the next deadline, if a call is left.
func (d *deadlines) expire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	for c := d.first; c != nil && !c.deadline.After(now); c = d.first {
		d.unlist(c)
		c.cancel(context.DeadlineExceeded)
	}
	d.armed = false
	if d.first != nil {
		d.arm(d.first.deadline.Sub(now))
	}
}

// unlist takes c out of the list, if it is in it. d.mu is held.
func (d *deadlines) unlist(c *deadlineCtx) {
	if !c.listed {
		return
	}
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		d.first = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		d.last = c.prev
	}
	c.prev, c.next, c.listed = nil, nil, false
}
