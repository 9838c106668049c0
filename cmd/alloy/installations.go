package main

import (
	"fmt"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/spf13/cobra"
)

func (x *cli) installationsCommand() *cobra.Command {
	list := &cobra.Command{
		Use: "list", Short: "list every installation in the account", Args: none,
		Long:    "From API version 2025-09 on.",
		Example: examples("alloy installations list"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := x.api()
			if err != nil {
				return err
			}
			list, err := c.Installations.List(x.ctx)
			if err != nil {
				return err
			}
			return x.emit(list, func(t *table) {
				t.row("ID", "INTEGRATION", "USER", "ENABLED", "WORKFLOWS", "INSTALLED")
				for _, in := range list {
					t.row(in.ID, in.IntegrationID, in.UserID, yesNo(in.Enabled), fmt.Sprint(len(in.WorkflowIDs)), when(in.InstalledAt.Time))
				}
			})
		},
	}

	get := &cobra.Command{
		Use: "get <installationId>", Short: "show one installation", Args: one("<installationId>"),
		Example: examples(`alloy installations get "$INSTALLATION"`),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := x.api()
			if err != nil {
				return err
			}
			in, err := c.Installations.Get(x.ctx, args[0])
			if err != nil {
				return err
			}
			return x.emit(in, func(t *table) { installationTable(t, in) })
		},
	}

	start := &cobra.Command{
		Use: "start --user U --integration ID [--credential ID ...] [--workflow ID ...]", Short: "start a headless installation: print the form to fill in",
		Args: none,
		Long: `
Starts installing an integration for a user without Alloy's frontend modal,
and prints the form the user must fill in: its installation id, and per
workflow block the fields to answer. Send the answers with 'alloy
installations complete'.`,
		Example: examples("alloy installations start --user ops@northwind.example --integration 6712ab34cd56ef7890a1b2c3"),
	}
	startUser := userFlag(start)
	startIntegration := start.Flags().String("integration", "", "the integration `id` (required)")
	startCreds := start.Flags().StringSlice("credential", nil, "a credential `id` to use, when the user has several for an app; repeat or comma-separate")
	startWorkflows := start.Flags().StringSlice("workflow", nil, "install only this workflow `id`; repeat or comma-separate")
	start.RunE = func(cmd *cobra.Command, _ []string) error {
		if *startUser == "" || *startIntegration == "" {
			return usagef("--user and --integration are required")
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		form, err := c.Installations.Start(x.ctx, alloy.InstallationStartParams{UserID: *startUser, IntegrationID: *startIntegration,
			CredentialIDs: *startCreds, WorkflowIDs: *startWorkflows})
		if err != nil {
			return err
		}
		return x.emit(form, func(t *table) {
			t.row("Installation", form.InstallationID)
			t.blank()
			t.row("WORKFLOW", "APP", "BLOCK", "FIELD", "TYPE", "REQUIRED")
			for _, s := range form.Steps {
				for _, f := range s.Fields {
					t.row(s.WorkflowID, s.App, s.BlockID, f.Name, f.Type, yesNo(f.Required))
				}
			}
		})
	}

	complete := &cobra.Command{
		Use: "complete <installationId> --data JSON", Short: "finish a headless installation with the form's answers", Args: one("<installationId>"),
		Long: `
Sends the answers to the form 'alloy installations start' printed: a JSON
array with one object per block, {"workflowId", "blockId", "fields":
[{"name", "value"}]} (--data as text, @file or - for stdin).`,
		Example: examples(`alloy installations complete "$INSTALLATION" --data @cmd/alloy/testdata/answers.json`),
	}
	completeData := complete.Flags().String("data", "", "the answers, a JSON `array`: text, @file or - (stdin) (required)")
	complete.RunE = func(cmd *cobra.Command, args []string) error {
		var steps []alloy.InstallationStepAnswer
		if err := x.readJSON(*completeData, "--data", &steps); err != nil {
			return err
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		if err := c.Installations.Complete(x.ctx, alloy.InstallationCompleteParams{InstallationID: args[0], Steps: steps}); err != nil {
			return err
		}
		return x.done(map[string]any{"installationId": args[0], "completed": true}, "Completed installation %s.", args[0])
	}

	edit := &cobra.Command{
		Use: "edit [<installationId>] --user U --integration ID [--credential ID ...]", Short: "change the credentials an installation uses",
		Args:    args(nil, "<installationId>"),
		Example: examples("alloy installations edit --user ops@northwind.example --integration 6712ab34cd56ef7890a1b2c3 --credential \"$CRED\""),
	}
	editUser := userFlag(edit)
	editIntegration := edit.Flags().String("integration", "", "the integration `id` (required)")
	editCreds := edit.Flags().StringSlice("credential", nil, "a credential `id` to use; repeat or comma-separate")
	edit.RunE = func(cmd *cobra.Command, args []string) error {
		if *editUser == "" || *editIntegration == "" {
			return usagef("--user and --integration are required")
		}
		params := alloy.InstallationEditParams{UserID: *editUser, IntegrationID: *editIntegration, CredentialIDs: *editCreds}
		if len(args) == 1 {
			params.InstallationID = args[0]
		}
		c, err := x.api()
		if err != nil {
			return err
		}
		in, err := c.Installations.Edit(x.ctx, params)
		if err != nil {
			return err
		}
		return x.emit(in, func(t *table) { installationTable(t, in) })
	}

	return x.group("installations", "install integrations for users headlessly, and list installations", `
Installations of integrations. 'start' and 'complete' install one for a user
without Alloy's frontend modal ("headless").`, list, get, start, complete, edit)
}

func installationTable(t *table, in *alloy.Installation) {
	t.row("ID", in.ID)
	t.row("Integration", in.IntegrationID)
	t.row("User", in.UserID)
	t.row("Enabled", yesNo(in.Enabled))
	t.row("Installed", when(in.InstalledAt.Time))
	t.row("Workflows", strings.Join(in.WorkflowIDs, ", "))
	for _, k := range sortedKeys(in.CredentialIDs) {
		t.row("Credential", k+" "+in.CredentialIDs[k])
	}
}
