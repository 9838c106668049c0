package alloytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// request is what a handler gets besides the http.Request.
type request struct {
	params  map[string]string // unescaped path parameters
	version string            // the API version the call was made with
}

type handler func(w http.ResponseWriter, r *http.Request, req *request)

// userHandler acts on the user named by the route's {userId}.
type userHandler func(w http.ResponseWriter, r *http.Request, req *request, u *user)

// forUser runs h with the store locked and the {userId} user (id or
// username) resolved, answering 404 when there is none.
func (s *Server) forUser(h userHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, req *request) {
		s.st.mu.Lock()
		defer s.st.mu.Unlock()
		if u, ok := s.lookupUser(w, req.params["userId"]); ok {
			h(w, r, req, u)
		}
	}
}

// lookupUser resolves a user id or username taken from a path, body or
// query, answering 400 when it is empty and 404 when there is none. The
// caller holds the store lock.
func (s *Server) lookupUser(w http.ResponseWriter, idOrName string) (*user, bool) {
	if strings.TrimSpace(idOrName) == "" {
		writeError(w, http.StatusBadRequest, "userId is required")
		return nil, false
	}
	u := s.st.find(idOrName)
	if u == nil {
		writeError(w, http.StatusNotFound, "User not found")
		return nil, false
	}
	return u, true
}

// queryUser is lookupUser for the userId query parameter.
func (s *Server) queryUser(w http.ResponseWriter, r *http.Request) (*user, bool) {
	return s.lookupUser(w, r.URL.Query().Get("userId"))
}

// optionalUser is lookupUser where the user may be left out: an empty
// idOrName gives a nil user.
func (s *Server) optionalUser(w http.ResponseWriter, idOrName string) (*user, bool) {
	if idOrName == "" {
		return nil, true
	}
	return s.lookupUser(w, idOrName)
}

// optionalQueryUser is optionalUser for the userId query parameter.
func (s *Server) optionalQueryUser(w http.ResponseWriter, r *http.Request) (*user, bool) {
	return s.optionalUser(w, r.URL.Query().Get("userId"))
}

type route struct {
	key    string // "METHOD /pattern", as Counts.Routes names it
	method string
	segs   []string // literal segments, or "{name}" for a parameter
	handle handler
	since  string // first API version with the route; "" for all
	until  string // first API version without it; "" for none
	public bool   // served without an API key (pages a browser visits)
}

func (rt *route) match(segs []string, version string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) || version < rt.since || (rt.until != "" && version >= rt.until) {
		return nil, false
	}
	var params map[string]string
	for i, want := range rt.segs {
		if strings.HasPrefix(want, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[strings.Trim(want, "{}")] = v
			continue
		}
		if segs[i] != want {
			return nil, false
		}
	}
	return params, true
}

func (s *Server) buildRoutes() []route {
	r := func(method, path string, h handler) route {
		return route{method: method, segs: splitPath(path), handle: h}
	}
	since := func(v string, rt route) route { rt.since = v; return rt }
	until := func(v string, rt route) route { rt.until = v; return rt }
	public := func(rt route) route { rt.public = true; return rt }
	routes := []route{
		r(http.MethodPost, "/users", s.createUser),
		r(http.MethodPost, "/users/batch", s.createUsers),
		r(http.MethodGet, "/users", s.listUsers),
		r(http.MethodGet, "/users/{userId}", s.forUser(s.getUser)),
		r(http.MethodPut, "/users/{userId}", s.updateUser),
		r(http.MethodDelete, "/users/{userId}", s.forUser(s.deleteUser)),
		r(http.MethodGet, "/users/{userId}/token", s.forUser(s.userToken)),
		r(http.MethodDelete, "/users/{userId}/logs", s.forUser(s.deleteUserLogs)),
		r(http.MethodGet, "/workflows/{workflowId}/users", s.workflowUsers),

		// credentials: the list moved in 2025-09; create moved in 2024-03
		since("2025-09", r(http.MethodGet, "/credentials/users/{userId}", s.forUser(s.listCredentials))),
		until("2025-09", r(http.MethodGet, "/users/{userId}/credentials", s.forUser(s.listCredentials))),
		since("2024-03", r(http.MethodPost, "/headless/credentials", s.createCredential)),
		until("2024-03", r(http.MethodPost, "/users/{userId}/credentials", s.createCredential)),
		r(http.MethodDelete, "/users/{userId}/credentials/{credentialId}", s.forUser(s.deleteCredential)),
		since("2024-03", r(http.MethodGet, "/metadata/credentials", s.credentialMetadata)),
		since("2024-03", r(http.MethodGet, "/metadata/credentials/{credentialName}", s.credentialMetadataForApp)),
		since("2024-03", r(http.MethodGet, "/headless/oauthUrl", s.oauthURL)),
		public(r(http.MethodGet, "/oauth/{app}/authorize", s.authorize)),

		// apps: /apps before 2024-03
		since("2024-03", r(http.MethodGet, "/metadata/apps", s.listApps)),
		until("2024-03", r(http.MethodGet, "/apps", s.listApps)),

		// integrations and hosted install links
		r(http.MethodGet, "/integrations", s.listIntegrations),
		r(http.MethodGet, "/integrations/{integrationId}", s.getIntegration),
		r(http.MethodGet, "/users/{userId}/integrations/{integrationId}/install-url", s.forUser(s.installURL)),

		// workflows
		r(http.MethodGet, "/workflows", s.listWorkflows),
		r(http.MethodGet, "/workflows/{workflowId}", s.forWorkflow(s.getWorkflow)),
		r(http.MethodDelete, "/workflows/{workflowId}", s.forWorkflow(s.deleteWorkflow)),
		since("2023-12", r(http.MethodGet, "/workflows/{workflowId}/versions", s.forWorkflow(s.workflowVersions))),
		r(http.MethodPut, "/workflows/activate", s.setActive(true, "activated")),
		r(http.MethodPut, "/workflows/deactivate", s.setActive(false, "deactivated")),
		r(http.MethodPut, "/users/{userId}/deactivate-workflows", s.forUser(s.deactivateAll)),
		since("2023-12", r(http.MethodPut, "/workflows/{workflowId}/upgrade", s.forWorkflow(s.upgradeWorkflow))),
		r(http.MethodPost, "/run/workflow", s.runWorkflow),
		r(http.MethodGet, "/workflows/{workflowId}/analytics", s.forWorkflow(s.workflowAnalytics)),

		// events
		since("2023-12", r(http.MethodGet, "/events", s.listEvents)),
		r(http.MethodPost, "/run/event", s.runEvent),

		// logs: the account-wide log is 2025-09 only
		r(http.MethodGet, "/workflows/{workflowId}/logs", s.forWorkflow(s.workflowLogs)),
		since("2023-12", r(http.MethodGet, "/workflows/{workflowId}/errors", s.forWorkflow(s.workflowErrors))),
		since("2023-12", r(http.MethodPost, "/workflows/{workflowId}/rerun/{executionId}", s.forWorkflow(s.rerun))),
		since("2025-09", r(http.MethodGet, "/logs", s.listLogs)),
		since("2025-09", r(http.MethodGet, "/logs/{id}", s.getLog)),

		// headless installation: start and complete from 2024-03, the rest 2025-09
		since("2024-03", r(http.MethodPost, "/headless/startInstallation", s.startInstallation)),
		since("2024-03", r(http.MethodPost, "/headless/completeInstallation", s.completeInstallation)),
		since("2025-09", r(http.MethodPost, "/headless/editInstallation", s.editInstallation)),
		since("2025-09", r(http.MethodGet, "/installations", s.listInstallations)),
		since("2025-09", r(http.MethodGet, "/installations/{installationId}", s.getInstallation)),

		since("2025-09", r(http.MethodGet, "/analytics/usage", s.usage)),
		since("2024-03", r(http.MethodPost, "/passthrough", s.passthrough)),

		// the Connectivity API (2025-09)
		since("2025-09", r(http.MethodGet, "/connectors", s.listConnectors)),
		since("2025-09", r(http.MethodGet, "/connectors/{connectorId}/resources", s.forConnector(s.connectorResources))),
		since("2025-09", r(http.MethodGet, "/connectors/{connectorId}/actions/{actionId}", s.forConnector(s.connectorAction))),
		since("2025-09", r(http.MethodPost, "/connectors/{connectorId}/actions/{actionId}/execute", s.forConnector(s.executeAction))),
		since("2025-09", r(http.MethodGet, "/connectors/{connectorId}/credentials", s.forConnector(s.connectorCredentials))),
		since("2025-09", r(http.MethodPost, "/connectors/{connectorId}/credentials", s.forConnector(s.createConnectorCredential))),
		since("2025-09", r(http.MethodGet, "/connectors/{connectorId}/credentials/metadata", s.forConnector(s.connectorCredentialMetadata))),

		// the Unified API (2023-12 on): its users are the Embedded API's
		since("2023-12", r(http.MethodPost, "/one/users", s.createUser)),
		since("2023-12", r(http.MethodGet, "/one/users", s.listUsers)),
		since("2023-12", r(http.MethodGet, "/one/users/{userId}", s.forUser(s.getUser))),
		since("2023-12", r(http.MethodPut, "/one/users/{userId}", s.updateUser)),
		since("2023-12", r(http.MethodDelete, "/one/users/{userId}", s.forUser(s.deleteUser))),
		since("2023-12", r(http.MethodDelete, "/one/connections/{connectionId}", s.deleteConnection)),
		since("2023-12", r(http.MethodPost, "/one/forward", s.forward)),
		since("2023-12", r(http.MethodGet, "/one/metadata/operations", s.operations)),
		since("2023-12", r(http.MethodGet, "/one/metadata/fields", s.fields)),
		since("2023-12", r(http.MethodPost, "/one/webhooks", s.createSubscription)),
		since("2023-12", r(http.MethodGet, "/one/webhooks", s.forConnection(s.listSubscriptions))),
		since("2023-12", r(http.MethodGet, "/one/webhooks/{subscriptionId}", s.forConnection(s.getSubscription))),
		since("2023-12", r(http.MethodDelete, "/one/webhooks/{subscriptionId}", s.forConnection(s.deleteSubscription))),
	}
	// the Unified API's model collections (2023-12 on), from one table
	for i := range collections {
		for _, rt := range s.collectionRoutes(&collections[i]) {
			routes = append(routes, since("2023-12", rt))
		}
	}
	for i := range routes {
		routes[i].key = routes[i].method + " /" + strings.Join(routes[i].segs, "/")
	}
	return routes
}

// maxBody caps request bodies the fake accepts.
const maxBody = 1 << 20

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, "Request body too large")
			return false
		}
		writeError(w, http.StatusBadRequest, "Could not read request body")
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		writeError(w, http.StatusBadRequest, "Request body is not valid JSON")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"message":"encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

type userJSON struct {
	UserID   string `json:"userId"`
	Username string `json:"username,omitempty"`
	FullName string `json:"fullName,omitempty"`
}

func (u *user) json() userJSON {
	return userJSON{UserID: u.ID, Username: u.Username, FullName: u.FullName}
}

type userFields struct {
	Username *string `json:"username"`
	FullName *string `json:"fullName"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, _ *request) {
	var in userFields
	if !readJSON(w, r, &in) {
		return
	}
	if in.Username == nil || strings.TrimSpace(*in.Username) == "" {
		writeError(w, http.StatusBadRequest, "username is required")
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	s.st.count(*in.Username).CreateRequests++
	if s.st.byName[*in.Username] != "" {
		writeError(w, http.StatusConflict, fmt.Sprintf("A user with username %q already exists", *in.Username))
		return
	}
	u := s.st.add(*in.Username, deref(in.FullName))
	writeJSON(w, http.StatusOK, map[string]string{"userId": u.ID})
}

func (s *Server) createUsers(w http.ResponseWriter, r *http.Request, _ *request) {
	var in struct {
		Users []userFields `json:"users"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if len(in.Users) == 0 || len(in.Users) > 1000 {
		writeError(w, http.StatusBadRequest, "users must hold between 1 and 1000 users")
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	for _, u := range in.Users {
		if u.Username != nil && strings.TrimSpace(*u.Username) != "" {
			s.st.count(*u.Username).CreateRequests++
		}
	}
	seen := map[string]bool{}
	for i, u := range in.Users {
		switch {
		case u.Username == nil || strings.TrimSpace(*u.Username) == "":
			writeError(w, http.StatusBadRequest, fmt.Sprintf("users[%d].username is required", i))
			return
		case seen[*u.Username] || s.st.byName[*u.Username] != "":
			writeError(w, http.StatusConflict, fmt.Sprintf("A user with username %q already exists", *u.Username))
			return
		}
		seen[*u.Username] = true
	}
	for _, u := range in.Users {
		s.st.add(*u.Username, deref(u.FullName))
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Users created successfully"})
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ *request) {
	wf := r.URL.Query().Get("parentWorkflowId")
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	out := []userJSON{}
	for _, u := range s.st.sortedUsers() {
		if wf != "" && s.st.installs[wf][u.ID] == nil {
			continue
		}
		out = append(out, u.json())
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) getUser(w http.ResponseWriter, _ *http.Request, _ *request, u *user) {
	writeJSON(w, http.StatusOK, u.json())
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, req *request) {
	var in userFields
	if !readJSON(w, r, &in) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u := s.st.find(req.params["userId"])
	if u == nil {
		writeError(w, http.StatusNotFound, "User not found")
		return
	}
	if in.Username != nil {
		name := *in.Username
		if strings.TrimSpace(name) == "" {
			writeError(w, http.StatusBadRequest, "username cannot be empty")
			return
		}
		if other := s.st.byName[name]; other != "" && other != u.ID {
			writeError(w, http.StatusConflict, fmt.Sprintf("A user with username %q already exists", name))
			return
		}
		delete(s.st.byName, u.Username)
		u.Username = name
		s.st.byName[name] = u.ID
	}
	if in.FullName != nil {
		u.FullName = *in.FullName
	}
	writeJSON(w, http.StatusOK, u.json())
}

func (s *Server) deleteUser(w http.ResponseWriter, _ *http.Request, _ *request, u *user) {
	s.st.remove(u)
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

func (s *Server) workflowUsers(w http.ResponseWriter, _ *http.Request, req *request) {
	type item struct {
		userJSON
		WorkflowActive   bool   `json:"workflowActive"`
		InstalledVersion int    `json:"installedVersion"`
		InstalledAt      string `json:"installedAt"`
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	installs := s.st.installs[req.params["workflowId"]]
	out := []item{}
	for _, u := range s.st.sortedUsers() {
		if in := installs[u.ID]; in != nil {
			out = append(out, item{u.json(), in.active, in.version, in.at.Format(timeFormat)})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) userToken(w http.ResponseWriter, _ *http.Request, _ *request, u *user) {
	writeJSON(w, http.StatusOK, map[string]string{"token": s.mintJWT(u.ID, u.Username)})
}

// mintJWT signs an HS256 JWT with the server's throwaway key.
func (s *Server) mintJWT(userID, username string) string {
	now := time.Now()
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{
		"userId":   userID,
		"username": username,
		"iat":      now.Unix(),
		"exp":      now.Add(s.cfg.tokenTTL).Unix(),
		"jti":      randomHex(8),
	})
	signing := header + "." + base64.RawURLEncoding.EncodeToString(claims)
	mac := hmac.New(sha256.New, s.signKey)
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// objectID returns a 24-hex id shaped like a MongoDB ObjectId, as Alloy's are.
func objectID() string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(time.Now().Unix()))
	_, _ = randRead(b[4:])
	return hex.EncodeToString(b[:])
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
