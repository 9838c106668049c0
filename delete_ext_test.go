package alloy_test

import (
	"context"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeleteThatActedThenFailedIsSuccess, end to end on alloytest: the
// server deletes the user but answers 503; the retry finds no user (404).
// The delete worked, so Delete returns nil, and the user is gone.
func TestDeleteThatActedThenFailedIsSuccess(t *testing.T) {
	t.Parallel()
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client(alloy.WithRetryWait(time.Millisecond, time.Millisecond))
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "gone@example.com"})
	require.NoError(t, err)

	srv.InjectFault(alloytest.FaultRule{Method: "DELETE", Path: "/users/*", Times: 1,
		Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	require.NoError(t, c.Users.Delete(ctx, u.ID))
	assert.Empty(t, srv.Users())

	_, err = c.Users.Get(ctx, u.ID)
	require.ErrorIs(t, err, alloy.ErrNotFound)
	require.ErrorIs(t, c.Users.Delete(ctx, u.ID), alloy.ErrNotFound, "a plain 404 is still not found")
}
