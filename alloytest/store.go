package alloytest

import (
	"crypto/rand"
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
}

// grant is an OAuth link handed out and not yet visited.
type grant struct {
	userID string
	app    *App
	data   map[string]any
}

type user struct {
	ID, Username, FullName string
	seq                    uint64
}

type install struct {
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
	}
}

func (st *store) add(username, fullName string) *user {
	st.seq++
	u := &user{ID: objectID(), Username: username, FullName: fullName, seq: st.seq}
	st.users[u.ID] = u
	st.byName[username] = u.ID
	return u
}

// find looks a user up by id, then by username, as Alloy's routes accept both.
func (st *store) find(idOrName string) *user {
	if u := st.users[idOrName]; u != nil {
		return u
	}
	return st.users[st.byName[idOrName]]
}

func (st *store) remove(u *user) {
	delete(st.users, u.ID)
	delete(st.byName, u.Username)
	for _, m := range st.installs {
		delete(m, u.ID)
	}
	delete(st.creds, u.ID)
}

func (st *store) addCredential(userID string, a *App, data map[string]any) *credential {
	now := time.Now().UTC()
	id := objectID()
	c := &credential{ID: id, Type: a.Name, Name: a.DisplayName + " " + id[len(id)-6:], created: now, updated: now, data: data}
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
