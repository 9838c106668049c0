package alloy

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

// TestVersionPolicy: the versions of the contract and later ones are
// accepted; an unknown earlier one is refused before any I/O.
func TestVersionPolicy(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2023-12", "2024-03", "2025-09", "2025-12", "2099-01"} {
		c, err := NewClient(testKey, WithAPIVersion(v))
		require.NoError(t, err, v)
		assert.Equal(t, v, c.APIVersion())
	}
	for _, v := range []string{"2023-01", "2022-12", "2024-06", "2025-03"} {
		_, err := NewClient(testKey, WithAPIVersion(v))
		require.ErrorIs(t, err, ErrInvalidArgument, v)
		assert.Contains(t, err.Error(), "not one the SDK knows (2023-12, 2024-03, 2025-09, or a later one)")
	}
	assert.Equal(t, ops.Versions, SupportedAPIVersions())
}

// TestVersionsSendAsTheContractSays: on every version, including a later
// one, each operation either sends its contract route (with the version in
// the path or the header, as the version says) or, before its since or
// from its until on, fails with ErrUnsupportedVersion and sends nothing.
func TestVersionsSendAsTheContractSays(t *testing.T) {
	t.Parallel()
	cases := []struct {
		goName string
		call   func(ctx context.Context, c *Client) error
	}{
		{"Users.Get", func(ctx context.Context, c *Client) error { _, err := c.Users.Get(ctx, "u1"); return err }},
		{"Credentials.List", func(ctx context.Context, c *Client) error { _, err := c.Credentials.List(ctx, "u1"); return err }},
		{"Credentials.ListMetadata", func(ctx context.Context, c *Client) error { _, err := c.Credentials.ListMetadata(ctx); return err }},
		{"Events.List", func(ctx context.Context, c *Client) error { _, err := c.Events.List(ctx, nil); return err }},
		{"Logs.List", func(ctx context.Context, c *Client) error { _, err := c.Logs.List(ctx, LogListParams{}); return err }},
		{"Connectors.List", func(ctx context.Context, c *Client) error { _, err := c.Connectors.List(ctx); return err }},
		{"Apps.List", func(ctx context.Context, c *Client) error { _, err := c.Apps.List(ctx); return err }},
	}
	for _, tv := range versions {
		v := tv.version
		for _, tc := range cases {
			t.Run(v+"/"+tc.goName, func(t *testing.T) {
				h := newHarness(t, WithAPIVersion(v), WithMaxRetries(0))
				var got *http.Request
				h.mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
					got = r
					return httpmock.NewStringResponse(200, `{"data":[],"userId":"u1"}`), nil
				})
				err := tc.call(context.Background(), h.c)
				o, lookupErr := ops.Lookup(tc.goName, ops.Effective(v))
				if lookupErr != nil {
					require.ErrorIs(t, err, ErrUnsupportedVersion)
					assert.Nil(t, got, "nothing sent")
					return
				}
				require.NotNil(t, got)
				assert.Equal(t, o.Method, got.Method)
				wantPrefix := "/" + v
				if v >= ops.FirstHeaderVersion {
					wantPrefix = ""
					assert.Equal(t, v, got.Header.Get("X-Api-Version"), "a later version is sent as given")
				}
				path, _ := expandRoute(o.Path, []string{"u1"})
				assert.Equal(t, wantPrefix+path, got.URL.Path)
			})
		}
	}
}
