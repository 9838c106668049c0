package alloy

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

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
	t.Parallel()
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
	t.Parallel()
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

func TestPageInstallations(t *testing.T) {
	t.Parallel()
	t.Run("start 2025-09", func(t *testing.T) {
		got, err := fromPage(t, "2025-09", "Installations.Start", http.StatusOK, pageBody(t, "start-installation_2025-09.json"),
			func(ctx context.Context, c *Client) (*InstallationForm, error) {
				return c.Installations.Start(ctx, InstallationStartParams{UserID: "659d28e18c35f07db18fcd8c", IntegrationID: "66fa99433793749b64c1bf82"})
			})
		require.NoError(t, err)
		assert.Equal(t, &InstallationForm{InstallationID: "65b701c2f5ba66db3bc53a68", Steps: []InstallationStep{{
			WorkflowID: "65b7005ae9761102a64ddd3b", App: "netsuite", BlockID: "3a8a8e50-f0e5-488b-9b7b-53656e93d392",
			Fields: []FormField{{Name: "customerEmail", DisplayName: "Customer's Email", Type: "string", Required: true}},
		}}}, got)
	})
	t.Run("list 2025-09", func(t *testing.T) {
		got, err := fromPage(t, "2025-09", "Installations.List", http.StatusOK, pageBody(t, "get-all-installations_2025-09.json"),
			func(ctx context.Context, c *Client) ([]Installation, error) { return c.Installations.List(ctx) })
		require.NoError(t, err)
		assert.Equal(t, []Installation{
			{ID: "6631155371184ae724f2d949", IntegrationID: "662f950e454784bc5e7caa37", UserID: "6622cd2e506ac293a3e60b00",
				CredentialIDs: map[string]string{"shopifyApi": "66263e318dca4463fe1b480f"}, WorkflowIDs: []string{"662fa657454784bc5e7cd5ea"},
				InstalledAt: Timestamp{time.Date(2024, 4, 30, 16, 0, 5, 41e6, time.UTC)}},
			{ID: "66322c61182c8c5270980ed3", IntegrationID: "66310993b37a737ba5107d1e", UserID: "6622cd2e506ac293a3e60b00",
				FormData: []InstallationStep{{WorkflowID: "66310999b37a737ba5107d5a", App: "accountVariables", BlockID: "f7c4304a-b3d8-4088-8ca3-adeb3ddf2ce4",
					Fields: []FormField{{Name: "variables[0].value", DisplayName: "Value", Type: "string", Required: true}}}},
				CredentialIDs: map[string]string{"shopifyApi": "66263e318dca4463fe1b480f"}, WorkflowIDs: []string{"66310999b37a737ba5107d5a"},
				InstalledAt: Timestamp{time.Date(2024, 5, 1, 11, 50, 14, 43e6, time.UTC)}},
		}, got)
	})
	t.Run("edit 2025-09", func(t *testing.T) {
		got, err := fromPage(t, "2025-09", "Installations.Edit", http.StatusOK, pageBody(t, "edit-installation_2025-09.json"),
			func(ctx context.Context, c *Client) (*Installation, error) {
				return c.Installations.Edit(ctx, InstallationEditParams{UserID: "659d28e18c35f07db18fcd8c", IntegrationID: "66fa99433793749b64c1bf82"})
			})
		require.NoError(t, err)
		assert.Equal(t, &Installation{ID: "674570d5160c297be4a3ee74", IntegrationID: "66fa99433793749b64c1bf82", UserID: "659d28e18c35f07db18fcd8c",
			CredentialIDs: map[string]string{"klaviyoApi": "66c79e5965ede8edfa909553"}, WorkflowIDs: []string{"66fa99453793749b64c1bfa8"},
			// The page's items are Mintlify's "<any>" placeholders: not a
			// form step (dropped), and kept as sent in InstalledData.
			InstalledData: []json.RawMessage{json.RawMessage(`"<any>"`)},
			InstalledAt:   Timestamp{time.Date(2024, 11, 26, 6, 55, 33, 0, time.UTC)}}, got)
	})
}

func TestPageIntegrations(t *testing.T) {
	t.Parallel()
	get := func(ctx context.Context, c *Client) (*Integration, error) {
		return c.Integrations.Get(ctx, "67a21c7d10e1dee8d5ec3a3d", "66326843cc9cdb107221f222")
	}
	shopifyConnectors := []WorkflowStep{
		{ID: "4762a899-8f38-44d9-a091-f4b6eaba386e", Name: "On Installation Trigger", Connector: "onInstallationTrigger",
			Icon: "https://cdn.runalloy.com/icons/OnIntegrationInstallation.svg", Subtitle: "On Installation Trigger"},
		{ID: "0679a48c-e0f9-455a-91f2-48a739bac9d7", Name: "Shopify", Connector: "shopify", Icon: "https://cdn.runalloy.com/icons/shopify.png",
			Subtitle: "Gets a list of all Products"},
	}
	t.Run("get 2025-09: app", func(t *testing.T) {
		// The page's example is stringified JSON cut short: see the README.
		got, err := fromPage(t, "2025-09", "Integrations.Get", http.StatusOK, pageBody(t, "get-an-integration_2025-09.json"), get)
		require.NoError(t, err)
		assert.Equal(t, &Integration{ID: "66326843cc9cdb107221f222", App: "Shopify", Icon: "https://cdn.runalloy.com/icons/shopify.png",
			Workflows: []IntegrationWorkflow{{ID: "66326849cc9cdb107221f342", Name: "Untitled Workflow #346", Version: 1,
				Steps: append(slices.Clone(shopifyConnectors), WorkflowStep{ID: "24ed5879-4aa9-4a2c-b8dc-afe6413c1ca7", Name: "Shopify",
					Connector: "shopify", Icon: "https://cdn.runalloy.com/icons/shopify.png", Subtitle: "Shopify"})}}}, got)
	})
	t.Run("get 2024-03: app and blocks", func(t *testing.T) {
		got, err := fromPage(t, "2024-03", "Integrations.Get", http.StatusOK, pageBody(t, "get-an-integration_2024-03.json"), get)
		require.NoError(t, err)
		assert.Equal(t, &Integration{ID: "63ea758e82c3074141968bb9", App: "Magento", Icon: "https://cdn.runalloy.com/icons/magento.png",
			Workflows: []IntegrationWorkflow{{ID: "63ea75a2fcf2e2c72e805ddc", Name: "Magento Order Sync", Installed: true, Active: true,
				Version: 1, InstalledVersion: Ptr(1), Steps: []WorkflowStep{
					{ID: "bc9202b2-8e7e-47d4-9416-5ba6b319fa2a", Name: "Custom Event", Connector: "customEvent", Icon: "https://cdn.runalloy.com/icons/app-event.svg"},
					{ID: "3363c9da-1f96-403a-bdfd-856fa5e76dad", Name: "Magento", Connector: "magento", Icon: "https://cdn.runalloy.com/icons/magento.png"},
				}}}}, got)
	})
	t.Run("list 2025-09: primaryConnector", func(t *testing.T) {
		got, err := fromPage(t, "2025-09", "Integrations.List", http.StatusOK, pageBody(t, "list-integrations_2025-09.json"),
			func(ctx context.Context, c *Client) ([]Integration, error) {
				return c.Integrations.List(ctx, "67a21c7d10e1dee8d5ec3a3d")
			})
		require.NoError(t, err)
		assert.Equal(t, []Integration{{ID: "66326843cc9cdb107221f222", App: "Shopify", Icon: "https://cdn.runalloy.com/icons/shopify.png",
			Credentials: []string{"PA_Sn1sp8Of8p5JICNiJ", "shopify"},
			Workflows:   []IntegrationWorkflow{{ID: "66326849cc9cdb107221f342", Name: "Untitled Workflow #346", Version: 1, Steps: shopifyConnectors}}}}, got)
	})
}

func TestPageGetLogs(t *testing.T) {
	t.Parallel()
	got, err := fromPage(t, "2025-09", "Logs.List", http.StatusOK, pageBody(t, "get-logs_2025-09.json"),
		func(ctx context.Context, c *Client) (*LogPage, error) {
			return c.Logs.List(ctx, LogListParams{Limit: 10})
		})
	require.NoError(t, err)
	at := func(s string) time.Time { v, err := time.Parse(time.RFC3339Nano, s); require.NoError(t, err); return v }
	assert.Equal(t, &LogPage{
		Logs: []LogEntry{{
			ID: "68110feaa81a0e507fbdd36a", Message: "executionError",
			Data:      LogEntryData{ExecutionID: "68110fea7d181f356acd1bf1", ExecutionUUID: "35SnGU0DUSNP5L26fsmnq"},
			StartedAt: Timestamp{at("2025-04-29T17:44:10.336Z")}, CompletedAt: Timestamp{at("2025-04-29T17:44:10.432Z")}, CreatedAt: Timestamp{at("2025-04-29T17:44:10.432Z")},
			WorkflowVersion: 1, TeamID: "63fcaa053522280b5357aeec",
			ParentWorkflowID: "67ef017d8eaeb50b18e635a1", WorkflowID: "67ef01ed8eaeb50b18e646ea", UserID: "67a21c7d10e1dee8d5ec3a3d",
			User: LogUser{Email: "eduardo.souza@runalloy.com", FullName: "Eduardo Souza"},
			ParentWorkflow: ParentWorkflow{Name: "order_id example", Integration: LogIntegration{
				ID: "67d8875977ce6522e517a382", Name: "Eduardo looper", BlockID: "MuK2Kk9lu0v8N86brS3x", Icon: "https://cdn.runalloy.com/icons/alloy-logo.png"}},
		}},
		LastFetched: Timestamp{at("2025-04-29T17:46:38.237Z")},
		Pagination:  Pagination{TotalItems: 4, TotalPages: 1, CurrentPage: 1, PageSize: 10},
	}, got)
	assert.Equal(t, "68110fea7d181f356acd1bf1", got.Logs[0].ExecutionID())
	assert.Equal(t, "35SnGU0DUSNP5L26fsmnq", got.Logs[0].ExecutionUUID())
}

func TestPageDetailUsageUser(t *testing.T) {
	t.Parallel()
	got, err := fromPage(t, "2025-09", "Analytics.GetUsageByUser", http.StatusOK, pageBody(t, "get-detail-usage-user_2025-09.json"),
		func(ctx context.Context, c *Client) (*UsageByUser, error) {
			return c.Analytics.GetUsageByUser(ctx, "659d28e18c35f07db18fcd8c")
		})
	require.NoError(t, err)
	month := func(m, date string, n int) UserUsageMonth {
		return UserUsageMonth{Month: m, Date: date, UserName: "demo@runalloy.com", UserID: "659d28e18c35f07db18fcd8c",
			UserCreatedDate: "2024-01-09", AppActions: n, Count: n}
	}
	assert.Equal(t, &UsageByUser{UserName: "demo@runalloy.com", UserID: "659d28e18c35f07db18fcd8c",
		UserCreatedDate: Timestamp{time.Date(2024, 1, 9, 11, 7, 13, 963e6, time.UTC)}, StartDate: "2023-12-27", EndDate: "2024-12-27",
		Months: []UserUsageMonth{month("Mar-24", "2024-03-10", 7), month("Jun-24", "2024-06-30", 2), month("Aug-24", "2024-08-05", 22), month("Sep-24", "2024-09-29", 2)},
		// The page's totalActions is 0 although its months add up to 33: decoded as sent.
		TimePeriod: "current-billing-cycle"}, got)
}

func TestPageFiles(t *testing.T) {
	t.Parallel()
	t.Run("list-user-files", func(t *testing.T) {
		// The page's example is Mintlify's placeholder, built from its schema.
		got, err := fromPage(t, "2025-09", "Files.List", http.StatusOK, pageBody(t, "list-user-files_2025-09.json"),
			func(ctx context.Context, c *Client) ([]File, error) { return c.Files.List(ctx) })
		require.NoError(t, err)
		assert.Equal(t, []File{{S3Key: "<string>", Filename: "<string>", Size: 123, LastModified: Timestamp{time.Date(2023, 11, 7, 5, 31, 56, 0, time.UTC)}}}, got)
	})
	t.Run("generate-presigned-upload-url", func(t *testing.T) {
		got, err := fromPage(t, "2025-09", "Files.RequestUpload", http.StatusOK, pageBody(t, "generate-presigned-upload-url_2025-09.json"),
			func(ctx context.Context, c *Client) (*PresignedUpload, error) {
				// The page's request: its md5 in hex, which its answer gives in base64.
				return c.Files.RequestUpload(ctx, FileUploadParams{Filename: "document.pdf", MimeType: "application/pdf", MD5: "2942bfabb3d05332b66eb128e0842cff"})
			})
		require.NoError(t, err)
		assert.Equal(t, &PresignedUpload{MD5: "KUK/q7PQUzK2brEo4IQs/w==", Type: "new", S3Key: "651eb6e11d156e0d7a42c59d_document.pdf",
			URL: "https://alloy-user-files.s3.us-east-1.amazonaws.com/651eb6e11d156e0d7a42c59d_document.pdf"}, got)
		hexSum, _ := decodeMD5("2942bfabb3d05332b66eb128e0842cff")
		b64Sum, _ := decodeMD5(got.MD5)
		assert.Equal(t, hexSum, b64Sum, "the same digest")
	})
}

func TestPageRunWorkflowAndDeleteLogs(t *testing.T) {
	t.Parallel()
	t.Run("run-workflow", func(t *testing.T) {
		got, err := fromPage(t, "2025-09", "Workflows.Run", http.StatusOK, pageBody(t, "run-workflow_2025-09.json"),
			func(ctx context.Context, c *Client) (*RunResult, error) {
				return c.Workflows.Run(ctx, WorkflowRunParams{UserID: "659d28e18c35f07db18fcd8c", WorkflowID: "66fa99453793749b64c1bfa8",
					Data: map[string]string{"key": "value"}})
			})
		require.NoError(t, err)
		assert.Equal(t, &RunResult{Message: "success"}, got)
	})
	t.Run("delete-logs-for-a-user", func(t *testing.T) {
		h := newHarness(t, WithAPIVersion("2025-09"))
		h.on("DELETE", testRoot+"/users/659d28e18c35f07db18fcd8c/logs?userId=659d28e18c35f07db18fcd8c",
			jsonResp(http.StatusOK, pageBody(t, "delete-logs-for-a-user_2025-09.json")))
		require.NoError(t, h.c.Users.DeleteLogs(context.Background(), "659d28e18c35f07db18fcd8c"))
		assert.Equal(t, 1, h.mt.GetTotalCallCount(), "the user in the path and, as the page requires, the query")
	})
}
