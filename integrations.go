package alloy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// IntegrationsService lists the integrations (sets of workflows around an
// app, built in Alloy's builder) a user can install, and hands out hosted
// install links.
type IntegrationsService service

// Integration is an integration as seen by one user.
type Integration struct {
	ID string `json:"integrationId"`
	// App is the integration's main app: 2025-09 "primaryConnector",
	// older versions "app".
	App         string                `json:"app,omitempty"`
	Description string                `json:"description,omitempty"`
	Installed   bool                  `json:"installed"`
	Icon        string                `json:"icon,omitempty"`
	Credentials []string              `json:"credentials,omitempty"` // credential types it needs (2025-09)
	Workflows   []IntegrationWorkflow `json:"workflows"`
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
	Steps []WorkflowStep `json:"steps"`
}

// WorkflowStep is one connector or block of a workflow.
type WorkflowStep struct {
	ID        string `json:"id"`                 // a UUID
	Name      string `json:"name"`               // display name
	Connector string `json:"connector"`          // connector or block type, e.g. "netsuite"
	Icon      string `json:"icon,omitempty"`     //
	Subtitle  string `json:"subtitle,omitempty"` // 2025-09 only
}

// UnmarshalJSON accepts both item shapes: 2025-09 (primaryConnector,
// workflows[].connectors) and 2024-03 (app, workflows[].blocks).
func (i *Integration) UnmarshalJSON(b []byte) error {
	type plain Integration
	var v struct {
		plain
		PrimaryConnector string `json:"primaryConnector"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*i = Integration(v.plain)
	if i.App == "" {
		i.App = v.PrimaryConnector
	}
	return nil
}

// UnmarshalJSON merges "connectors" and "blocks" into Steps.
func (w *IntegrationWorkflow) UnmarshalJSON(b []byte) error {
	type plain IntegrationWorkflow
	var v struct {
		plain
		stepLists
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*w = IntegrationWorkflow(v.plain)
	w.Steps = v.merge(w.Steps)
	return nil
}

// stepLists are a workflow's steps as each API version names them.
type stepLists struct {
	Connectors []WorkflowStep `json:"connectors"` // 2025-09
	Blocks     []WorkflowStep `json:"blocks"`     // older
}

// merge appends both lists to steps.
func (l stepLists) merge(steps []WorkflowStep) []WorkflowStep {
	return append(append(steps, l.Connectors...), l.Blocks...)
}

// UnmarshalJSON accepts the field spellings of every version: name or
// connectorName, id or connectorId, connector or (for blocks) type.
func (s *WorkflowStep) UnmarshalJSON(b []byte) error {
	type plain WorkflowStep
	var v struct {
		plain
		ConnectorName string `json:"connectorName"`
		ConnectorID   string `json:"connectorId"`
		Type          string `json:"type"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = WorkflowStep(v.plain)
	s.Name = firstNonEmpty(s.Name, v.ConnectorName)
	s.ID = firstNonEmpty(s.ID, v.ConnectorID)
	s.Connector = firstNonEmpty(s.Connector, v.Type)
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
	if strings.TrimSpace(userID) == "" {
		return nil, invalidArg("list integrations", "userID is empty")
	}
	q := url.Values{"userId": {userID}}
	return inData[[]Integration](ctx, s.client, call{method: http.MethodGet, route: "/integrations", query: q}, opts)
}

// Get returns one integration (by id, or by its app name) as a user sees
// it. GET /integrations/{integrationId}?userId=
func (s *IntegrationsService) Get(ctx context.Context, userID, integrationID string, opts ...RequestOption) (*Integration, error) {
	if strings.TrimSpace(userID) == "" {
		return nil, invalidArg("get integration", "userID is empty")
	}
	q := url.Values{"userId": {userID}}
	return oneInData[Integration](ctx, s.client, call{method: http.MethodGet, route: "/integrations/{integrationId}", path: []string{integrationID}, query: q}, opts)
}

// InstallURL returns a hosted link (Alloy Link) where the user installs the
// integration without your frontend embedding Alloy's SDK.
// GET /users/{userId}/integrations/{integrationId}/install-url
//
// The link embeds a token that acts as the user: hand it to that user only,
// and do not log it.
func (s *IntegrationsService) InstallURL(ctx context.Context, userID, integrationID string, opts ...RequestOption) (string, error) {
	var out struct {
		URL string `json:"url"`
	}
	route := "/users/{userId}/integrations/{integrationId}/install-url"
	if err := s.client.send(ctx, call{method: http.MethodGet, route: route, path: []string{userID, integrationID}, out: &out}, opts); err != nil {
		return "", err
	}
	if out.URL == "" {
		return "", fmt.Errorf("alloy: GET %s: response has no url", route)
	}
	return out.URL, nil
}
