package alloy

import (
	"context"
)

// AnalyticsService reports your account's usage. A workflow's own totals
// are Workflows.Analytics.
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
