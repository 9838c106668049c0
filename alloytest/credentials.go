package alloytest

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// credential is a stored credential. It never changes once stored, so the
// store hands out pointers to it; its Unified API data (one) has its own
// lock.
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

// grant is an OAuth link handed out and not yet visited.
type grant struct {
	userID string
	app    *AppDef
	data   map[string]any
	// redirect is where the OAuth page sends the browser after granting;
	// "" shows a page instead.
	redirect string
}

// ---- the store's credentials

// credentials returns a user's credentials, oldest first.
func (st *store) credentials(userIDOrName string) ([]*credential, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return nil, err
	}
	return slices.Clone(st.creds[u.ID]), nil
}

// credentialsWhere returns the credentials keep accepts, of every user
// (oldest user first) or, when onlyUser names one, of that user.
func (st *store) credentialsWhere(onlyUser string, keep func(*credential) bool) ([]*credential, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	only, err := st.optionalUserLocked(onlyUser)
	if err != nil {
		return nil, err
	}
	var out []*credential
	for _, u := range st.sortedUsersLocked() {
		if only != nil && u != only {
			continue
		}
		for _, c := range st.creds[u.ID] {
			if keep(c) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// addCredential stores a credential of a for a user (404 when there is
// none); for an app with a Unified API category it is also a connection,
// holding the category's sample records.
func (st *store) addCredential(userIDOrName string, a *AppDef, data map[string]any) (*credential, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return nil, err
	}
	return st.addCredentialLocked(u.ID, a, data), nil
}

func (st *store) addCredentialLocked(userID string, a *AppDef, data map[string]any) *credential {
	now := time.Now().UTC()
	id := st.rand.objectID()
	for _, c := st.credentialLocked(id); c != nil; _, c = st.credentialLocked(id) {
		id = st.rand.objectID() // ids are unique, however unlikely a clash
	}
	c := &credential{ID: id, Type: a.Name, Name: a.DisplayName + " " + id[len(id)-6:], created: now, updated: now, data: data}
	if a.Category != "" {
		c.one = newConnection(a.Category, st.rand)
	}
	st.creds[userID] = append(st.creds[userID], c)
	return c
}

// credentialLocked finds a credential of any user by id.
func (st *store) credentialLocked(id string) (userID string, c *credential) {
	for uid, list := range st.creds {
		for _, c := range list {
			if c.ID == id {
				return uid, c
			}
		}
	}
	return "", nil
}

// credentialByID finds a credential by id: any user's, or only the
// owner's when owner names a user. It returns nil when there is none, and
// an error only when owner names no user.
func (st *store) credentialByID(id, owner string) (*credential, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.ownedCredentialLocked(id, owner)
}

func (st *store) ownedCredentialLocked(id, owner string) (*credential, error) {
	u, err := st.optionalUserLocked(owner)
	if err != nil {
		return nil, err
	}
	uid, c := st.credentialLocked(id)
	if c == nil || (u != nil && uid != u.ID) {
		return nil, nil
	}
	return c, nil
}

// useCredential finds a credential as credentialByID does and counts an
// API action made with it, once check (which may refuse it) accepts it; a
// credential it does not find is answered 404 with missing.
func (st *store) useCredential(id, owner, missing string, check func(*credential) error) (*credential, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c, err := st.ownedCredentialLocked(id, owner)
	switch {
	case err != nil:
		return nil, err
	case c == nil:
		return nil, fail(http.StatusNotFound, "%s", missing)
	}
	if check != nil {
		if err := check(c); err != nil {
			return nil, err
		}
	}
	st.apiActions++
	return c, nil
}

// deleteCredential deletes one of a user's credentials: 404 when the user
// or the credential is not there.
func (st *store) deleteCredential(userIDOrName, credentialID string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return err
	}
	if !st.removeCredentialLocked(u.ID, credentialID) {
		return fail(http.StatusNotFound, "Credential not found")
	}
	return nil
}

// deleteConnection deletes a credential by id, any user's or only the
// owner's (see credentialByID); false when there is none.
func (st *store) deleteConnection(id, owner string) (bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c, err := st.ownedCredentialLocked(id, owner)
	if c == nil || err != nil {
		return false, err
	}
	uid, _ := st.credentialLocked(id)
	return st.removeCredentialLocked(uid, id), nil
}

func (st *store) removeCredentialLocked(userID, credentialID string) bool {
	list := st.creds[userID]
	for i, c := range list {
		if c.ID == credentialID {
			st.creds[userID] = append(list[:i:i], list[i+1:]...)
			if len(st.creds[userID]) == 0 {
				delete(st.creds, userID)
			}
			return true
		}
	}
	return false
}

// issueGrant records an OAuth link for a user (id or username) and returns
// its state and the user's id.
func (st *store) issueGrant(userIDOrName string, g grant) (state, userID string, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(userIDOrName)
	if err != nil {
		return "", "", err
	}
	g.userID = u.ID
	state = randomHex(16)
	st.grants[state] = &g
	return state, u.ID, nil
}

// redeemGrant uses up the link state names for app and stores its
// credential (unless its user has been deleted since): 400 for a state
// that is unknown, used or of another app.
func (st *store) redeemGrant(state, app string) (grant, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.grants[state]
	if g == nil || g.app.Name != app {
		return grant{}, fail(http.StatusBadRequest, "Unknown or used OAuth state")
	}
	delete(st.grants, state)
	if st.users[g.userID] != nil {
		st.addCredentialLocked(g.userID, g.app, g.data)
	}
	return *g, nil
}

// ---- handlers

const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func (s *Server) app(name string) *AppDef {
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
func appJSON(a *AppDef, version string) map[string]any {
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
func missing(a *AppDef, has func(string) bool) []string {
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

func (s *Server) listCredentials(w http.ResponseWriter, _ *http.Request, req *request) {
	creds, err := s.st.credentials(req.params["userId"])
	if err != nil {
		writeFailure(w, err)
		return
	}
	out := make([]map[string]string, 0, len(creds))
	for _, c := range creds {
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
	c, err := s.st.addCredential(in.UserID, a, in.Credential.Data)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "credentialId": c.ID})
}

func (s *Server) deleteCredential(w http.ResponseWriter, _ *http.Request, req *request) {
	if err := s.st.deleteCredential(req.params["userId"], req.params["credentialId"]); err != nil {
		writeFailure(w, err)
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
	u, err := s.oauthLink(userID, grant{app: a, data: data}, link)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"oauthUrl": u})
}

// oauthLink issues g for a user (id or username) and returns the link on
// this server that redeems it, carrying the query parameters in link
// besides userId and state.
func (s *Server) oauthLink(userIDOrName string, g grant, link url.Values) (string, error) {
	state, userID, err := s.st.issueGrant(userIDOrName, g)
	if err != nil {
		return "", err
	}
	link.Set("userId", userID)
	link.Set("state", state)
	return s.URL + "/oauth/" + url.PathEscape(g.app.Name) + "/authorize?" + link.Encode(), nil
}

// authorize is the page an OAuth link leads to: it grants at once and
// stores the credential, as a user clicking "Allow" would, then shows a
// page or, for a link with a redirectUri, redirects there (302). Only a
// link the server handed out works, and only once (its state).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, req *request) {
	g, err := s.st.redeemGrant(r.URL.Query().Get("state"), req.params["app"])
	if err != nil {
		writeFailure(w, err)
		return
	}
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
		"Credentials.List":           s.listCredentials,
		"Credentials.List@2023-12":   s.listCredentials,
		"Credentials.Create":         s.createCredential,
		"Credentials.Create@2023-12": s.createCredential,
		"Credentials.Delete":         s.deleteCredential,
		"Credentials.ListMetadata":   s.credentialMetadata,
		"Credentials.GetMetadata":    s.credentialMetadataForApp,
		"Credentials.GetOAuthURL":    s.oauthURL,
		"Apps.List":                  s.listApps,
		"Apps.List@2023-12":          s.listApps,
	}
}
