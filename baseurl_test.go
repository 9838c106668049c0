package alloy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBaseURLRefusesQueryFragmentUserinfo: a base URL with a query (even a
// bare "?"), a fragment or userinfo is refused, and the error shows the URL
// only as scheme://host[:port]/path.
func TestBaseURLRefusesQueryFragmentUserinfo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, url, reason, shown string
	}{
		{"bare question mark", "https://proxy.example/alloy?", "query", `"https://proxy.example/alloy"`},
		{"query", "https://proxy.example:8443/alloy?token=tok_SECRETQUERY", "query", `"https://proxy.example:8443/alloy"`},
		{"bare hash", "https://proxy.example/alloy#", "fragment", `"https://proxy.example/alloy"`},
		{"fragment", "https://proxy.example/alloy#frag_SECRETFRAG", "fragment", `"https://proxy.example/alloy"`},
		{"username only", "https://admin_SECRETUSER@proxy.example/", "userinfo", `"https://proxy.example/"`},
		{"username and password", "https://admin_SECRETUSER:pw_SECRETPASS@proxy.example", "userinfo", `"https://proxy.example"`},
		{"everything", "http://admin_SECRETUSER:pw_SECRETPASS@127.0.0.1:9/a?q=SECRETQUERY#SECRETFRAG", "userinfo", `"http://127.0.0.1:9/a"`},
		{"unparsable with a password", "https://u:pw_SECRETPASS@proxy.example:port_SECRET/", "parse", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(testKey, WithBaseURL(tc.url))
			assert.Nil(t, c)
			require.ErrorIs(t, err, ErrInvalidArgument)
			assert.Contains(t, err.Error(), tc.reason)
			assert.Contains(t, err.Error(), tc.shown)
			assert.NotContains(t, err.Error(), "SECRET")
		})
	}
}

// TestBaseURLKeepsPortAndPath: what is allowed still works unchanged.
func TestBaseURLKeepsPortAndPath(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey, WithBaseURL("https://proxy.example:8443/alloy/v/"), WithAPIVersion("2024-03"))
	require.NoError(t, err)
	assert.Equal(t, "https://proxy.example:8443/alloy/v/2024-03", c.BaseURL())
}
