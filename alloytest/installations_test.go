package alloytest_test

import (
	"context"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var bigcommerceData = map[string]any{"storeHash": "h", "accessToken": "a"}

// bigcommerceForm is the default seed's form for the BigCommerce integration.
var bigcommerceForm = []alloy.InstallationStep{{
	WorkflowID: paidOrderWorkflow, App: "netsuite", BlockID: netsuiteStep,
	Fields: []alloy.FormField{
		{Name: "subsidiary", DisplayName: "Subsidiary", Type: "string", Required: true},
		{Name: "syncMode", DisplayName: "Sync mode", Type: "string"}, // its options are not served: no page shows them
	},
}}

// credentials gives a user a bigcommerce and a netsuite credential.
func credentials(t *testing.T, c *alloy.Client, userID string) (bigcommerce, netsuite string) {
	t.Helper()
	ctx := context.Background()
	bc, err := c.Credentials.Create(ctx, userID, alloy.CredentialCreateParams{Type: "bigcommerce", Data: bigcommerceData})
	require.NoError(t, err)
	ns, err := c.Credentials.Create(ctx, userID, alloy.CredentialCreateParams{Type: "netsuite", Data: netsuiteData})
	require.NoError(t, err)
	return bc.ID, ns.ID
}

func TestHeadlessInstallation(t *testing.T) {
	for _, version := range []string{"2025-09", "2024-03"} {
		t.Run(version, func(t *testing.T) {
			_, c, u := setup(t, version)
			ctx := context.Background()
			start := alloy.InstallationStartParams{UserID: u.ID, IntegrationID: bigcommerceIntegration}
			_, err := c.Installations.Start(ctx, start)
			var apiErr *alloy.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "The integration needs a bigcommerce credential: create one for the user first", apiErr.Message)
			bcID, nsID := credentials(t, c, u.ID)

			form, err := c.Installations.Start(ctx, start)
			require.NoError(t, err)
			assert.Len(t, form.InstallationID, 24)
			assert.Equal(t, bigcommerceForm, form.Steps)

			missing := alloy.InstallationCompleteParams{InstallationID: form.InstallationID, Steps: []alloy.InstallationStepAnswer{{WorkflowID: paidOrderWorkflow, BlockID: netsuiteStep}}}
			err = c.Installations.Complete(ctx, missing)
			require.ErrorAs(t, err, &apiErr)
			assert.ErrorIs(t, err, alloy.ErrBadRequest)
			assert.Equal(t, "subsidiary is required", apiErr.Message)
			wrongOption := alloy.InstallationCompleteParams{InstallationID: form.InstallationID, Steps: []alloy.InstallationStepAnswer{{WorkflowID: paidOrderWorkflow, BlockID: netsuiteStep,
				Fields: []alloy.FieldAnswer{{Name: "subsidiary", Value: "US"}, {Name: "syncMode", Value: "merge"}}}}}
			err = c.Installations.Complete(ctx, wrongOption)
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, `syncMode: "merge" is not one of its options (create, upsert)`, apiErr.Message)
			got, err := c.Workflows.Get(ctx, u.ID, paidOrderWorkflow)
			require.NoError(t, err)
			assert.False(t, got.Installed, "a refused completion installs nothing")

			answers, err := form.Answers(map[string]any{"subsidiary": "US", "syncMode": "upsert"})
			require.NoError(t, err)
			require.NoError(t, c.Installations.Complete(ctx, answers))
			got, err = c.Workflows.Get(ctx, u.ID, paidOrderWorkflow)
			require.NoError(t, err)
			assert.True(t, got.Installed)
			assert.True(t, got.Active)
			assert.Equal(t, 4, *got.InstalledVersion, "the latest version")
			err = c.Installations.Complete(ctx, answers)
			assert.ErrorIs(t, err, alloy.ErrConflict, "completed already")
			err = c.Installations.Complete(ctx, alloy.InstallationCompleteParams{InstallationID: "nope", Steps: answers.Steps})
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			list, err := c.Installations.List(ctx)
			if version != "2025-09" {
				assert.ErrorIs(t, err, alloy.ErrUnsupportedVersion)
				return
			}
			require.NoError(t, err)
			require.Len(t, list, 1)
			in := list[0]
			assert.Equal(t, form.InstallationID, in.ID)
			assert.Equal(t, bigcommerceIntegration, in.IntegrationID)
			assert.Equal(t, u.ID, in.UserID)
			assert.Equal(t, map[string]string{"bigcommerce": bcID, "netsuite": nsID}, in.CredentialIDs)
			assert.Equal(t, []string{paidOrderWorkflow}, in.WorkflowIDs)
			assert.Equal(t, bigcommerceForm, in.FormData)
			assert.WithinDuration(t, time.Now(), in.InstalledAt.Time, 5*time.Second)
			assert.True(t, in.Enabled)
			one, err := c.Installations.Get(ctx, in.ID)
			require.NoError(t, err)
			assert.Equal(t, in, *one)
			_, err = c.Installations.Get(ctx, "nope")
			assert.ErrorIs(t, err, alloy.ErrNotFound)

			require.NoError(t, c.Workflows.DeactivateAll(ctx, u.ID))
			one, err = c.Installations.Get(ctx, in.ID)
			require.NoError(t, err)
			assert.False(t, one.Enabled, "no workflow of it is active")

			ns2, err := c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: "netsuite", Data: netsuiteData})
			require.NoError(t, err)
			edited, err := c.Installations.Edit(ctx, alloy.InstallationEditParams{UserID: u.ID, IntegrationID: bigcommerceIntegration, CredentialIDs: []string{ns2.ID}})
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"bigcommerce": bcID, "netsuite": ns2.ID}, edited.CredentialIDs)
			assert.Equal(t, in.ID, edited.ID)
			assert.False(t, edited.Enabled, "edit-installation's record has no enabled")
			require.Len(t, edited.InstalledData, 1)
			assert.JSONEq(t, `{"workflowId":"`+paidOrderWorkflow+`","blockId":"`+netsuiteStep+`","fields":[{"name":"subsidiary","value":"US"},{"name":"syncMode","value":"upsert"}]}`,
				string(edited.InstalledData[0]), "installedData holds the answers the installation was completed with")
			one, err = c.Installations.Get(ctx, in.ID)
			require.NoError(t, err)
			assert.Equal(t, edited.CredentialIDs, one.CredentialIDs, "kept")
			byID, err := c.Installations.Edit(ctx, alloy.InstallationEditParams{UserID: "ops@northwind.example", IntegrationID: "BigCommerce", InstallationID: in.ID})
			require.NoError(t, err)
			assert.Equal(t, edited.CredentialIDs, byID.CredentialIDs, "no credentialIds changes nothing")
			_, err = c.Installations.Edit(ctx, alloy.InstallationEditParams{UserID: u.ID, IntegrationID: bigcommerceIntegration, InstallationID: "nope"})
			assert.ErrorIs(t, err, alloy.ErrNotFound)
			_, err = c.Installations.Edit(ctx, alloy.InstallationEditParams{UserID: u.ID, IntegrationID: "6712ab34cd56ef7890a1b2c4"})
			assert.ErrorIs(t, err, alloy.ErrNotFound, "not installed")

			_, err = c.Installations.Start(ctx, start)
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "The user has 2 netsuite credentials: choose one with credentialIds", apiErr.Message)
			start.CredentialIDs = []string{nsID}
			_, err = c.Installations.Start(ctx, start)
			require.NoError(t, err)
			list, err = c.Installations.List(ctx)
			require.NoError(t, err)
			assert.Len(t, list, 1, "pending installations are not listed")
		})
	}
}

func TestInstallationOfWorkflowsWithoutFields(t *testing.T) {
	integrations := []alloytest.IntegrationDef{{ID: "int-1", App: "Acme", Workflows: []alloytest.WorkflowDef{
		{ID: "wf-1", Name: "One", Version: 3, Steps: []alloytest.StepDef{{ID: "s1", Connector: "acmeTrigger"}, {ID: "s2", Connector: "acme"}}},
		{ID: "wf-2", Name: "Two", Version: 1},
		{ID: "wf-3", Name: "Three", Version: 2, Steps: []alloytest.StepDef{{ID: "s3", Connector: "acme",
			Fields: []alloytest.FieldDef{{Name: "n", DisplayName: "N", Options: []alloytest.FieldOptionDef{{DisplayName: "Forty-two", Value: "42"}}}}}}},
	}}}
	_, c, u := setup(t, "2025-09", alloytest.WithIntegrations(integrations))
	integrations[0].Workflows[2].Steps[0].Fields[0].Options[0].Value = "changed" // the server keeps a copy
	ctx := context.Background()

	form, err := c.Installations.Start(ctx, alloy.InstallationStartParams{UserID: u.ID, IntegrationID: "int-1", WorkflowIDs: []string{"wf-1", "wf-3"}})
	require.NoError(t, err, "an integration that needs no credentials")
	assert.Equal(t, []alloy.InstallationStep{
		{WorkflowID: "wf-1", App: "acmeTrigger", BlockID: "s1", Fields: []alloy.FormField{}},
		{WorkflowID: "wf-3", App: "acme", BlockID: "s3", Fields: []alloy.FormField{{Name: "n", DisplayName: "N", Type: "string"}}},
	}, form.Steps, "a workflow without fields is listed by its first step")
	answers, err := form.Answers(map[string]any{"n": 42})
	require.NoError(t, err)
	require.NoError(t, c.Installations.Complete(ctx, answers), "a number matches its JSON form")

	list, err := c.Workflows.List(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, true}, []bool{list[0].Installed, list[1].Installed, list[2].Installed}, "only the chosen workflows")
	all, err := c.Installations.List(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, map[string]string{}, all[0].CredentialIDs)
}

func TestInstallationsRaw(t *testing.T) {
	srv := newServer(t, alloytest.WithAPIKey("k"))
	c := srv.Client()
	u, err := c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "u"})
	require.NoError(t, err)
	credentials(t, c, u.ID)
	form, err := c.Installations.Start(context.Background(), alloy.InstallationStartParams{UserID: "u", IntegrationID: bigcommerceIntegration})
	require.NoError(t, err)
	id := `"installationId":"` + form.InstallationID + `"`
	step := `"workflowId":"` + paidOrderWorkflow + `","blockId":"` + netsuiteStep + `"`
	for _, tc := range []struct {
		name, path, body string
		status           int
		contains         string
	}{
		{"start without user", "/headless/startInstallation", `{"integrationId":"x"}`, 400, `at /userId: property \"userId\" is missing`},
		{"start without integration", "/headless/startInstallation", `{"userId":"u"}`, 400, `at /integrationId: property \"integrationId\" is missing`},
		{"start unknown user", "/headless/startInstallation", `{"userId":"ghost","integrationId":"` + bigcommerceIntegration + `"}`, 404, "User not found"},
		{"start unknown integration", "/headless/startInstallation", `{"userId":"u","integrationId":"nope"}`, 404, "Integration not found"},
		{"start foreign workflow", "/headless/startInstallation", `{"userId":"u","integrationId":"` + bigcommerceIntegration + `","workflowIds":["` + newCustomerWorkflow + `"]}`, 400, "is not part of integration"},
		{"start unknown credential", "/headless/startInstallation", `{"userId":"u","integrationId":"` + bigcommerceIntegration + `","credentialIds":["nope"]}`, 404, `Credential \"nope\" not found for this user`},
		{"start on 2023-12", "/2023-12/headless/startInstallation", `{}`, 404, "Route not found"},
		{"complete on 2023-12", "/2023-12/headless/completeInstallation", `{}`, 404, "Route not found"},
		{"edit on 2024-03", "/2024-03/headless/editInstallation", `{}`, 404, "Route not found"},
		{"complete without id", "/headless/completeInstallation", `{"data":[]}`, 400, `at /installationId: property \"installationId\" is missing`},
		{"complete unknown block", "/headless/completeInstallation", `{` + id + `,"data":[{"workflowId":"w","blockId":"b","fields":[]}]}`, 400, `data[0]: block \"b\" of workflow \"w\" is not in the installation's form; subsidiary is required`},
		{"complete unknown field", "/headless/completeInstallation", `{` + id + `,"data":[{` + step + `,"fields":[{"name":"subsidiary","value":"US"},{"name":"x","value":"1"}]}]}`, 400, `x is not a field of block`},
		{"complete object value", "/headless/completeInstallation", `{` + id + `,"data":[{` + step + `,"fields":[{"name":"subsidiary","value":{"a":1}}]}]}`, 400, `at /data/0/fields/0/value: doesn't match any schema from \"anyOf\"`},
		{"complete empty required", "/headless/completeInstallation", `{` + id + `,"data":[{` + step + `,"fields":[{"name":"subsidiary","value":""}]}]}`, 400, "subsidiary is required"},
		{"complete", "/headless/completeInstallation", `{` + id + `,"data":[{` + step + `,"fields":[{"name":"subsidiary","value":"US"},{"name":"syncMode","value":""}]}]}`, 200, `{"message":"Installation completed successfully"}`},
		{"edit without integration", "/headless/editInstallation", `{"userId":"u"}`, 400, `at /integrationId: property \"integrationId\" is missing`},
		{"edit", "/headless/editInstallation", `{"userId":"u","integrationId":"` + bigcommerceIntegration + `"}`, 200, `"installedData":[{` + `"blockId":"` + netsuiteStep + `","fields":[{"name":"subsidiary","value":"US"}],"workflowId":"` + paidOrderWorkflow + `"}]`},
	} {
		status, body := raw(t, srv, "POST", tc.path, "Bearer k", "", tc.body)
		assert.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		assert.Contains(t, body, tc.contains, tc.name)
	}
	for path, want := range map[string]int{"/installations": 200, "/2024-03/installations": 404, "/installations/" + form.InstallationID: 200, "/2024-03/installations/" + form.InstallationID: 404} {
		status, body := raw(t, srv, "GET", path, "Bearer k", "", "")
		assert.Equal(t, want, status, "%s: %s", path, body)
	}
	_, body := raw(t, srv, "GET", "/installations/"+form.InstallationID, "Bearer k", "", "")
	assert.Contains(t, body, `{"displayName":"Subsidiary","name":"subsidiary","required":true,"type":"string"}`, "the form, as the list page shows it")
	assert.NotContains(t, body, `"value"`, "no page shows a form field's answer")
}

func TestDeletingAUserDeletesTheirInstallations(t *testing.T) {
	_, c, u := setup(t, "2025-09")
	ctx := context.Background()
	credentials(t, c, u.ID)
	start := alloy.InstallationStartParams{UserID: u.ID, IntegrationID: bigcommerceIntegration}
	done, err := c.Installations.Start(ctx, start)
	require.NoError(t, err)
	answers, err := done.Answers(map[string]any{"subsidiary": "US"})
	require.NoError(t, err)
	require.NoError(t, c.Installations.Complete(ctx, answers))
	pending, err := c.Installations.Start(ctx, start)
	require.NoError(t, err)

	require.NoError(t, c.Users.Delete(ctx, u.ID))
	list, err := c.Installations.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, list)
	answers.InstallationID = pending.InstallationID
	assert.ErrorIs(t, c.Installations.Complete(ctx, answers), alloy.ErrNotFound)
}
