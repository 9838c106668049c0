package alloy

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorkflowsRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	created := time.Date(2024, 10, 18, 14, 2, 11, 480e6, time.UTC)
	updated := time.Date(2025, 1, 9, 10, 44, 27, 16e6, time.UTC)
	runAPICases(t, []apiCase{
		{
			name: "List (2024-03 blocks)", op: "Workflows.List", query: "userId=u%2F1",
			response: readFixture(t, "workflows_list_2024-03.json"),
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Workflows.List(ctx, "u/1") },
			want: []Workflow{{
				ID: "6712ab3acd56ef7890a1b2d9", IntegrationID: "6712ab34cd56ef7890a1b2c3", Name: "Paid order to ERP",
				CreatedAt: Timestamp{created}, UpdatedAt: Timestamp{updated}, Installed: true, Active: true, Version: 4, InstalledVersion: Ptr(3),
				Steps: []WorkflowStep{
					{ID: "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b", Name: "Custom Event", Connector: "customEvent", Icon: "https://cdn.runalloy.com/icons/app-event.svg"},
					{ID: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", Name: "NetSuite", Connector: "netsuite", Icon: "https://cdn.runalloy.com/icons/netsuite.png"},
				},
			}},
		},
		{
			name: "Get (2025-09 connectors)", op: "Workflows.Get", ids: []string{"6712ab3acd56ef7890a1b2d9"}, query: "userId=u1",
			response: readFixture(t, "workflow_get_2025-09.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Workflows.Get(ctx, "u1", "6712ab3acd56ef7890a1b2d9")
			},
			want: &Workflow{
				ID: "6712ab3acd56ef7890a1b2d9", IntegrationID: "6712ab34cd56ef7890a1b2c3", Name: "Paid order to ERP",
				CreatedAt: Timestamp{created}, UpdatedAt: Timestamp{updated}, Installed: true, Active: true, Version: 4,
				Steps: []WorkflowStep{{ID: "0b7e6a52-3d4f-4e1a-9c2b-7f8e9d0a1b2c", Name: "BigCommerce Trigger", Connector: "bigcommerceTrigger", Icon: "https://cdn.runalloy.com/icons/bigcommerce.png"}},
			},
		},
		{
			name: "Versions", op: "Workflows.ListVersions", ids: []string{"wf1"}, query: "userId=u1",
			response: `{"data":[{"versionId":"v4","versionName":"Version 4","lastModified":"2025-01-09T10:44:27.016Z","status":"published"},{"versionId":"v3","lastModified":"bad"}]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Workflows.ListVersions(ctx, "wf1", "u1") },
			want:     []WorkflowVersion{{ID: "v4", Name: "Version 4", LastModified: Timestamp{updated}, Status: "published"}, {ID: "v3"}},
		},
		{
			name: "Versions without user", op: "Workflows.ListVersions", ids: []string{"wf1"},
			response: `{"data":[]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Workflows.ListVersions(ctx, "wf1", "") },
			want:     []WorkflowVersion{},
		},
		{
			name: "Activate by id", op: "Workflows.Activate",
			response: readFixture(t, "workflow_activate.json"),
			wantBody: `{"userId":"u1","workflowId":"wf1"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Workflows.Activate(ctx, WorkflowActivateParams{UserID: "u1", WorkflowID: "wf1"})
			},
		},
		{
			name: "Deactivate by name", op: "Workflows.Deactivate",
			response: `{"success":true}`,
			wantBody: `{"userId":"ops@northwind.example","workflowName":"Paid order to ERP"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Workflows.Deactivate(ctx, WorkflowDeactivateParams{UserID: "ops@northwind.example", WorkflowName: "Paid order to ERP"})
			},
		},
		{
			name: "DeactivateAll", op: "Workflows.DeactivateAll", ids: []string{"u1"},
			response: readFixture(t, "workflows_deactivate_all.json"),
			call:     func(ctx context.Context, c *Client) (any, error) { return nil, c.Workflows.DeactivateAll(ctx, "u1") },
		},
		{
			name: "Upgrade", op: "Workflows.Upgrade", ids: []string{"wf1"}, query: "userId=u1",
			response: `{}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return nil, c.Workflows.Upgrade(ctx, "u1", "wf1") },
		},
		{
			name: "Delete", op: "Workflows.Delete", ids: []string{"wf1"}, query: "userId=u1",
			response: readFixture(t, "workflow_delete.json"),
			call:     func(ctx context.Context, c *Client) (any, error) { return nil, c.Workflows.Delete(ctx, "u1", "wf1") },
		},
		{
			name: "Run", op: "Workflows.Run",
			response: readFixture(t, "workflow_run.json"),
			wantBody: `{"userId":"u1","workflowId":"wf1","data":{"orderId":91027}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u1", WorkflowID: "wf1", Data: map[string]int{"orderId": 91027}})
			},
			want: &RunResult{Message: "success"},
		},
		{
			name: "Run by id and name (run-workflow's schema wants both)", op: "Workflows.Run",
			response: `{"message":"success"}`,
			wantBody: `{"userId":"u1","workflowId":"wf1","workflowName":"Paid order to ERP","data":{}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u1", WorkflowID: "wf1", WorkflowName: "Paid order to ERP"})
			},
			want: &RunResult{Message: "success"},
		},
		{
			name: "Run by name without data", op: "Workflows.Run",
			response: `{"message":"success"}`,
			wantBody: `{"userId":"u1","workflowName":"Paid order to ERP","data":{}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u1", WorkflowName: "Paid order to ERP"})
			},
			want: &RunResult{Message: "success"},
		},
		{
			name: "Analytics", op: "Workflows.GetAnalytics", ids: []string{"wf1"},
			response: readFixture(t, "analytics_workflow.json"),
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Workflows.GetAnalytics(ctx, "wf1") },
			want:     &WorkflowAnalytics{TotalAppActions: 312, TotalWorkflowRuns: 104, TotalErrors: 2},
		},
	})
}

func TestWorkflowsBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	calls := map[string]func() error{
		"List no user":         func() error { _, err := h.c.Workflows.List(ctx, " "); return err },
		"Get no user":          func() error { _, err := h.c.Workflows.Get(ctx, "", "wf"); return err },
		"Get no workflow":      func() error { _, err := h.c.Workflows.Get(ctx, "u", ""); return err },
		"Versions no workflow": func() error { _, err := h.c.Workflows.ListVersions(ctx, "..", "u"); return err },
		"Activate neither":     func() error { return h.c.Workflows.Activate(ctx, WorkflowActivateParams{UserID: "u"}) },
		"Activate both": func() error {
			return h.c.Workflows.Activate(ctx, WorkflowActivateParams{UserID: "u", WorkflowID: "a", WorkflowName: "b"})
		},
		"Activate no user":      func() error { return h.c.Workflows.Activate(ctx, WorkflowActivateParams{WorkflowID: "a"}) },
		"Deactivate neither":    func() error { return h.c.Workflows.Deactivate(ctx, WorkflowDeactivateParams{UserID: "u"}) },
		"DeactivateAll no user": func() error { return h.c.Workflows.DeactivateAll(ctx, "") },
		"Upgrade no user":       func() error { return h.c.Workflows.Upgrade(ctx, "", "wf") },
		"Delete no user":        func() error { return h.c.Workflows.Delete(ctx, "", "wf") },
		"Run no workflow":       func() error { _, err := h.c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u"}); return err },
		"Run data not an object": func() error {
			_, err := h.c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u", WorkflowID: "w", Data: []int{1}})
			return err
		},
		"Run data not JSON": func() error {
			_, err := h.c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u", WorkflowID: "w", Data: func() {}})
			return err
		},
		"Analytics no workflow": func() error { _, err := h.c.Workflows.GetAnalytics(ctx, ""); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, call(), ErrInvalidArgument)
		})
	}
	assert.Zero(t, h.mt.GetTotalCallCount())
}

func TestWorkflowRunErrorNames(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, err := h.c.Workflows.Run(context.Background(), WorkflowRunParams{UserID: "u", WorkflowID: "w", Data: "sk_secret_payload"})
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Equal(t, "alloy: run workflow: invalid argument: data must encode as a JSON object, not a string", err.Error())
}

func TestWorkflowActivationReportsRefusal(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("PUT", testRoot+"/workflows/activate", jsonResp(200, `{"activated":false}`))
	h.on("PUT", testRoot+"/workflows/deactivate", jsonResp(200, `{"deactivated":false}`))
	err := h.c.Workflows.Activate(context.Background(), WorkflowActivateParams{UserID: "u", WorkflowID: "w"})
	assert.ErrorContains(t, err, "activated=false")
	err = h.c.Workflows.Deactivate(context.Background(), WorkflowActivateParams{UserID: "u", WorkflowID: "w"})
	assert.ErrorContains(t, err, "deactivated=false")
}

// The retry rule per call: runs are POSTs and are not retried on 5xx, the
// PUTs are.
func TestWorkflowRetryPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("Run is not retried on 503", func(t *testing.T) {
		h := newHarness(t)
		h.on("POST", testRoot+"/run/workflow", jsonResp(503, `{"message":"busy"}`))
		_, err := h.c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u", WorkflowID: "w"})
		require.ErrorIs(t, err, ErrServer)
		assert.Len(t, h.requests(), 1)
	})
	t.Run("Run is retried on 429", func(t *testing.T) {
		h := newHarness(t)
		h.on("POST", testRoot+"/run/workflow", jsonResp(429, `{}`))
		_, err := h.c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u", WorkflowID: "w"})
		require.ErrorIs(t, err, ErrRateLimited)
		assert.Len(t, h.requests(), 1+DefaultMaxRetries)
	})
	for name, call := range map[string]func(c *Client) error{
		"Activate": func(c *Client) error {
			return c.Workflows.Activate(ctx, WorkflowActivateParams{UserID: "u", WorkflowID: "w"})
		},
		"Deactivate": func(c *Client) error {
			return c.Workflows.Deactivate(ctx, WorkflowActivateParams{UserID: "u", WorkflowID: "w"})
		},
		"Upgrade":       func(c *Client) error { return c.Workflows.Upgrade(ctx, "u", "w") },
		"DeactivateAll": func(c *Client) error { return c.Workflows.DeactivateAll(ctx, "u") },
	} {
		t.Run(name+" is retried on 503", func(t *testing.T) {
			h := newHarness(t)
			var n int
			h.mt.RegisterRegexpResponder(http.MethodPut, anyURL, func(*http.Request) (*http.Response, error) {
				n++
				if n < 3 {
					return jsonResp(503, `{}`)(nil)
				}
				return jsonResp(200, `{}`)(nil)
			})
			require.NoError(t, call(h.c))
			assert.Equal(t, 3, n)
		})
	}
}

// TestActionCallsAreNotRetriedOn5xx: every call that makes something happen
// (a run, an event, a rerun, an installation, a provider call) is sent once
// on a 503, and retried on 429, where the server cannot have acted.
func TestActionCallsAreNotRetriedOn5xx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	calls := map[string]func(c *Client) error{
		"Workflows.Run": func(c *Client) error {
			_, err := c.Workflows.Run(ctx, WorkflowRunParams{UserID: "u", WorkflowID: "w"})
			return err
		},
		"Events.Run": func(c *Client) error {
			_, err := c.Events.Run(ctx, EventRunParams{Event: "e", UserID: "u"})
			return err
		},
		"Logs.Rerun": func(c *Client) error { _, err := c.Logs.Rerun(ctx, "w", "x", ""); return err },
		"Installations.Start": func(c *Client) error {
			_, err := c.Installations.Start(ctx, InstallationStartParams{UserID: "u", IntegrationID: "i"})
			return err
		},
		"Installations.Complete": func(c *Client) error {
			return c.Installations.Complete(ctx, InstallationCompleteParams{InstallationID: "i"})
		},
		"Passthrough.Do": func(c *Client) error {
			_, err := c.Passthrough.Do(ctx, "c", PassthroughRequest{Method: "GET", Path: "/x"})
			return err
		},
		"Connectors.Execute": func(c *Client) error {
			_, err := c.Connectors.Execute(ctx, "k", "a", ConnectorExecuteParams{CredentialID: "c"})
			return err
		},
	}
	for name, call := range calls {
		for status, want := range map[int]int{503: 1, 429: 1 + DefaultMaxRetries} {
			t.Run(fmt.Sprint(name, " ", status), func(t *testing.T) {
				h := newHarness(t)
				n := 0
				h.mt.RegisterRegexpResponder(http.MethodPost, anyURL, func(*http.Request) (*http.Response, error) {
					n++
					return jsonResp(status, `{}`)(nil)
				})
				err := call(h.c)
				var apiErr *Error
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, want, n)
				assert.Equal(t, want, apiErr.Attempts)
			})
		}
	}
}
