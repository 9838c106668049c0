package alloytest

import (
	"fmt"
	"net/http"
	"net/url"
)

func (s *Server) integration(idOrApp string) *IntegrationDef {
	for i := range s.cfg.integrations {
		if in := &s.cfg.integrations[i]; in.ID == idOrApp || in.App == idOrApp {
			return in
		}
	}
	return nil
}

// integrationJSON renders an integration for a user whose copies of
// workflows are installs, in the shape of the version and the call: the
// 2025-09 list (primaryConnector, description, connectors, credentials:
// list-integrations), the 2025-09 get (app, connectors, credentials, and
// no description: get-an-integration), or older versions' (app, blocks).
func integrationJSON(in *IntegrationDef, installs map[string]install, version string, one bool) map[string]any {
	keys := blockKeys
	if headerVersioned(version) {
		keys = integrationConnectorKeys
	}
	anyInstalled := false
	workflows := make([]map[string]any, 0, len(in.Workflows))
	for i := range in.Workflows {
		w := workflowState(&in.Workflows[i], installs)
		anyInstalled = anyInstalled || w["installed"] == true
		keys.put(w, in.Workflows[i].Steps)
		workflows = append(workflows, w)
	}
	out := map[string]any{"integrationId": in.ID, "installed": anyInstalled, "icon": in.Icon, "workflows": workflows}
	switch {
	case headerVersioned(version) && one:
		out["app"], out["credentials"] = in.App, in.Credentials
	case headerVersioned(version):
		out["primaryConnector"], out["description"], out["credentials"] = in.App, in.Description, in.Credentials
	default:
		out["app"] = in.App
	}
	return out
}

// workflowState is the part of a workflow's JSON that depends on the
// user's copy, from their installs.
func workflowState(wf *WorkflowDef, installs map[string]install) map[string]any {
	inst, ok := installs[wf.ID]
	w := map[string]any{"workflowId": wf.ID, "name": wf.Name, "installed": ok, "active": ok && inst.active, "version": wf.Version}
	if ok {
		w["installedVersion"] = inst.version
	}
	return w
}

// stepKeys are the names a workflow's steps go by in one response shape.
type stepKeys struct {
	list, name, id, connector string
	subtitle                  bool
}

var (
	blockKeys                = stepKeys{list: "blocks", name: "name", id: "id", connector: "type"}                            // before 2025-09
	integrationConnectorKeys = stepKeys{list: "connectors", name: "name", id: "id", connector: "connector", subtitle: true}   // 2025-09 integrations
	workflowConnectorKeys    = stepKeys{list: "connectors", name: "connectorName", id: "connectorId", connector: "connector"} // 2025-09 workflows
)

// put adds steps to w under k's names.
func (k stepKeys) put(w map[string]any, steps []StepDef) {
	out := make([]map[string]any, 0, len(steps))
	for _, st := range steps {
		m := map[string]any{k.name: st.Name, k.id: st.ID, k.connector: st.Connector, "icon": st.Icon}
		if k.subtitle {
			m["subtitle"] = st.Subtitle
		}
		out = append(out, m)
	}
	w[k.list] = out
}

func (s *Server) listIntegrations(w http.ResponseWriter, r *http.Request, req *request) {
	_, installs, err := s.st.installsOf(r.URL.Query().Get("userId"))
	if err != nil {
		writeFailure(w, err)
		return
	}
	out := make([]map[string]any, 0, len(s.cfg.integrations))
	for i := range s.cfg.integrations {
		out = append(out, integrationJSON(&s.cfg.integrations[i], installs, req.version, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) getIntegration(w http.ResponseWriter, r *http.Request, req *request) {
	_, installs, err := s.st.installsOf(r.URL.Query().Get("userId"))
	if err != nil {
		writeFailure(w, err)
		return
	}
	in := s.integration(req.params["integrationId"])
	if in == nil {
		writeError(w, http.StatusNotFound, "Integration not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": integrationJSON(in, installs, req.version, true)})
}

// installURL answers with a hosted-install link carrying a user token, as
// Alloy's does.
func (s *Server) installURL(w http.ResponseWriter, _ *http.Request, req *request, u user) {
	in := s.integration(req.params["integrationId"])
	if in == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Integration %q not found", req.params["integrationId"]))
		return
	}
	q := url.Values{"integrationId": {in.ID}, "token": {s.mintJWT(u.ID, u.Username)}}
	writeJSON(w, http.StatusOK, map[string]string{"url": s.URL + "/embedded-install?" + q.Encode()})
}

// integrationHandlers are this file's answers, by the contract's operationId.
func (s *Server) integrationHandlers() map[string]handler {
	return map[string]handler{
		"Integrations.List":           s.listIntegrations,
		"Integrations.Get":            s.getIntegration,
		"Integrations.GetInstallLink": s.forUser(s.installURL),
	}
}
