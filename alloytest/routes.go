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
		u := s.st.find(req.params["userId"])
		if u == nil {
			writeError(w, http.StatusNotFound, "User not found")
			return
		}
		h(w, r, req, u)
	}
}

type route struct {
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
	return []route{
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
	}
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

func (s *Server) deleteUserLogs(w http.ResponseWriter, _ *http.Request, _ *request, _ *user) {
	writeJSON(w, http.StatusOK, map[string]string{"message": "Success"})
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
