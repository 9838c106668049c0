package alloy

import (
	"context"
	"encoding/json"
	"fmt"
)

// IntegrationsService lists the integrations (sets of workflows around an
// app, built in Alloy's builder) a user can install, and hands out hosted
// install links.
type IntegrationsService service

// Integration is an integration as seen by one user.
type Integration struct {
	ID string `json:"integrationId"`
	// App is the integration's main app: "primaryConnector" in the 2025-09
	// list, "app" in the 2025-09 get and on older versions.
	App string `json:"app,omitempty" wire:"primaryConnector"`
	// Description is the integration's description, which only the 2025-09
	// list carries (its get page shows none).
	Description string `json:"description,omitempty"`
	Installed   bool   `json:"installed"`
	// InstalledVersion is the version the user installed, when Installed
	// (2025-09 documents it on the integration as well as its workflows).
	InstalledVersion *int                  `json:"installedVersion,omitempty"`
	Icon             string                `json:"icon,omitempty"`
	Credentials      []string              `json:"credentials,omitempty"` // credential types it needs (2025-09)
	Workflows        []IntegrationWorkflow `json:"workflows"`
}

// IntegrationWorkflow is one workflow of an integration.
type IntegrationWorkflow struct {
	ID               string `json:"workflowId"`
	Name             string `json:"name"`
	Installed        bool   `json:"installed"`
	Active           bool   `json:"active"`
	Version          int    `json:"version"`
	InstalledVersion *int   `json:"installedVersion,omitempty"` // nil when not reported
	// Steps are the workflow's connectors (2025-09 "connectors") or blocks
	// (older "blocks"), in order.
	Steps []WorkflowStep `json:"steps" wire:"connectors,blocks"`
}

// WorkflowStep is one connector or block of a workflow. The wire tags name
// the other spellings Alloy uses for a field, which the SDK reads too.
type WorkflowStep struct {
	ID        string `json:"id" wire:"connectorId"`     // a UUID
	Name      string `json:"name" wire:"connectorName"` // display name
	Connector string `json:"connector" wire:"type"`     // connector or block type, e.g. "netsuite"
	Icon      string `json:"icon,omitempty"`            //
	Subtitle  string `json:"subtitle,omitempty"`        // 2025-09 only
}

// The wire types below hold every version's spelling of an integration,
// its workflows and their steps, with no decoding methods of their own, so
// that a whole list decodes in one pass; they are converted afterwards.
// (Nested UnmarshalJSON methods would rescan every nested level.)

type integrationWire struct {
	ID               string                    `json:"integrationId"`
	App              string                    `json:"app"`
	PrimaryConnector string                    `json:"primaryConnector"` // 2025-09's name for app
	Description      string                    `json:"description"`
	Installed        bool                      `json:"installed"`
	Icon             string                    `json:"icon"`
	Credentials      []string                  `json:"credentials"`
	InstalledVersion *int                      `json:"installedVersion"`
	Workflows        []integrationWorkflowWire `json:"workflows"`
}

type integrationWorkflowWire struct {
	ID               string `json:"workflowId"`
	Name             string `json:"name"`
	Installed        bool   `json:"installed"`
	Active           bool   `json:"active"`
	Version          int    `json:"version"`
	InstalledVersion *int   `json:"installedVersion"`
	stepLists
}

// stepLists are a workflow's steps as each API version names them, plus
// the SDK's own "steps" (a re-decoded Integration).
type stepLists struct {
	Steps      []stepWire `json:"steps"`
	Connectors []stepWire `json:"connectors"` // 2025-09
	Blocks     []stepWire `json:"blocks"`     // older
}

// stepWire accepts the field spellings of every version: name or
// connectorName, id or connectorId, connector or (for blocks) type.
type stepWire struct {
	ID            string `json:"id"`
	ConnectorID   string `json:"connectorId"`
	Name          string `json:"name"`
	ConnectorName string `json:"connectorName"`
	Connector     string `json:"connector"`
	Type          string `json:"type"`
	Icon          string `json:"icon"`
	Subtitle      string `json:"subtitle"`
}

func (s *stepWire) step() WorkflowStep {
	return WorkflowStep{
		ID: firstNonEmpty(s.ID, s.ConnectorID), Name: firstNonEmpty(s.Name, s.ConnectorName),
		Connector: firstNonEmpty(s.Connector, s.Type), Icon: s.Icon, Subtitle: s.Subtitle,
	}
}

func (l *stepLists) count() int { return len(l.Steps) + len(l.Connectors) + len(l.Blocks) }

// steps merges the lists, in order, taking the memory from pool (see
// pools); nil when there are none.
func (l *stepLists) steps(pool *pools) []WorkflowStep {
	n := l.count()
	if n == 0 {
		return nil
	}
	out := pool.stepSlice(n)
	for _, list := range [][]stepWire{l.Steps, l.Connectors, l.Blocks} {
		for i := range list {
			out = append(out, list[i].step())
		}
	}
	return out
}

// pools hands out sub-slices of two backing arrays, so converting a whole
// list costs two allocations instead of one per workflow. Each sub-slice is
// capped at its length: appending to one never overwrites another.
type pools struct {
	workflows []IntegrationWorkflow
	steps     []WorkflowStep
}

// newPools sizes the pools for a list.
func newPools(list []integrationWire) *pools {
	nw, ns := 0, 0
	for i := range list {
		nw += len(list[i].Workflows)
		for j := range list[i].Workflows {
			ns += list[i].Workflows[j].count()
		}
	}
	return &pools{workflows: make([]IntegrationWorkflow, 0, nw), steps: make([]WorkflowStep, 0, ns)}
}

func (p *pools) stepSlice(n int) []WorkflowStep {
	if p == nil || cap(p.steps)-len(p.steps) < n {
		return make([]WorkflowStep, 0, n)
	}
	start := len(p.steps)
	p.steps = p.steps[:start+n]
	return p.steps[start : start : start+n]
}

func (p *pools) workflowSlice(n int) []IntegrationWorkflow {
	if p == nil || cap(p.workflows)-len(p.workflows) < n {
		return make([]IntegrationWorkflow, n)
	}
	start := len(p.workflows)
	p.workflows = p.workflows[:start+n]
	return p.workflows[start : start+n : start+n]
}

func (w *integrationWorkflowWire) workflow(pool *pools) IntegrationWorkflow {
	return IntegrationWorkflow{ID: w.ID, Name: w.Name, Installed: w.Installed, Active: w.Active,
		Version: w.Version, InstalledVersion: w.InstalledVersion, Steps: w.steps(pool)}
}

func (w *integrationWire) integration(pool *pools) Integration {
	in := Integration{ID: w.ID, App: firstNonEmpty(w.App, w.PrimaryConnector), Description: w.Description,
		Installed: w.Installed, InstalledVersion: w.InstalledVersion, Icon: w.Icon, Credentials: w.Credentials}
	if w.Workflows != nil {
		in.Workflows = pool.workflowSlice(len(w.Workflows))
		for i := range w.Workflows {
			in.Workflows[i] = w.Workflows[i].workflow(pool)
		}
	}
	return in
}

// UnmarshalJSON accepts both item shapes: 2025-09 (primaryConnector,
// workflows[].connectors) and 2024-03 (app, workflows[].blocks).
func (i *Integration) UnmarshalJSON(b []byte) error {
	var w integrationWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*i = w.integration(nil)
	return nil
}

// UnmarshalJSON merges "connectors" and "blocks" into Steps.
func (w *IntegrationWorkflow) UnmarshalJSON(b []byte) error {
	var v integrationWorkflowWire
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*w = v.workflow(nil)
	return nil
}

// UnmarshalJSON accepts the field spellings of every version.
func (s *WorkflowStep) UnmarshalJSON(b []byte) error {
	var v stepWire
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = v.step()
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// List returns the integrations a user (id or username) can install, with
// what the user has installed. GET /integrations?userId=
func (s *IntegrationsService) List(ctx context.Context, userID string, opts ...RequestOption) ([]Integration, error) {
	wire, err := inData[[]integrationWire](ctx, s.client, call{op: "Integrations.List", params: []param{required("userId", userID)}}, opts)
	if err != nil || wire == nil {
		return nil, err
	}
	pool := newPools(wire)
	out := make([]Integration, len(wire))
	for i := range wire {
		out[i] = wire[i].integration(pool)
	}
	return out, nil
}

// Get returns one integration (by id, or by its app name) as a user sees
// it. GET /integrations/{integrationId}?userId=
func (s *IntegrationsService) Get(ctx context.Context, userID, integrationID string, opts ...RequestOption) (*Integration, error) {
	wire, err := oneInData[integrationWire](ctx, s.client, call{op: "Integrations.Get", path: []string{integrationID}, params: []param{required("userId", userID)}}, opts)
	if err != nil {
		return nil, err
	}
	in := wire.integration(nil)
	return &in, nil
}

// GetInstallLink returns a hosted link (Alloy Link) where the user installs the
// integration without your frontend embedding Alloy's SDK.
// GET /users/{userId}/integrations/{integrationId}/install-url
//
// The link embeds a token that acts as the user: the InstallLink prints
// and logs without it, and its URL method gives the whole link, for that
// user only.
func (s *IntegrationsService) GetInstallLink(ctx context.Context, userID, integrationID string, opts ...RequestOption) (*InstallLink, error) {
	var out struct {
		URL string `json:"url"`
	}
	if err := s.client.send(ctx, call{op: "Integrations.GetInstallLink", path: []string{userID, integrationID}, out: &out}, opts); err != nil {
		return nil, err
	}
	if out.URL == "" {
		return nil, fmt.Errorf("alloy: Integrations.GetInstallLink: response has no url")
	}
	return &InstallLink{url: out.URL}, nil
}
