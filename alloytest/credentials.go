package alloytest

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// credential is a stored credential.
type credential struct {
	ID, Type, Name   string
	created, updated time.Time
	data             map[string]any
	one              *connection // its Unified API data; nil for an app without a category
}

func (c *credential) json() map[string]string {
	return map[string]string{
		"credentialId": c.ID, "type": c.Type, "name": c.Name,
		"createdAt": c.created.Format(timeFormat), "updatedAt": c.updated.Format(timeFormat),
	}
}

const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func (s *Server) app(name string) *App {
	for i := range s.cfg.apps {
		if s.cfg.apps[i].Name == name {
			return &s.cfg.apps[i]
		}
	}
	return nil
}

// appJSON is an app in the credential-metadata shape; 2025-09 names the
// connector "connector", older versions "name". Properties carry no
// "required": no page of Alloy's shows one (get-credential-metadata,
// credential-medata-by-app), so Optional shows only in what Create accepts.
func appJSON(a *App, version string) map[string]any {
	props := make([]map[string]any, 0, len(a.Properties))
	for _, p := range a.Properties {
		props = append(props, map[string]any{"name": p.Name, "displayName": p.DisplayName, "description": p.Description})
	}
	key := "name"
	if headerVersioned(version) {
		key = "connector"
	}
	return map[string]any{key: a.Name, "icon": a.Icon, "isOauth": a.OAuth, "properties": props}
}

// missing lists the required properties of a that data lacks.
func missing(a *App, has func(string) bool) []string {
	var out []string
	for _, p := range a.Properties {
		if !p.Optional && !has(p.Name) {
			out = append(out, p.Name)
		}
	}
	return out
}

func (s *Server) listApps(w http.ResponseWriter, _ *http.Request, _ *request) {
	out := make([]map[string]any, 0, len(s.cfg.apps))
	for _, a := range s.cfg.apps {
		out = append(out, map[string]any{"name": a.Name, "icon": a.Icon, "oauth": a.OAuth, "type": a.Types})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) credentialMetadata(w http.ResponseWriter, _ *http.Request, req *request) {
	out := make([]map[string]any, 0, len(s.cfg.apps))
	for i := range s.cfg.apps {
		out = append(out, appJSON(&s.cfg.apps[i], req.version))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) credentialMetadataForApp(w http.ResponseWriter, _ *http.Request, req *request) {
	a := s.app(req.params["credentialName"])
	if a == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Unknown connector %q", req.params["credentialName"]))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": appJSON(a, req.version)})
}

func (s *Server) listCredentials(w http.ResponseWriter, _ *http.Request, _ *request, u *user) {
	out := make([]map[string]string, 0, len(s.st.creds[u.ID]))
	for _, c := range s.st.creds[u.ID] {
		out = append(out, c.json())
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// createCredential serves POST /headless/credentials and, on 2023-12, POST
// /users/{userId}/credentials (userId from the path).
func (s *Server) createCredential(w http.ResponseWriter, r *http.Request, req *request) {
	var in struct {
		UserID     string `json:"userId"`
		Credential *struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		} `json:"credential"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if id := req.params["userId"]; id != "" {
		in.UserID = id
	}
	switch {
	case in.UserID == "":
		writeError(w, http.StatusBadRequest, "userId is required")
		return
	case in.Credential == nil || in.Credential.Type == "":
		writeError(w, http.StatusBadRequest, "credential.type is required")
		return
	case in.Credential.Data == nil:
		writeError(w, http.StatusBadRequest, "credential.data is required")
		return
	}
	a := s.app(in.Credential.Type)
	switch {
	case a == nil:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Unknown credential type %q", in.Credential.Type))
		return
	case a.OAuth:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%s is an OAuth app: send the user to the link from GET /headless/oauthUrl", a.Name))
		return
	}
	if m := missing(a, func(name string) bool { v, ok := in.Credential.Data[name]; return ok && v != nil && v != "" }); len(m) > 0 {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("Missing required field(s) for %s: %s", a.Name, strings.Join(m, ", ")))
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u := s.st.find(in.UserID)
	if u == nil {
		writeError(w, http.StatusNotFound, "User not found")
		return
	}
	c := s.st.addCredential(u.ID, a, in.Credential.Data)
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "credentialId": c.ID})
}

func (s *Server) deleteCredential(w http.ResponseWriter, _ *http.Request, req *request, u *user) {
	if !s.st.removeCredential(u.ID, req.params["credentialId"]) {
		writeError(w, http.StatusNotFound, "Credential not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// oauthURL answers with a link on this server; visiting it stands for the
// user granting access, and creates the credential.
func (s *Server) oauthURL(w http.ResponseWriter, r *http.Request, _ *request) {
	q := r.URL.Query()
	userID, appName := q.Get("userId"), q.Get("app")
	if userID == "" || appName == "" {
		writeError(w, http.StatusBadRequest, "userId and app are required")
		return
	}
	a := s.app(appName)
	switch {
	case a == nil:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Unknown app %q", appName))
		return
	case !a.OAuth:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%s does not use OAuth: create the credential with POST /headless/credentials", a.Name))
		return
	}
	if m := missing(a, func(name string) bool { return q.Get(name) != "" }); len(m) > 0 {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("Missing required field(s) for %s: %s", a.Name, strings.Join(m, ", ")))
		return
	}
	data := map[string]any{}
	link := url.Values{}
	for _, p := range a.Properties {
		if v := q.Get(p.Name); v != "" {
			data[p.Name] = v
			link.Set(p.Name, v)
		}
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u := s.st.find(userID)
	if u == nil {
		writeError(w, http.StatusNotFound, "User not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"oauthUrl": s.oauthLink(&grant{userID: u.ID, app: a, data: data}, link)})
}

// oauthLink records g and returns the link on this server that redeems
// it, carrying the query parameters in link besides userId and state. The
// caller holds the store lock.
func (s *Server) oauthLink(g *grant, link url.Values) string {
	state := randomHex(16)
	s.st.grants[state] = g
	link.Set("userId", g.userID)
	link.Set("state", state)
	return s.URL + "/oauth/" + url.PathEscape(g.app.Name) + "/authorize?" + link.Encode()
}

// authorize is the page an OAuth link leads to: it grants at once and
// stores the credential, as a user clicking "Allow" would, then shows a
// page or, for a link with a redirectUri, redirects there (302). Only a
// link the server handed out works, and only once (its state).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, req *request) {
	s.st.mu.Lock()
	state := r.URL.Query().Get("state")
	g := s.st.grants[state]
	if g == nil || g.app.Name != req.params["app"] {
		s.st.mu.Unlock()
		writeError(w, http.StatusBadRequest, "Unknown or used OAuth state")
		return
	}
	delete(s.st.grants, state)
	if s.st.users[g.userID] != nil {
		s.st.addCredential(g.userID, g.app, g.data)
	}
	s.st.mu.Unlock()
	if g.redirect != "" {
		http.Redirect(w, r, g.redirect, http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>Connected</title><p>%s is connected. You can close this window.</p>\n", html.EscapeString(g.app.DisplayName))
}

// credentialHandlers are this file's answers, by the contract's operationId.
func (s *Server) credentialHandlers() map[string]handler {
	return map[string]handler{
		"Credentials.List":           s.forUser(s.listCredentials),
		"Credentials.List@2023-12":   s.forUser(s.listCredentials),
		"Credentials.Create":         s.createCredential,
		"Credentials.Create@2023-12": s.createCredential,
		"Credentials.Delete":         s.forUser(s.deleteCredential),
		"Credentials.ListMetadata":   s.credentialMetadata,
		"Credentials.GetMetadata":    s.credentialMetadataForApp,
		"Credentials.GetOAuthURL":    s.oauthURL,
		"Apps.List":                  s.listApps,
		"Apps.List@2023-12":          s.listApps,
	}
}
