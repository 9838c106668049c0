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
