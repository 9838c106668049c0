package alloytest_test

import (
	"context"
	"encoding/json"
	"testing"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventsListAndRun(t *testing.T) {
	for _, version := range allVersions {
		t.Run(version, func(t *testing.T) {
			srv, c, u := setup(t, version)
			ctx := context.Background()
			list, err := c.Events.List(ctx, nil)
			require.NoError(t, err)
			require.Len(t, list, 2)
			assert.Equal(t, "Invoice Paid", list[0].Name)
			assert.Equal(t, "Fired by the host app when an invoice is settled", list[0].Description)
			assert.JSONEq(t, `{"invoiceId":"INV-1009","amount":129.5,"currency":"USD"}`, string(list[0].Body))
			assert.Equal(t, "Account Closed", list[1].Name)
			forUser, err := c.Events.List(ctx, &alloy.EventListParams{UserID: u.ID})
			require.NoError(t, err)
			assert.Equal(t, list, forUser)
			_, err = c.Events.List(ctx, &alloy.EventListParams{UserID: "ghost"})
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			res, err := c.Events.Run(ctx, alloy.EventRunParams{Event: "Invoice Paid", UserID: u.ID, Data: map[string]any{"invoiceId": "INV-1"}})
			require.NoError(t, err)
			assert.Equal(t, &alloy.RunResult{Message: "Event successfully triggered"}, res)
			assert.Empty(t, srv.Executions(""), "nothing installed, nothing runs")

			require.NoError(t, srv.InstallWorkflow(u.ID, paidOrderWorkflow))
			require.NoError(t, srv.InstallWorkflow(u.ID, newCustomerWorkflow))
			require.NoError(t, srv.InstallWorkflow(u.ID, orderFulfilledWorkflow))
			require.NoError(t, c.Workflows.Deactivate(ctx, alloy.WorkflowActivateParams{UserID: u.ID, WorkflowID: newCustomerWorkflow}))
			_, err = c.Events.Run(ctx, alloy.EventRunParams{Event: "Invoice Paid", UserID: "ops@northwind.example", Data: map[string]any{"invoiceId": "INV-2"}})
			require.NoError(t, err)
			ex := srv.Executions("")
			require.Len(t, ex, 2, "every active installed workflow")
			assert.Equal(t, []string{paidOrderWorkflow, orderFulfilledWorkflow}, []string{ex[0].WorkflowID, ex[1].WorkflowID})
			for _, e := range ex {
				assert.Equal(t, "trigger", e.Mode)
				assert.Equal(t, map[string]any{"invoiceId": "INV-2"}, e.Data)
			}

			_, err = c.Events.Run(ctx, alloy.EventRunParams{Event: "Nope", UserID: u.ID})
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			_, err = c.Events.Run(ctx, alloy.EventRunParams{Event: "Invoice Paid", UserID: "ghost"})
			assert.ErrorIs(t, err, alloy.ErrNotFound)
		})
	}
}

func TestEventsRaw(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	_, err := srv.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: "u"})
	require.NoError(t, err)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		contains                 string
	}{
		{"list on 2023-01", "GET", "/2023-01/events", "", 404, "Route not found"},
		{"list on 2023-12", "GET", "/2023-12/events", "", 200, `"name":"Invoice Paid"`},
		{"run without event", "POST", "/run/event", `{"userId":"u","data":{}}`, 400, `at /event: property \"event\" is missing`},
		{"run without data", "POST", "/run/event", `{"event":"Invoice Paid","userId":"u"}`, 400, `at /data: property \"data\" is missing`},
		{"run with array data", "POST", "/run/event", `{"event":"Invoice Paid","userId":"u","data":[]}`, 400, "at /data: value must be an object"},
		{"run without user", "POST", "/run/event", `{"event":"Invoice Paid","data":{}}`, 400, `at /userId: property \"userId\" is missing`},
		{"run unknown event", "POST", "/run/event", `{"event":"Nope","userId":"u","data":{}}`, 404, `Event \"Nope\" not found`},
		{"run on 2023-01, older than the contract", "POST", "/2023-01/run/event", `{"event":"Invoice Paid","userId":"u","data":{}}`, 404, "Route not found"},
		{"run", "POST", "/2023-12/run/event", `{"event":"Invoice Paid","userId":"u","data":{}}`, 200, `{"message":"Event successfully triggered"}`},
	} {
		status, body := raw(t, srv, tc.method, tc.path, "Bearer k", "", tc.body)
		assert.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		assert.Contains(t, body, tc.contains, tc.name)
	}
}

func TestWithEventsKeepsACopy(t *testing.T) {
	events := []alloytest.EventDef{{Name: "Refund", Body: map[string]any{"lines": []any{map[string]any{"sku": "A"}}}}}
	srv := newServer(t, alloytest.WithEvents(events))
	events[0].Name = "changed"
	events[0].Body["lines"].([]any)[0].(map[string]any)["sku"] = "changed"
	list, err := srv.Client().Events.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "Refund", list[0].Name)
	assert.Equal(t, json.RawMessage(`{"lines":[{"sku":"A"}]}`), list[0].Body)
	assert.Empty(t, list[0].Description)
}
