package alloy

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventsRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	runAPICases(t, []apiCase{
		{
			name: "List", op: "Events.List",
			response: readFixture(t, "events_list.json"),
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Events.List(ctx, nil) },
			want: []Event{
				{Name: "Invoice Paid", Description: "Fired by the host app when an invoice is settled", Body: json.RawMessage(`{
        "invoiceId": "INV-1009",
        "amount": 129.5,
        "currency": "USD"
      }`)},
				{Name: "Account Closed", Description: "Fired when a tenant cancels", Body: json.RawMessage(`{
        "accountId": "acct_77",
        "reason": "churn"
      }`)},
			},
		},
		{
			name: "List for a user", op: "Events.List", query: "userId=u1",
			response: `{"data":[]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Events.List(ctx, &EventListParams{UserID: "u1"})
			},
			want: []Event{},
		},
		{
			name: "Run", op: "Events.Run",
			response: readFixture(t, "event_run.json"),
			wantBody: `{"event":"Invoice Paid","userId":"u1","data":{"invoiceId":"INV-1009"}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Events.Run(ctx, EventRunParams{Event: "Invoice Paid", UserID: "u1", Data: map[string]string{"invoiceId": "INV-1009"}})
			},
			want: &RunResult{Message: "Event successfully triggered"},
		},
		{
			name: "Run with raw JSON data", op: "Events.Run",
			response: `{"message":"ok"}`,
			wantBody: `{"event":"e","userId":"u1","data":{"a":[1,2]}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Events.Run(ctx, EventRunParams{Event: "e", UserID: "u1", Data: json.RawMessage(`{"a": [1, 2]}`)})
			},
			want: &RunResult{Message: "ok"},
		},
	})
}

func TestEventsBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	for name, p := range map[string]EventRunParams{
		"no event":   {UserID: "u"},
		"no user":    {Event: "e"},
		"array data": {Event: "e", UserID: "u", Data: []string{"x"}},
		"nil map":    {Event: "e", UserID: "u", Data: (map[string]any)(nil)}, // encodes as null
	} {
		_, err := h.c.Events.Run(ctx, p)
		assert.ErrorIs(t, err, ErrInvalidArgument, name)
	}
	assert.Zero(t, h.mt.GetTotalCallCount())
}

func TestEventRunIsNotRetriedOn5xx(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/run/event", jsonResp(500, `{"message":"boom"}`))
	_, err := h.c.Events.Run(context.Background(), EventRunParams{Event: "e", UserID: "u"})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Len(t, h.requests(), 1)
}
