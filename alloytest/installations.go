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
	in          *Integration
	userID      string
	workflows   []*Workflow
	credentials map[string]string // credential type -> credential id
	form        []formStep
	completed   bool
	at          time.Time
}

// formStep is the part of an installation form for one step of one
// workflow, with the answers once the installation is completed.
type formStep struct {
	wf     *Workflow
	step   *Step
	values map[string]any
}

// formOf builds the form for workflows: every step with fields and, for a
// workflow with none, its first step with no fields, so that every form
// has a step to answer (alloy's Complete refuses an empty one).
func formOf(workflows []*Workflow) []formStep {
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

// installationJSON renders a completed installation as the list page
// (get-all-installations) shows one; it is enabled while one of its
// workflows is installed and active for the user. The caller holds the
// store lock.
func (s *Server) installationJSON(inst *installation) map[string]any {
	ids := make([]string, 0, len(inst.workflows))
	enabled := false
	for _, wf := range inst.workflows {
		ids = append(ids, wf.ID)
		if i := s.st.installs[wf.ID][inst.userID]; i != nil && i.active {
			enabled = true
		}
	}
	return map[string]any{
		"installationId": inst.id, "integrationId": inst.in.ID, "userId": inst.userID, "formData": inst.formJSON(),
		"credentialIds": inst.credentials, "workflowIds": ids, "installedAt": inst.at.Format(timeFormat), "enabled": enabled,
	}
}

// installTarget resolves the user and the integration of a start or edit
// body, answering 400 or 404 itself. The caller holds the store lock.
func (s *Server) installTarget(w http.ResponseWriter, userID, integrationID string) (*user, *Integration, bool) {
	u, ok := s.lookupUser(w, userID)
	if !ok {
		return nil, nil, false
	}
	if integrationID == "" {
		writeError(w, http.StatusBadRequest, "integrationId is required")
		return nil, nil, false
	}
	in := s.integration(integrationID)
	if in == nil {
		writeError(w, http.StatusNotFound, "Integration not found")
		return nil, nil, false
	}
	return u, in, true
}

// pickCredentials chooses the user's credential for each type the
// integration needs: the one named in ids, else the user's only one. It
// answers 404 for an id that is not one of the user's, and 400 when the
// user has none of a type or, without a choice, several. The caller holds
// the store lock.
func (s *Server) pickCredentials(w http.ResponseWriter, in *Integration, u *user, ids []string) (map[string]string, bool) {
	chosen := map[string]string{}
	for _, id := range ids {
		i := slices.IndexFunc(s.st.creds[u.ID], func(c *credential) bool { return c.ID == id })
		if i < 0 {
			writeError(w, http.StatusNotFound, fmt.Sprintf("Credential %q not found for this user", id))
			return nil, false
		}
		c := s.st.creds[u.ID][i]
		chosen[c.Type] = c.ID
	}
	for _, typ := range in.Credentials {
		if chosen[typ] != "" {
			continue
		}
		var have []string
		for _, c := range s.st.creds[u.ID] {
			if c.Type == typ {
				have = append(have, c.ID)
			}
		}
		switch len(have) {
		case 0:
			writeError(w, http.StatusBadRequest, fmt.Sprintf("The integration needs a %s credential: create one for the user first", typ))
			return nil, false
		case 1:
			chosen[typ] = have[0]
		default:
			writeError(w, http.StatusBadRequest, fmt.Sprintf("The user has %d %s credentials: choose one with credentialIds", len(have), typ))
			return nil, false
		}
	}
	return chosen, true
}

// pickWorkflows returns the integration's workflows named by ids, or all of
// them when ids is empty, answering 400 for an id not in the integration.
func pickWorkflows(w http.ResponseWriter, in *Integration, ids []string) ([]*Workflow, bool) {
	var out []*Workflow
	for i := range in.Workflows {
		if len(ids) == 0 || slices.Contains(ids, in.Workflows[i].ID) {
			out = append(out, &in.Workflows[i])
		}
	}
	for _, id := range ids {
		if !slices.ContainsFunc(out, func(wf *Workflow) bool { return wf.ID == id }) {
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
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u, integ, ok := s.installTarget(w, in.UserID, in.IntegrationID)
	if !ok {
		return
	}
	wfs, ok := pickWorkflows(w, integ, in.WorkflowIDs)
	if !ok {
		return
	}
	creds, ok := s.pickCredentials(w, integ, u, in.CredentialIDs)
	if !ok {
		return
	}
	s.st.seq++
	inst := &installation{id: objectID(), seq: s.st.seq, in: integ, userID: u.ID, workflows: wfs, credentials: creds, form: formOf(wfs)}
	s.st.installations[inst.id] = inst
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
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	inst := s.st.installations[in.InstallationID]
	switch {
	case inst == nil:
		writeError(w, http.StatusNotFound, "Installation not found")
		return
	case inst.completed:
		writeError(w, http.StatusConflict, "Installation already completed")
		return
	}
	values, problems := inst.answer(in.Data)
	if len(problems) > 0 {
		writeError(w, http.StatusBadRequest, strings.Join(problems, "; "))
		return
	}
	for i := range inst.form {
		inst.form[i].values = values[i]
	}
	inst.completed, inst.at = true, time.Now().UTC()
	for _, wf := range inst.workflows {
		s.st.install(wf.ID, inst.userID, wf.Version)
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
			j := slices.IndexFunc(inst.form[k].step.Fields, func(fl Field) bool { return fl.Name == f.Name })
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
func (fl *Field) check(v any) string {
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
	if len(fl.Options) == 0 || slices.ContainsFunc(fl.Options, func(o FieldOption) bool { return o.Value == text }) {
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
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u, integ, ok := s.installTarget(w, in.UserID, in.IntegrationID)
	if !ok {
		return
	}
	var inst *installation
	for _, c := range s.completedInstallations() {
		if c.userID == u.ID && c.in == integ && (in.InstallationID == "" || c.id == in.InstallationID) {
			inst = c
		}
	}
	if inst == nil {
		writeError(w, http.StatusNotFound, "Installation not found")
		return
	}
	if len(in.CredentialIDs) > 0 {
		creds, ok := s.pickCredentials(w, integ, u, in.CredentialIDs)
		if !ok {
			return
		}
		inst.credentials = creds
	}
	// The edit page's record has installedData and no enabled. Its items
	// are untyped ("<any>"); the fake puts the answers the installation was
	// completed with there, in Complete's shape.
	out := s.installationJSON(inst)
	delete(out, "enabled")
	answers := make([]map[string]any, 0, len(inst.form))
	for i := range inst.form {
		answers = append(answers, inst.form[i].answersJSON())
	}
	out["installedData"] = answers
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// completedInstallations lists the completed installations, oldest first.
// The caller holds the store lock.
func (s *Server) completedInstallations() []*installation {
	var out []*installation
	for _, inst := range s.st.installations {
		if inst.completed {
			out = append(out, inst)
		}
	}
	slices.SortFunc(out, func(a, b *installation) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

func (s *Server) listInstallations(w http.ResponseWriter, _ *http.Request, _ *request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	out := []map[string]any{}
	for _, inst := range s.completedInstallations() {
		out = append(out, s.installationJSON(inst))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// getInstallation serves a completed installation; a pending one is 404.
func (s *Server) getInstallation(w http.ResponseWriter, _ *http.Request, req *request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	inst := s.st.installations[req.params["installationId"]]
	if inst == nil || !inst.completed {
		writeError(w, http.StatusNotFound, "Installation not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": s.installationJSON(inst)})
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
