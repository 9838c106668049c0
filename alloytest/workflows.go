package alloytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// workflows lists the parent workflows of the seeded integrations, in
// seed order.
func (s *Server) workflows() []*WorkflowDef {
	var out []*WorkflowDef
	for i := range s.cfg.integrations {
		for j := range s.cfg.integrations[i].Workflows {
			out = append(out, &s.cfg.integrations[i].Workflows[j])
		}
	}
	return out
}

// workflow finds a parent workflow by id or, when id is empty, by name.
func (s *Server) workflow(id, name string) *WorkflowDef {
	for _, wf := range s.workflows() {
		if (id != "" && wf.ID == id) || (id == "" && name != "" && wf.Name == name) {
			return wf
		}
	}
	return nil
}

// integrationOf returns the integration holding a parent workflow.
func (s *Server) integrationOf(wf *WorkflowDef) *IntegrationDef {
	for i := range s.cfg.integrations {
		in := &s.cfg.integrations[i]
		for j := range in.Workflows {
			if &in.Workflows[j] == wf {
				return in
			}
		}
	}
	return &IntegrationDef{}
}

// install is a user's copy of a parent workflow. The store hands out
// copies.
type install struct {
	id      string // the user's workflow id, as log entries name it
	active  bool
	version int
	at      time.Time
}

// ---- the store's copies of workflows

// installLocked gives a user an active copy of a parent workflow at
// version, replacing any copy they had.
func (st *store) installLocked(workflowID, userID string, version int) {
	m := st.installs[workflowID]
	if m == nil {
		m = map[string]*install{}
		st.installs[workflowID] = m
	}
	m[userID] = &install{id: st.rand.objectID(), active: true, version: version, at: time.Now().UTC()}
}

// installWorkflow gives a user (id or username) an active copy of a
// parent workflow at version.
func (st *store) installWorkflow(workflowID, userIDOrName string, version int) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return err
	}
	st.installLocked(workflowID, u.ID, version)
	return nil
}

// installsOf returns a user and copies of their copies of workflows, by
// parent workflow id.
func (st *store) installsOf(userIDOrName string) (user, map[string]install, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return user{}, nil, err
	}
	out := map[string]install{}
	for wf, m := range st.installs {
		if in := m[u.ID]; in != nil {
			out[wf] = *in
		}
	}
	return *u, out, nil
}

// installedLocked returns the user's copy of wf: 404 when they have none.
func (st *store) installedLocked(wf *WorkflowDef, userIDOrName string) (*install, error) {
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return nil, err
	}
	inst := st.installs[wf.ID][u.ID]
	if inst == nil {
		return nil, fail(http.StatusNotFound, "Workflow %q is not installed for this user", wf.Name)
	}
	return inst, nil
}

// setActive switches a user's copy of wf on or off.
func (st *store) setActive(userIDOrName string, wf *WorkflowDef, active bool) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	inst, err := st.installedLocked(wf, userIDOrName)
	if err != nil {
		return err
	}
	inst.active = active
	return nil
}

// deactivateAll switches every copy of a user's off.
func (st *store) deactivateAll(userIDOrName string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return err
	}
	for _, m := range st.installs {
		if inst := m[u.ID]; inst != nil {
			inst.active = false
		}
	}
	return nil
}

// upgrade brings a user's copy of wf to its latest version.
func (st *store) upgrade(userIDOrName string, wf *WorkflowDef) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	inst, err := st.installedLocked(wf, userIDOrName)
	if err != nil {
		return err
	}
	inst.version = wf.Version
	return nil
}

// uninstall deletes a user's copy of wf.
func (st *store) uninstall(userIDOrName string, wf *WorkflowDef) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, err := st.installedLocked(wf, userIDOrName); err != nil {
		return err
	}
	u, _ := st.userLocked(userIDOrName)
	delete(st.installs[wf.ID], u.ID)
	if len(st.installs[wf.ID]) == 0 {
		delete(st.installs, wf.ID)
	}
	return nil
}

// runWorkflow records a run of a user's copy of wf, which must be
// installed (400 otherwise) and active (400).
func (st *store) runWorkflow(userIDOrName string, wf *WorkflowDef, mode string, data map[string]any) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return err
	}
	inst := st.installs[wf.ID][u.ID]
	switch {
	case inst == nil:
		return fail(http.StatusBadRequest, "Workflow %q is not installed for this user", wf.Name)
	case !inst.active:
		return fail(http.StatusBadRequest, "Workflow %q is not active for this user", wf.Name)
	}
	st.executeLocked(execution{wf: wf, userID: u.ID, copyID: inst.id, version: inst.version, mode: mode, data: data})
	return nil
}

// fireEvent records a "trigger" run of each of workflows that the user
// has installed and active, in order.
func (st *store) fireEvent(userIDOrName string, workflows []*WorkflowDef, data map[string]any) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return err
	}
	for _, wf := range workflows {
		if inst := st.installs[wf.ID][u.ID]; inst != nil && inst.active {
			st.executeLocked(execution{wf: wf, userID: u.ID, copyID: inst.id, version: inst.version, mode: "trigger", data: data})
		}
	}
	return nil
}

// failNextRun queues a failure for the next run of a parent workflow.
func (st *store) failNextRun(workflowID, message string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.failures[workflowID] = append(st.failures[workflowID], message)
}

// ---- Server helpers

// InstallWorkflow records that a user (id or username) installed a parent
// workflow, active, at version 1, so that Users.ListByWorkflow and
// Users.List with a ParentWorkflowID return them.
func (s *Server) InstallWorkflow(userID, workflowID string) error {
	if workflowID == "" {
		if !s.st.hasUser(userID) {
			return fmt.Errorf("alloytest: no user %q", userID)
		}
		return errors.New("alloytest: empty workflow id")
	}
	if err := s.st.installWorkflow(workflowID, userID, 1); err != nil {
		return fmt.Errorf("alloytest: no user %q", userID)
	}
	return nil
}

// ---- handlers

// workflowHandler acts on the parent workflow named by the route's
// {workflowId}.
type workflowHandler func(w http.ResponseWriter, r *http.Request, req *request, wf *WorkflowDef)

// forWorkflow runs h with the {workflowId} workflow resolved, answering 404
// when no integration of the catalog has it.
func (s *Server) forWorkflow(h workflowHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, req *request) {
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

// resolve checks that ref names the workflow exactly one way, that the
// user exists and the workflow too, answering 400 or 404 itself.
func (s *Server) resolve(w http.ResponseWriter, ref workflowRef) (*WorkflowDef, bool) {
	switch {
	case ref.WorkflowID == "" && ref.WorkflowName == "":
		writeError(w, http.StatusBadRequest, "workflowId or workflowName is required")
		return nil, false
	case ref.WorkflowID != "" && ref.WorkflowName != "":
		writeError(w, http.StatusBadRequest, "Give workflowId or workflowName, not both")
		return nil, false
	}
	if _, err := s.st.userByIDOrName(ref.UserID); err != nil {
		writeFailure(w, err)
		return nil, false
	}
	wf := s.workflow(ref.WorkflowID, ref.WorkflowName)
	if wf == nil {
		writeError(w, http.StatusNotFound, "Workflow not found")
		return nil, false
	}
	return wf, true
}

// workflowJSON renders a workflow as GET /workflows does for a user whose
// copies are installs: 2025-09 names its steps connectors (connectorName,
// connectorId), older versions blocks.
func (s *Server) workflowJSON(wf *WorkflowDef, installs map[string]install, version string) map[string]any {
	m := workflowState(wf, installs)
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
	_, installs, err := s.st.installsOf(r.URL.Query().Get("userId"))
	if err != nil {
		writeFailure(w, err)
		return
	}
	out := []map[string]any{}
	for _, wf := range s.workflows() {
		out = append(out, s.workflowJSON(wf, installs, req.version))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) getWorkflow(w http.ResponseWriter, r *http.Request, req *request, wf *WorkflowDef) {
	_, installs, err := s.st.installsOf(r.URL.Query().Get("userId"))
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": s.workflowJSON(wf, installs, req.version)})
}

// workflowVersions lists versions 1 to the latest, one day apart, the
// latest "published" and the others "archived".
func (s *Server) workflowVersions(w http.ResponseWriter, r *http.Request, _ *request, wf *WorkflowDef) {
	if !s.checkOptionalUser(w, r) {
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
		wf, ok := s.resolve(w, ref)
		if !ok {
			return
		}
		if err := s.st.setActive(ref.UserID, wf, active); err != nil {
			writeFailure(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{key: true})
	}
}

func (s *Server) deactivateAll(w http.ResponseWriter, _ *http.Request, req *request) {
	if err := s.st.deactivateAll(req.params["userId"]); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Success"})
}

func (s *Server) upgradeWorkflow(w http.ResponseWriter, r *http.Request, _ *request, wf *WorkflowDef) {
	if err := s.st.upgrade(r.URL.Query().Get("userId"), wf); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Success"})
}

func (s *Server) deleteWorkflow(w http.ResponseWriter, r *http.Request, _ *request, wf *WorkflowDef) {
	if err := s.st.uninstall(r.URL.Query().Get("userId"), wf); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"deleted": true})
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
	wf, ok := s.resolve(w, in.workflowRef)
	if !ok {
		return
	}
	if err := s.st.runWorkflow(in.UserID, wf, "manual", data); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "success"})
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
		"Workflows.DeactivateAll": s.deactivateAll,
		"Workflows.Upgrade":       s.forWorkflow(s.upgradeWorkflow),
		"Workflows.Run":           s.runWorkflow,
		"Workflows.GetAnalytics":  s.forWorkflow(s.workflowAnalytics),
	}
}
