package alloy

import (
	"context"
	"time"
)

// SetPacingClock replaces the clock and the sleep of c's retries and
// pacing, for tests outside the package (which use alloytest, and so
// cannot be in it).
func SetPacingClock(c *Client, now func() time.Time, sleep func(context.Context, time.Duration) error) {
	c.tr.Now, c.tr.Sleep = now, sleep
}
