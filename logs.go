package alloy

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/alloysdk/alloy-go/internal/pager"
)

// LogsService reads workflow executions and errors, reruns executions, and
// lists the account-wide execution log. Alloy keeps logs for 7 days.
type LogsService service

// Execution is one run of a user's workflow.
type Execution struct {
	ID        string    `json:"executionId"` // pass to Rerun
	StartedAt Timestamp `json:"startedAt"`   // zero when absent or unparsable
	StoppedAt Timestamp `json:"stoppedAt"`
	// Finished reports whether the run ended (2025-09 sends a boolean).
	Finished bool `json:"finished"`
	// Status is the run's status where Alloy reports one as a string
	// instead of the boolean (older versions).
	Status  string            `json:"status,omitempty"`
	Results []ExecutionResult `json:"results"`
	Inputs  []ExecutionInput  `json:"inputs"`
}

// ExecutionResult is what one step of a run produced.
type ExecutionResult struct {
	ConnectorID string          `json:"connectorId" wire:"blockId"` // the step's id (older versions: blockId)
	StartedAt   Timestamp       `json:"startedAt"`
	StoppedAt   Timestamp       `json:"stoppedAt"`
	Data        json.RawMessage `json:"data,omitempty"` // the step's output, as Alloy sent it
}

// ExecutionInput is what one step of a run was given.
type ExecutionInput struct {
	ConnectorID string          `json:"connectorId"`
	Data        json.RawMessage `json:"data,omitempty"`
}

// UnmarshalJSON reads finished as a boolean or, as older versions send it,
// a status string.
func (e *Execution) UnmarshalJSON(b []byte) error {
	type plain Execution
	var v struct {
		plain
		Finished json.RawMessage `json:"finished"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = Execution(v.plain)
	if json.Unmarshal(v.Finished, &e.Finished) != nil {
		_ = json.Unmarshal(v.Finished, &e.Status)
	}
	return nil
}

// UnmarshalJSON accepts connectorId or blockId.
func (in *ExecutionInput) UnmarshalJSON(b []byte) error {
	type plain ExecutionInput
	var v struct {
		plain
		BlockID string `json:"blockId"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*in = ExecutionInput(v.plain)
	in.ConnectorID = firstNonEmpty(in.ConnectorID, v.BlockID)
	return nil
}

// UnmarshalJSON accepts connectorId or blockId.
func (r *ExecutionResult) UnmarshalJSON(b []byte) error {
	type plain ExecutionResult
	var v struct {
		plain
		BlockID string `json:"blockId"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = ExecutionResult(v.plain)
	r.ConnectorID = firstNonEmpty(r.ConnectorID, v.BlockID)
	return nil
}

// WorkflowLogParams page through one workflow's executions.
type WorkflowLogParams struct {
	UserID string // only this user's executions; empty for all users
	Page   int    // 1-based; 0 means the first page
	Limit  int    // page size, at most 30; 0 means Alloy's default (10)
	Order  string // sort order, e.g. "desc"; empty for Alloy's default
}

// maxWorkflowLogLimit is Alloy's largest page of workflow logs.
const maxWorkflowLogLimit = ops.WorkflowLogsMaxLimit

func (p *WorkflowLogParams) query(op string) (url.Values, error) {
	switch {
	case p.Page < 0:
		return nil, invalidArg(op, "page %d is negative", p.Page)
	case p.Limit < 0 || p.Limit > maxWorkflowLogLimit:
		return nil, invalidArg(op, "limit %d is outside 0..%d", p.Limit, maxWorkflowLogLimit)
	}
	q := url.Values{}
	if p.UserID != "" {
		q.Set("userId", p.UserID)
	}
	if p.Page > 0 {
		q.Set("page", strconv.Itoa(p.Page))
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Order != "" {
		q.Set("order", p.Order)
	}
	return q, nil
}

// WorkflowError is one recorded error of a workflow.
type WorkflowError struct {
	Message    string    `json:"message"`
	Timestamp  Timestamp `json:"timestamp"` // zero when absent or unparsable
	Block      string    `json:"block,omitempty"`
	WorkflowID string    `json:"workflowId,omitempty"`
}

// UnmarshalJSON keeps a block given as an object in its JSON form.
func (e *WorkflowError) UnmarshalJSON(b []byte) error {
	type plain WorkflowError
	var v struct {
		plain
		Block json.RawMessage `json:"block"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = WorkflowError(v.plain)
	if json.Unmarshal(v.Block, &e.Block) != nil && len(v.Block) > 0 && string(v.Block) != "null" {
		e.Block = string(v.Block)
	}
	return nil
}

// LogListParams filter and page the account-wide log (Logs.List, Logs.ListIter).
type LogListParams struct {
	WorkflowID string      // a parent workflow id
	UserID     string      // sent as associatedUserId
	Filters    []LogFilter // combined with "and"
	SortBy     string      // createdAt, completedAt, message or userId
	SortOrder  string      // asc or desc
	Skip       int         // entries to skip
	Limit      int         // page size; 0 means Alloy's default (10)
}

// LogFilter is one condition of the account-wide log's filter, e.g.
// {Column: "message", Operator: "equals", Value: "executionError"}.
type LogFilter struct {
	Column   string
	Operator string
	Value    string
}

func (p *LogListParams) query(op string) (url.Values, error) {
	switch {
	case p.Skip < 0:
		return nil, invalidArg(op, "skip %d is negative", p.Skip)
	case p.Limit < 0:
		return nil, invalidArg(op, "limit %d is negative", p.Limit)
	}
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("workflowId", p.WorkflowID)
	set("associatedUserId", p.UserID)
	set("sortBy", p.SortBy)
	set("sortOrder", p.SortOrder)
	if p.Skip > 0 {
		q.Set("skip", strconv.Itoa(p.Skip))
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if len(p.Filters) > 0 {
		type value struct {
			Value string `json:"value"`
		}
		type filter struct {
			Columns   value `json:"columns"`
			Operators value `json:"operators"`
			UserInput value `json:"userinput"`
			Condition value `json:"condition"`
		}
		fs := make([]filter, len(p.Filters))
		for i, f := range p.Filters {
			if f.Column == "" || f.Operator == "" {
				return nil, invalidArg(op, "filter %d needs a column and an operator", i)
			}
			fs[i] = filter{value{f.Column}, value{f.Operator}, value{f.Value}, value{"and"}}
		}
		b, err := json.Marshal(fs)
		if err != nil {
			return nil, fmt.Errorf("alloy: %s: encode filters: %w", op, err)
		}
		q.Set("filters", string(b))
	}
	return q, nil
}

// LogPage is one page of the account-wide log.
type LogPage struct {
	Logs        []LogEntry `json:"notifications"`
	LastFetched Timestamp  `json:"lastFetched"`
	Pagination  Pagination `json:"pagination"`
}

// Pagination is where a page sits in the whole list.
type Pagination struct {
	TotalItems  int `json:"totalItems"`
	TotalPages  int `json:"totalPages"`
	CurrentPage int `json:"currentPage"`
	PageSize    int `json:"pageSize"`
}

// LogEntry is one entry of the account-wide log (Alloy calls them
// notifications): an execution's outcome, in the structure Alloy's get-logs
// page documents (https://docs.runalloy.com/reference/embedded/get-logs).
// It encodes to that structure too, so an entry written as JSON (e.g. by
// alloy logs --jsonl) decodes back to the same value.
type LogEntry struct {
	ID      string       `json:"_id"`
	Message string       `json:"message"` // e.g. "executionError"
	Data    LogEntryData `json:"data"`    // the execution's ids; see ExecutionID
	// StartedAt, CompletedAt and CreatedAt are zero when absent or unparsable.
	StartedAt       Timestamp `json:"startedAt"`
	CompletedAt     Timestamp `json:"completedAt"`
	CreatedAt       Timestamp `json:"createdAt"`
	CustomVersion   bool      `json:"customVersion"` // the user runs a version made for them
	WorkflowVersion int       `json:"workflowVersion"`
	TeamID          string    `json:"teamId"` // your Alloy account
	// ParentWorkflowID is the parent workflow (Alloy's "forge" workflow),
	// WorkflowID the user's copy of it.
	ParentWorkflowID string         `json:"forgeWorkflowId"`
	WorkflowID       string         `json:"workflowId"`
	UserID           string         `json:"userId"`
	User             LogUser        `json:"user"`
	ParentWorkflow   ParentWorkflow `json:"forgeWorkflow"`
}

// LogEntryData holds the ids of the execution an entry reports.
type LogEntryData struct {
	ExecutionID   string `json:"executionId"`   // the execution's id, e.g. for Logs.Get and Logs.Rerun
	ExecutionUUID string `json:"executionUuid"` // the execution's uuid
}

// LogUser is the user an entry's execution ran for.
type LogUser struct {
	Email    string `json:"email"` // the user's username, typically an email
	FullName string `json:"fullName"`
}

// ParentWorkflow is the parent workflow of an entry's execution and its
// integration.
type ParentWorkflow struct {
	Name string `json:"name"`
	// Integration is the integration the workflow belongs to; Alloy sends
	// it under "integrationId", as an object.
	Integration LogIntegration `json:"integrationId"`
}

// LogIntegration is the integration of an entry's parent workflow.
type LogIntegration struct {
	ID      string `json:"_id"`
	Name    string `json:"name"`
	BlockID string `json:"blockId"`
	Icon    string `json:"icon"`
}

// ExecutionID returns the id of the entry's execution (data.executionId),
// e.g. for Logs.Get and Logs.Rerun.
func (e *LogEntry) ExecutionID() string { return e.Data.ExecutionID }

// ExecutionUUID returns the uuid of the entry's execution
// (data.executionUuid).
func (e *LogEntry) ExecutionUUID() string { return e.Data.ExecutionUUID }

// ExecutionLog is the detail of one execution, from Logs.Get.
type ExecutionLog struct {
	ID            string `json:"_id"`
	ExecutionMode string `json:"executionMode"` // cli, error, internal, manual, retry, trigger or webhook
	ExecutionUUID string `json:"executionUuid"`
	// Raw is the whole entry as Alloy sent it: the reference documents
	// only the fields above.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON keeps the whole entry in Raw.
func (l *ExecutionLog) UnmarshalJSON(b []byte) error {
	type plain ExecutionLog
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*l = ExecutionLog(v)
	l.Raw = slices.Clone(json.RawMessage(b))
	return nil
}

// ListExecutions returns one page of a workflow's executions, newest first by
// default. GET /workflows/{workflowId}/logs
//
// The response carries no paging data; ListExecutionsIter walks every page.
func (s *LogsService) ListExecutions(ctx context.Context, workflowID string, params WorkflowLogParams, opts ...RequestOption) ([]Execution, error) {
	q, err := params.query("workflow logs")
	if err != nil {
		return nil, err
	}
	return inData[[]Execution](ctx, s.client, call{op: "Logs.ListExecutions", path: []string{workflowID}, query: q}, opts)
}

// ListErrors returns a workflow's recorded errors; userID may be empty.
// GET /workflows/{workflowId}/errors
//
// From API version 2023-12 on.
func (s *LogsService) ListErrors(ctx context.Context, workflowID, userID string, opts ...RequestOption) ([]WorkflowError, error) {
	return listOf[WorkflowError](ctx, s.client, "Logs.ListErrors", call{path: []string{workflowID}, params: []param{optional("userId", userID)}}, opts, "data", "errors")
}

// Rerun runs a past execution again; userID may be empty.
// POST /workflows/{workflowId}/rerun/{executionId}
//
// From API version 2023-12 on. Not retried on 5xx or timeouts, which could
// run it twice.
func (s *LogsService) Rerun(ctx context.Context, workflowID, executionID, userID string, opts ...RequestOption) (*RunResult, error) {
	return into[RunResult](ctx, s.client, call{op: "Logs.Rerun", path: []string{workflowID, executionID}, params: []param{optional("userId", userID)}}, opts)
}

// List returns one page of the account-wide log. GET /logs
//
// From API version 2025-09 on. All walks every page.
func (s *LogsService) List(ctx context.Context, params LogListParams, opts ...RequestOption) (*LogPage, error) {
	q, err := params.query("list logs")
	if err != nil {
		return nil, err
	}
	return into[LogPage](ctx, s.client, call{op: "Logs.List", query: q}, opts)
}

// Get returns the detail of one execution. GET /logs/{id}
//
// From API version 2025-09 on.
func (s *LogsService) Get(ctx context.Context, executionID string, opts ...RequestOption) (*ExecutionLog, error) {
	return oneInData[ExecutionLog](ctx, s.client, call{op: "Logs.Get", path: []string{executionID}}, opts)
}

// defaultLogLimit is the page size iterators use when the params give none.
const defaultLogLimit = 10

// ListIter iterates over the account-wide log from params.Skip on, one page of
// params.Limit (default 10) at a time, until the page Alloy reports as the
// last. It stops at the first error, which it yields; breaking out of the
// loop stops it without another request. params is copied: the caller's
// value is never changed.
//
//	for entry, err := range c.Logs.ListIter(ctx, alloy.LogListParams{Limit: 50}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(entry.ExecutionID(), entry.Message)
//	}
//
// From API version 2025-09 on.
func (s *LogsService) ListIter(ctx context.Context, params LogListParams, opts ...RequestOption) iter.Seq2[LogEntry, error] {
	p := params
	p.Filters = slices.Clone(params.Filters)
	opts = slices.Clone(opts)
	if p.Limit == 0 {
		p.Limit = defaultLogLimit
	}
	return pager.Seq(func() func() ([]LogEntry, bool, error) {
		p := p // each range over the iterator starts afresh
		return func() ([]LogEntry, bool, error) {
			page, err := s.List(ctx, p, opts...)
			if err != nil {
				return nil, false, err
			}
			step := p.Limit
			if page.Pagination.PageSize > 0 {
				step = page.Pagination.PageSize // Alloy may cap the page size
			}
			more := morePages(page.Pagination, p.Skip, step, len(page.Logs))
			p.Skip += step
			return page.Logs, more, nil
		}
	}, s.client.maxPages, func(pages int) error { return pageLimitError("logs", pages) })
}

// morePages decides whether a page at skip of size step is followed by
// another: from the totals Alloy reports, even when this page came back
// empty, and from a full page when it reports none.
func morePages(pg Pagination, skip, step, got int) bool {
	switch {
	case pg.TotalItems > 0:
		return skip+step < pg.TotalItems
	case pg.TotalPages > 0:
		return skip/step+1 < pg.TotalPages
	}
	return got >= step
}

// ListExecutionsIter iterates over a workflow's executions from params.Page (default
// the first) on, one page of params.Limit (default 30, the most Alloy
// allows) at a time, until a page comes back short: this endpoint reports no
// totals. Like All, it yields the first error and stops, makes no request
// after the caller breaks out, and never changes the caller's params.
func (s *LogsService) ListExecutionsIter(ctx context.Context, workflowID string, params WorkflowLogParams, opts ...RequestOption) iter.Seq2[Execution, error] {
	p := params
	opts = slices.Clone(opts)
	if p.Page == 0 {
		p.Page = 1
	}
	if p.Limit == 0 {
		p.Limit = maxWorkflowLogLimit
	}
	return pager.Seq(func() func() ([]Execution, bool, error) {
		p := p
		return func() ([]Execution, bool, error) {
			list, err := s.ListExecutions(ctx, workflowID, p, opts...)
			p.Page++
			return list, len(list) >= p.Limit, err
		}
	}, s.client.maxPages, func(pages int) error { return pageLimitError("workflow logs", pages) })
}

// pageLimitError ends an iterator that reached maxPages.
func pageLimitError(what string, pages int) error {
	return fmt.Errorf("alloy: %s: %w: stopped after %d pages", what, ErrTooManyPages, pages)
}

// decodeList reads a list that arrives bare or under one of keys.
func decodeList[T any](raw json.RawMessage, keys ...string) ([]T, error) {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []T
	if raw[0] == '[' {
		err := json.Unmarshal(raw, &list)
		return list, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if v, ok := obj[k]; ok {
			err := json.Unmarshal(v, &list)
			return list, err
		}
	}
	return nil, fmt.Errorf("no list under %s", strings.Join(keys, " or "))
}
