package alloy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogsRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return v
	}
	execution := Execution{
		ID: "Xk29aPq7LmN3vB5tR8sW1", StartedAt: Timestamp{ts("2025-04-02T18:11:03.014Z")}, StoppedAt: Timestamp{ts("2025-04-02T18:11:04.377Z")}, Finished: true,
		Results: []ExecutionResult{
			{ConnectorID: "0b7e6a52-3d4f-4e1a-9c2b-7f8e9d0a1b2c", StartedAt: Timestamp{ts("2025-04-02T18:11:03.014Z")}, StoppedAt: Timestamp{ts("2025-04-02T18:11:03.052Z")},
				Data: json.RawMessage(`[
            [
              {
                "json": {
                  "orderId": 91027,
                  "status": "paid"
                },
                "id": "a3b4c5d6-e7f8-4a9b-8c0d-1e2f3a4b5c6d"
              }
            ]
          ]`)},
			{ConnectorID: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", StartedAt: Timestamp{ts("2025-04-02T18:11:03.101Z")}, StoppedAt: Timestamp{ts("2025-04-02T18:11:04.360Z")},
				Data: json.RawMessage(`[
            [
              {
                "json": {
                  "internalId": "88431",
                  "tranId": "SO-20931"
                },
                "statusCode": 200,
                "id": "b4c5d6e7-f8a9-4b0c-9d1e-2f3a4b5c6d7e"
              }
            ]
          ]`)},
		},
		Inputs: []ExecutionInput{
			{ConnectorID: "0b7e6a52-3d4f-4e1a-9c2b-7f8e9d0a1b2c", Data: json.RawMessage(`{}`)},
			{ConnectorID: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", Data: json.RawMessage(`{
            "recordType": "salesOrder"
          }`)},
		},
	}
	entry := LogEntry{
		ID: "6801aa11bb22cc33dd44ee55", Message: "executionError",
		Data:      LogEntryData{ExecutionID: "6801aa10bb22cc33dd44ee50", ExecutionUUID: "Qw8rT2yU6iO0pA4sD9fG3"},
		StartedAt: Timestamp{ts("2025-04-17T07:30:00.101Z")}, CompletedAt: Timestamp{ts("2025-04-17T07:30:00.655Z")}, CreatedAt: Timestamp{ts("2025-04-17T07:30:00.655Z")},
		WorkflowVersion: 3, TeamID: "63aa00bb11cc22dd33ee44ff",
		ParentWorkflowID: "6712ab3acd56ef7890a1b2d9", WorkflowID: "6790ff00ee11dd22cc33bb44",
		UserID: "65f1c2a9d4e8b71a2c3d4e5f", User: LogUser{Email: "ops@northwind-goods.example", FullName: "Northwind Goods"},
		ParentWorkflow: ParentWorkflow{Name: "Paid order to ERP", Integration: LogIntegration{ID: "6712ab34cd56ef7890a1b2c3",
			Name: "BigCommerce to NetSuite", BlockID: "Zr81kLmN0pQ2sT4uV6wX", Icon: "https://cdn.runalloy.com/icons/bigcommerce.png"}},
	}
	runAPICases(t, []apiCase{
		{
			name: "Workflow", op: "Logs.ListExecutions", ids: []string{"wf1"}, query: "limit=30&order=desc&page=2&userId=u1",
			response: readFixture(t, "workflow_logs_2025-09.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Logs.ListExecutions(ctx, "wf1", WorkflowLogParams{UserID: "u1", Page: 2, Limit: 30, Order: "desc"})
			},
			want: []Execution{execution},
		},
		{
			name: "Workflow, older shape", op: "Logs.ListExecutions", ids: []string{"wf1"},
			response: `{"data":[{"executionId":"e1","finished":"error","results":[{"blockId":"b1","data":null}],"inputs":[{"blockId":"b1","data":{}}]}]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Logs.ListExecutions(ctx, "wf1", WorkflowLogParams{})
			},
			want: []Execution{{ID: "e1", Status: "error", Results: []ExecutionResult{{ConnectorID: "b1", Data: json.RawMessage("null")}},
				Inputs: []ExecutionInput{{ConnectorID: "b1", Data: json.RawMessage("{}")}}}},
		},
		{
			name: "Errors bare array", op: "Logs.ListErrors", ids: []string{"wf1"}, query: "userId=u1",
			response: `[{"message":"NetSuite refused the order","timestamp":"2025-04-17T07:30:00.655Z","block":"netsuite","workflowId":"wf1"}]`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Logs.ListErrors(ctx, "wf1", "u1") },
			want:     []WorkflowError{{Message: "NetSuite refused the order", Timestamp: Timestamp{ts("2025-04-17T07:30:00.655Z")}, Block: "netsuite", WorkflowID: "wf1"}},
		},
		{
			name: "Errors in data, block as object", op: "Logs.ListErrors", ids: []string{"wf1"},
			response: `{"data":[{"message":"m","block":{"id":"b1"}}]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Logs.ListErrors(ctx, "wf1", "") },
			want:     []WorkflowError{{Message: "m", Block: `{"id":"b1"}`}},
		},
		{
			name: "Errors none", op: "Logs.ListErrors", ids: []string{"wf1"},
			response: `[]`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Logs.ListErrors(ctx, "wf1", "") },
			want:     []WorkflowError{},
		},
		{
			name: "Rerun", op: "Logs.Rerun", ids: []string{"wf1", "Xk29aPq7LmN3vB5tR8sW1"}, query: "userId=u1",
			response: `{"message":"Rerun started","executionUuid":"Qw8rT2yU6iO0pA4sD9fG3"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Logs.Rerun(ctx, "wf1", "Xk29aPq7LmN3vB5tR8sW1", "u1")
			},
			want: &RunResult{Message: "Rerun started", ExecutionUUID: "Qw8rT2yU6iO0pA4sD9fG3"},
		},
		{
			name: "List", op: "Logs.List",
			query:    "associatedUserId=u1&filters=%5B%7B%22columns%22%3A%7B%22value%22%3A%22message%22%7D%2C%22operators%22%3A%7B%22value%22%3A%22equals%22%7D%2C%22userinput%22%3A%7B%22value%22%3A%22executionError%22%7D%2C%22condition%22%3A%7B%22value%22%3A%22and%22%7D%7D%5D&limit=10&skip=20&sortBy=createdAt&sortOrder=desc&workflowId=wf1",
			response: readFixture(t, "logs_all_2025-09.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Logs.List(ctx, LogListParams{
					WorkflowID: "wf1", UserID: "u1", SortBy: "createdAt", SortOrder: "desc", Skip: 20, Limit: 10,
					Filters: []LogFilter{{Column: "message", Operator: "equals", Value: "executionError"}},
				})
			},
			want: &LogPage{Logs: []LogEntry{entry}, LastFetched: Timestamp{ts("2025-04-17T07:35:12.880Z")}, Pagination: Pagination{TotalItems: 1, TotalPages: 1, CurrentPage: 1, PageSize: 10}},
		},
		{
			name: "Get", op: "Logs.Get", ids: []string{"6801aa10bb22cc33dd44ee50"},
			response: `{"data":{"_id":"6801aa10bb22cc33dd44ee50","executionMode":"webhook","executionUuid":"Qw8","extra":1}}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Logs.Get(ctx, "6801aa10bb22cc33dd44ee50") },
			want: &ExecutionLog{ID: "6801aa10bb22cc33dd44ee50", ExecutionMode: "webhook", ExecutionUUID: "Qw8",
				Raw: json.RawMessage(`{"_id":"6801aa10bb22cc33dd44ee50","executionMode":"webhook","executionUuid":"Qw8","extra":1}`)},
		},
	})
}

func TestLogsFilterQueryIsTheDocumentedJSON(t *testing.T) {
	t.Parallel()
	p := LogListParams{Filters: []LogFilter{{Column: "userId", Operator: "equals", Value: "u1"}}}
	q, err := p.query("list logs")
	require.NoError(t, err)
	assert.JSONEq(t, `[{"columns":{"value":"userId"},"operators":{"value":"equals"},"userinput":{"value":"u1"},"condition":{"value":"and"}}]`, q.Get("filters"))
}

func TestLogsBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	calls := map[string]func() error{
		"Workflow limit 31":      func() error { _, err := h.c.Logs.ListExecutions(ctx, "wf", WorkflowLogParams{Limit: 31}); return err },
		"Workflow negative page": func() error { _, err := h.c.Logs.ListExecutions(ctx, "wf", WorkflowLogParams{Page: -1}); return err },
		"Workflow no id":         func() error { _, err := h.c.Logs.ListExecutions(ctx, "", WorkflowLogParams{}); return err },
		"Errors no id":           func() error { _, err := h.c.Logs.ListErrors(ctx, "", ""); return err },
		"Rerun no execution":     func() error { _, err := h.c.Logs.Rerun(ctx, "wf", "", ""); return err },
		"List negative skip":     func() error { _, err := h.c.Logs.List(ctx, LogListParams{Skip: -1}); return err },
		"List negative limit":    func() error { _, err := h.c.Logs.List(ctx, LogListParams{Limit: -1}); return err },
		"List filter w/o column": func() error {
			_, err := h.c.Logs.List(ctx, LogListParams{Filters: []LogFilter{{Operator: "equals"}}})
			return err
		},
		"Get no id":                 func() error { _, err := h.c.Logs.Get(ctx, ""); return err },
		"All negative skip":         func() error { return firstErr(h.c.Logs.ListIter(ctx, LogListParams{Skip: -5})) },
		"WorkflowAll limit too big": func() error { return firstErr(h.c.Logs.ListExecutionsIter(ctx, "wf", WorkflowLogParams{Limit: 100})) },
	}
	for name, call := range calls {
		assert.ErrorIs(t, call(), ErrInvalidArgument, name)
	}
	assert.Zero(t, h.mt.GetTotalCallCount())
}

// firstErr ranges over seq and returns the first error it yields.
func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// logPages serves /logs from a script of pages keyed by skip, and records
// the skips asked for.
type logPages struct {
	total    int         // totalItems reported
	pageSize int         // pageSize reported (0: omitted)
	items    map[int]int // skip -> how many entries to return
	asked    []int
}

func (lp *logPages) responder(t *testing.T) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		skip, _ := strconv.Atoi(q.Get("skip"))
		assert.Equal(t, "wf1", q.Get("workflowId"), "params carried to every page")
		lp.asked = append(lp.asked, skip)
		var entries []string
		for i := 0; i < lp.items[skip]; i++ {
			entries = append(entries, fmt.Sprintf(`{"_id":"e%d"}`, skip+i))
		}
		size := lp.pageSize
		pages := 0
		if size > 0 {
			pages = (lp.total + size - 1) / size
		}
		body := fmt.Sprintf(`{"notifications":[%s],"pagination":{"totalItems":%d,"totalPages":%d,"currentPage":%d,"pageSize":%d}}`,
			strings.Join(entries, ","), lp.total, pages, skip/max(size, 1)+1, size)
		return jsonResp(200, body)(r)
	}
}

func ids(t *testing.T, seq func(func(LogEntry, error) bool)) ([]string, error) {
	t.Helper()
	var out []string
	for e, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, e.ID)
	}
	return out, nil
}

func TestLogsAllWalksSkipUntilTheLastPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	lp := &logPages{total: 7, pageSize: 3, items: map[int]int{0: 3, 3: 3, 6: 1}}
	h.on("GET", `=~^`+testRoot+`/logs`, lp.responder(t))
	params := LogListParams{WorkflowID: "wf1", Limit: 3}
	got, err := ids(t, h.c.Logs.ListIter(context.Background(), params))
	require.NoError(t, err)
	assert.Equal(t, []string{"e0", "e1", "e2", "e3", "e4", "e5", "e6"}, got)
	assert.Equal(t, []int{0, 3, 6}, lp.asked, "exactly three requests")
	assert.Equal(t, LogListParams{WorkflowID: "wf1", Limit: 3}, params, "caller's params unchanged")
}

func TestLogsAllKeepsGoingPastAnEmptyIntermediatePage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	lp := &logPages{total: 6, pageSize: 2, items: map[int]int{0: 2, 2: 0, 4: 2}}
	h.on("GET", `=~^`+testRoot+`/logs`, lp.responder(t))
	got, err := ids(t, h.c.Logs.ListIter(context.Background(), LogListParams{WorkflowID: "wf1", Limit: 2}))
	require.NoError(t, err)
	assert.Equal(t, []string{"e0", "e1", "e4", "e5"}, got)
	assert.Equal(t, []int{0, 2, 4}, lp.asked)
}

func TestLogsAllAdvancesByTheServersPageSize(t *testing.T) {
	t.Parallel()
	// Asked for 50 a page, the server caps pages at 2 and says so.
	h := newHarness(t)
	lp := &logPages{total: 5, pageSize: 2, items: map[int]int{0: 2, 2: 2, 4: 1}}
	h.on("GET", `=~^`+testRoot+`/logs`, lp.responder(t))
	got, err := ids(t, h.c.Logs.ListIter(context.Background(), LogListParams{WorkflowID: "wf1", Limit: 50}))
	require.NoError(t, err)
	assert.Len(t, got, 5)
	assert.Equal(t, []int{0, 2, 4}, lp.asked)
}

func TestLogsAllWithoutTotalsStopsOnAShortPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var asked []string
	h.on("GET", `=~^`+testRoot+`/logs`, func(r *http.Request) (*http.Response, error) {
		asked = append(asked, r.URL.RawQuery)
		if r.URL.Query().Get("skip") == "" {
			return jsonResp(200, `{"notifications":[{"_id":"a"},{"_id":"b"}]}`)(r)
		}
		return jsonResp(200, `{"notifications":[{"_id":"c"}]}`)(r)
	})
	got, err := ids(t, h.c.Logs.ListIter(context.Background(), LogListParams{Limit: 2}))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, got)
	assert.Equal(t, []string{"limit=2", "limit=2&skip=2"}, asked)
}

func TestLogsAllDefaultsToTenAPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/logs?limit=10", jsonResp(200, `{"notifications":[],"pagination":{"totalItems":0,"totalPages":0}}`))
	got, err := ids(t, h.c.Logs.ListIter(context.Background(), LogListParams{}))
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Len(t, h.requests(), 1)
}

func TestLogsAllBreakMakesNoFurtherRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	lp := &logPages{total: 100, pageSize: 2, items: map[int]int{0: 2, 2: 2}}
	h.on("GET", `=~^`+testRoot+`/logs`, lp.responder(t))
	n := 0
	for _, err := range h.c.Logs.ListIter(context.Background(), LogListParams{WorkflowID: "wf1", Limit: 2}) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, []int{0, 2}, lp.asked, "breaking in page 2 asks for nothing more")
}

func TestLogsAllStopsAtTheFirstError(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithMaxRetries(0))
	h.on("GET", testRoot+"/logs?limit=1", jsonResp(200, `{"notifications":[{"_id":"a"}],"pagination":{"totalItems":3,"pageSize":1}}`))
	h.on("GET", testRoot+"/logs?limit=1&skip=1", jsonResp(500, `{"message":"boom"}`))
	var got []string
	var errs []error
	for e, err := range h.c.Logs.ListIter(context.Background(), LogListParams{Limit: 1}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, e.ID)
	}
	assert.Equal(t, []string{"a"}, got)
	require.Len(t, errs, 1, "one error, then the iterator ends")
	assert.ErrorIs(t, errs[0], ErrServer)
	assert.Len(t, h.requests(), 2)
}

func TestLogsAllMaxPagesGuard(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.c.maxPages = 4
	n := 0
	h.on("GET", `=~^`+testRoot+`/logs`, func(r *http.Request) (*http.Response, error) {
		n++
		return jsonResp(200, `{"notifications":[],"pagination":{"totalItems":1000000,"pageSize":1}}`)(r)
	})
	_, err := ids(t, h.c.Logs.ListIter(context.Background(), LogListParams{}))
	require.ErrorIs(t, err, ErrTooManyPages)
	assert.Equal(t, 4, n)
}

func TestLogsAllIsReusable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	lp := &logPages{total: 2, pageSize: 1, items: map[int]int{0: 1, 1: 1}}
	h.on("GET", `=~^`+testRoot+`/logs`, lp.responder(t))
	seq := h.c.Logs.ListIter(context.Background(), LogListParams{WorkflowID: "wf1", Limit: 1})
	first, err := ids(t, seq)
	require.NoError(t, err)
	second, err := ids(t, seq)
	require.NoError(t, err)
	assert.Equal(t, first, second)
	assert.Equal(t, []int{0, 1, 0, 1}, lp.asked)
}

func TestLogsAllCarriesRequestOptions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var seen []string
	h.on("GET", `=~^`+testRoot+`/logs`, func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.Header.Get("X-Trace"))
		return jsonResp(200, `{"notifications":[{"_id":"x"}],"pagination":{"totalItems":2,"pageSize":1}}`)(r)
	})
	_, err := ids(t, h.c.Logs.ListIter(context.Background(), LogListParams{Limit: 1}, WithHeader("X-Trace", "t1")))
	require.NoError(t, err)
	assert.Equal(t, []string{"t1", "t1"}, seen)
}

func TestLogsWorkflowAllWalksPagesUntilAShortOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var pages []string
	h.on("GET", `=~^`+testRoot+`/workflows/wf1/logs`, func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		pages = append(pages, q.Get("page"))
		assert.Equal(t, "u1", q.Get("userId"))
		assert.Equal(t, "2", q.Get("limit"))
		switch q.Get("page") {
		case "1", "2":
			p := q.Get("page")
			return jsonResp(200, `{"data":[{"executionId":"`+p+`a"},{"executionId":"`+p+`b"}]}`)(r)
		}
		return jsonResp(200, `{"data":[{"executionId":"3a"}]}`)(r)
	})
	params := WorkflowLogParams{UserID: "u1", Limit: 2}
	var got []string
	for e, err := range h.c.Logs.ListExecutionsIter(context.Background(), "wf1", params) {
		require.NoError(t, err)
		got = append(got, e.ID)
	}
	assert.Equal(t, []string{"1a", "1b", "2a", "2b", "3a"}, got)
	assert.Equal(t, []string{"1", "2", "3"}, pages)
	assert.Equal(t, WorkflowLogParams{UserID: "u1", Limit: 2}, params)
}

func TestLogsWorkflowAllDefaultsAndStops(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("empty first page, default limit 30", func(t *testing.T) {
		h := newHarness(t)
		h.on("GET", testRoot+"/workflows/wf1/logs?limit=30&page=1", jsonResp(200, `{"data":[]}`))
		require.NoError(t, firstErr(h.c.Logs.ListExecutionsIter(ctx, "wf1", WorkflowLogParams{})))
		assert.Len(t, h.requests(), 1)
	})
	t.Run("break", func(t *testing.T) {
		h := newHarness(t)
		h.on("GET", testRoot+"/workflows/wf1/logs?limit=1&page=5", jsonResp(200, `{"data":[{"executionId":"x"}]}`))
		for range h.c.Logs.ListExecutionsIter(ctx, "wf1", WorkflowLogParams{Page: 5, Limit: 1}) {
			break
		}
		assert.Len(t, h.requests(), 1)
	})
	t.Run("error", func(t *testing.T) {
		h := newHarness(t)
		h.on("GET", testRoot+"/workflows/wf1/logs?limit=1&page=1", jsonResp(200, `{"data":[{"executionId":"x"}]}`))
		h.on("GET", testRoot+"/workflows/wf1/logs?limit=1&page=2", jsonResp(404, `{"message":"Workflow not found"}`))
		err := firstErr(h.c.Logs.ListExecutionsIter(ctx, "wf1", WorkflowLogParams{Limit: 1}))
		assert.ErrorIs(t, err, ErrNotFound)
		assert.Len(t, h.requests(), 2)
	})
	t.Run("guard", func(t *testing.T) {
		h := newHarness(t)
		h.c.maxPages = 3
		h.on("GET", `=~^`+testRoot+`/workflows/wf1/logs`, jsonResp(200, `{"data":[{"executionId":"x"}]}`))
		err := firstErr(h.c.Logs.ListExecutionsIter(ctx, "wf1", WorkflowLogParams{Limit: 1}))
		assert.True(t, errors.Is(err, ErrTooManyPages), "%v", err)
		assert.Len(t, h.requests(), 3)
	})
	t.Run("cancelled context", func(t *testing.T) {
		h := newHarness(t)
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		err := firstErr(h.c.Logs.ListExecutionsIter(ctx, "wf1", WorkflowLogParams{}))
		assert.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, h.mt.GetTotalCallCount())
	})
}

func TestMorePages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pg              Pagination
		skip, step, got int
		want            bool
	}{
		{Pagination{TotalItems: 10}, 0, 5, 5, true},
		{Pagination{TotalItems: 10}, 5, 5, 5, false},
		{Pagination{TotalItems: 10}, 5, 5, 0, false},
		{Pagination{TotalItems: 11}, 5, 5, 0, true}, // empty page, more exist
		{Pagination{TotalPages: 3}, 5, 5, 5, true},
		{Pagination{TotalPages: 3}, 10, 5, 5, false},
		{Pagination{}, 0, 5, 5, true},
		{Pagination{}, 0, 5, 4, false},
	} {
		assert.Equal(t, tc.want, morePages(tc.pg, tc.skip, tc.step, tc.got), "%+v", tc)
	}
}

func TestLogEntryRoundTripsThroughItsOwnJSON(t *testing.T) {
	t.Parallel()
	var page LogPage
	require.NoError(t, json.Unmarshal([]byte(readFixture(t, "logs_all_2025-09.json")), &page))
	entry := page.Logs[0]
	b, err := json.Marshal(entry)
	require.NoError(t, err)
	var back LogEntry
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, entry, back)
	assert.Equal(t, "Paid order to ERP", back.ParentWorkflow.Name)
	assert.Equal(t, "6801aa10bb22cc33dd44ee50", back.ExecutionID())
	assert.Equal(t, "Qw8rT2yU6iO0pA4sD9fG3", back.ExecutionUUID())
	// It encodes to Alloy's own structure, not a flattened one.
	var fromAlloy, encoded map[string]any
	require.NoError(t, json.Unmarshal(b, &encoded))
	raw := readFixture(t, "logs_all_2025-09.json")
	var wire struct{ Notifications []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(raw), &wire))
	fromAlloy = wire.Notifications[0]
	assert.Equal(t, fromAlloy, encoded)
}
