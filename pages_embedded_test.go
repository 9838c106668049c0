package alloy

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

// The tests below decode response bodies quoted from Alloy's own pages
// (testdata/embedded-pages; its README gives each file's URL and lists the
// repairs of the ones that are not valid JSON as printed), on the version
// the page documents, and assert the exact value decoded. Where a shape
// differs between versions, each version's page is decoded.

// pageBody returns a body quoted from Alloy's page.
func pageBody(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "embedded-pages", name))
	require.NoError(t, err)
	return string(b)
}

// fromPage answers op's route on version v with status and body, runs call
// and returns what it returned; it checks that the one request sent was
// op's, on the route the contract gives for v.
func fromPage[T any](t *testing.T, v, op string, status int, body string, call func(ctx context.Context, c *Client) (T, error)) (T, error) {
	t.Helper()
	h := newHarness(t, WithAPIVersion(v))
	o, err := ops.Lookup(op, ops.Effective(v))
	require.NoError(t, err)
	h.mt.RegisterRegexpResponder(o.Method, anyURL, func(r *http.Request) (*http.Response, error) {
		if m, _, ok := ops.Match(r.Method, unversionedPath(r.URL.EscapedPath()), ops.Effective(v)); !ok || m.ID != o.ID {
			t.Errorf("%s sent %s %s, not a route of %s", op, r.Method, r.URL.Path, o.ID)
		}
		return jsonResp(status, body)(r)
	})
	out, err := call(context.Background(), h.c)
	assert.Equal(t, 1, h.mt.GetTotalCallCount())
	return out, err
}

// unversionedPath strips a leading /YYYY-MM segment.
func unversionedPath(p string) string {
	if len(p) > 8 && p[0] == '/' && p[5] == '-' && p[8] == '/' {
		return p[8:]
	}
	return p
}

func TestPageBatchCreateUsers(t *testing.T) {
	batch := []UserCreateParams{{Username: "demo@runalloy.com", FullName: "Demo"}, {Username: "alreadyexists123"}}
	create := func(ctx context.Context, c *Client) (*BatchResult, error) { return c.Users.CreateBatch(ctx, batch) }
	want := &BatchResult{Message: "success", InvalidUsers: []InvalidUser{{FullName: "Missing Username"}, {Username: "alreadyexists123"}}}
	for v, file := range map[string]string{"2025-09": "batch-create-users_2025-09.json", "2024-03": "batch-create-users_2024-03.json"} {
		t.Run(v, func(t *testing.T) {
			got, err := fromPage(t, v, "Users.CreateBatch", http.StatusOK, pageBody(t, file), create)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	t.Run("none valid", func(t *testing.T) {
		_, err := fromPage(t, "2024-03", "Users.CreateBatch", http.StatusBadRequest, pageBody(t, "batch-create-users_400_2024-03.json"), create)
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.ErrorIs(t, err, ErrBadRequest)
		assert.Equal(t, "No valid users provided", apiErr.Message)
	})
}

func TestPageCredentialMetadata(t *testing.T) {
	shopify := &CredentialMetadata{Connector: "shopify", Icon: "https://cdn.runalloy.com/icons/shopify.png", IsOAuth: true,
		Properties: []CredentialProperty{{Name: "shopSubdomain", DisplayName: "Shop Subdomain",
			Description: "Enter your store subdomain. If your store domain is example.myshopify.com, the subdomain would be example."}}}
	// 2025-09 names the connector "connector" in its example, 2024-03 "name".
	for v, file := range map[string]string{"2025-09": "credential-medata-by-app_2025-09.json", "2024-03": "credential-medata-by-app_2024-03.json"} {
		t.Run("by app "+v, func(t *testing.T) {
			got, err := fromPage(t, v, "Credentials.GetMetadata", http.StatusOK, pageBody(t, file),
				func(ctx context.Context, c *Client) (*CredentialMetadata, error) {
					return c.Credentials.GetMetadata(ctx, "shopify")
				})
			require.NoError(t, err)
			assert.Equal(t, shopify, got)
		})
	}
	t.Run("list 2025-09", func(t *testing.T) {
		got, err := fromPage(t, "2025-09", "Credentials.ListMetadata", http.StatusOK, pageBody(t, "get-credential-metadata_2025-09.json"),
			func(ctx context.Context, c *Client) ([]CredentialMetadata, error) {
				return c.Credentials.ListMetadata(ctx)
			})
		require.NoError(t, err)
		assert.Equal(t, []CredentialMetadata{
			{Connector: "acuityScheduling", Icon: "https://cdn.runalloy.com/icons/acuityScheduling.png",
				Properties: []CredentialProperty{{Name: "apiKey", DisplayName: "API Key"}, {Name: "userId", DisplayName: "User Id"}}},
			{Connector: "amazonBusiness", Icon: "https://cdn.runalloy.com/icons/amazonBusiness.png", IsOAuth: true,
				Properties: []CredentialProperty{{Name: "regionCountry", DisplayName: "Country"}}},
		}, got)
	})
}
