package alloy

import (
	"context"
	"sync"
	"time"
)

// deadlines enforces a client's timeout (WithTimeout) on its calls with
// one timer for all of them, instead of a context.WithTimeout per call.
//
// A timer per call is cheap to allocate but not to start: when it is the
// earliest of its P's timers (and on a P with no other timers, each call's
// is) the Go runtime wakes an idle thread to watch it. In BenchmarkCall on
// 2 CPUs that was one more futex wake-up per call (strace) and 5-15% more
// time per loopback call than the same client without a timeout. Here a
// call only joins a list under a mutex:
// every call of a client has the same timeout, so deadlines come in the
// order calls start, and one timer, armed for the first deadline and
// re-armed when it fires, cancels each call when its own deadline passes,
// to the same precision a context's timer would.
type deadlines struct {
	timeout time.Duration

	mu          sync.Mutex
	first, last *deadlineCtx // calls in flight, by deadline
	timer       *time.Timer  // created on first use
	armed       bool         // the timer fires at or before first's deadline
}

// bound returns ctx bounded by the client's timeout, and the context to
// stop (d.stop) when the call is over; nil when there is no timeout, or
// the caller's deadline comes first and bounds the call already.
func (c *Client) bound(ctx context.Context) (context.Context, *deadlineCtx) {
	d := c.deadlines
	if d == nil || ctx == nil {
		return ctx, nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d.timeout {
		return ctx, nil
	}
	dc := d.start(ctx)
	return dc, dc
}

// deadlineCtx is a call's context: the caller's context with a cancel of
// its own, which deadlines calls at the deadline with cause
// context.DeadlineExceeded, and the deadline it reports.
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
