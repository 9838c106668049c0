package alloytest

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	alloy "github.com/alloysdk/alloy-go"
)

// Users: /users, /users/batch and /one/users, and the user JWTs of
// /users/{userId}/token, which the server mints itself.

// user is a user the store holds. The store hands out copies.
type user struct {
	ID, Username, FullName string
	seq                    uint64
	created                time.Time
}

func (u user) alloy() alloy.User {
	return alloy.User{ID: u.ID, Username: u.Username, FullName: u.FullName}
}

// ---- the store's users

// userLocked resolves a user id or, failing that, a username (the oldest
// user with it), as Alloy's routes accept both: 400 for a blank one, 404
// for none.
func (st *store) userLocked(idOrName string) (*user, error) {
	if strings.TrimSpace(idOrName) == "" {
		return nil, fail(http.StatusBadRequest, "userId is required")
	}
	if u := st.users[idOrName]; u != nil {
		return u, nil
	}
	if ids := st.byName[idOrName]; len(ids) > 0 {
		return st.users[ids[0]], nil
	}
	return nil, fail(http.StatusNotFound, "User not found")
}

// optionalUserLocked is userLocked where the user may be left out: ""
// gives nil.
func (st *store) optionalUserLocked(idOrName string) (*user, error) {
	if idOrName == "" {
		return nil, nil
	}
	return st.userLocked(idOrName)
}

// userByIDOrName returns the user an id or username names (see userLocked).
func (st *store) userByIDOrName(idOrName string) (user, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(idOrName)
	if err != nil {
		return user{}, err
	}
	return *u, nil
}

// hasUser reports whether an id or username names a user.
func (st *store) hasUser(idOrName string) bool {
	_, err := st.userByIDOrName(idOrName)
	return err == nil
}

// takenLocked reports whether creating a user with username would be a
// conflict: it is taken and duplicates are not allowed.
func (st *store) takenLocked(username string) bool {
	return !st.dupNames && len(st.byName[username]) > 0
}

func conflictingName(username string) error {
	return fail(http.StatusConflict, "A user with username %q already exists", username)
}

// addUserLocked stores a new user, with a fresh id.
func (st *store) addUserLocked(username, fullName string) *user {
	u := &user{ID: st.rand.objectID(), Username: username, FullName: fullName, seq: st.nextSeqLocked(), created: time.Now().UTC().Truncate(time.Millisecond)}
	for st.users[u.ID] != nil { // ids are unique, however unlikely a clash
		u.ID = st.rand.objectID()
	}
	st.users[u.ID] = u
	st.byName[username] = append(st.byName[username], u.ID)
	st.countLocked(username).Created++
	return u
}

// countLocked returns the counters of a username.
func (st *store) countLocked(username string) *UserCounts {
	if st.counts == nil {
		return &st.discard
	}
	c := st.counts[username]
	if c == nil {
		c = &UserCounts{}
		st.counts[username] = c
	}
	return c
}

// createUser counts a create request for username and creates the user:
// 409 when the username is taken (unless duplicates are allowed).
func (st *store) createUser(username, fullName string) (user, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.countLocked(username).CreateRequests++
	if st.takenLocked(username) {
		return user{}, conflictingName(username)
	}
	return *st.addUserLocked(username, fullName), nil
}

// createUsers creates the valid users of a batch and returns the ones it
// refused, as they were sent: those without a username, and those whose
// username is taken, by a user or earlier in the batch (unless duplicates
// are allowed). It creates none, with 400, when it refused them all.
func (st *store) createUsers(batch []userFields) (invalid []map[string]string, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	invalid = []map[string]string{}
	var valid []userFields
	seen := map[string]bool{}
	for _, u := range batch {
		named := u.Username != nil && strings.TrimSpace(*u.Username) != ""
		if named {
			st.countLocked(*u.Username).CreateRequests++
		}
		switch {
		case !named, !st.dupNames && seen[*u.Username], st.takenLocked(*u.Username):
			invalid = append(invalid, u.sent())
		default:
			seen[*u.Username] = true
			valid = append(valid, u)
		}
	}
	if len(valid) == 0 {
		return nil, fail(http.StatusBadRequest, "No valid users provided")
	}
	for _, u := range valid {
		st.addUserLocked(*u.Username, deref(u.FullName))
	}
	return invalid, nil
}

// seedUsers creates users and installs their workflows (parent workflow
// ids, per user), all or none: it fails, creating nothing, when a
// username is taken (unless duplicates are allowed).
func (st *store) seedUsers(users []SeedUser, workflows [][]string) ([]user, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for i, su := range users {
		if st.takenLocked(su.Username) {
			return nil, fail(http.StatusConflict, "users[%d]: a user with username %q already exists", i, su.Username)
		}
	}
	out := make([]user, 0, len(users))
	for i, su := range users {
		u := st.addUserLocked(su.Username, su.FullName)
		for _, wf := range workflows[i] {
			st.installLocked(wf, u.ID, 1)
		}
		out = append(out, *u)
	}
	return out, nil
}

// sortedUsersLocked returns the users, oldest first.
func (st *store) sortedUsersLocked() []*user {
	out := make([]*user, 0, len(st.users))
	for _, u := range st.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b *user) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// listUsers returns the users, oldest first: every one, or those who have
// installed a parent workflow.
func (st *store) listUsers(parentWorkflowID string) []user {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := []user{}
	for _, u := range st.sortedUsersLocked() {
		if parentWorkflowID == "" || st.installs[parentWorkflowID][u.ID] != nil {
			out = append(out, *u)
		}
	}
	return out
}

// updateUser changes the fields sent: 404 for no such user, 400 for an
// empty username, 409 for one another user has (unless duplicates are
// allowed).
func (st *store) updateUser(idOrName string, in userFields) (user, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(idOrName)
	if err != nil {
		return user{}, err
	}
	if in.Username != nil {
		name := *in.Username
		if strings.TrimSpace(name) == "" {
			return user{}, fail(http.StatusBadRequest, "username cannot be empty")
		}
		if name != u.Username {
			if st.takenLocked(name) {
				return user{}, conflictingName(name)
			}
			st.unnameLocked(u)
			u.Username = name
			ids := append(st.byName[name], u.ID)
			slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(st.users[a].seq, st.users[b].seq) })
			st.byName[name] = ids
		}
	}
	if in.FullName != nil {
		u.FullName = *in.FullName
	}
	return *u, nil
}

// unnameLocked removes u from the index of usernames.
func (st *store) unnameLocked(u *user) {
	ids := slices.DeleteFunc(st.byName[u.Username], func(id string) bool { return id == u.ID })
	if len(ids) == 0 {
		delete(st.byName, u.Username)
		return
	}
	st.byName[u.Username] = ids
}

// deleteUser deletes a user and everything of theirs: their credentials
// (and so their Unified API connections, with their records and webhook
// subscriptions), their copies of workflows, their logs, their headless
// installations, the OAuth links issued for them and their files (with
// their presigned upload URLs). The account's analytics keep counting
// their runs, and Counts keeps their username's counters, as the account's
// history. It returns the user deleted.
func (st *store) deleteUser(idOrName string) (user, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, err := st.userLocked(idOrName)
	if err != nil {
		return user{}, err
	}
	st.countLocked(u.Username).Deleted++
	delete(st.users, u.ID)
	st.unnameLocked(u)
	for wf, m := range st.installs {
		delete(m, u.ID)
		if len(m) == 0 {
			delete(st.installs, wf)
		}
	}
	delete(st.creds, u.ID)
	st.deleteLogsLocked(u.ID)
	for id, inst := range st.installations {
		if inst.userID == u.ID {
			delete(st.installations, id)
		}
	}
	for state, g := range st.grants {
		if g.userID == u.ID {
			delete(st.grants, state)
		}
	}
	st.deleteFilesLocked(u.ID)
	return *u, nil
}

// workflowUser is a user with their copy of a parent workflow.
type workflowUser struct {
	user
	install
}

// workflowUsers returns the users who installed a parent workflow, oldest
// first, with their copies.
func (st *store) workflowUsers(workflowID string) []workflowUser {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := []workflowUser{}
	for _, u := range st.sortedUsersLocked() {
		if in := st.installs[workflowID][u.ID]; in != nil {
			out = append(out, workflowUser{*u, *in})
		}
	}
	return out
}

// userCounts returns a copy of the counters per username.
func (st *store) userCounts() map[string]UserCounts {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make(map[string]UserCounts, len(st.counts))
	for k, uc := range st.counts {
		out[k] = *uc
	}
	return out
}

// ---- Server helpers

// Users returns a snapshot of the users the server holds, oldest first.
func (s *Server) Users() []alloy.User {
	var out []alloy.User
	for _, u := range s.st.listUsers("") {
		out = append(out, u.alloy())
	}
	if out == nil {
		out = []alloy.User{}
	}
	return out
}

// ---- handlers

// userHandler acts on the user named by the route's {userId}.
type userHandler func(w http.ResponseWriter, r *http.Request, req *request, u user)

// forUser runs h with the {userId} user (id or username) resolved,
// answering 404 when there is none. h gets a copy: a store method it calls
// with u.ID finds out if the user has been deleted since.
func (s *Server) forUser(h userHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, req *request) {
		u, err := s.st.userByIDOrName(req.params["userId"])
		if err != nil {
			writeFailure(w, err)
			return
		}
		h(w, r, req, u)
	}
}

// checkOptionalUser answers 404 itself when the userId query parameter is
// given and names no user.
func (s *Server) checkOptionalUser(w http.ResponseWriter, r *http.Request) bool {
	if id := r.URL.Query().Get("userId"); id != "" {
		if _, err := s.st.userByIDOrName(id); err != nil {
			writeFailure(w, err)
			return false
		}
	}
	return true
}

type userJSON struct {
	UserID   string `json:"userId"`
	Username string `json:"username,omitempty"`
	FullName string `json:"fullName,omitempty"`
}

func (u user) json() userJSON {
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
	u, err := s.st.createUser(*in.Username, deref(in.FullName))
	if err != nil {
		writeFailure(w, err)
		return
	}
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
	invalid, err := s.st.createUsers(in.Users)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": "success", "invalidUsers": invalid})
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ *request) {
	out := []userJSON{}
	for _, u := range s.st.listUsers(r.URL.Query().Get("parentWorkflowId")) {
		out = append(out, u.json())
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) getUser(w http.ResponseWriter, _ *http.Request, _ *request, u user) {
	writeJSON(w, http.StatusOK, u.json())
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, req *request) {
	var in userFields
	if !readJSON(w, r, &in) {
		return
	}
	u, err := s.st.updateUser(req.params["userId"], in)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, u.json())
}

func (s *Server) deleteUser(w http.ResponseWriter, _ *http.Request, req *request) {
	if _, err := s.st.deleteUser(req.params["userId"]); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

func (s *Server) workflowUsers(w http.ResponseWriter, _ *http.Request, req *request) {
	type item struct {
		userJSON
		WorkflowActive   bool   `json:"workflowActive"`
		InstalledVersion int    `json:"installedVersion"`
		InstalledAt      string `json:"installedAt"`
	}
	out := []item{}
	for _, wu := range s.st.workflowUsers(req.params["workflowId"]) {
		out = append(out, item{wu.user.json(), wu.active, wu.version, wu.at.Format(timeFormat)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) userToken(w http.ResponseWriter, _ *http.Request, _ *request, u user) {
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
		"Users.Delete":         s.deleteUser,
		"Tokens.Create":        s.forUser(s.userToken),
		"Users.DeleteLogs":     s.deleteUserLogs,
		"Users.ListByWorkflow": s.workflowUsers,
		"unified.Users.Create": s.createUser,
		"unified.Users.List":   s.listUsers,
		"unified.Users.Get":    s.forUser(s.getUser),
		"unified.Users.Update": s.updateUser,
		"unified.Users.Delete": s.deleteUser,
	}
}
