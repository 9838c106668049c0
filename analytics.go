package alloy

import (
	"context"
)

// AnalyticsService reports your account's usage. A workflow's own totals
// are Workflows.GetAnalytics.
type AnalyticsService service

// Usage is the account's execution counts against its plan.
type Usage struct {
	StartDate       string `json:"startDate"` // billing period, YYYY-MM-DD
	EndDate         string `json:"endDate"`
	ExecutionsLimit int    `json:"executionsLimit"`
	SevenDays       int    `json:"sevenDays"`
	ThirtyDays      int    `json:"thirtyDays"`
	LastThreeMonths int    `json:"lastThreeMonths"`
	BillingCycle    int    `json:"billingCycle"` // executions in the current billing period
	AppActions      int    `json:"appActions"`
	APIActions      int    `json:"apiActions"`
}

// GetUsage returns the account's usage counters. GET /analytics/usage
//
// From API version 2025-09 on.
func (s *AnalyticsService) GetUsage(ctx context.Context, opts ...RequestOption) (*Usage, error) {
	return oneInData[Usage](ctx, s.client, call{op: "Analytics.GetUsage"}, opts)
}

// UsageByTime is the account's actions month by month.
type UsageByTime struct {
	StartDate    string       `json:"startDate"` // the period, YYYY-MM-DD
	EndDate      string       `json:"endDate"`
	TotalActions int          `json:"totalActions"`
	Months       []UsageMonth `json:"data"`
	TimePeriod   string       `json:"timePeriod"` // e.g. "current-billing-cycle"
}

// UsageMonth is one month of UsageByTime.
type UsageMonth struct {
	Month      string `json:"month"` // e.g. "Jan-24"
	Year       int    `json:"year"`
	Date       string `json:"date"` // YYYY-MM-DD
	AppActions int    `json:"appActions"`
	APIActions int    `json:"apiActions"`
	Count      int    `json:"count"` // app and API actions
}

// GetUsageByTime returns the account's actions month by month.
// GET /analytics/detail-usage-time
//
// From API version 2025-09 on.
func (s *AnalyticsService) GetUsageByTime(ctx context.Context, opts ...RequestOption) (*UsageByTime, error) {
	return oneInData[UsageByTime](ctx, s.client, call{op: "Analytics.GetUsageByTime"}, opts)
}

// UsageByUser is one user's actions month by month, from GetUsageByUser.
type UsageByUser struct {
	UserName string `json:"userName"` // the user's username
	UserID   string `json:"userId"`
	// UserCreatedDate is when the user was created; zero when absent or
	// unparsable.
	UserCreatedDate Timestamp        `json:"userCreatedDate"`
	IsDeleted       bool             `json:"isDeleted"`
	StartDate       string           `json:"startDate"` // the period, YYYY-MM-DD
	EndDate         string           `json:"endDate"`
	TotalActions    int              `json:"totalActions"`
	Months          []UserUsageMonth `json:"data"`       // the months with actions
	TimePeriod      string           `json:"timePeriod"` // e.g. "current-billing-cycle"
}

// UserUsageMonth is one month of UsageByUser.
type UserUsageMonth struct {
	Month     string `json:"month"` // e.g. "Mar-24"
	Date      string `json:"date"`  // YYYY-MM-DD
	UserName  string `json:"userName"`
	UserID    string `json:"userId"`
	IsDeleted bool   `json:"isDeleted"`
	// UserCreatedDate is the user's creation date, YYYY-MM-DD (the page
	// gives a date here, a date-time at the top).
	UserCreatedDate string `json:"userCreatedDate"`
	AppActions      int    `json:"appActions"`
	APIActions      int    `json:"apiActions"`
	Count           int    `json:"count"` // app and API actions
}

// GetUsageByUser returns one user's actions month by month.
// GET /analytics/detail-usage-user?userId=
//
// From API version 2025-09 on.
func (s *AnalyticsService) GetUsageByUser(ctx context.Context, userID string, opts ...RequestOption) (*UsageByUser, error) {
	return oneInData[UsageByUser](ctx, s.client, call{op: "Analytics.GetUsageByUser", params: []param{required("userId", userID)}}, opts)
}
