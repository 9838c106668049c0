package alloytest

import (
	"fmt"
	"net/http"
	"net/url"
)

func (s *Server) integration(idOrApp string) *Integration {
	for i := range s.cfg.integrations {
		if in := &s.cfg.integrations[i]; in.ID == idOrApp || in.App == idOrApp {
			return in
		}
	}
	return nil
}

// integrationJSON renders an integration for one user in the version's
// shape: 2025-09 (primaryConnector, connectors, credentials) or older (app,
// blocks). The caller holds the store lock.
func (s *Server) integrationJSON(in *Integration, userID, version string) map[string]any {
	modern := headerVersioned(version)
	anyInstalled := false
	workflows := make([]map[string]any, 0, len(in.Workflows))
	for _, wf := range in.Workflows {
		inst := s.st.installs[wf.ID][userID]
		steps := make([]map[string]any, 0, len(wf.Steps))
		for _, st := range wf.Steps {
			if modern {
				steps = append(steps, map[string]any{"name": st.Name, "id": st.ID, "connector": st.Connector, "icon": st.Icon, "subtitle": st.Subtitle})
			} else {
				steps = append(steps, map[string]any{"name": st.Name, "id": st.ID, "type": st.Connector, "icon": st.Icon})
			}
		}
		w := map[string]any{"workflowId": wf.ID, "name": wf.Name, "installed": inst != nil, "active": inst != nil && inst.active, "version": wf.Version}
		if inst != nil {
			anyInstalled = true
			w["installedVersion"] = inst.version
		}
		if modern {
			w["connectors"] = steps
		} else {
			w["blocks"] = steps
		}
		workflows = append(workflows, w)
	}
	out := map[string]any{"integrationId": in.ID, "installed": anyInstalled, "icon": in.Icon, "workflows": workflows}
	if modern {
		out["primaryConnector"], out["description"], out["credentials"] = in.App, in.Description, in.Credentials
	} else {
		out["app"] = in.App
	}
	return out
}

// integrationUser resolves the userId query parameter, answering the error
// itself when it cannot. The caller holds the store lock.
func (s *Server) integrationUser(w http.ResponseWriter, r *http.Request) (*user, bool) {
	id := r.URL.Query().Get("userId")
	if id == "" {
		writeError(w, http.StatusBadRequest, "userId is required")
		return nil, false
	}
	u := s.st.find(id)
	if u == nil {
		writeError(w, http.StatusNotFound, "User not found")
		return nil, false
	}
	return u, true
}

func (s *Server) listIntegrations(w http.ResponseWriter, r *http.Request, req *request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u, ok := s.integrationUser(w, r)
	if !ok {
		return
	}
	out := make([]map[string]any, 0, len(s.cfg.integrations))
	for i := range s.cfg.integrations {
		out = append(out, s.integrationJSON(&s.cfg.integrations[i], u.ID, req.version))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) getIntegration(w http.ResponseWriter, r *http.Request, req *request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u, ok := s.integrationUser(w, r)
	if !ok {
		return
	}
	in := s.integration(req.params["integrationId"])
	if in == nil {
		writeError(w, http.StatusNotFound, "Integration not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": s.integrationJSON(in, u.ID, req.version)})
}

// installURL answers with a hosted-install link carrying a user token, as
// Alloy's does.
func (s *Server) installURL(w http.ResponseWriter, _ *http.Request, req *request, u *user) {
	in := s.integration(req.params["integrationId"])
	if in == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Integration %q not found", req.params["integrationId"]))
		return
	}
	q := url.Values{"integrationId": {in.ID}, "token": {s.mintJWT(u.ID, u.Username)}}
	writeJSON(w, http.StatusOK, map[string]string{"url": s.URL + "/embedded-install?" + q.Encode()})
}
