package alloy

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endpoint is a row of the API reference's machine-readable endpoint list
// (testdata/endpoints.json, copied from the reference).
type endpoint struct {
	Family   string   `json:"family"`
	Name     string   `json:"name"`
	Method   string   `json:"method"`
	Path     string   `json:"path"`
	Versions []string `json:"versions"`
}

// implementedFamilies are the families of the reference the SDK covers
// completely; every route in them must be reached by a method below.
var implementedFamilies = map[string]bool{
	"users": true, "tokens": true, "compliance": true,
	"credentials": true, "apps": true, "integrations": true, "link": true,
	"workflows": true, "events": true, "logs": true, "installations": true,
	"analytics": true, "passthrough": true, "connectivity": true,
}

// callers maps each reference endpoint name to an SDK call that should hit it.
var callers = map[string]func(ctx context.Context, c *Client) error{
	"createUser": func(ctx context.Context, c *Client) error {
		_, err := c.Users.Create(ctx, UserCreateParams{Username: "u"})
		return err
	},
	"createBatchUsers": func(ctx context.Context, c *Client) error {
		_, err := c.Users.CreateBatch(ctx, []UserCreateParams{{Username: "u"}})
		return err
	},
	"listUsers": func(ctx context.Context, c *Client) error { _, err := c.Users.List(ctx, nil); return err },
	"getUser":   func(ctx context.Context, c *Client) error { _, err := c.Users.Get(ctx, "u1"); return err },
	"updateUser": func(ctx context.Context, c *Client) error {
		_, err := c.Users.Update(ctx, "u1", UserUpdateParams{FullName: Ptr("x")})
		return err
	},
	"deleteUser":          func(ctx context.Context, c *Client) error { return c.Users.Delete(ctx, "u1") },
	"listUsersByWorkflow": func(ctx context.Context, c *Client) error { _, err := c.Users.ListByWorkflow(ctx, "w1"); return err },
	"getUserToken":        func(ctx context.Context, c *Client) error { _, err := c.Tokens.Create(ctx, "u1"); return err },
	"deleteUserLogs":      func(ctx context.Context, c *Client) error { return c.Users.DeleteLogs(ctx, "u1") },
	"listUserCredentials (2025-09)": func(ctx context.Context, c *Client) error {
		_, err := c.Credentials.List(ctx, "u1")
		return err
	},
	"listUserCredentials (path-versioned)": func(ctx context.Context, c *Client) error {
		_, err := c.Credentials.List(ctx, "u1")
		return err
	},
	"createCredential": func(ctx context.Context, c *Client) error {
		_, err := c.Credentials.Create(ctx, "u1", CredentialCreateParams{Type: "t", Data: map[string]any{}})
		return err
	},
	"createCredential (legacy)": func(ctx context.Context, c *Client) error {
		_, err := c.Credentials.Create(ctx, "u1", CredentialCreateParams{Type: "t", Data: map[string]any{}})
		return err
	},
	"deleteCredential":      func(ctx context.Context, c *Client) error { return c.Credentials.Delete(ctx, "u1", "c1") },
	"getCredentialMetadata": func(ctx context.Context, c *Client) error { _, err := c.Credentials.ListMetadata(ctx); return err },
	"getCredentialMetadataByApp": func(ctx context.Context, c *Client) error {
		_, err := c.Credentials.GetMetadata(ctx, "shopify")
		return err
	},
	"createOAuthLink": func(ctx context.Context, c *Client) error {
		_, err := c.Credentials.GetOAuthURL(ctx, OAuthURLParams{UserID: "u1", App: "shopify"})
		return err
	},
	"listApps":         func(ctx context.Context, c *Client) error { _, err := c.Apps.List(ctx); return err },
	"listIntegrations": func(ctx context.Context, c *Client) error { _, err := c.Integrations.List(ctx, "u1"); return err },
	"getIntegration":   func(ctx context.Context, c *Client) error { _, err := c.Integrations.Get(ctx, "u1", "i1"); return err },
	"generateInstallUrl": func(ctx context.Context, c *Client) error {
		_, err := c.Integrations.GetInstallLink(ctx, "u1", "i1")
		return err
	},

	"listWorkflows": func(ctx context.Context, c *Client) error { _, err := c.Workflows.List(ctx, "u1"); return err },
	"getWorkflow":   func(ctx context.Context, c *Client) error { _, err := c.Workflows.Get(ctx, "u1", "w1"); return err },
	"listWorkflowVersions": func(ctx context.Context, c *Client) error {
		_, err := c.Workflows.ListVersions(ctx, "w1", "u1")
		return err
	},
	"activateWorkflow": func(ctx context.Context, c *Client) error {
		return c.Workflows.Activate(ctx, WorkflowActivateParams{UserID: "u1", WorkflowID: "w1"})
	},
	"deactivateWorkflow": func(ctx context.Context, c *Client) error {
		return c.Workflows.Deactivate(ctx, WorkflowDeactivateParams{UserID: "u1", WorkflowName: "n"})
	},
	"deactivateAllWorkflows": func(ctx context.Context, c *Client) error { return c.Workflows.DeactivateAll(ctx, "u1") },
	"upgradeWorkflow":        func(ctx context.Context, c *Client) error { return c.Workflows.Upgrade(ctx, "u1", "w1") },
	"deleteWorkflow":         func(ctx context.Context, c *Client) error { return c.Workflows.Delete(ctx, "u1", "w1") },
	"runWorkflow": func(ctx context.Context, c *Client) error {
		_, err := c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u1", WorkflowID: "w1"})
		return err
	},
	"getWorkflowAnalytics": func(ctx context.Context, c *Client) error { _, err := c.Workflows.GetAnalytics(ctx, "w1"); return err },
	"listEvents":           func(ctx context.Context, c *Client) error { _, err := c.Events.List(ctx, nil); return err },
	"runEvent": func(ctx context.Context, c *Client) error {
		_, err := c.Events.Run(ctx, EventRunParams{Event: "e", UserID: "u1"})
		return err
	},
	"getWorkflowLogs": func(ctx context.Context, c *Client) error {
		_, err := c.Logs.ListExecutions(ctx, "w1", WorkflowLogParams{})
		return err
	},
	"getWorkflowErrors":   func(ctx context.Context, c *Client) error { _, err := c.Logs.ListErrors(ctx, "w1", "u1"); return err },
	"rerunExecution":      func(ctx context.Context, c *Client) error { _, err := c.Logs.Rerun(ctx, "w1", "x1", "u1"); return err },
	"listAllLogs":         func(ctx context.Context, c *Client) error { _, err := c.Logs.List(ctx, LogListParams{}); return err },
	"getLogByExecutionId": func(ctx context.Context, c *Client) error { _, err := c.Logs.Get(ctx, "x1"); return err },
	"startInstallation": func(ctx context.Context, c *Client) error {
		_, err := c.Installations.Start(ctx, InstallationStartParams{UserID: "u1", IntegrationID: "i1"})
		return err
	},
	"completeInstallation": func(ctx context.Context, c *Client) error {
		return c.Installations.Complete(ctx, InstallationCompleteParams{InstallationID: "n1", Steps: []InstallationStepAnswer{{WorkflowID: "w", BlockID: "b"}}})
	},
	"editInstallation": func(ctx context.Context, c *Client) error {
		_, err := c.Installations.Edit(ctx, InstallationEditParams{UserID: "u1", IntegrationID: "i1"})
		return err
	},
	"listInstallations": func(ctx context.Context, c *Client) error { _, err := c.Installations.List(ctx); return err },
	"getInstallation":   func(ctx context.Context, c *Client) error { _, err := c.Installations.Get(ctx, "n1"); return err },
	"getUsage":          func(ctx context.Context, c *Client) error { _, err := c.Analytics.GetUsage(ctx); return err },
	"passthroughRequest": func(ctx context.Context, c *Client) error {
		_, err := c.Passthrough.Do(ctx, "c1", PassthroughRequest{Method: "GET", Path: "/x"})
		return err
	},
	"listConnectors": func(ctx context.Context, c *Client) error { _, err := c.Connectors.List(ctx); return err },
	"listConnectorResources": func(ctx context.Context, c *Client) error {
		_, err := c.Connectors.ListResources(ctx, "k1")
		return err
	},
	"getConnectorActionDetails": func(ctx context.Context, c *Client) error {
		_, err := c.Connectors.GetAction(ctx, "k1", "a1")
		return err
	},
	"executeConnectorAction": func(ctx context.Context, c *Client) error {
		_, err := c.Connectors.Execute(ctx, "k1", "a1", ConnectorExecuteParams{CredentialID: "c1"})
		return err
	},
	"listConnectorCredentials": func(ctx context.Context, c *Client) error {
		_, err := c.Connectors.ListCredentials(ctx, "k1")
		return err
	},
	"createConnectorCredential": func(ctx context.Context, c *Client) error {
		_, err := c.Connectors.CreateCredential(ctx, "k1", ConnectorCredentialCreateParams{UserID: "u1", AuthenticationType: "oauth2"})
		return err
	},
	"getConnectorCredentialMetadata": func(ctx context.Context, c *Client) error {
		_, err := c.Connectors.ListCredentialMetadata(ctx, "k1")
		return err
	},
}

// TestEveryReferenceRouteHasAMethod walks the reference's endpoint list: for
// every route of an implemented family and every version the reference
// lists for it, the SDK method must send exactly that method and path.
func TestEveryReferenceRouteHasAMethod(t *testing.T) {
	b, err := os.ReadFile("testdata/endpoints.json")
	require.NoError(t, err)
	var all []endpoint
	require.NoError(t, json.Unmarshal(b, &all))
	seen := 0
	for _, e := range all {
		if !implementedFamilies[e.Family] {
			continue
		}
		seen++
		call, ok := callers[e.Name]
		if !assert.True(t, ok, "no SDK method for %s %s (%s)", e.Method, e.Path, e.Name) {
			continue
		}
		pattern := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(e.Path), `[^/]+`) + "$")
		for _, v := range e.Versions {
			v = strings.TrimSuffix(v, "?")
			t.Run(e.Name+"/"+v, func(t *testing.T) {
				h := newHarness(t, WithAPIVersion(v), WithMaxRetries(0))
				var got *http.Request
				h.mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
					got = r
					return httpmock.NewStringResponse(200, `{}`), nil
				})
				_ = call(context.Background(), h.c) // the empty body may fail decoding; the route is what counts
				require.NotNil(t, got, "nothing sent")
				path := strings.TrimPrefix(got.URL.Path, "/"+v)
				if !h.c.headerVersioned() {
					require.True(t, strings.HasPrefix(got.URL.Path, "/"+v+"/"), "version segment in %s", got.URL.Path)
				}
				assert.Equal(t, e.Method, got.Method)
				assert.Regexp(t, pattern, path)
			})
		}
	}
	assert.Equal(t, len(callers), seen, "every caller maps to a row of the reference")
}
