package alloytest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// installation is a headless installation: pending from
// POST /headless/startInstallation until completed.
type installation struct {
	id          string
	seq         uint64
	in          *IntegrationDef
	userID      string
	workflows   []*WorkflowDef
	credentials map[string]string // credential type -> credential id
	form        []formStep
	completed   bool
	at          time.Time
}

// formStep is the part of an installation form for one step of one
// workflow, with the answers once the installation is completed.
type formStep struct {
	wf     *WorkflowDef
	step   *StepDef
	values map[string]any
}

// formOf builds the form for workflows: every step with fields and, for a
// workflow with none, its first step with no fields, so that every form
// has a step to answer (alloy's Complete refuses an empty one).
func formOf(workflows []*WorkflowDef) []formStep {
	var form []formStep
	for _, wf := range workflows {
		n := len(form)
		for i := range wf.Steps {
			if len(wf.Steps[i].Fields) > 0 {
				form = append(form, formStep{wf: wf, step: &wf.Steps[i]})
			}
		}
		if len(form) == n && len(wf.Steps) > 0 {
			form = append(form, formStep{wf: wf, step: &wf.Steps[0]})
		}
	}
	return form
}

// json renders the step as Alloy's start-installation and
// get-all-installations pages show a form step: each field's name,
// displayName, type and required, and nothing else (no page shows a field's
// subType, options or answer).
func (f *formStep) json() map[string]any {
	fields := make([]map[string]any, 0, len(f.step.Fields))
	for _, fl := range f.step.Fields {
		fields = append(fields, map[string]any{"name": fl.Name, "displayName": fl.DisplayName, "type": cmp.Or(fl.Type, "string"), "required": fl.Required})
	}
	return map[string]any{"workflowId": f.wf.ID, "app": f.step.Connector, "blockId": f.step.ID, "fields": fields}
}

// answersJSON renders the step's answers in the shape Complete took them.
func (f *formStep) answersJSON() map[string]any {
	fields := make([]map[string]any, 0, len(f.values))
	for _, fl := range f.step.Fields {
		if v, ok := f.values[fl.Name]; ok {
			fields = append(fields, map[string]any{"name": fl.Name, "value": v})
		}
	}
	return map[string]any{"workflowId": f.wf.ID, "blockId": f.step.ID, "fields": fields}
}

func (inst *installation) formJSON() []map[string]any {
	out := make([]map[string]any, 0, len(inst.form))
	for i := range inst.form {
		out = append(out, inst.form[i].json())
	}
	return out
}

// installationView is a copy of an installation, with whether it is
// enabled: while one of its workflows is installed and active for the
// user. Its form's answers and credentials are replaced, never changed in
// place, so the copy may share them.
type installationView struct {
	installation
	enabled bool
}

// ---- the store's installations

// viewLocked copies an installation.
func (st *store) viewLocked(inst *installation) installationView {
	v := installationView{installation: *inst}
	v.form = slices.Clone(inst.form)
	for _, wf := range inst.workflows {
		if i := st.installs[wf.ID][inst.userID]; i != nil && i.active {
			v.enabled = true
		}
	}
	return v
}

// pickCredentialsLocked chooses the user's credential for each type the
// integration needs: the one named in ids, else the user's only one. It
// fails with 404 for an id that is not one of the user's, and 400 when
// the user has none of a type or, without a choice, several.
func (st *store) pickCredentialsLocked(in *IntegrationDef, userID string, ids []string) (map[string]string, error) {
	chosen := map[string]string{}
	for _, id := range ids {
		i := slices.IndexFunc(st.creds[userID], func(c *credential) bool { return c.ID == id })
		if i < 0 {
			return nil, fail(http.StatusNotFound, "Credential %q not found for this user", id)
		}
		c := st.creds[userID][i]
		chosen[c.Type] = c.ID
	}
	for _, typ := range in.Credentials {
		if chosen[typ] != "" {
			continue
		}
		var have []string
		for _, c := range st.creds[userID] {
			if c.Type == typ {
				have = append(have, c.ID)
			}
		}
		switch len(have) {
		case 0:
			return nil, fail(http.StatusBadRequest, "The integration needs a %s credential: create one for the user first", typ)
		case 1:
			chosen[typ] = have[0]
		default:
			return nil, fail(http.StatusBadRequest, "The user has %d %s credentials: choose one with credentialIds", len(have), typ)
		}
	}
	return chosen, nil
}

// startInstallation creates a pending installation of workflows of in for
// a user, who must hold a credential of each type in needs (see
// pickCredentialsLocked).
func (st *store) startInstallation(userIDOrName string, in *IntegrationDef, workflows []*WorkflowDef, credentialIDs []string) (installationView, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return installationView{}, err
	}
	creds, err := st.pickCredentialsLocked(in, u.ID, credentialIDs)
	if err != nil {
		return installationView{}, err
	}
	inst := &installation{id: st.rand.objectID(), seq: st.nextSeqLocked(), in: in, userID: u.ID, workflows: workflows, credentials: creds, form: formOf(workflows)}
	for st.installations[inst.id] != nil {
		inst.id = st.rand.objectID()
	}
	st.installations[inst.id] = inst
	return st.viewLocked(inst), nil
}

// completeInstallation checks the answers against a pending installation's
// form and installs its workflows for the user, active at their latest
// version: 404 for no such installation, 409 for a completed one, 400 for
// wrong answers.
func (st *store) completeInstallation(id string, answers []stepAnswer) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	inst := st.installations[id]
	switch {
	case inst == nil:
		return fail(http.StatusNotFound, "Installation not found")
	case inst.completed:
		return fail(http.StatusConflict, "Installation already completed")
	}
	values, problems := inst.answer(answers)
	if len(problems) > 0 {
		return fail(http.StatusBadRequest, "%s", strings.Join(problems, "; "))
	}
	form := slices.Clone(inst.form)
	for i := range form {
		form[i].values = values[i]
	}
	inst.form, inst.completed, inst.at = form, true, time.Now().UTC()
	for _, wf := range inst.workflows {
		st.installLocked(wf.ID, inst.userID, wf.Version)
	}
	return nil
}

// editInstallation replaces the credentials (when ids are given) of a
// user's completed installation of in: the one named by installationID,
// else the latest.
func (st *store) editInstallation(userIDOrName string, in *IntegrationDef, installationID string, credentialIDs []string) (installationView, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return installationView{}, err
	}
	var inst *installation
	for _, c := range st.completedLocked() {
		if c.userID == u.ID && c.in == in && (installationID == "" || c.id == installationID) {
			inst = c
		}
	}
	if inst == nil {
		return installationView{}, fail(http.StatusNotFound, "Installation not found")
	}
	if len(credentialIDs) > 0 {
		creds, err := st.pickCredentialsLocked(in, u.ID, credentialIDs)
		if err != nil {
			return installationView{}, err
		}
		inst.credentials = creds
	}
	return st.viewLocked(inst), nil
}

// completedLocked lists the completed installations, oldest first.
func (st *store) completedLocked() []*installation {
	var out []*installation
	for _, inst := range st.installations {
		if inst.completed {
			out = append(out, inst)
		}
	}
	slices.SortFunc(out, func(a, b *installation) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// completedInstallations returns the completed installations, oldest
// first.
func (st *store) completedInstallations() []installationView {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := []installationView{}
	for _, inst := range st.completedLocked() {
		out = append(out, st.viewLocked(inst))
	}
	return out
}

// completedInstallation returns a completed installation: 404 for a
// pending one too.
func (st *store) completedInstallation(id string) (installationView, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	inst := st.installations[id]
	if inst == nil || !inst.completed {
		return installationView{}, fail(http.StatusNotFound, "Installation not found")
	}
	return st.viewLocked(inst), nil
}

// ---- handlers

// installationJSON renders a completed installation as the list page
// (get-all-installations) shows one.
func installationJSON(v installationView) map[string]any {
	ids := make([]string, 0, len(v.workflows))
	for _, wf := range v.workflows {
		ids = append(ids, wf.ID)
	}
	return map[string]any{
		"installationId": v.id, "integrationId": v.in.ID, "userId": v.userID, "formData": v.formJSON(),
		"credentialIds": v.credentials, "workflowIds": ids, "installedAt": v.at.Format(timeFormat), "enabled": v.enabled,
	}
}

// installTarget checks the user and resolves the integration of a start
// or edit body, answering 400 or 404 itself.
func (s *Server) installTarget(w http.ResponseWriter, userID, integrationID string) (*IntegrationDef, bool) {
	if _, err := s.st.userByIDOrName(userID); err != nil {
		writeFailure(w, err)
		return nil, false
	}
	if integrationID == "" {
		writeError(w, http.StatusBadRequest, "integrationId is required")
		return nil, false
	}
	in := s.integration(integrationID)
	if in == nil {
		writeError(w, http.StatusNotFound, "Integration not found")
		return nil, false
	}
	return in, true
}

// pickWorkflows returns the integration's workflows named by ids, or all of
// them when ids is empty, answering 400 for an id not in the integration.
func pickWorkflows(w http.ResponseWriter, in *IntegrationDef, ids []string) ([]*WorkflowDef, bool) {
	var out []*WorkflowDef
	for i := range in.Workflows {
		if len(ids) == 0 || slices.Contains(ids, in.Workflows[i].ID) {
			out = append(out, &in.Workflows[i])
		}
	}
	for _, id := range ids {
		if !slices.ContainsFunc(out, func(wf *WorkflowDef) bool { return wf.ID == id }) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("Workflow %q is not part of integration %s", id, in.ID))
			return nil, false
		}
	}
	return out, true
}

// startInstallation creates a pending installation. The user must already
// hold a credential of each type the integration needs.
func (s *Server) startInstallation(w http.ResponseWriter, r *http.Request, _ *request) {
	var in struct {
		UserID        string   `json:"userId"`
		IntegrationID string   `json:"integrationId"`
		CredentialIDs []string `json:"credentialIds"`
		WorkflowIDs   []string `json:"workflowIds"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	integ, ok := s.installTarget(w, in.UserID, in.IntegrationID)
	if !ok {
		return
	}
	wfs, ok := pickWorkflows(w, integ, in.WorkflowIDs)
	if !ok {
		return
	}
	inst, err := s.st.startInstallation(in.UserID, integ, wfs, in.CredentialIDs)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"installationId": inst.id, "data": inst.formJSON()})
}

// stepAnswer is one step of a completeInstallation body.
type stepAnswer struct {
	WorkflowID string `json:"workflowId"`
	BlockID    string `json:"blockId"`
	Fields     []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"fields"`
}

// completeInstallation checks the answers against the form and installs
// the installation's workflows for the user, active at their latest
// version. A second completion is refused with 409.
func (s *Server) completeInstallation(w http.ResponseWriter, r *http.Request, _ *request) {
	var in struct {
		InstallationID string       `json:"installationId"`
		Data           []stepAnswer `json:"data"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.InstallationID == "" {
		writeError(w, http.StatusBadRequest, "installationId is required")
		return
	}
	if err := s.st.completeInstallation(in.InstallationID, in.Data); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Installation completed successfully"})
}

// answer matches answers to the form and returns the values for each form
// step and what is wrong with them: an unknown step or field, a value that
// is not one of its field's options, a required field without a value.
func (inst *installation) answer(answers []stepAnswer) ([]map[string]any, []string) {
	values := make([]map[string]any, len(inst.form))
	for i := range values {
		values[i] = map[string]any{}
	}
	var problems []string
	for i, a := range answers {
		k := slices.IndexFunc(inst.form, func(f formStep) bool { return f.wf.ID == a.WorkflowID && f.step.ID == a.BlockID })
		if k < 0 {
			problems = append(problems, fmt.Sprintf("data[%d]: block %q of workflow %q is not in the installation's form", i, a.BlockID, a.WorkflowID))
			continue
		}
		for _, f := range a.Fields {
			j := slices.IndexFunc(inst.form[k].step.Fields, func(fl FieldDef) bool { return fl.Name == f.Name })
			switch {
			case j < 0:
				problems = append(problems, fmt.Sprintf("%s is not a field of block %q", f.Name, a.BlockID))
			case f.Value == nil || f.Value == "":
				// an empty answer is no answer
			default:
				if msg := inst.form[k].step.Fields[j].check(f.Value); msg != "" {
					problems = append(problems, msg)
					continue
				}
				values[k][f.Name] = f.Value
			}
		}
	}
	for k, st := range inst.form {
		for _, fl := range st.step.Fields {
			if _, ok := values[k][fl.Name]; fl.Required && !ok {
				problems = append(problems, fl.Name+" is required")
			}
		}
	}
	return values, problems
}

// check says what is wrong with a non-empty answer to the field, or "".
func (fl *FieldDef) check(v any) string {
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case float64, bool:
		b, _ := json.Marshal(x)
		text = string(b)
	default:
		return fl.Name + " must be a string, number or boolean"
	}
	if len(fl.Options) == 0 || slices.ContainsFunc(fl.Options, func(o FieldOptionDef) bool { return o.Value == text }) {
		return ""
	}
	allowed := make([]string, 0, len(fl.Options))
	for _, o := range fl.Options {
		allowed = append(allowed, o.Value)
	}
	return fmt.Sprintf("%s: %q is not one of its options (%s)", fl.Name, text, strings.Join(allowed, ", "))
}

// editInstallation updates the credentials of a completed installation:
// the one named by installationId, else the user's latest of the
// integration. It stays completed and its workflows stay installed.
func (s *Server) editInstallation(w http.ResponseWriter, r *http.Request, _ *request) {
	var in struct {
		UserID         string   `json:"userId"`
		IntegrationID  string   `json:"integrationId"`
		CredentialIDs  []string `json:"credentialIds"`
		InstallationID string   `json:"installationId"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	integ, ok := s.installTarget(w, in.UserID, in.IntegrationID)
	if !ok {
		return
	}
	inst, err := s.st.editInstallation(in.UserID, integ, in.InstallationID, in.CredentialIDs)
	if err != nil {
		writeFailure(w, err)
		return
	}
	// The edit page's record has installedData and no enabled. Its items
	// are untyped ("<any>"); the fake puts the answers the installation was
	// completed with there, in Complete's shape.
	out := installationJSON(inst)
	delete(out, "enabled")
	answers := make([]map[string]any, 0, len(inst.form))
	for i := range inst.form {
		answers = append(answers, inst.form[i].answersJSON())
	}
	out["installedData"] = answers
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) listInstallations(w http.ResponseWriter, _ *http.Request, _ *request) {
	out := []map[string]any{}
	for _, inst := range s.st.completedInstallations() {
		out = append(out, installationJSON(inst))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// getInstallation serves a completed installation; a pending one is 404.
func (s *Server) getInstallation(w http.ResponseWriter, _ *http.Request, req *request) {
	inst, err := s.st.completedInstallation(req.params["installationId"])
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": installationJSON(inst)})
}

// installationHandlers are this file's answers, by the contract's operationId.
func (s *Server) installationHandlers() map[string]handler {
	return map[string]handler{
		"Installations.Start":    s.startInstallation,
		"Installations.Complete": s.completeInstallation,
		"Installations.Edit":     s.editInstallation,
		"Installations.List":     s.listInstallations,
		"Installations.Get":      s.getInstallation,
	}
}
