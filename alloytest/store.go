package alloytest

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sort"
	"sync"
	"time"
)

var randRead = rand.Read

// store is the server's state; every access holds mu.
type store struct {
	mu       sync.Mutex
	seq      uint64
	users    map[string]*user               // by id
	byName   map[string]string              // username -> id
	installs map[string]map[string]*install // parent workflow id -> user id -> install
	creds    map[string][]*credential       // user id -> credentials, oldest first
	grants   map[string]*grant              // OAuth state -> the link it was issued for

	executions    []*execution             // the logs, oldest first
	runs          []runStat                // every execution ever, for analytics; deleting logs keeps them
	files         map[string]*storedFile   // the Connectivity API's files, by s3Key
	presigned     map[string]presigned     // presigned upload URLs, by signature
	apiActions    int                      // passthrough calls and connector actions
	failures      map[string][]string      // parent workflow id -> messages of the next runs to fail
	installations map[string]*installation // by id

	counts  map[string]*UserCounts // by username, for Server.Counts; nil: not kept
	discard UserCounts             // counted into when counts is nil
}

// grant is an OAuth link handed out and not yet visited.
type grant struct {
	userID string
	app    *App
	data   map[string]any
	// redirect is where the OAuth page sends the browser after granting;
	// "" shows a page instead.
	redirect string
}

type user struct {
	ID, Username, FullName string
	seq                    uint64
	created                time.Time
}

// install is a user's copy of a parent workflow.
type install struct {
	id      string // the user's workflow id, as log entries name it
	active  bool
	version int
	at      time.Time
}

func newStore() *store {
	return &store{
		users:    map[string]*user{},
		byName:   map[string]string{},
		installs: map[string]map[string]*install{},
		creds:    map[string][]*credential{},
		grants:   map[string]*grant{},

		failures:      map[string][]string{},
		installations: map[string]*installation{},
		files:         map[string]*storedFile{},
		presigned:     map[string]presigned{},
		counts:        map[string]*UserCounts{},
	}
}

func (st *store) add(username, fullName string) *user {
	st.seq++
	u := &user{ID: objectID(), Username: username, FullName: fullName, seq: st.seq, created: time.Now().UTC().Truncate(time.Millisecond)}
	st.users[u.ID] = u
	st.byName[username] = u.ID
	st.count(username).Created++
	return u
}

// count returns the counters of a username.
func (st *store) count(username string) *UserCounts {
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

// find looks a user up by id, then by username, as Alloy's routes accept both.
func (st *store) find(idOrName string) *user {
	if u := st.users[idOrName]; u != nil {
		return u
	}
	return st.users[st.byName[idOrName]]
}

func (st *store) remove(u *user) {
	st.count(u.Username).Deleted++
	delete(st.users, u.ID)
	delete(st.byName, u.Username)
	for _, m := range st.installs {
		delete(m, u.ID)
	}
	delete(st.creds, u.ID)
	st.deleteLogs(u.ID)
	for id, inst := range st.installations {
		if inst.userID == u.ID {
			delete(st.installations, id)
		}
	}
}

// install gives a user an active copy of a parent workflow at version,
// replacing any copy they had.
func (st *store) install(workflowID, userID string, version int) {
	m := st.installs[workflowID]
	if m == nil {
		m = map[string]*install{}
		st.installs[workflowID] = m
	}
	m[userID] = &install{id: objectID(), active: true, version: version, at: time.Now().UTC()}
}

// credential finds a credential of any user by id.
func (st *store) credential(id string) (userID string, c *credential) {
	for uid, list := range st.creds {
		for _, c := range list {
			if c.ID == id {
				return uid, c
			}
		}
	}
	return "", nil
}

// addCredential stores a credential of a for a user; for an app with a
// Unified API category it is also a connection, holding the category's
// sample records.
func (st *store) addCredential(userID string, a *App, data map[string]any) *credential {
	now := time.Now().UTC()
	id := objectID()
	c := &credential{ID: id, Type: a.Name, Name: a.DisplayName + " " + id[len(id)-6:], created: now, updated: now, data: data}
	if a.Category != "" {
		c.one = newConnection(a.Category)
	}
	st.creds[userID] = append(st.creds[userID], c)
	return c
}

func (st *store) removeCredential(userID, credentialID string) bool {
	list := st.creds[userID]
	for i, c := range list {
		if c.ID == credentialID {
			st.creds[userID] = append(list[:i:i], list[i+1:]...)
			return true
		}
	}
	return false
}

func (st *store) sortedUsers() []*user {
	out := make([]*user, 0, len(st.users))
	for _, u := range st.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// objectID returns a 24-hex id shaped like a MongoDB ObjectId, as Alloy's are.
func objectID() string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(time.Now().Unix()))
	_, _ = randRead(b[4:])
	return hex.EncodeToString(b[:])
}
