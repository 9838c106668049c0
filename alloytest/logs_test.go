package alloytest_test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runN installs paidOrderWorkflow for user and runs it n times with data
// {"n": i}.
func runN(t *testing.T, srv *alloytest.Server, c *alloy.Client, userID string, n int) {
	t.Helper()
	require.NoError(t, srv.InstallWorkflow(userID, paidOrderWorkflow))
	for i := range n {
		_, err := c.Workflows.Run(context.Background(), alloy.WorkflowRunParams{UserID: userID, WorkflowID: paidOrderWorkflow, Data: map[string]int{"n": i}})
		require.NoError(t, err)
	}
}

// payloadN is the n a run was given, read from its trigger's result.
func payloadN(t *testing.T, e alloy.Execution) int {
	t.Helper()
	var data [][]struct {
		JSON struct{ N int } `json:"json"`
	}
	require.NoError(t, json.Unmarshal(e.Results[0].Data, &data))
	return data[0][0].JSON.N
}

func TestWorkflowLogsPageAndOrder(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, u := setup(t, version)
			ctx := context.Background()
			runN(t, srv, c, u.ID, 25)
			other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "other"})
			require.NoError(t, err)
			runN(t, srv, c, other.ID, 1)

			page, err := c.Logs.ListExecutions(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{UserID: u.ID})
			require.NoError(t, err)
			require.Len(t, page, 10, "limit defaults to 10")
			assert.Equal(t, 24, payloadN(t, page[0]), "newest first")
			e := page[0]
			assert.Len(t, e.ID, 21)
			assert.True(t, e.Finished)
			assert.False(t, e.StartedAt.IsZero())
			assert.Equal(t, e.StartedAt.Add(2*time.Millisecond), e.StoppedAt.Time)
			require.Len(t, e.Results, 2)
			assert.Equal(t, triggerStep, e.Results[0].ConnectorID, "connectorId or blockId alike")
			assert.Equal(t, netsuiteStep, e.Results[1].ConnectorID)
			assert.JSONEq(t, `[[{"json":{"status":"success"}}]]`, string(e.Results[1].Data))
			assert.Equal(t, []alloy.ExecutionInput{{ConnectorID: triggerStep, Data: json.RawMessage(`{}`)}, {ConnectorID: netsuiteStep, Data: json.RawMessage(`{}`)}}, e.Inputs)

			last, err := c.Logs.ListExecutions(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{UserID: u.ID, Page: 3})
			require.NoError(t, err)
			require.Len(t, last, 5)
			assert.Equal(t, 0, payloadN(t, last[4]))
			asc, err := c.Logs.ListExecutions(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{UserID: "ops@northwind.example", Order: "asc", Limit: 30, Page: 1})
			require.NoError(t, err)
			require.Len(t, asc, 25)
			assert.Equal(t, 0, payloadN(t, asc[0]))
			beyond, err := c.Logs.ListExecutions(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{Page: 9})
			require.NoError(t, err)
			assert.Empty(t, beyond)

			n := 0
			for _, err := range c.Logs.ListExecutionsIter(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{Limit: 7}) {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, 26, n, "both users")
			_, err = c.Logs.ListExecutions(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{UserID: "ghost"})
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			_, err = c.Logs.ListExecutions(ctx, "nope", alloy.WorkflowLogParams{})
			assert.ErrorIs(t, err, alloy.ErrNotFound)
		})
	}
}

func TestFailNextRunRecordsAnError(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, u := setup(t, version)
			ctx := context.Background()
			srv.FailNextRun(paidOrderWorkflow, "NetSuite: invalid subsidiary")
			runN(t, srv, c, u.ID, 2)

			ex := srv.Executions(paidOrderWorkflow)
			require.Len(t, ex, 2)
			assert.Equal(t, "NetSuite: invalid subsidiary", ex[0].Error, "the next run, only")
			assert.Empty(t, ex[1].Error)

			errs, err := c.Logs.ListErrors(ctx, paidOrderWorkflow, u.ID)
			require.NoError(t, err)
			require.Len(t, errs, 1)
			assert.Equal(t, "NetSuite: invalid subsidiary", errs[0].Message)
			assert.Equal(t, netsuiteStep, errs[0].Block)
			assert.Equal(t, paidOrderWorkflow, errs[0].WorkflowID)
			assert.Equal(t, ex[0].StartedAt.Add(2*time.Millisecond), errs[0].Timestamp.Time)
			none, err := c.Logs.ListErrors(ctx, newCustomerWorkflow, "")
			require.NoError(t, err)
			assert.Empty(t, none)

			logs, err := c.Logs.ListExecutions(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{Order: "asc"})
			require.NoError(t, err)
			assert.JSONEq(t, `[[{"json":{"status":"error","message":"NetSuite: invalid subsidiary"}}]]`, string(logs[0].Results[1].Data))

			stats, err := c.Workflows.GetAnalytics(ctx, paidOrderWorkflow)
			require.NoError(t, err)
			assert.Equal(t, &alloy.WorkflowAnalytics{TotalAppActions: 2, TotalWorkflowRuns: 2, TotalErrors: 1}, stats)

			srv.FailNextRun(orderFulfilledWorkflow, "")
			require.NoError(t, srv.InstallWorkflow(u.ID, orderFulfilledWorkflow))
			_, err = c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: u.ID, WorkflowID: orderFulfilledWorkflow})
			require.NoError(t, err)
			errs, err = c.Logs.ListErrors(ctx, orderFulfilledWorkflow, "")
			require.NoError(t, err)
			require.Len(t, errs, 1)
			assert.Equal(t, "Execution failed", errs[0].Message, "the default message")
			assert.Equal(t, "af0f1a2b-3c4d-4e5f-9a0b-1c2d3e4f5a6c", errs[0].Block, "a one-step workflow fails at its trigger")
		})
	}
}

func TestRerun(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, u := setup(t, version)
			ctx := context.Background()
			runN(t, srv, c, u.ID, 1)
			first := srv.Executions(paidOrderWorkflow)[0]

			res, err := c.Logs.Rerun(ctx, paidOrderWorkflow, first.ID, u.ID)
			require.NoError(t, err)
			assert.Equal(t, "Rerun started", res.Message)
			ex := srv.Executions(paidOrderWorkflow)
			require.Len(t, ex, 2)
			assert.Equal(t, res.ExecutionUUID, ex[1].ID)
			assert.Equal(t, "retry", ex[1].Mode)
			assert.Equal(t, first.Data, ex[1].Data)
			assert.Equal(t, u.ID, ex[1].UserID)

			_, err = c.Logs.Rerun(ctx, paidOrderWorkflow, res.ExecutionUUID, "")
			require.NoError(t, err, "userId may be left out")
			other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "other"})
			require.NoError(t, err)
			_, err = c.Logs.Rerun(ctx, paidOrderWorkflow, first.ID, other.ID)
			assert.ErrorIs(t, err, alloy.ErrNotFound, "another user's execution")
			_, err = c.Logs.Rerun(ctx, newCustomerWorkflow, first.ID, "")
			assert.ErrorIs(t, err, alloy.ErrNotFound, "another workflow's execution")
			_, err = c.Logs.Rerun(ctx, paidOrderWorkflow, "nope", "")
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			assert.Len(t, srv.Executions(""), 3)
		})
	}
}

func TestDeleteUserLogs(t *testing.T) {
	srv, c, u := setup(t, "2024-03")
	ctx := context.Background()
	other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "other"})
	require.NoError(t, err)
	runN(t, srv, c, u.ID, 2)
	runN(t, srv, c, other.ID, 1)

	require.NoError(t, c.Users.DeleteLogs(ctx, u.ID))
	mine, err := c.Logs.ListExecutions(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{UserID: u.ID})
	require.NoError(t, err)
	assert.Empty(t, mine)
	all, err := c.Logs.ListExecutions(ctx, paidOrderWorkflow, alloy.WorkflowLogParams{})
	require.NoError(t, err)
	assert.Len(t, all, 1, "other users keep theirs")
	require.Len(t, srv.Executions(""), 1)
	assert.Equal(t, other.ID, srv.Executions("")[0].UserID)
	stats, err := c.Workflows.GetAnalytics(ctx, paidOrderWorkflow)
	require.NoError(t, err)
	assert.Equal(t, 3, stats.TotalWorkflowRuns, "analytics keep counting deleted logs")

	require.NoError(t, c.Users.Delete(ctx, other.ID))
	assert.Empty(t, srv.Executions(""), "deleting a user deletes their logs")
}

func TestAccountLogs(t *testing.T) {
	srv, c, u := setup(t, "2025-09")
	ctx := context.Background()
	other, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "b-other", FullName: "Other"})
	require.NoError(t, err)
	srv.FailNextRun(paidOrderWorkflow, "boom")
	runN(t, srv, c, u.ID, 3) // the first fails
	runN(t, srv, c, other.ID, 2)
	require.NoError(t, srv.InstallWorkflow(u.ID, newCustomerWorkflow))
	_, err = c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: u.ID, WorkflowID: newCustomerWorkflow})
	require.NoError(t, err)
	ex := srv.Executions("")
	require.Len(t, ex, 6)

	page, err := c.Logs.List(ctx, alloy.LogListParams{Limit: 4})
	require.NoError(t, err)
	assert.Equal(t, alloy.Pagination{TotalItems: 6, TotalPages: 2, CurrentPage: 1, PageSize: 4}, page.Pagination)
	assert.WithinDuration(t, time.Now(), page.LastFetched.Time, 5*time.Second)
	require.Len(t, page.Logs, 4)
	e := page.Logs[0]
	assert.Equal(t, ex[5].ID, e.ExecutionUUID(), "newest first")
	assert.Len(t, e.ExecutionID(), 24)
	assert.Len(t, e.ID, 24)
	assert.NotEqual(t, e.ID, e.ExecutionID())
	assert.Equal(t, "executionSuccess", e.Message)
	assert.Equal(t, u.ID, e.UserID)
	assert.Equal(t, "ops@northwind.example", e.User.Email)
	assert.Equal(t, "Northwind", e.User.FullName)
	assert.Equal(t, newCustomerWorkflow, e.ParentWorkflowID)
	assert.Len(t, e.WorkflowID, 24, "the user's copy")
	assert.NotEqual(t, newCustomerWorkflow, e.WorkflowID)
	assert.Equal(t, "New customer to HubSpot contact", e.ParentWorkflow.Name)
	assert.Equal(t, 1, e.WorkflowVersion)
	assert.Equal(t, "6712ab34cd56ef7890a1b2c4", e.ParentWorkflow.Integration.ID)
	assert.Equal(t, "Shopify", e.ParentWorkflow.Integration.Name)
	assert.Equal(t, "8d9e0f1a-2b3c-4d5e-8f9a-0b1c2d3e4f5a", e.ParentWorkflow.Integration.BlockID, "the workflow's trigger step")
	assert.Equal(t, "https://cdn.runalloy.com/icons/shopify.png", e.ParentWorkflow.Integration.Icon)
	assert.Len(t, e.TeamID, 24)
	assert.Equal(t, e.CreatedAt, e.CompletedAt)

	rest, err := c.Logs.List(ctx, alloy.LogListParams{Skip: 4, Limit: 4})
	require.NoError(t, err)
	assert.Len(t, rest.Logs, 2)
	assert.Equal(t, alloy.Pagination{TotalItems: 6, TotalPages: 2, CurrentPage: 2, PageSize: 4}, rest.Pagination)
	assert.Equal(t, ex[0].ID, rest.Logs[1].ExecutionUUID())
	var ids []string
	for entry, err := range c.Logs.ListIter(ctx, alloy.LogListParams{Limit: 5}) {
		require.NoError(t, err)
		ids = append(ids, entry.ExecutionUUID())
	}
	assert.Equal(t, []string{ex[5].ID, ex[4].ID, ex[3].ID, ex[2].ID, ex[1].ID, ex[0].ID}, ids)

	failed, err := c.Logs.List(ctx, alloy.LogListParams{Filters: []alloy.LogFilter{{Column: "message", Operator: "equals", Value: "executionError"}, {Column: "userId", Operator: "contains", Value: "ignored"}}})
	require.NoError(t, err)
	require.Len(t, failed.Logs, 1)
	assert.Equal(t, ex[0].ID, failed.Logs[0].ExecutionUUID())
	assert.Equal(t, "executionError", failed.Logs[0].Message)

	byWorkflow, err := c.Logs.List(ctx, alloy.LogListParams{WorkflowID: paidOrderWorkflow, UserID: "b-other", SortOrder: "asc"})
	require.NoError(t, err)
	require.Len(t, byWorkflow.Logs, 2)
	assert.Equal(t, []string{ex[3].ID, ex[4].ID}, []string{byWorkflow.Logs[0].ExecutionUUID(), byWorkflow.Logs[1].ExecutionUUID()})
	assert.Equal(t, 2, byWorkflow.Pagination.TotalItems)

	byMessage, err := c.Logs.List(ctx, alloy.LogListParams{SortBy: "message", SortOrder: "asc", Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, "executionError", byMessage.Logs[0].Message)

	detail, err := c.Logs.Get(ctx, e.ExecutionID())
	require.NoError(t, err)
	assert.Equal(t, e.ExecutionID(), detail.ID)
	assert.Equal(t, "manual", detail.ExecutionMode)
	assert.Equal(t, e.ExecutionUUID(), detail.ExecutionUUID)
	byUUID, err := c.Logs.Get(ctx, ex[0].ID)
	require.NoError(t, err)
	var rawDetail map[string]any
	require.NoError(t, json.Unmarshal(byUUID.Raw, &rawDetail))
	assert.Equal(t, "boom", rawDetail["error"])
	assert.Equal(t, map[string]any{"n": float64(0)}, rawDetail["data"])
	_, err = c.Logs.Get(ctx, "nope")
	assert.ErrorIs(t, err, alloy.ErrNotFound)

	old := srv.Client(alloy.WithAPIVersion("2024-03"))
	_, err = old.Logs.List(ctx, alloy.LogListParams{})
	assert.ErrorIs(t, err, alloy.ErrUnsupportedVersion)
}

func TestLogsRawErrors(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	u, err := srv.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: "u"})
	require.NoError(t, err)
	runN(t, srv, srv.Client(), u.ID, 1)
	logs := "/workflows/" + paidOrderWorkflow + "/logs"
	filters := url.Values{"filters": {`{"columns":"message"}`}}.Encode()
	cases := []struct {
		name, method, path, version string
		status                      int
		contains                    string
	}{
		{"limit above 30", "GET", logs + "?limit=31", "", 400, "limit must be an integer from 1 to 30"},
		{"limit 30", "GET", logs + "?limit=30", "", 200, `"executionId"`},
		{"limit zero", "GET", logs + "?limit=0", "", 400, "limit"},
		{"page zero", "GET", logs + "?page=0", "", 400, "page must be an integer of at least 1"},
		{"page text", "GET", logs + "?page=two", "", 400, "page"},
		{"older results name blockId", "GET", "/2024-03" + logs, "", 200, `"blockId":"` + netsuiteStep},
		{"2025-09 results name connectorId", "GET", logs, "2025-09", 200, `"connectorId":"` + netsuiteStep},
		{"errors empty", "GET", "/workflows/" + paidOrderWorkflow + "/errors", "", 200, `{"data":[]}`},
		{"errors unknown user", "GET", "/workflows/" + paidOrderWorkflow + "/errors?userId=ghost", "", 404, "User not found"},
		{"errors before 2023-12", "GET", "/2023-01/workflows/" + paidOrderWorkflow + "/errors", "", 404, "Route not found"},
		{"rerun unknown", "POST", "/workflows/" + paidOrderWorkflow + "/rerun/nope", "", 404, "Execution not found"},
		{"rerun before 2023-12", "POST", "/2023-01/workflows/" + paidOrderWorkflow + "/rerun/nope", "", 404, "Route not found"},
		{"account logs", "GET", "/logs", "", 200, `"pagination":{"currentPage":1,"pageSize":10,"totalItems":1,"totalPages":1}`},
		{"account logs on 2024-03", "GET", "/2024-03/logs", "", 404, "Route not found"},
		{"account log on 2024-03", "GET", "/2024-03/logs/x", "", 404, "Route not found"},
		{"bad sortBy", "GET", "/logs?sortBy=size", "", 400, `query parameter \"sortBy\": value is not one of the allowed values`},
		{"negative skip", "GET", "/logs?skip=-1", "", 400, "skip must be an integer of at least 0"},
		{"skip past the end", "GET", "/logs?skip=5", "", 200, `"notifications":[]`},
		{"huge skip and limit", "GET", "/logs?skip=9223372036854775807&limit=9223372036854775807", "", 200, `"pagination":{"currentPage":2,"pageSize":9223372036854775807,"totalItems":1,"totalPages":1}`},
		{"limit beyond int", "GET", "/logs?limit=9223372036854775808", "", 400, `query parameter \"limit\": an invalid integer`},
		{"huge page", "GET", logs + "?page=9223372036854775807&limit=30", "", 400, `query parameter \"page\": an invalid integer`},
		{"bad filters", "GET", "/logs?" + filters, "", 400, "filters must be a JSON array"},
		{"unknown execution", "GET", "/logs/nope", "", 404, "Execution not found"},
		{"delete logs of unknown user", "DELETE", "/users/ghost/logs?userId=ghost", "", 404, "User not found"},
		{"delete logs without the query's userId", "DELETE", "/users/" + u.ID + "/logs", "", 400, `query parameter \"userId\": value is required but missing`},
		{"delete logs of another user than the path's", "DELETE", "/users/" + u.ID + "/logs?userId=ghost", "", 400, "userId in the query must name the user of the path"},
		{"delete logs, by id and by username", "DELETE", "/users/" + u.ID + "/logs?userId=u", "", 200, `{"message":"Success"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := raw(t, srv, tc.method, tc.path, "Bearer k", tc.version, "")
			assert.Equal(t, tc.status, status, body)
			assert.Contains(t, body, tc.contains)
		})
	}
}
