package main

import (
	"strconv"

	"github.com/spf13/cobra"
)

func (x *cli) analyticsCommand() *cobra.Command {
	usage := &cobra.Command{
		Use: "usage", Short: "the account's usage counters for the billing period", Args: none,
		Long:    "From API version 2025-09 on. A workflow's own totals are 'alloy workflows analytics <workflowId>'.",
		Example: examples("alloy analytics usage", "alloy analytics usage --json | jq .billingCycle"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := x.api()
			if err != nil {
				return err
			}
			u, err := c.Analytics.GetUsage(x.ctx)
			if err != nil {
				return err
			}
			return x.emit(u, func(t *table) {
				t.row("Period", u.StartDate+" to "+u.EndDate)
				t.row("Billing cycle", strconv.Itoa(u.BillingCycle)+" of "+strconv.Itoa(u.ExecutionsLimit))
				t.row("Last 7 days", strconv.Itoa(u.SevenDays))
				t.row("Last 30 days", strconv.Itoa(u.ThirtyDays))
				t.row("Last 3 months", strconv.Itoa(u.LastThreeMonths))
				t.row("App actions", strconv.Itoa(u.AppActions))
				t.row("API actions", strconv.Itoa(u.APIActions))
			})
		},
	}
	byTime := &cobra.Command{
		Use: "usage-by-time", Short: "the account's actions month by month", Args: none,
		Long:    "From API version 2025-09 on.",
		Example: examples("alloy analytics usage-by-time"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := x.api()
			if err != nil {
				return err
			}
			u, err := c.Analytics.GetUsageByTime(x.ctx)
			if err != nil {
				return err
			}
			return x.emit(u, func(t *table) {
				t.row("MONTH", "DATE", "APP ACTIONS", "API ACTIONS", "TOTAL")
				for _, m := range u.Months {
					t.row(m.Month, m.Date, strconv.Itoa(m.AppActions), strconv.Itoa(m.APIActions), strconv.Itoa(m.Count))
				}
			})
		},
	}
	return x.group("analytics", "the account's usage", "", usage, byTime)
}
