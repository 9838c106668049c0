package unified_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/unified"
)

// queries records the query of every request it carries.
type queries struct {
	mu   sync.Mutex
	seen []url.Values
}

func (q *queries) RoundTrip(r *http.Request) (*http.Response, error) {
	q.mu.Lock()
	q.seen = append(q.seen, r.URL.Query())
	q.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// TestConnectionParameter: the connection travels as connectionId up to
// 2023-12 and as credentialId from 2024-03 on (the endpoint pages'
// majority); WithSelectorParam(ConnectionIDParam) sends connectionId on
// 2024-03 and later too (get-account-1, create-customer and alloy-node's
// name), and alloytest answers both with the same records.
func TestConnectionParameter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		version string
		opts    []unified.Option
		want    string // the parameter sent
	}{
		{"2023-12", nil, "connectionId"},
		{"2024-03", nil, "credentialId"},
		{"2025-09", nil, "credentialId"},
		{"2024-03", []unified.Option{unified.WithSelectorParam(unified.ConnectionIDParam)}, "connectionId"},
		{"2025-09", []unified.Option{unified.WithSelectorParam(unified.ConnectionIDParam)}, "connectionId"},
		{"2023-12", []unified.Option{unified.WithSelectorParam(unified.CredentialIDParam)}, "credentialId"},
	}
	for _, c := range cases {
		t.Run(c.version+" "+c.want, func(t *testing.T) {
			srv := alloytest.NewServer()
			defer srv.Close()
			rec := &queries{}
			client := srv.Client(alloy.WithAPIVersion(c.version), alloy.WithHTTPClient(&http.Client{Transport: rec}))
			ctx := context.Background()
			user, err := client.Users.Create(ctx, alloy.UserCreateParams{Username: "conn@example.com"})
			require.NoError(t, err)
			conn, err := srv.Connect(user.ID, "shopify")
			require.NoError(t, err)

			u, err := unified.New(client, c.opts...)
			require.NoError(t, err)
			assert.Equal(t, c.want, u.SelectorParam())
			page, err := u.Commerce.Customers.List(ctx, conn, nil)
			if c.version == "2023-12" && c.want == "credentialId" {
				// 2023-12 documents connectionId only: alloytest, like the
				// contract, refuses the other name.
				require.ErrorIs(t, err, alloy.ErrBadRequest)
				return
			}
			require.NoError(t, err)
			assert.Len(t, page.Items, len(srv.Records(conn, "commerce/customers")))
			last := rec.seen[len(rec.seen)-1]
			assert.Equal(t, url.Values{c.want: {conn}}, last)
		})
	}
}
