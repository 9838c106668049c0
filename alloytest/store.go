package alloytest

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// The server's state and its invariants. Handlers read and change it only
// through the methods of *store, which keep it whole: ids are unique, a
// username names one user (unless WithDuplicateUsernames), and nothing of
// a user outlives them (deleteUser).
//
// The lock: every method of *store takes st.mu itself, except those named
// ...Locked, which only its other methods call, with st.mu held. No
// handler takes st.mu or reads a field of the store (a test checks it).
// What a method returns is the caller's to keep without the lock: copies of
// what changes (a user, an installation), or pointers to what never changes
// once stored (a credential, an execution, the catalog's definitions).
// A Unified API connection's records have their own lock (connection.mu),
// taken by the connection's methods in the same way.

// randSource fills b with random bytes, as crypto/rand.Read does. The
// store's ids come from its own (a connection's from its store's), so that
// a test can make one repeat itself without touching the package.
type randSource func(b []byte) (int, error)

// store is the server's state; every access holds mu.
type store struct {
	mu       sync.Mutex
	seq      uint64     // orders users, executions and installations
	dupNames bool       // WithDuplicateUsernames: a taken username is no conflict
	rand     randSource // the ids' random bytes; never changes

	users    map[string]*user               // by id
	byName   map[string][]string            // username -> ids, oldest first
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

// newStore returns an empty store. userCounts keeps the counters per
// username; dupNames lets a username be taken twice.
func newStore(userCounts, dupNames bool) *store {
	st := &store{
		dupNames: dupNames,
		rand:     rand.Read,
		users:    map[string]*user{},
		byName:   map[string][]string{},
		installs: map[string]map[string]*install{},
		creds:    map[string][]*credential{},
		grants:   map[string]*grant{},

		failures:      map[string][]string{},
		installations: map[string]*installation{},
		files:         map[string]*storedFile{},
		presigned:     map[string]presigned{},
	}
	if userCounts {
		st.counts = map[string]*UserCounts{}
	}
	return st
}

// nextSeqLocked returns the next number of the store's sequence.
func (st *store) nextSeqLocked() uint64 {
	st.seq++
	return st.seq
}

// objectID returns a 24-hex id shaped like a MongoDB ObjectId, as Alloy's are.
func (r randSource) objectID() string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(time.Now().Unix()))
	_, _ = r(b[4:])
	return hex.EncodeToString(b[:])
}
