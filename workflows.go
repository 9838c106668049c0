package alloy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// WorkflowsService manages users' copies of workflows: reading, switching
// them on and off, upgrading, deleting and running them.
//
// Alloy identifies a workflow either by its id or by its name; the
// activation and run params take either one.
type WorkflowsService service

// Workflow is one workflow as one user sees it.
type Workflow struct {
	ID               string    `json:"workflowId"`
	IntegrationID    string    `json:"integrationId,omitempty"`
	Name             string    `json:"name"`
	CreatedAt        Timestamp `json:"createdAt"` // zero when absent or unparsable
	UpdatedAt        Timestamp `json:"updatedAt"`
	Installed        bool      `json:"installed"`
	Active           bool      `json:"active"`
	Version          int       `json:"version"`                    // the parent workflow's latest version
	InstalledVersion *int      `json:"installedVersion,omitempty"` // the user's version; nil when not reported
	// Steps are the workflow's connectors (2025-09 "connectors") or blocks
	// (older "blocks"), in order.
	Steps []WorkflowStep `json:"steps" wire:"connectors,blocks"`
}

// UnmarshalJSON merges connectors and blocks into Steps.
func (w *Workflow) UnmarshalJSON(b []byte) error {
	var v struct {
		integrationWorkflowWire
		IntegrationID string    `json:"integrationId"`
		CreatedAt     Timestamp `json:"createdAt"`
		UpdatedAt     Timestamp `json:"updatedAt"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	iw := v.workflow(nil)
	*w = Workflow{ID: iw.ID, IntegrationID: v.IntegrationID, Name: iw.Name, CreatedAt: v.CreatedAt,
		UpdatedAt: v.UpdatedAt, Installed: iw.Installed, Active: iw.Active, Version: iw.Version,
		InstalledVersion: iw.InstalledVersion, Steps: iw.Steps}
	return nil
}

// WorkflowVersion is one published version of a parent workflow.
type WorkflowVersion struct {
	ID           string    `json:"versionId"`
	Name         string    `json:"versionName"`
	LastModified Timestamp `json:"lastModified"`
	Status       string    `json:"status"`
}

// WorkflowActivateParams name a user's workflow by id or by name; exactly
// one of WorkflowID and WorkflowName is required.
type WorkflowActivateParams struct {
	UserID       string `json:"userId"` // id or username
	WorkflowID   string `json:"workflowId,omitempty"`
	WorkflowName string `json:"workflowName,omitempty"`
}

// WorkflowDeactivateParams are WorkflowActivateParams: the same fields name
// the workflow to switch off.
type WorkflowDeactivateParams = WorkflowActivateParams

// check validates the user and the one-of workflow reference.
func (p *WorkflowActivateParams) check(op string) error {
	if err := requireFields(op, "userID", p.UserID); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(p.WorkflowID+p.WorkflowName) == "":
		return invalidArg(op, "one of WorkflowID and WorkflowName is required")
	case p.WorkflowID != "" && p.WorkflowName != "":
		return invalidArg(op, "WorkflowID and WorkflowName are both set; give one")
	}
	return nil
}

// WorkflowRunParams start a run of a workflow whose trigger is a webhook.
// WorkflowID or WorkflowName names the workflow; at least one is
// required, and when both are set Alloy goes by WorkflowID (run-workflow:
// "If you pass this parameter, then workflowName is not required").
type WorkflowRunParams struct {
	UserID       string `json:"userId"`
	WorkflowID   string `json:"workflowId,omitempty"`
	WorkflowName string `json:"workflowName,omitempty"`
	// Data is the trigger's payload, encoded as a JSON object; nil sends {}.
	Data any `json:"data"`
}

// RunResult is Alloy's answer to a run, an event or a rerun.
type RunResult struct {
	Message string `json:"message"` // e.g. "success"
	// ExecutionUUID identifies the execution in the logs; only reruns
	// report it.
	ExecutionUUID string `json:"executionUuid,omitempty"`
}

// WorkflowAnalytics are a workflow's totals across its users.
type WorkflowAnalytics struct {
	TotalAppActions   int `json:"totalAppActions"`
	TotalWorkflowRuns int `json:"totalWorkflowRuns"`
	TotalErrors       int `json:"totalErrors"`
}

// List returns the workflows a user can use. GET /workflows?userId=
func (s *WorkflowsService) List(ctx context.Context, userID string, opts ...RequestOption) ([]Workflow, error) {
	return inData[[]Workflow](ctx, s.client, call{op: "Workflows.List", params: []param{required("userId", userID)}}, opts)
}

// Get returns one workflow as a user sees it.
// GET /workflows/{workflowId}?userId=
func (s *WorkflowsService) Get(ctx context.Context, userID, workflowID string, opts ...RequestOption) (*Workflow, error) {
	return oneInData[Workflow](ctx, s.client, call{op: "Workflows.Get", path: []string{workflowID}, params: []param{required("userId", userID)}}, opts)
}

// ListVersions lists the published versions of a parent workflow; userID is
// optional (empty for none), and last like the other optional users of
// Logs. GET /workflows/{workflowId}/versions
//
// From API version 2023-12 on.
func (s *WorkflowsService) ListVersions(ctx context.Context, workflowID, userID string, opts ...RequestOption) ([]WorkflowVersion, error) {
	return inData[[]WorkflowVersion](ctx, s.client, call{op: "Workflows.ListVersions", path: []string{workflowID}, params: []param{optional("userId", userID)}}, opts)
}

// Activate switches a user's workflow on. PUT /workflows/activate
//
// A PUT, so it is retried on 5xx: activating twice is harmless.
func (s *WorkflowsService) Activate(ctx context.Context, params WorkflowActivateParams, opts ...RequestOption) error {
	if err := params.check("activate workflow"); err != nil {
		return err
	}
	var out struct {
		Activated *bool `json:"activated"`
	}
	if err := s.client.send(ctx, call{op: "Workflows.Activate", body: params, out: &out}, opts); err != nil {
		return err
	}
	if out.Activated != nil && !*out.Activated {
		return fmt.Errorf("alloy: PUT /workflows/activate: Alloy answered activated=false")
	}
	return nil
}

// Deactivate switches a user's workflow off: its event and webhook
// subscriptions stop until it is activated again. PUT /workflows/deactivate
func (s *WorkflowsService) Deactivate(ctx context.Context, params WorkflowDeactivateParams, opts ...RequestOption) error {
	if err := params.check("deactivate workflow"); err != nil {
		return err
	}
	var out struct {
		Deactivated *bool `json:"deactivated"` // the key is not documented; checked when present
	}
	if err := s.client.send(ctx, call{op: "Workflows.Deactivate", body: params, out: &out}, opts); err != nil {
		return err
	}
	if out.Deactivated != nil && !*out.Deactivated {
		return fmt.Errorf("alloy: PUT /workflows/deactivate: Alloy answered deactivated=false")
	}
	return nil
}

// DeactivateAll switches off every workflow of a user, e.g. when they stop
// paying. PUT /users/{userId}/deactivate-workflows
func (s *WorkflowsService) DeactivateAll(ctx context.Context, userID string, opts ...RequestOption) error {
	return s.client.send(ctx, call{op: "Workflows.DeactivateAll", path: []string{userID}}, opts)
}

// Upgrade moves a user's copy of a parent workflow to its latest version.
// Alloy refuses when the new version's configurable fields differ; the
// user must then reinstall. PUT /workflows/{workflowId}/upgrade?userId=
//
// From API version 2023-12 on.
func (s *WorkflowsService) Upgrade(ctx context.Context, userID, workflowID string, opts ...RequestOption) error {
	return s.client.send(ctx, call{op: "Workflows.Upgrade", path: []string{workflowID}, params: []param{required("userId", userID)}}, opts)
}

// Delete deletes one user's copy of a workflow; other users keep theirs.
// DELETE /workflows/{workflowId}?userId=
func (s *WorkflowsService) Delete(ctx context.Context, userID, workflowID string, opts ...RequestOption) error {
	return s.client.send(ctx, call{op: "Workflows.Delete", path: []string{workflowID}, params: []param{required("userId", userID)}}, opts)
}

// Run starts a run of a user's workflow whose trigger is a webhook; a
// workflow triggered by a custom event is run with Events.Run instead.
// POST /run/workflow
//
// Not retried on 5xx or timeouts, which could run it twice; pass
// WithIdempotent if the workflow tolerates that.
func (s *WorkflowsService) Run(ctx context.Context, params WorkflowRunParams, opts ...RequestOption) (*RunResult, error) {
	if err := requireFields("run workflow", "userID", params.UserID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(params.WorkflowID+params.WorkflowName) == "" {
		return nil, invalidArg("run workflow", "one of WorkflowID and WorkflowName is required")
	}
	data, err := jsonObject("run workflow", "data", params.Data)
	if err != nil {
		return nil, err
	}
	params.Data = data
	return into[RunResult](ctx, s.client, call{op: "Workflows.Run", body: params}, opts)
}

// GetAnalytics returns a workflow's totals of runs, app actions and errors.
// GET /workflows/{workflowId}/analytics
func (s *WorkflowsService) GetAnalytics(ctx context.Context, workflowID string, opts ...RequestOption) (*WorkflowAnalytics, error) {
	return into[WorkflowAnalytics](ctx, s.client, call{op: "Workflows.GetAnalytics", path: []string{workflowID}}, opts)
}
