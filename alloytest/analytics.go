package alloytest

import (
	"net/http"
	"slices"
	"time"
)

// executionsLimit is the plan limit GET /analytics/usage reports.
const executionsLimit = 50000

// runStats returns a copy of the runs the analytics count, oldest first,
// and the API actions made.
func (st *store) runStats() ([]runStat, int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.runs), st.apiActions
}

// userRuns returns a user (id or username) and a copy of their runs,
// oldest first.
func (st *store) userRuns(userIDOrName string) (user, []runStat, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return user{}, nil, err
	}
	var out []runStat
	for _, r := range st.runs {
		if r.userID == u.ID {
			out = append(out, r)
		}
	}
	return *u, out, nil
}

// workflowAnalytics totals a workflow's executions across its users,
// including executions whose logs were deleted.
func (s *Server) workflowAnalytics(w http.ResponseWriter, _ *http.Request, _ *request, wf *WorkflowDef) {
	var out struct {
		TotalAppActions   int `json:"totalAppActions"`
		TotalWorkflowRuns int `json:"totalWorkflowRuns"`
		TotalErrors       int `json:"totalErrors"`
	}
	runs, _ := s.st.runStats()
	for _, r := range runs {
		if r.workflowID != wf.ID {
			continue
		}
		out.TotalWorkflowRuns++
		out.TotalAppActions += r.appActions
		if r.failed {
			out.TotalErrors++
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// usage reports the account's executions. The billing period is the
// current calendar month (UTC); appActions are the app actions of the
// executions in it, apiActions every passthrough call and connector action
// since the server started.
func (s *Server) usage(w http.ResponseWriter, _ *http.Request, _ *request) {
	now := time.Now().UTC()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	runs, apiActions := s.st.runStats()
	since := func(t time.Time) int {
		n := 0
		for _, r := range runs {
			if !r.at.Before(t) {
				n++
			}
		}
		return n
	}
	appActions := 0
	for _, r := range runs {
		if !r.at.Before(start) {
			appActions += r.appActions
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"startDate": start.Format(time.DateOnly), "endDate": start.AddDate(0, 1, -1).Format(time.DateOnly),
		"executionsLimit": executionsLimit,
		"sevenDays":       since(now.AddDate(0, 0, -7)), "thirtyDays": since(now.AddDate(0, 0, -30)),
		"lastThreeMonths": since(now.AddDate(0, -3, 0)), "billingCycle": since(start),
		"appActions": appActions, "apiActions": apiActions,
	}})
}

// usageByTime reports the app actions of the last twelve months' runs,
// month by month, oldest first (apiActions are not dated, so they count in
// the current month).
func (s *Server) usageByTime(w http.ResponseWriter, _ *http.Request, _ *request) {
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
	runs, apiActions := s.st.runStats()
	months := make([]map[string]any, 0, 12)
	total := 0
	for i := 0; i < 12; i++ {
		from := first.AddDate(0, i, 0)
		app, api := 0, 0
		for _, r := range runs {
			if !r.at.Before(from) && r.at.Before(from.AddDate(0, 1, 0)) {
				app += r.appActions
			}
		}
		if i == 11 {
			api = apiActions
		}
		total += app + api
		months = append(months, map[string]any{"month": from.Format("Jan-06"), "year": from.Year(), "date": from.Format(time.DateOnly),
			"appActions": app, "apiActions": api, "count": app + api})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"startDate": first.Format(time.DateOnly), "endDate": now.Format(time.DateOnly), "totalActions": total,
		"data": months, "timePeriod": "current-billing-cycle",
	}})
}

// usageByUser reports one user's app actions over the last twelve
// months, as get-detail-usage-user shows them: the user, the period's
// total, and one item for each month with actions, oldest first, dated by
// the month's last run. API actions are not attributed to users here (0).
func (s *Server) usageByUser(w http.ResponseWriter, r *http.Request, _ *request) {
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
	u, runs, err := s.st.userRuns(r.URL.Query().Get("userId"))
	if err != nil {
		writeFailure(w, err)
		return
	}
	months := []map[string]any{}
	total := 0
	for i := 0; i < 12; i++ {
		from := first.AddDate(0, i, 0)
		app, last := 0, time.Time{}
		for _, run := range runs {
			if !run.at.Before(from) && run.at.Before(from.AddDate(0, 1, 0)) {
				app += run.appActions
				last = run.at
			}
		}
		if last.IsZero() {
			continue
		}
		total += app
		months = append(months, map[string]any{"month": from.Format("Jan-06"), "userName": u.Username, "isDeleted": false,
			"date": last.Format(time.DateOnly), "userId": u.ID, "userCreatedDate": u.created.Format(time.DateOnly),
			"apiActions": 0, "count": app, "appActions": app})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"userName": u.Username, "userId": u.ID, "userCreatedDate": u.created.Format(timeFormat), "isDeleted": false,
		"startDate": first.Format(time.DateOnly), "endDate": now.Format(time.DateOnly), "totalActions": total,
		"data": months, "timePeriod": "current-billing-cycle",
	}})
}

// analyticsHandlers are this file's answers, by the contract's operationId.
func (s *Server) analyticsHandlers() map[string]handler {
	return map[string]handler{
		"Analytics.GetUsage":       s.usage,
		"Analytics.GetUsageByTime": s.usageByTime,
		"Analytics.GetUsageByUser": s.usageByUser,
	}
}
