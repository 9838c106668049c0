package alloytest_test

import (
	"context"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ids of the default seed.
const (
	bigcommerceIntegration = "6712ab34cd56ef7890a1b2c3"
	paidOrderWorkflow      = "6712ab3acd56ef7890a1b2d9" // version 4, steps: trigger, NetSuite
	newCustomerWorkflow    = "6712ab3acd56ef7890a1b2da" // version 2
	orderFulfilledWorkflow = "6712ab3acd56ef7890a1b2db" // version 1, one step
	netsuiteStep           = "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	triggerStep            = "0b7e6a52-3d4f-4e1a-9c2b-7f8e9d0a1b2c"
)

var allVersions = []string{"2025-09", "2024-03", "2023-12"}

// setup starts a server, a client on version without retries, and a user.
func setup(t *testing.T, version string, opts ...alloytest.Option) (*alloytest.Server, *alloy.Client, *alloy.User) {
	t.Helper()
	srv := newServer(t, opts...)
	c := srv.Client(alloy.WithAPIVersion(version), alloy.WithMaxRetries(0))
	u, err := c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "ops@northwind.example", FullName: "Northwind"})
	require.NoError(t, err)
	return srv, c, u
}

func TestWorkflowsListAndGetInEveryShape(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, u := setup(t, version)
			ctx := context.Background()
			before := time.Now()
			require.NoError(t, srv.InstallWorkflow(u.ID, paidOrderWorkflow))

			list, err := c.Workflows.List(ctx, u.ID)
			require.NoError(t, err)
			require.Len(t, list, 3)
			assert.Equal(t, []string{paidOrderWorkflow, newCustomerWorkflow, orderFulfilledWorkflow}, []string{list[0].ID, list[1].ID, list[2].ID})
			wf := list[0]
			assert.Equal(t, bigcommerceIntegration, wf.IntegrationID)
			assert.Equal(t, "Paid order to ERP", wf.Name)
			assert.True(t, wf.Installed)
			assert.True(t, wf.Active)
			assert.Equal(t, 4, wf.Version)
			require.NotNil(t, wf.InstalledVersion)
			assert.Equal(t, 1, *wf.InstalledVersion)
			assert.WithinDuration(t, before, wf.CreatedAt.Time, 5*time.Second)
			assert.Equal(t, wf.CreatedAt, wf.UpdatedAt)
			require.Len(t, wf.Steps, 2, "from connectors or blocks alike")
			assert.Equal(t, alloy.WorkflowStep{ID: netsuiteStep, Name: "NetSuite", Connector: "netsuite", Icon: "https://cdn.runalloy.com/icons/netsuite.png"}, wf.Steps[1])
			assert.False(t, list[1].Installed)
			assert.Nil(t, list[1].InstalledVersion)
			assert.Equal(t, "6712ab34cd56ef7890a1b2c4", list[1].IntegrationID)

			got, err := c.Workflows.Get(ctx, "ops@northwind.example", paidOrderWorkflow)
			require.NoError(t, err)
			assert.Equal(t, wf, *got)
			_, err = c.Workflows.Get(ctx, u.ID, "nope")
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			_, err = c.Workflows.Get(ctx, "ghost", paidOrderWorkflow)
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			_, err = c.Workflows.List(ctx, "ghost")
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			users, err := c.Users.ListByWorkflow(ctx, paidOrderWorkflow)
			require.NoError(t, err, "GET /workflows/{id}/users still routes")
			assert.Len(t, users, 1)
		})
	}
}

func TestWorkflowRawShapes(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	u, err := srv.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: "u"})
	require.NoError(t, err)
	_, modern := raw(t, srv, "GET", "/workflows/"+orderFulfilledWorkflow+"?userId=u", "Bearer k", "2025-09", "")
	assert.Contains(t, modern, `"connectors":[{"connector":"shopifyTrigger","connectorId":"af0f1a2b-3c4d-4e5f-9a0b-1c2d3e4f5a6c","connectorName":"Shopify Trigger","icon":"https://cdn.runalloy.com/icons/shopify.png"}]`)
	assert.NotContains(t, modern, "installedVersion", "only when installed")
	_, old := raw(t, srv, "GET", "/2024-03/workflows/"+orderFulfilledWorkflow+"?userId="+u.ID, "Bearer k", "", "")
	assert.Contains(t, old, `"blocks":[{"icon":"https://cdn.runalloy.com/icons/shopify.png","id":"af0f1a2b-3c4d-4e5f-9a0b-1c2d3e4f5a6c","name":"Shopify Trigger","type":"shopifyTrigger"}]`)
	assert.NotContains(t, old, "connectors")
}

func TestWorkflowVersions(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			_, c, u := setup(t, version)
			ctx := context.Background()
			list, err := c.Workflows.ListVersions(ctx, paidOrderWorkflow, "")
			require.NoError(t, err)
			require.Len(t, list, 4)
			for i, v := range list {
				assert.Equal(t, paidOrderWorkflow+"-"+string(rune('1'+i)), v.ID)
				assert.Equal(t, "Version "+string(rune('1'+i)), v.Name)
			}
			assert.Equal(t, "published", list[3].Status)
			assert.Equal(t, "archived", list[0].Status)
			assert.Equal(t, 72*time.Hour, list[3].LastModified.Sub(list[0].LastModified.Time))
			withUser, err := c.Workflows.ListVersions(ctx, paidOrderWorkflow, u.ID)
			require.NoError(t, err)
			assert.Equal(t, list, withUser)
			_, err = c.Workflows.ListVersions(ctx, paidOrderWorkflow, "ghost")
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			_, err = c.Workflows.ListVersions(ctx, "nope", "")
			assert.ErrorIs(t, err, alloy.ErrNotFound)
		})
	}
}

func TestActivateDeactivateUpgradeDelete(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, u := setup(t, version)
			ctx := context.Background()
			active := func() bool {
				t.Helper()
				list, err := c.Users.ListByWorkflow(ctx, paidOrderWorkflow)
				require.NoError(t, err)
				require.Len(t, list, 1)
				return list[0].WorkflowActive
			}
			ref := alloy.WorkflowActivateParams{UserID: u.ID, WorkflowID: paidOrderWorkflow}
			assert.ErrorIs(t, c.Workflows.Activate(ctx, ref), alloy.ErrNotFound, "not installed")
			require.NoError(t, srv.InstallWorkflow(u.ID, paidOrderWorkflow))

			require.NoError(t, c.Workflows.Deactivate(ctx, ref))
			assert.False(t, active())
			require.NoError(t, c.Workflows.Activate(ctx, alloy.WorkflowActivateParams{UserID: "ops@northwind.example", WorkflowName: "Paid order to ERP"}))
			assert.True(t, active(), "by name and username")
			require.NoError(t, c.Workflows.DeactivateAll(ctx, u.ID))
			assert.False(t, active())
			got, err := c.Workflows.Get(ctx, u.ID, paidOrderWorkflow)
			require.NoError(t, err)
			assert.False(t, got.Active)
			assert.True(t, got.Installed)

			require.NoError(t, c.Workflows.Upgrade(ctx, u.ID, paidOrderWorkflow))
			got, err = c.Workflows.Get(ctx, u.ID, paidOrderWorkflow)
			require.NoError(t, err)
			assert.Equal(t, 4, *got.InstalledVersion, "upgraded to the latest")
			assert.ErrorIs(t, c.Workflows.Upgrade(ctx, u.ID, newCustomerWorkflow), alloy.ErrNotFound, "not installed")

			require.NoError(t, c.Workflows.Delete(ctx, u.ID, paidOrderWorkflow))
			got, err = c.Workflows.Get(ctx, u.ID, paidOrderWorkflow)
			require.NoError(t, err)
			assert.False(t, got.Installed)
			assert.Nil(t, got.InstalledVersion)
			assert.ErrorIs(t, c.Workflows.Delete(ctx, u.ID, paidOrderWorkflow), alloy.ErrNotFound, "deleted already")
			assert.ErrorIs(t, c.Workflows.Deactivate(ctx, ref), alloy.ErrNotFound)
			assert.ErrorIs(t, c.Workflows.DeactivateAll(ctx, "ghost"), alloy.ErrNotFound)
			assert.ErrorIs(t, c.Workflows.Activate(ctx, alloy.WorkflowActivateParams{UserID: u.ID, WorkflowName: "nope"}), alloy.ErrNotFound)
		})
	}
}

func TestRunWorkflowRecordsAnExecution(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, u := setup(t, version)
			ctx := context.Background()
			run := alloy.WorkflowRunParams{UserID: u.ID, WorkflowID: paidOrderWorkflow, Data: map[string]any{"orderId": 91027}}
			_, err := c.Workflows.Run(ctx, run)
			assert.ErrorIs(t, err, alloy.ErrBadRequest, "not installed")
			require.NoError(t, srv.InstallWorkflow(u.ID, paidOrderWorkflow))
			require.NoError(t, c.Workflows.Deactivate(ctx, alloy.WorkflowActivateParams{UserID: u.ID, WorkflowID: paidOrderWorkflow}))
			_, err = c.Workflows.Run(ctx, run)
			var apiErr *alloy.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, `Workflow "Paid order to ERP" is not active for this user`, apiErr.Message)
			require.NoError(t, c.Workflows.Activate(ctx, alloy.WorkflowActivateParams{UserID: u.ID, WorkflowID: paidOrderWorkflow}))

			res, err := c.Workflows.Run(ctx, run)
			require.NoError(t, err)
			assert.Equal(t, &alloy.RunResult{Message: "success"}, res)
			ex := srv.Executions(paidOrderWorkflow)
			require.Len(t, ex, 1)
			assert.Equal(t, "manual", ex[0].Mode)
			assert.Equal(t, u.ID, ex[0].UserID)
			assert.Equal(t, map[string]any{"orderId": float64(91027)}, ex[0].Data)
			assert.Empty(t, ex[0].Error)

			logs, err := c.Logs.ListExecutions(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{UserID: u.ID})
			require.NoError(t, err)
			require.Len(t, logs, 1)
			assert.Equal(t, ex[0].ID, logs[0].ID)
			assert.JSONEq(t, `[[{"json":{"orderId":91027}}]]`, string(logs[0].Results[0].Data))

			_, err = c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: u.ID, WorkflowName: "Paid order to ERP"})
			require.NoError(t, err, "by name; nil data is sent as {}")
			assert.Len(t, srv.Executions(""), 2)
			_, err = c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: u.ID, WorkflowID: paidOrderWorkflow, WorkflowName: "no such name"})
			require.NoError(t, err, "given both, workflowId counts (run-workflow)")
			assert.Len(t, srv.Executions(paidOrderWorkflow), 3)
			_, err = c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: "ghost", WorkflowID: paidOrderWorkflow})
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			_, err = c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: u.ID, WorkflowID: "nope"})
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			stats, err := c.Workflows.GetAnalytics(ctx, paidOrderWorkflow)
			require.NoError(t, err)
			assert.Equal(t, &alloy.WorkflowAnalytics{TotalAppActions: 3, TotalWorkflowRuns: 3}, stats, "one app action per step after the trigger")
		})
	}
}

func TestWorkflowErrorsRaw(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	u, err := srv.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: "u"})
	require.NoError(t, err)
	require.NoError(t, srv.InstallWorkflow(u.ID, paidOrderWorkflow))
	wf := `"workflowId":"` + paidOrderWorkflow + `"`
	cases := []struct {
		name, method, path, body string
		status                   int
		contains                 string
	}{
		{"list without user", "GET", "/workflows", "", 400, `query parameter \"userId\": value is required but missing`},
		{"get without user", "GET", "/workflows/" + paidOrderWorkflow, "", 400, `query parameter \"userId\": value is required but missing`},
		{"get unknown workflow", "GET", "/workflows/nope?userId=u", "", 404, "Workflow not found"},
		{"activate neither", "PUT", "/workflows/activate", `{"userId":"u"}`, 400, "workflowId or workflowName is required"},
		{"activate both", "PUT", "/workflows/activate", `{"userId":"u",` + wf + `,"workflowName":"x"}`, 400, "not both"},
		{"activate without user", "PUT", "/workflows/activate", `{` + wf + `}`, 400, `at /userId: property \"userId\" is missing`},
		{"activate unknown user", "PUT", "/workflows/activate", `{"userId":"ghost",` + wf + `}`, 404, "User not found"},
		{"activate bad json", "PUT", "/workflows/activate", `{`, 400, "not valid JSON"},
		{"activate", "PUT", "/workflows/activate", `{"userId":"u",` + wf + `}`, 200, `{"activated":true}`},
		{"deactivate", "PUT", "/workflows/deactivate", `{"userId":"u",` + wf + `}`, 200, `{"deactivated":true}`},
		{"deactivate all", "PUT", "/users/u/deactivate-workflows", "", 200, `{"message":"Success"}`},
		{"upgrade without user", "PUT", "/workflows/" + paidOrderWorkflow + "/upgrade", "", 400, `query parameter \"userId\": value is required but missing`},
		{"upgrade", "PUT", "/workflows/" + paidOrderWorkflow + "/upgrade?userId=u", "", 200, `{"message":"Success"}`},
		{"run without data", "POST", "/run/workflow", `{"userId":"u",` + wf + `}`, 400, `at /data: property \"data\" is missing`},
		{"run with null data", "POST", "/run/workflow", `{"userId":"u",` + wf + `,"data":null}`, 400, "at /data: Value is not nullable"},
		{"run with array data", "POST", "/run/workflow", `{"userId":"u",` + wf + `,"data":[1]}`, 400, "at /data: value must be an object"},
		{"run with string data", "POST", "/run/workflow", `{"userId":"u",` + wf + `,"data":"x"}`, 400, "at /data: value must be an object"},
		{"run inactive", "POST", "/run/workflow", `{"userId":"u",` + wf + `,"data":{}}`, 400, "not active"},
		{"run not installed", "POST", "/run/workflow", `{"userId":"u","workflowId":"` + newCustomerWorkflow + `","data":{}}`, 400, "not installed"},
		{"run naming no workflow", "POST", "/run/workflow", `{"userId":"u","data":{}}`, 400, "Invalid request: request body"},
		{"analytics unknown workflow", "GET", "/workflows/nope/analytics", "", 404, "Workflow not found"},
		{"analytics", "GET", "/workflows/" + paidOrderWorkflow + "/analytics", "", 200, `{"totalAppActions":0,"totalWorkflowRuns":0,"totalErrors":0}`},
		{"delete without user", "DELETE", "/workflows/" + paidOrderWorkflow, "", 400, `query parameter \"userId\": value is required but missing`},
		{"delete", "DELETE", "/workflows/" + paidOrderWorkflow + "?userId=u", "", 200, `{"deleted":true}`},
		{"delete again", "DELETE", "/workflows/" + paidOrderWorkflow + "?userId=u", "", 404, "not installed"},
		{"GET on activate", "GET", "/workflows/activate?userId=u", "", 404, "Workflow not found"},
		{"POST on workflows", "POST", "/workflows", "{}", 405, "Method not allowed"},
	}
	for _, tc := range cases { // in order: the cases change state
		status, body := raw(t, srv, tc.method, tc.path, "Bearer k", "", tc.body)
		assert.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		assert.Contains(t, body, tc.contains, tc.name)
	}
}
