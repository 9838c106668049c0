package alloy

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func startedForm() *InstallationForm {
	return &InstallationForm{
		InstallationID: "6733ef01aa23bc45de67f890",
		Steps: []InstallationStep{{
			WorkflowID: "6712ab3acd56ef7890a1b2d9", App: "netsuite", BlockID: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
			Fields: []FormField{
				{Name: "subsidiary", DisplayName: "Subsidiary", Type: "string", Required: true},
				{Name: "syncMode", DisplayName: "Sync mode", Type: "string"},
			},
		}},
	}
}

func TestInstallationsRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	installed := Installation{
		ID: "6733ef01aa23bc45de67f890", IntegrationID: "6712ab34cd56ef7890a1b2c3", UserID: "65f1c2a9d4e8b71a2c3d4e5f",
		CredentialIDs: map[string]string{"bigcommerceApi": "6720cd11ef22a033b4c5d6e7", "netsuiteApi": "6720cd5aef22a033b4c5d6f1"},
		WorkflowIDs:   []string{"6712ab3acd56ef7890a1b2d9"},
		InstalledAt:   Timestamp{time.Date(2025, 3, 4, 8, 20, 33, 117e6, time.UTC)}, Enabled: true,
	}
	runAPICases(t, []apiCase{
		{
			name: "Start", op: "Installations.Start",
			response: readFixture(t, "installation_start.json"),
			wantBody: `{"userId":"u1","integrationId":"6712ab34cd56ef7890a1b2c3","credentialIds":["c1","c2"]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Installations.Start(ctx, InstallationStartParams{UserID: "u1", IntegrationID: "6712ab34cd56ef7890a1b2c3", CredentialIDs: []string{"c1", "c2"}})
			},
			want: startedForm(),
		},
		{
			name: "Complete", op: "Installations.Complete",
			response: readFixture(t, "installation_complete.json"),
			wantBody: `{"installationId":"i1","data":[{"workflowId":"w1","blockId":"b1","fields":[{"name":"subsidiary","value":"1"},{"name":"batch","value":25}]},{"workflowId":"w2","blockId":"b2","fields":[]}]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Installations.Complete(ctx, InstallationCompleteParams{InstallationID: "i1", Steps: []InstallationStepAnswer{
					{WorkflowID: "w1", BlockID: "b1", Fields: []FieldAnswer{{Name: "subsidiary", Value: "1"}, {Name: "batch", Value: 25}}},
					{WorkflowID: "w2", BlockID: "b2"},
				}})
			},
		},
		{
			name: "Edit", op: "Installations.Edit",
			response: `{"data":{"installationId":"i1","integrationId":"int1","userId":"u1","formData":["odd",{"workflowId":"w1","blockId":"b1","fields":[]}],"credentialIds":{"netsuite":"c9"},"workflowIds":["w1"],"installedData":[1],"installedAt":"2025-03-04T08:20:33.117Z"}}`,
			wantBody: `{"userId":"u1","integrationId":"int1","credentialIds":["c9"],"installationId":"i1"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Installations.Edit(ctx, InstallationEditParams{UserID: "u1", IntegrationID: "int1", CredentialIDs: []string{"c9"}, InstallationID: "i1"})
			},
			want: &Installation{ID: "i1", IntegrationID: "int1", UserID: "u1",
				FormData:      []InstallationStep{{WorkflowID: "w1", BlockID: "b1", Fields: []FormField{}}},
				CredentialIDs: map[string]string{"netsuite": "c9"}, WorkflowIDs: []string{"w1"},
				InstalledAt: Timestamp{time.Date(2025, 3, 4, 8, 20, 33, 117e6, time.UTC)}, InstalledData: []json.RawMessage{json.RawMessage("1")}},
		},
		{
			name: "List", op: "Installations.List",
			response: readFixture(t, "installations_list.json"),
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Installations.List(ctx) },
			want:     []Installation{installed},
		},
		{
			name: "Get", op: "Installations.Get", ids: []string{"6733ef01aa23bc45de67f890"},
			response: `{"data":{"installationId":"6733ef01aa23bc45de67f890","integrationId":"6712ab34cd56ef7890a1b2c3","userId":"65f1c2a9d4e8b71a2c3d4e5f","formData":[],"credentialIds":{"bigcommerceApi":"6720cd11ef22a033b4c5d6e7","netsuiteApi":"6720cd5aef22a033b4c5d6f1"},"workflowIds":["6712ab3acd56ef7890a1b2d9"],"installedAt":"2025-03-04T08:20:33.117Z","enabled":true}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Installations.Get(ctx, "6733ef01aa23bc45de67f890")
			},
			want: &installed,
		},
	})
}

func TestInstallationFormAnswers(t *testing.T) {
	t.Parallel()
	form := startedForm()
	params, err := form.Answers(map[string]any{"subsidiary": "3", "syncMode": "upsert", "unrelated": 1})
	require.NoError(t, err)
	assert.Equal(t, InstallationCompleteParams{InstallationID: "6733ef01aa23bc45de67f890", Steps: []InstallationStepAnswer{{
		WorkflowID: "6712ab3acd56ef7890a1b2d9", BlockID: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
		Fields: []FieldAnswer{{Name: "subsidiary", Value: "3"}, {Name: "syncMode", Value: "upsert"}},
	}}}, params)

	params, err = form.Answers(map[string]any{"subsidiary": 3})
	require.NoError(t, err, "an optional field may be left out")
	assert.Equal(t, []FieldAnswer{{Name: "subsidiary", Value: 3}}, params.Steps[0].Fields)

	params, err = form.Answers(map[string]any{"subsidiary": "3", "syncMode": "delete"})
	require.NoError(t, err, "whether a value is allowed is Alloy's to say: no page lists a field's options")
	assert.Equal(t, []FieldAnswer{{Name: "subsidiary", Value: "3"}, {Name: "syncMode", Value: "delete"}}, params.Steps[0].Fields)

	_, err = form.Answers(map[string]any{"syncMode": "upsert"})
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Equal(t, "alloy: answer installation form: invalid argument: subsidiary is required", err.Error())
}

func TestInstallationsBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	step := InstallationStepAnswer{WorkflowID: "w", BlockID: "b"}
	calls := map[string]func() error{
		"Start no user": func() error {
			_, err := h.c.Installations.Start(ctx, InstallationStartParams{IntegrationID: "i"})
			return err
		},
		"Start no integration": func() error { _, err := h.c.Installations.Start(ctx, InstallationStartParams{UserID: "u"}); return err },
		"Complete no id": func() error {
			return h.c.Installations.Complete(ctx, InstallationCompleteParams{Steps: []InstallationStepAnswer{step}})
		},
		"Complete no block": func() error {
			return h.c.Installations.Complete(ctx, InstallationCompleteParams{InstallationID: "i", Steps: []InstallationStepAnswer{{WorkflowID: "w"}}})
		},
		"Complete unnamed field": func() error {
			return h.c.Installations.Complete(ctx, InstallationCompleteParams{InstallationID: "i", Steps: []InstallationStepAnswer{{WorkflowID: "w", BlockID: "b", Fields: []FieldAnswer{{Value: 1}}}}})
		},
		"Edit no user": func() error {
			_, err := h.c.Installations.Edit(ctx, InstallationEditParams{IntegrationID: "i"})
			return err
		},
		"Edit no integration": func() error { _, err := h.c.Installations.Edit(ctx, InstallationEditParams{UserID: "u"}); return err },
		"Get no id":           func() error { _, err := h.c.Installations.Get(ctx, ""); return err },
	}
	for name, call := range calls {
		assert.ErrorIs(t, call(), ErrInvalidArgument, name)
	}
	assert.Zero(t, h.mt.GetTotalCallCount())
}

func TestInstallationCompleteKeepsCallersSteps(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/headless/completeInstallation", jsonResp(200, `{}`))
	steps := []InstallationStepAnswer{{WorkflowID: "w", BlockID: "b"}}
	require.NoError(t, h.c.Installations.Complete(context.Background(), InstallationCompleteParams{InstallationID: "i", Steps: steps}))
	assert.Nil(t, steps[0].Fields)
}

func TestInstallationCompleteWithAnEmptyForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/headless/completeInstallation", jsonResp(200, `{}`))
	params, err := (&InstallationForm{InstallationID: "i"}).Answers(nil)
	require.NoError(t, err)
	require.NoError(t, h.c.Installations.Complete(context.Background(), params))
	assert.JSONEq(t, `{"installationId":"i","data":[]}`, string(h.only().Body))
}

func TestInstallationStartRequiresAnID(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("POST", testRoot+"/headless/startInstallation", jsonResp(200, `{"data":[]}`))
	_, err := h.c.Installations.Start(context.Background(), InstallationStartParams{UserID: "u", IntegrationID: "i"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "response has no installationId")
}
