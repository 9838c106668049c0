package alloytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// workflows lists the parent workflows of the seeded integrations, in
// seed order.
func (s *Server) workflows() []*Workflow {
	var out []*Workflow
	for i := range s.cfg.integrations {
		for j := range s.cfg.integrations[i].Workflows {
			out = append(out, &s.cfg.integrations[i].Workflows[j])
		}
	}
	return out
}

// workflow finds a parent workflow by id or, when id is empty, by name.
func (s *Server) workflow(id, name string) *Workflow {
	for _, wf := range s.workflows() {
		if (id != "" && wf.ID == id) || (id == "" && name != "" && wf.Name == name) {
			return wf
		}
	}
	return nil
}

// integrationOf returns the integration holding a parent workflow.
func (s *Server) integrationOf(wf *Workflow) *Integration {
	for i := range s.cfg.integrations {
		in := &s.cfg.integrations[i]
		for j := range in.Workflows {
			if &in.Workflows[j] == wf {
				return in
			}
		}
	}
	return &Integration{}
}

// workflowHandler acts on the parent workflow named by the route's
// {workflowId}.
type workflowHandler func(w http.ResponseWriter, r *http.Request, req *request, wf *Workflow)

// forWorkflow runs h with the store locked and the {workflowId} workflow
// resolved, answering 404 when no seeded integration has it.
func (s *Server) forWorkflow(h workflowHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, req *request) {
		s.st.mu.Lock()
		defer s.st.mu.Unlock()
		wf := s.workflow(req.params["workflowId"], "")
		if wf == nil {
			writeError(w, http.StatusNotFound, "Workflow not found")
			return
		}
		h(w, r, req, wf)
	}
}

// workflowRef names a user and one of their workflows in a request body.
type workflowRef struct {
	UserID       string `json:"userId"`
	WorkflowID   string `json:"workflowId"`
	WorkflowName string `json:"workflowName"`
}

// resolve checks that ref names the workflow exactly one way and resolves
// the user and the workflow, answering 400 or 404 itself. The caller holds
// the store lock.
func (s *Server) resolve(w http.ResponseWriter, ref workflowRef) (*user, *Workflow, bool) {
	switch {
	case ref.WorkflowID == "" && ref.WorkflowName == "":
		writeError(w, http.StatusBadRequest, "workflowId or workflowName is required")
		return nil, nil, false
	case ref.WorkflowID != "" && ref.WorkflowName != "":
		writeError(w, http.StatusBadRequest, "Give workflowId or workflowName, not both")
		return nil, nil, false
	}
	u, ok := s.lookupUser(w, ref.UserID)
	if !ok {
		return nil, nil, false
	}
	wf := s.workflow(ref.WorkflowID, ref.WorkflowName)
	if wf == nil {
		writeError(w, http.StatusNotFound, "Workflow not found")
		return nil, nil, false
	}
	return u, wf, true
}

// installed returns the user's copy of wf, answering 404 when they have
// none. The caller holds the store lock.
func (s *Server) installed(w http.ResponseWriter, wf *Workflow, u *user) (*install, bool) {
	inst := s.st.installs[wf.ID][u.ID]
	if inst == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Workflow %q is not installed for this user", wf.Name))
	}
	return inst, inst != nil
}

// workflowJSON renders a workflow as GET /workflows does: 2025-09 names
// its steps connectors (connectorName, connectorId), older versions blocks.
// The caller holds the store lock.
func (s *Server) workflowJSON(wf *Workflow, userID, version string) map[string]any {
	m := s.workflowState(wf, userID)
	m["integrationId"] = s.integrationOf(wf).ID
	m["createdAt"], m["updatedAt"] = s.started.Format(timeFormat), s.started.Format(timeFormat)
	keys := blockKeys
	if headerVersioned(version) {
		keys = workflowConnectorKeys
	}
	keys.put(m, wf.Steps)
	return m
}

func (s *Server) listWorkflows(w http.ResponseWriter, r *http.Request, req *request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u, ok := s.queryUser(w, r)
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, wf := range s.workflows() {
		out = append(out, s.workflowJSON(wf, u.ID, req.version))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) getWorkflow(w http.ResponseWriter, r *http.Request, req *request, wf *Workflow) {
	if u, ok := s.queryUser(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"data": s.workflowJSON(wf, u.ID, req.version)})
	}
}

// workflowVersions lists versions 1 to the latest, one day apart, the
// latest "published" and the others "archived".
func (s *Server) workflowVersions(w http.ResponseWriter, r *http.Request, _ *request, wf *Workflow) {
	if _, ok := s.optionalQueryUser(w, r); !ok {
		return
	}
	out := make([]map[string]any, 0, max(wf.Version, 0))
	for v := 1; v <= wf.Version; v++ {
		status := "archived"
		if v == wf.Version {
			status = "published"
		}
		out = append(out, map[string]any{
			"versionId": wf.ID + "-" + strconv.Itoa(v), "versionName": "Version " + strconv.Itoa(v),
			"lastModified": s.started.AddDate(0, 0, v-wf.Version).Format(timeFormat), "status": status,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// setActive serves PUT /workflows/activate and /workflows/deactivate,
// answering {key: true}.
func (s *Server) setActive(active bool, key string) handler {
	return func(w http.ResponseWriter, r *http.Request, _ *request) {
		var ref workflowRef
		if !readJSON(w, r, &ref) {
			return
		}
		s.st.mu.Lock()
		defer s.st.mu.Unlock()
		u, wf, ok := s.resolve(w, ref)
		if !ok {
			return
		}
		if inst, ok := s.installed(w, wf, u); ok {
			inst.active = active
			writeJSON(w, http.StatusOK, map[string]bool{key: true})
		}
	}
}

func (s *Server) deactivateAll(w http.ResponseWriter, _ *http.Request, _ *request, u *user) {
	for _, m := range s.st.installs {
		if inst := m[u.ID]; inst != nil {
			inst.active = false
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Success"})
}

func (s *Server) upgradeWorkflow(w http.ResponseWriter, r *http.Request, _ *request, wf *Workflow) {
	u, ok := s.queryUser(w, r)
	if !ok {
		return
	}
	if inst, ok := s.installed(w, wf, u); ok {
		inst.version = wf.Version
		writeJSON(w, http.StatusOK, map[string]string{"message": "Success"})
	}
}

func (s *Server) deleteWorkflow(w http.ResponseWriter, r *http.Request, _ *request, wf *Workflow) {
	u, ok := s.queryUser(w, r)
	if !ok {
		return
	}
	if _, ok := s.installed(w, wf, u); ok {
		delete(s.st.installs[wf.ID], u.ID)
		writeJSON(w, http.StatusOK, map[string]bool{"deleted": true})
	}
}

// runWorkflow records a "manual" execution of an installed, active
// workflow. A workflow the user has not installed, or has switched off, is
// refused with 400.
func (s *Server) runWorkflow(w http.ResponseWriter, r *http.Request, _ *request) {
	var in struct {
		workflowRef
		Data json.RawMessage `json:"data"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	data, ok := payload(w, in.Data)
	if !ok {
		return
	}
	if in.WorkflowID != "" {
		in.WorkflowName = "" // workflowId counts: "If you pass this parameter, then workflowName is not required"
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u, wf, ok := s.resolve(w, in.workflowRef)
	if !ok {
		return
	}
	inst := s.st.installs[wf.ID][u.ID]
	switch {
	case inst == nil:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Workflow %q is not installed for this user", wf.Name))
	case !inst.active:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Workflow %q is not active for this user", wf.Name))
	default:
		s.execute(execution{wf: wf, userID: u.ID, copyID: inst.id, version: inst.version, mode: "manual", data: data})
		writeJSON(w, http.StatusOK, map[string]string{"message": "success"})
	}
}

// payload decodes a run's data, which must be a JSON object, answering 400
// itself when it is not.
func payload(w http.ResponseWriter, raw json.RawMessage) (map[string]any, bool) {
	var data map[string]any
	switch {
	case len(raw) == 0 || string(raw) == "null":
		writeError(w, http.StatusBadRequest, "data is required")
		return nil, false
	case json.Unmarshal(raw, &data) != nil:
		writeError(w, http.StatusBadRequest, "data must be a JSON object")
		return nil, false
	}
	return data, true
}

// workflowHandlers are this file's answers, by the contract's operationId.
func (s *Server) workflowHandlers() map[string]handler {
	return map[string]handler{
		"Workflows.List":          s.listWorkflows,
		"Workflows.Get":           s.forWorkflow(s.getWorkflow),
		"Workflows.Delete":        s.forWorkflow(s.deleteWorkflow),
		"Workflows.ListVersions":  s.forWorkflow(s.workflowVersions),
		"Workflows.Activate":      s.setActive(true, "activated"),
		"Workflows.Deactivate":    s.setActive(false, "deactivated"),
		"Workflows.DeactivateAll": s.forUser(s.deactivateAll),
		"Workflows.Upgrade":       s.forWorkflow(s.upgradeWorkflow),
		"Workflows.Run":           s.runWorkflow,
		"Workflows.GetAnalytics":  s.forWorkflow(s.workflowAnalytics),
	}
}

// InstallWorkflow records that a user (id or username) installed a parent
// workflow, active, at version 1, so that Users.ListByWorkflow and
// Users.List with a ParentWorkflowID return them.
func (s *Server) InstallWorkflow(userID, workflowID string) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u := s.st.find(userID)
	if u == nil {
		return fmt.Errorf("alloytest: no user %q", userID)
	}
	if workflowID == "" {
		return errors.New("alloytest: empty workflow id")
	}
	s.st.install(workflowID, u.ID, 1)
	return nil
}
