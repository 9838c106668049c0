package alloytest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// execution is one recorded run of a user's workflow.
type execution struct {
	seq            uint64
	uuid           string // 21 characters: the executionId of workflow logs, the executionUuid elsewhere
	oid            string // ObjectId: the executionId of GET /logs entries, the _id of GET /logs/{id}
	entryID        string // the _id of its GET /logs entry
	wf             *WorkflowDef
	userID         string
	copyID         string // the user's workflow id
	version        int
	mode           string // manual (POST /run/workflow), trigger (POST /run/event) or retry (rerun)
	data           map[string]any
	errMsg         string // "" for a success
	start, stopped time.Time
}

// runStat is what analytics keep of an execution.
type runStat struct {
	at         time.Time
	workflowID string
	userID     string
	appActions int
	failed     bool
}

// appActions counts the steps of wf after its trigger: the actions a run
// takes in apps.
func appActions(wf *WorkflowDef) int { return max(len(wf.Steps)-1, 0) }

// ---- the store's logs

// executeLocked records the run e describes (wf, userID, copyID, version,
// mode, data) and counts it in the analytics. It fails, at its last step,
// when FailNextRun queued a failure for the workflow. Executions never
// change once recorded: the store hands out pointers to them.
func (st *store) executeLocked(e execution) *execution {
	now := time.Now().UTC().Truncate(time.Millisecond) // as the wire carries it
	e.seq, e.uuid, e.oid, e.entryID = st.nextSeqLocked(), st.rand.shortID(), st.rand.objectID(), st.rand.objectID()
	e.start, e.stopped = now, now.Add(time.Duration(len(e.wf.Steps))*time.Millisecond)
	if q := st.failures[e.wf.ID]; len(q) > 0 {
		e.errMsg, st.failures[e.wf.ID] = q[0], q[1:]
	}
	st.executions = append(st.executions, &e)
	st.runs = append(st.runs, runStat{at: now, workflowID: e.wf.ID, userID: e.userID, appActions: appActions(e.wf), failed: e.errMsg != ""})
	return &e
}

// deleteLogsLocked removes a user's executions; analytics keep counting
// them.
func (st *store) deleteLogsLocked(userID string) {
	st.executions = slices.DeleteFunc(st.executions, func(e *execution) bool { return e.userID == userID })
}

// executionLocked finds an execution by either of its ids.
func (st *store) executionLocked(id string) *execution {
	for _, e := range st.executions {
		if e.uuid == id || e.oid == id {
			return e
		}
	}
	return nil
}

// execution finds an execution by either of its ids, or nil.
func (st *store) execution(id string) *execution {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.executionLocked(id)
}

// executionsWhere returns the executions keep accepts, oldest first.
func (st *store) executionsWhere(keep func(*execution) bool) []*execution {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []*execution
	for _, e := range st.executions {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// executionsOf returns a workflow's executions, of one user (id or
// username) unless userIDOrName is "", newest first unless asc.
func (st *store) executionsOf(wf *WorkflowDef, userIDOrName string, asc bool) ([]*execution, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.optionalUserLocked(userIDOrName)
	if err != nil {
		return nil, err
	}
	var out []*execution
	for _, e := range st.executions {
		if e.wf == wf && (u == nil || e.userID == u.ID) {
			out = append(out, e)
		}
	}
	if !asc {
		slices.Reverse(out)
	}
	return out, nil
}

// rerun runs a past execution of wf again with its payload, as a "retry",
// when it is one of the user's (if userIDOrName names one): 404 otherwise.
// The user's copy need not still be installed.
func (st *store) rerun(wf *WorkflowDef, userIDOrName, executionID string) (*execution, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.optionalUserLocked(userIDOrName)
	if err != nil {
		return nil, err
	}
	old := st.executionLocked(executionID)
	if old == nil || old.wf != wf || (u != nil && old.userID != u.ID) {
		return nil, fail(http.StatusNotFound, "Execution not found")
	}
	return st.executeLocked(execution{wf: wf, userID: old.userID, copyID: old.copyID, version: old.version, mode: "retry", data: old.data}), nil
}

// deleteUserLogs deletes the logs of the user the path names, which the
// query's userId must name too (400 otherwise).
func (st *store) deleteUserLogs(pathUser, queryUser string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(pathUser)
	if err != nil {
		return err
	}
	if q, _ := st.userLocked(queryUser); q != u {
		return fail(http.StatusBadRequest, "userId in the query must name the user of the path")
	}
	st.deleteLogsLocked(u.ID)
	return nil
}

// logs returns the executions of the account-wide log that match a parent
// workflow ("" for any), a user (id or username; "" for any) and a message
// ("" for any), oldest first, with the users they name.
func (st *store) logs(workflowID, userIDOrName, message string) ([]*execution, map[string]user) {
	st.mu.Lock()
	defer st.mu.Unlock()
	userID := userIDOrName
	if u, _ := st.userLocked(userIDOrName); u != nil {
		userID = u.ID
	}
	var list []*execution
	who := map[string]user{}
	for _, e := range st.executions {
		if (workflowID == "" || e.wf.ID == workflowID) && (userID == "" || e.userID == userID) && (message == "" || e.message() == message) {
			list = append(list, e)
			if u := st.users[e.userID]; u != nil {
				who[u.ID] = *u
			}
		}
	}
	return list, who
}

const shortIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// shortID returns a 21-character random id like Alloy's execution ids.
func (r randSource) shortID() string { return r.randomID(21) }

// randomID returns n random letters and digits.
func (r randSource) randomID(n int) string {
	b := make([]byte, n)
	_, _ = r(b)
	for i := range b {
		b[i] = shortIDChars[int(b[i])%len(shortIDChars)]
	}
	return string(b)
}

// LoggedExecution is a run the server holds in its logs, as Executions reports
// it.
type LoggedExecution struct {
	ID         string // the executionId of the workflow logs (21 characters)
	WorkflowID string // the parent workflow
	UserID     string
	// Mode is how the run started: "manual" (POST /run/workflow),
	// "trigger" (POST /run/event) or "retry" (a rerun).
	Mode      string
	Data      map[string]any // the payload the run was given
	Error     string         // the failure's message; "" for a success
	StartedAt time.Time
}

// Executions returns a snapshot of the executions of a parent workflow the
// logs hold, oldest first; an empty workflowID gives every workflow's.
// Deleting a user's logs removes theirs.
func (s *Server) Executions(workflowID string) []LoggedExecution {
	var out []LoggedExecution
	for _, e := range s.st.executionsWhere(func(e *execution) bool { return workflowID == "" || e.wf.ID == workflowID }) {
		out = append(out, LoggedExecution{ID: e.uuid, WorkflowID: e.wf.ID, UserID: e.userID, Mode: e.mode,
			Data: cloneJSON(e.data), Error: e.errMsg, StartedAt: e.start})
	}
	return out
}

// FailNextRun makes the next execution of a parent workflow (run, event or
// rerun, for any user) fail at its last step with message; each call fails
// one more execution. The call that started the run still succeeds, as
// Alloy runs workflows after answering; the failure shows in the logs,
// the errors and the analytics.
func (s *Server) FailNextRun(workflowID, message string) {
	if message == "" {
		message = "Execution failed"
	}
	s.st.failNextRun(workflowID, message)
}

// failedStep is the step an execution failed at, or nil.
func (e *execution) failedStep() *StepDef {
	if e.errMsg == "" || len(e.wf.Steps) == 0 {
		return nil
	}
	return &e.wf.Steps[len(e.wf.Steps)-1]
}

// json renders an execution as GET /workflows/{id}/logs does: the
// trigger's result is the payload, the other steps answer a status. Step
// results name the step connectorId on 2025-09 and blockId before.
func (e *execution) json(version string) map[string]any {
	idKey := "blockId"
	if headerVersioned(version) {
		idKey = "connectorId"
	}
	results := make([]map[string]any, 0, len(e.wf.Steps))
	inputs := make([]map[string]any, 0, len(e.wf.Steps))
	for i, st := range e.wf.Steps {
		out := map[string]any{"status": "success"}
		switch {
		case &e.wf.Steps[i] == e.failedStep():
			out = map[string]any{"status": "error", "message": e.errMsg}
		case i == 0:
			out = e.data
		}
		at := e.start.Add(time.Duration(i) * time.Millisecond)
		results = append(results, map[string]any{
			"startedAt": at.Format(timeFormat), "stoppedAt": at.Add(time.Millisecond).Format(timeFormat),
			idKey: st.ID, "data": [][]map[string]any{{{"json": out}}},
		})
		inputs = append(inputs, map[string]any{"connectorId": st.ID, "data": map[string]any{}})
	}
	return map[string]any{
		"executionId": e.uuid, "startedAt": e.start.Format(timeFormat), "stoppedAt": e.stopped.Format(timeFormat),
		"finished": true, "results": results, "inputs": inputs,
	}
}

// intParam reads an integer query parameter that must lie in lo..hi (no
// upper bound when hi is 0), answering 400 itself when it does not.
func intParam(w http.ResponseWriter, q url.Values, name string, def, lo, hi int) (int, bool) {
	v := q.Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || (hi > 0 && n > hi) {
		msg := fmt.Sprintf("%s must be an integer of at least %d", name, lo)
		if hi > 0 {
			msg = fmt.Sprintf("%s must be an integer from %d to %d", name, lo, hi)
		}
		writeError(w, http.StatusBadRequest, msg)
		return 0, false
	}
	return n, true
}

// window returns the items from..from+limit of list that exist; any
// non-negative from and limit are safe, however large.
func window[T any](list []T, from, limit int) []T {
	from = min(from, len(list))
	return list[from : from+min(limit, len(list)-from)]
}

// workflowLogs pages a workflow's executions: page is 1-based, limit
// defaults to 10 and may not pass 30; newest first unless order=asc.
func (s *Server) workflowLogs(w http.ResponseWriter, r *http.Request, req *request, wf *WorkflowDef) {
	q := r.URL.Query()
	if !s.checkOptionalUser(w, r) {
		return
	}
	page, ok := intParam(w, q, "page", 1, 1, 0)
	if !ok {
		return
	}
	limit, ok := intParam(w, q, "limit", 10, 1, 30)
	if !ok {
		return
	}
	list, err := s.st.executionsOf(wf, q.Get("userId"), strings.EqualFold(q.Get("order"), "asc"))
	if err != nil {
		writeFailure(w, err)
		return
	}
	out := []map[string]any{}
	for _, e := range window(list, min(page-1, len(list))*limit, limit) {
		out = append(out, e.json(req.version))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// workflowErrors lists the failed executions of a workflow, newest first;
// block is the id of the step that failed.
func (s *Server) workflowErrors(w http.ResponseWriter, r *http.Request, _ *request, wf *WorkflowDef) {
	list, err := s.st.executionsOf(wf, r.URL.Query().Get("userId"), false)
	if err != nil {
		writeFailure(w, err)
		return
	}
	out := []map[string]any{}
	for _, e := range list {
		if e.errMsg == "" {
			continue
		}
		block := ""
		if st := e.failedStep(); st != nil {
			block = st.ID
		}
		out = append(out, map[string]any{"message": e.errMsg, "timestamp": e.stopped.Format(timeFormat), "block": block, "workflowId": wf.ID})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// rerun runs a past execution of the workflow again with its payload, as a
// "retry". The user's copy need not still be installed.
func (s *Server) rerun(w http.ResponseWriter, r *http.Request, req *request, wf *WorkflowDef) {
	e, err := s.st.rerun(wf, r.URL.Query().Get("userId"), req.params["executionId"])
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Rerun started", "executionUuid": e.uuid})
}

// deleteUserLogs deletes the logs of the user the path names, which the
// query's userId (required, as delete-logs-for-a-user declares it) must
// name too.
func (s *Server) deleteUserLogs(w http.ResponseWriter, r *http.Request, req *request) {
	if err := s.st.deleteUserLogs(req.params["userId"], r.URL.Query().Get("userId")); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Success"})
}

// message is an execution's message in the account-wide log.
func (e *execution) message() string {
	if e.errMsg != "" {
		return "executionError"
	}
	return "executionSuccess"
}

// entryJSON renders an execution of user u (nil when deleted) as an
// entry of GET /logs.
func (s *Server) entryJSON(e *execution, u *user) map[string]any {
	in := s.integrationOf(e.wf)
	who := map[string]string{}
	if u != nil {
		who["email"], who["fullName"] = u.Username, u.FullName
	}
	return map[string]any{
		"_id": e.entryID, "message": e.message(),
		"data":      map[string]string{"executionId": e.oid, "executionUuid": e.uuid},
		"startedAt": e.start.Format(timeFormat), "completedAt": e.stopped.Format(timeFormat), "createdAt": e.stopped.Format(timeFormat),
		"customVersion": false, "workflowVersion": e.version, "teamId": s.teamID,
		"forgeWorkflowId": e.wf.ID, "workflowId": e.copyID, "userId": e.userID, "user": who,
		"forgeWorkflow": map[string]any{"name": e.wf.Name, "integrationId": map[string]string{"_id": in.ID, "name": in.App, "blockId": triggerOf(e.wf), "icon": in.Icon}},
	}
}

// triggerOf is the id of a workflow's first step, its trigger: what the fake
// gives as the blockId of a log entry's integration (get-logs shows one,
// e.g. "MuK2Kk9lu0v8N86brS3x", without saying what it names).
func triggerOf(wf *WorkflowDef) string {
	if len(wf.Steps) == 0 {
		return ""
	}
	return wf.Steps[0].ID
}

// logOrder compares executions by each sortBy value GET /logs accepts.
var logOrder = map[string]func(a, b *execution) int{
	"createdAt":   func(a, b *execution) int { return a.stopped.Compare(b.stopped) },
	"completedAt": func(a, b *execution) int { return a.stopped.Compare(b.stopped) },
	"message":     func(a, b *execution) int { return strings.Compare(a.message(), b.message()) },
	"userId":      func(a, b *execution) int { return strings.Compare(a.userID, b.userID) },
}

// listLogs serves the account-wide log: filtered by workflowId (the parent
// workflow), associatedUserId (id or username) and the filters whose
// column is "message" and operator "equals" (the others are ignored);
// sorted by sortBy (default createdAt), newest first unless sortOrder=asc;
// paged by skip and limit (default 10).
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request, _ *request) {
	q := r.URL.Query()
	skip, ok := intParam(w, q, "skip", 0, 0, 0)
	if !ok {
		return
	}
	limit, ok := intParam(w, q, "limit", 10, 1, 0)
	if !ok {
		return
	}
	sortBy := cmp.Or(q.Get("sortBy"), "createdAt")
	by := logOrder[sortBy]
	if by == nil {
		writeError(w, http.StatusBadRequest, "sortBy must be one of createdAt, completedAt, message, userId")
		return
	}
	message, ok := messageFilter(w, q.Get("filters"))
	if !ok {
		return
	}
	desc := !strings.EqualFold(q.Get("sortOrder"), "asc")
	list, who := s.st.logs(q.Get("workflowId"), q.Get("associatedUserId"), message)
	slices.SortStableFunc(list, func(a, b *execution) int {
		c := cmp.Or(by(a, b), cmp.Compare(a.seq, b.seq))
		if desc {
			return -c
		}
		return c
	})
	out := []map[string]any{}
	for _, e := range window(list, skip, limit) {
		var u *user
		if known, ok := who[e.userID]; ok {
			u = &known
		}
		out = append(out, s.entryJSON(e, u))
	}
	pages := len(list) / limit
	if len(list)%limit != 0 {
		pages++
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"notifications": out, "lastFetched": time.Now().UTC().Format(timeFormat),
		"pagination": map[string]int{"totalItems": len(list), "totalPages": pages, "currentPage": skip/limit + 1, "pageSize": limit},
	})
}

// messageFilter reads GET /logs' filters and returns the value of the last
// one with column "message" and operator "equals", answering 400 itself
// when filters is not the JSON array Alloy expects.
func messageFilter(w http.ResponseWriter, filters string) (string, bool) {
	if filters == "" {
		return "", true
	}
	type value struct {
		Value string `json:"value"`
	}
	var fs []struct {
		Columns   value `json:"columns"`
		Operators value `json:"operators"`
		UserInput value `json:"userinput"`
	}
	if err := json.Unmarshal([]byte(filters), &fs); err != nil {
		writeError(w, http.StatusBadRequest, "filters must be a JSON array of {columns, operators, userinput, condition}")
		return "", false
	}
	message := ""
	for _, f := range fs {
		if f.Columns.Value == "message" && f.Operators.Value == "equals" {
			message = f.UserInput.Value
		}
	}
	return message, true
}

// getLog serves one execution by either of its ids.
func (s *Server) getLog(w http.ResponseWriter, _ *http.Request, req *request) {
	e := s.st.execution(req.params["id"])
	if e == nil {
		writeError(w, http.StatusNotFound, "Execution not found")
		return
	}
	out := map[string]any{
		"_id": e.oid, "executionMode": e.mode, "executionUuid": e.uuid,
		"workflowId": e.copyID, "forgeWorkflowId": e.wf.ID, "userId": e.userID,
		"startedAt": e.start.Format(timeFormat), "stoppedAt": e.stopped.Format(timeFormat),
		"finished": true, "status": "success", "data": e.data,
	}
	if e.errMsg != "" {
		out["status"], out["error"] = "error", e.errMsg
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// logHandlers are this file's answers, by the contract's operationId.
func (s *Server) logHandlers() map[string]handler {
	return map[string]handler{
		"Logs.ListExecutions": s.forWorkflow(s.workflowLogs),
		"Logs.ListErrors":     s.forWorkflow(s.workflowErrors),
		"Logs.Rerun":          s.forWorkflow(s.rerun),
		"Logs.List":           s.listLogs,
		"Logs.Get":            s.getLog,
	}
}
