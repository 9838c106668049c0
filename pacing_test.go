package alloy_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
)

// TestTooManyRequestsPausesEveryCallOnAlloytest: alloytest answers one
// create 429 with Retry-After: 2. Ten calls made after it each wait out the
// pause before their first attempt (the waits are recorded, not slept), and
// the server's counters show each sent once and no further 429.
func TestTooManyRequestsPausesEveryCallOnAlloytest(t *testing.T) {
	t.Parallel()
	srv := alloytest.NewServer()
	t.Cleanup(srv.Close)
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 429, RetryAfter: "2"}})
	c := srv.Client(alloy.WithRetryWait(time.Millisecond, 5*time.Second))
	now := time.Now()
	var mu sync.Mutex
	var waits []time.Duration
	alloy.SetPacingClock(c, func() time.Time { return now }, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	})
	ctx := context.Background()
	_, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "a@example.com"}, alloy.WithRetries(0))
	require.ErrorIs(t, err, alloy.ErrRateLimited)

	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			_, err := c.Users.List(ctx, nil)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Len(t, waits, 10, "every call waited once")
	for _, w := range waits {
		assert.Equal(t, 2*time.Second, w)
	}
	counts := srv.Counts()
	assert.Equal(t, 1, counts.Routes["POST /users"].Received)
	assert.Equal(t, 10, counts.Routes["GET /users"].Received)
	assert.Equal(t, 1, counts.Requests.Statuses[429], "no call ran into the limit again")
}
