package alloytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	alloy "github.com/alloysdk/alloy-go"
)

// Users: /users, /users/batch and /one/users, and the user JWTs of
// /users/{userId}/token, which the server mints itself.

// Users returns a snapshot of the users the server holds, oldest first.
func (s *Server) Users() []alloy.User {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	out := make([]alloy.User, 0, len(s.st.users))
	for _, u := range s.st.sortedUsers() {
		out = append(out, alloy.User{ID: u.ID, Username: u.Username, FullName: u.FullName})
	}
	return out
}

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

// sent returns the fields as they were sent, leaving out those that were
// not.
func (f userFields) sent() map[string]string {
	out := map[string]string{}
	if f.Username != nil {
		out["username"] = *f.Username
	}
	if f.FullName != nil {
		out["fullName"] = *f.FullName
	}
	return out
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

// createUsers creates the valid users of a batch and answers, as Alloy's
// batch-create-users page documents, 200 {"message":"success",
// "invalidUsers":[...]} with the users it refused (no username, or one
// already taken, by an existing user or earlier in the batch) as they were
// sent; 400 {"message":"No valid users provided"} when it refused them all.
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
	invalid := []map[string]string{}
	var valid []userFields
	seen := map[string]bool{}
	for _, u := range in.Users {
		if u.Username != nil && strings.TrimSpace(*u.Username) != "" {
			s.st.count(*u.Username).CreateRequests++
		}
		switch {
		case u.Username == nil || strings.TrimSpace(*u.Username) == "",
			seen[*u.Username] || s.st.byName[*u.Username] != "":
			invalid = append(invalid, u.sent())
		default:
			seen[*u.Username] = true
			valid = append(valid, u)
		}
	}
	if len(valid) == 0 {
		writeError(w, http.StatusBadRequest, "No valid users provided")
		return
	}
	for _, u := range valid {
		s.st.add(*u.Username, deref(u.FullName))
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": "success", "invalidUsers": invalid})
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

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// usersHandlers are this file's answers, by the contract's operationId.
func (s *Server) usersHandlers() map[string]handler {
	return map[string]handler{
		"Users.Create":         s.createUser,
		"Users.CreateBatch":    s.createUsers,
		"Users.List":           s.listUsers,
		"Users.Get":            s.forUser(s.getUser),
		"Users.Update":         s.updateUser,
		"Users.Delete":         s.forUser(s.deleteUser),
		"Tokens.Create":        s.forUser(s.userToken),
		"Users.DeleteLogs":     s.forUser(s.deleteUserLogs),
		"Users.ListByWorkflow": s.workflowUsers,
		"unified.Users.Create": s.createUser,
		"unified.Users.List":   s.listUsers,
		"unified.Users.Get":    s.forUser(s.getUser),
		"unified.Users.Update": s.updateUser,
		"unified.Users.Delete": s.forUser(s.deleteUser),
	}
}
