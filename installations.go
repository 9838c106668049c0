package alloy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// InstallationsService installs integrations for users without Alloy's
// frontend modal ("headless"): Start returns the form the user must fill
// in, Complete submits the answers. It also lists and edits installations.
type InstallationsService service

// InstallationStartParams start installing an integration for a user.
type InstallationStartParams struct {
	UserID        string `json:"userId"`
	IntegrationID string `json:"integrationId"`
	// CredentialIDs choose among the user's credentials; needed when the
	// user holds more than one for an app of the integration.
	CredentialIDs []string `json:"credentialIds,omitempty"`
	// WorkflowIDs install only these workflows of the integration.
	WorkflowIDs []string `json:"workflowIds,omitempty"`
}

// InstallationForm is what a user must answer to complete an installation.
type InstallationForm struct {
	InstallationID string             `json:"installationId"`
	Steps          []InstallationStep `json:"data"`
}

// InstallationStep is the part of the form for one block of one workflow.
type InstallationStep struct {
	WorkflowID string      `json:"workflowId"`
	App        string      `json:"app"` // e.g. "netsuite"
	BlockID    string      `json:"blockId"`
	Fields     []FormField `json:"fields"`
}

// FormField is one question of an installation form, as Alloy's
// start-installation page documents it: no page shows the answers a field
// allows, so none are given here.
type FormField struct {
	Name        string `json:"name"` // the key of the answer
	DisplayName string `json:"displayName"`
	Type        string `json:"type"` // e.g. "string"
	Required    bool   `json:"required"`
}

// Answers returns the params that complete this form with values, keyed by
// field name: each step gets the values of its fields. It fails with
// ErrInvalidArgument, naming them, when required fields have no value.
// Values are sent as given (a string, number or boolean); whether a value
// is allowed is Alloy's to say, in its answer to Complete.
func (f *InstallationForm) Answers(values map[string]any) (InstallationCompleteParams, error) {
	params := InstallationCompleteParams{InstallationID: f.InstallationID}
	var problems []string
	for _, st := range f.Steps {
		answer := InstallationStepAnswer{WorkflowID: st.WorkflowID, BlockID: st.BlockID, Fields: []FieldAnswer{}}
		for _, fl := range st.Fields {
			v, ok := values[fl.Name]
			if !ok || v == nil || v == "" {
				if fl.Required {
					problems = append(problems, fl.Name+" is required")
				}
				continue
			}
			answer.Fields = append(answer.Fields, FieldAnswer{Name: fl.Name, Value: v})
		}
		params.Steps = append(params.Steps, answer)
	}
	if len(problems) > 0 {
		return InstallationCompleteParams{}, invalidArg("answer installation form", "%s", strings.Join(problems, "; "))
	}
	return params, nil
}

// InstallationCompleteParams answer an installation form.
type InstallationCompleteParams struct {
	InstallationID string                   `json:"installationId"`
	Steps          []InstallationStepAnswer `json:"data"`
}

// InstallationStepAnswer answers the fields of one InstallationStep.
type InstallationStepAnswer struct {
	WorkflowID string        `json:"workflowId"`
	BlockID    string        `json:"blockId"`
	Fields     []FieldAnswer `json:"fields"`
}

// FieldAnswer is the value of one FormField.
type FieldAnswer struct {
	Name  string `json:"name"`
	Value any    `json:"value"` // a string, number or boolean
}

// InstallationEditParams reopen a user's installation of an integration,
// e.g. to switch credentials.
type InstallationEditParams struct {
	UserID         string   `json:"userId"`
	IntegrationID  string   `json:"integrationId"`
	CredentialIDs  []string `json:"credentialIds,omitempty"`
	InstallationID string   `json:"installationId,omitempty"`
}

// Installation is one user's installed integration.
type Installation struct {
	ID            string             `json:"installationId"`
	IntegrationID string             `json:"integrationId"`
	UserID        string             `json:"userId"`
	FormData      []InstallationStep `json:"formData"`
	// CredentialIDs maps each credential type to the credential used.
	CredentialIDs map[string]string `json:"credentialIds"`
	WorkflowIDs   []string          `json:"workflowIds"`
	InstalledAt   Timestamp         `json:"installedAt"` // zero when absent or unparsable
	// Enabled reports whether the installation runs. List and Get carry it;
	// Edit's answer does not (edit-installation), so it is false there.
	Enabled bool `json:"enabled"`
	// InstalledData is what Edit answers with besides the record, as Alloy
	// sent it: its page types the items "any". Only Edit fills it.
	InstalledData []json.RawMessage `json:"installedData,omitempty"`
}

// UnmarshalJSON decodes leniently: formData items that are not steps (the
// edit response types them "any") and a bad installedAt are dropped.
func (in *Installation) UnmarshalJSON(b []byte) error {
	type plain Installation
	var v struct {
		plain
		FormData      []json.RawMessage `json:"formData"`
		CredentialIDs json.RawMessage   `json:"credentialIds"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*in = Installation(v.plain)
	for _, raw := range v.FormData {
		var st InstallationStep
		if json.Unmarshal(raw, &st) == nil {
			in.FormData = append(in.FormData, st)
		}
	}
	_ = json.Unmarshal(v.CredentialIDs, &in.CredentialIDs) // a non-object leaves it nil
	return nil
}

// Start begins installing an integration and returns the form to fill in.
// POST /headless/startInstallation
//
// From API version 2024-03 on. Not retried on 5xx or timeouts.
func (s *InstallationsService) Start(ctx context.Context, params InstallationStartParams, opts ...RequestOption) (*InstallationForm, error) {
	if err := requireFields("start installation", "userID", params.UserID, "integrationID", params.IntegrationID); err != nil {
		return nil, err
	}
	out, err := into[InstallationForm](ctx, s.client, call{op: "Installations.Start", body: params}, opts)
	if err != nil {
		return nil, err
	}
	if out.InstallationID == "" {
		return nil, fmt.Errorf("alloy: Installations.Start: response has no installationId")
	}
	return out, nil
}

// Complete submits the answers to an installation form, which installs the
// workflows. Build params with InstallationForm.Answers, or by hand.
// POST /headless/completeInstallation
//
// From API version 2024-03 on. Not retried on 5xx or timeouts.
func (s *InstallationsService) Complete(ctx context.Context, params InstallationCompleteParams, opts ...RequestOption) error {
	if err := requireFields("complete installation", "installationID", params.InstallationID); err != nil {
		return err
	}
	// No steps is valid: an integration without settings has an empty form.
	params.Steps = slices.Clone(params.Steps) // never change the caller's slice
	if params.Steps == nil {
		params.Steps = []InstallationStepAnswer{} // Alloy wants an array
	}
	for i, st := range params.Steps {
		if st.WorkflowID == "" || st.BlockID == "" {
			return invalidArg("complete installation", "step %d needs a workflowID and a blockID", i)
		}
		for _, f := range st.Fields {
			if f.Name == "" {
				return invalidArg("complete installation", "step %d has a field without a name", i)
			}
		}
		if st.Fields == nil {
			params.Steps[i].Fields = []FieldAnswer{} // Alloy wants an array
		}
	}
	return s.client.send(ctx, call{op: "Installations.Complete", body: params}, opts)
}

// Edit reopens a user's installation, e.g. with other credentials, and
// returns it with its InstalledData (and without Enabled, which Alloy's
// answer does not carry). POST /headless/editInstallation
//
// From API version 2025-09 on.
func (s *InstallationsService) Edit(ctx context.Context, params InstallationEditParams, opts ...RequestOption) (*Installation, error) {
	if err := requireFields("edit installation", "userID", params.UserID, "integrationID", params.IntegrationID); err != nil {
		return nil, err
	}
	return oneInData[Installation](ctx, s.client, call{op: "Installations.Edit", body: params}, opts)
}

// List returns every installation in the account. GET /installations
//
// From API version 2025-09 on.
func (s *InstallationsService) List(ctx context.Context, opts ...RequestOption) ([]Installation, error) {
	return inData[[]Installation](ctx, s.client, call{op: "Installations.List"}, opts)
}

// Get returns one installation. GET /installations/{installationId}
//
// From API version 2025-09 on.
func (s *InstallationsService) Get(ctx context.Context, installationID string, opts ...RequestOption) (*Installation, error) {
	return oneInData[Installation](ctx, s.client, call{op: "Installations.Get", path: []string{installationID}}, opts)
}
