package alloytest

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testServer starts a server for a test of the store, closed with it.
func testServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// mustUser creates a user through the store.
func mustUser(t *testing.T, st *store, username string) user {
	t.Helper()
	u, err := st.createUser(username, "")
	require.NoError(t, err)
	return u
}

// failureStatus is the status a store method's error answers with.
func failureStatus(err error) int {
	if f, ok := err.(*failure); ok {
		return f.status
	}
	return 0
}

// holdsAnythingOf lists what the store still holds of a user id, by where.
func holdsAnythingOf(st *store, userID string) []string {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []string
	if st.users[userID] != nil {
		out = append(out, "users")
	}
	for name, ids := range st.byName {
		for _, id := range ids {
			if id == userID {
				out = append(out, "byName["+name+"]")
			}
		}
	}
	for wf, m := range st.installs {
		if m[userID] != nil {
			out = append(out, "installs["+wf+"]")
		}
	}
	if _, ok := st.creds[userID]; ok {
		out = append(out, "creds")
	}
	for _, e := range st.executions {
		if e.userID == userID {
			out = append(out, "executions")
		}
	}
	for id, inst := range st.installations {
		if inst.userID == userID {
			out = append(out, "installations["+id+"]")
		}
	}
	for state, g := range st.grants {
		if g.userID == userID {
			out = append(out, "grants["+state+"]")
		}
	}
	for key, f := range st.files {
		if f.owner == userID {
			out = append(out, "files["+key+"]")
		}
	}
	for sig, p := range st.presigned {
		if p.s3Key == userID+"_report.csv" {
			out = append(out, "presigned["+sig+"]")
		}
	}
	return out
}

// giveEverything gives a user one of everything the store can hold of a
// user: credentials (one a Unified API connection, with a webhook
// subscription), a copy of a workflow that has run, a completed headless
// installation, an OAuth link not yet visited, and an uploaded file with
// a presigned URL. It returns the connection's id.
func giveEverything(t *testing.T, s *Server, u user) string {
	t.Helper()
	st := s.st
	in := &s.cfg.integrations[0] // bigcommerce and netsuite, "Paid order to ERP"
	wf := &in.Workflows[0]
	_, err := st.addCredential(u.ID, s.app("bigcommerce"), map[string]any{"storeHash": "h", "accessToken": "a"})
	require.NoError(t, err)
	conn, err := st.addCredential(u.ID, s.app("netsuite"), map[string]any{"accountId": "1"})
	require.NoError(t, err)
	conn.one.subscribe("https://hooks.example.com/a", []string{"accounting/invoices"})

	inst, err := st.startInstallation(u.ID, in, []*WorkflowDef{wf}, nil)
	require.NoError(t, err)
	require.NoError(t, st.completeInstallation(inst.id, []stepAnswer{{WorkflowID: wf.ID, BlockID: wf.Steps[1].ID,
		Fields: []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		}{{Name: "subsidiary", Value: "1"}}}}))
	require.NoError(t, st.runWorkflow(u.ID, wf, "manual", map[string]any{"orderId": 1}))
	_, _, err = st.issueGrant(u.ID, grant{app: s.app("shopify"), data: map[string]any{}})
	require.NoError(t, err)

	body := []byte("a,b\n1,2\n")
	sum := md5.Sum(body)
	_, key, sig, err := st.requestUpload(u.ID, s.teamID, "report.csv", "text/csv", sum[:])
	require.NoError(t, err)
	require.NoError(t, st.upload(sig, key, "text/csv", base64.StdEncoding.EncodeToString(sum[:]), body))
	_, _, _, err = st.requestUpload(u.ID, s.teamID, "report.csv", "text/csv", sum[:]) // a URL not used
	require.NoError(t, err)
	return conn.ID
}

// TestDeleteUserLeavesNothingOfTheirs: deleting a user removes every trace
// of them from the store (their credentials and so their connections,
// copies of workflows, logs, installations, OAuth links, files and
// presigned URLs) and nothing of anyone else's.
func TestDeleteUserLeavesNothingOfTheirs(t *testing.T) {
	s := testServer(t)
	st := s.st
	gone, kept := mustUser(t, st, "gone@example.com"), mustUser(t, st, "kept@example.com")
	goneConn := giveEverything(t, s, gone)
	keptConn := giveEverything(t, s, kept)
	require.NotEmpty(t, holdsAnythingOf(st, gone.ID), "the test gave them something")
	before := holdsAnythingOf(st, kept.ID)

	deleted, err := st.deleteUser("gone@example.com")
	require.NoError(t, err)
	assert.Equal(t, gone.ID, deleted.ID)

	assert.Empty(t, holdsAnythingOf(st, gone.ID), "what the store still holds of the deleted user")
	assert.ElementsMatch(t, before, holdsAnythingOf(st, kept.ID), "the other user keeps all theirs")
	c, err := st.credentialByID(goneConn, "")
	require.NoError(t, err)
	assert.Nil(t, c, "their connection is gone")
	assert.Nil(t, s.Records(goneConn, "accounting/invoices"))
	assert.Empty(t, s.Subscriptions(goneConn))
	assert.NotEmpty(t, s.Records(keptConn, "accounting/invoices"))
	assert.Len(t, s.Subscriptions(keptConn), 1)

	_, err = st.deleteUser(gone.ID)
	assert.Equal(t, http.StatusNotFound, failureStatus(err), "deleted once")
	runs, _ := st.runStats()
	assert.Len(t, runs, 2, "the account's analytics keep both users' runs")
	assert.Equal(t, 1, st.userCounts()["gone@example.com"].Deleted)
}

// TestNothingOutlivesAUserDeletedConcurrently: requests that add things to
// a user race with the user's deletion; whichever wins, the store holds
// nothing of the user afterwards. (Each store method resolves the user and
// acts under one lock: a handler that looked the user up, then added a
// credential under a second lock, would leave an orphan here.)
func TestNothingOutlivesAUserDeletedConcurrently(t *testing.T) {
	s := testServer(t)
	st := s.st
	in := &s.cfg.integrations[0]
	for round := 0; round < 20; round++ {
		u := mustUser(t, st, fmt.Sprintf("racer%d@example.com", round))
		bc, err := st.addCredential(u.ID, s.app("bigcommerce"), map[string]any{"storeHash": "h", "accessToken": "a"})
		require.NoError(t, err)
		ns, err := st.addCredential(u.ID, s.app("netsuite"), map[string]any{"accountId": "1"})
		require.NoError(t, err)
		var wg sync.WaitGroup
		start := make(chan struct{})
		adders := []func() error{
			func() error {
				_, err := st.addCredential(u.ID, s.app("bigcommerce"), map[string]any{"x": 1})
				return err
			},
			func() error { return st.installWorkflow(in.Workflows[0].ID, u.ID, 1) },
			func() error {
				_, err := st.startInstallation(u.ID, in, []*WorkflowDef{&in.Workflows[0]}, []string{bc.ID, ns.ID})
				return err
			},
			func() error { _, _, err := st.issueGrant(u.ID, grant{app: s.app("shopify")}); return err },
			func() error {
				_, _, _, err := st.requestUpload(u.ID, s.teamID, "report.csv", "text/csv", make([]byte, 16))
				return err
			},
		}
		for _, add := range adders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := 0; i < 5; i++ {
					if err := add(); err != nil {
						assert.Equal(t, http.StatusNotFound, failureStatus(err), "%v", err) // the user is gone
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := st.deleteUser(u.ID)
			assert.NoError(t, err)
		}()
		close(start)
		wg.Wait()
		require.Empty(t, holdsAnythingOf(st, u.ID), "round %d", round)
	}
}

// TestUsernamesAreUnique: a username names one user, whether taken by a
// create, a batch, an update or concurrent creates; with
// WithDuplicateUsernames they all go through and the username names the
// oldest of its users.
func TestUsernamesAreUnique(t *testing.T) {
	st := newStore(true, false)
	a := mustUser(t, st, "a@example.com")
	_, err := st.createUser("a@example.com", "")
	assert.Equal(t, http.StatusConflict, failureStatus(err))
	name := func(s string) *string { return &s }
	invalid, err := st.createUsers([]userFields{{Username: name("a@example.com")}, {Username: name("b@example.com")}, {Username: name("b@example.com")}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"username": "a@example.com"}, {"username": "b@example.com"}}, invalid)
	_, err = st.updateUser("b@example.com", userFields{Username: name("a@example.com")})
	assert.Equal(t, http.StatusConflict, failureStatus(err))
	_, err = st.updateUser(a.ID, userFields{Username: name("a@example.com")})
	assert.NoError(t, err, "keeping one's own name is no conflict")

	var created atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.createUser("c@example.com", ""); err == nil {
				created.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), created.Load(), "32 concurrent creates of one username")
	names := map[string]int{}
	for _, u := range st.listUsers("") {
		names[u.Username]++
	}
	assert.Equal(t, map[string]int{"a@example.com": 1, "b@example.com": 1, "c@example.com": 1}, names)

	dup := newStore(true, true)
	first := mustUser(t, dup, "d@example.com")
	second := mustUser(t, dup, "d@example.com")
	invalid, err = dup.createUsers([]userFields{{Username: name("d@example.com")}, {Username: name("d@example.com")}})
	require.NoError(t, err)
	assert.Empty(t, invalid)
	assert.Len(t, dup.listUsers(""), 4)
	got, err := dup.userByIDOrName("d@example.com")
	require.NoError(t, err)
	assert.Equal(t, first.ID, got.ID, "the oldest")
	_, err = dup.deleteUser("d@example.com")
	require.NoError(t, err)
	got, err = dup.userByIDOrName("d@example.com")
	require.NoError(t, err)
	assert.Equal(t, second.ID, got.ID, "then the next oldest")
	e := mustUser(t, dup, "e@example.com")
	renamed, err := dup.updateUser(e.ID, userFields{Username: name("d@example.com")})
	require.NoError(t, err, "a rename to a taken username goes through too")
	got, _ = dup.userByIDOrName("d@example.com")
	assert.Equal(t, second.ID, got.ID, "the renamed user is newer")
	assert.Equal(t, 4, dup.userCounts()["d@example.com"].Created)
	assert.Equal(t, "d@example.com", renamed.Username)
}

// TestIDsAreUnique: the ids the store makes stay unique when its random
// source repeats itself: users, credentials, installations and webhook
// subscriptions each among their kind (subscriptions in their connection),
// records within their collection. The source gives every value twice in a row and starts over before each
// object made, so that each object's id would be the one before it of its
// kind but for the store's check. (Not across kinds: no code needs that.)
func TestIDsAreUnique(t *testing.T) {
	s := testServer(t)
	st := s.st
	var calls atomic.Uint64
	st.rand = func(b []byte) (int, error) { // set before any request
		n := calls.Add(1) / 2
		for i := range b {
			b[i] = byte(n >> (8 * (i % 8)))
		}
		return len(b), nil
	}
	fresh := func() { calls.Store(0) }
	ids := map[string]bool{}
	unique := func(kind, id string) {
		t.Helper()
		require.False(t, ids[kind+" "+id], "%s %s repeats the id of another %s", kind, id, kind)
		ids[kind+" "+id] = true
	}
	invoices, _, _ := collectionAt("accounting/invoices")
	for i := 0; i < 10; i++ {
		fresh()
		u := mustUser(t, st, fmt.Sprintf("u%d@example.com", i))
		unique("user", u.ID)
		fresh()
		c, err := st.addCredential(u.ID, s.app("netsuite"), map[string]any{"accountId": "1"})
		require.NoError(t, err)
		unique("credential", c.ID)
		fresh()
		c2, err := st.addCredential(u.ID, s.app("bigcommerce"), map[string]any{"storeHash": "h", "accessToken": "a"})
		require.NoError(t, err)
		unique("credential", c2.ID)
		in := &s.cfg.integrations[0]
		fresh()
		inst, err := st.startInstallation(u.ID, in, []*WorkflowDef{&in.Workflows[0]}, nil)
		require.NoError(t, err)
		unique("installation", inst.id)
		for range 2 {
			fresh()
			unique("subscription of connection "+c.ID, c.one.subscribe("https://hooks.example.com", []string{"x"}).id)
		}
		// A record's id is unique in its connection's collection (the
		// sample records of every connection share theirs).
		tg := &target{c: invoices, conn: mustConn(t, st, u.ID)}
		seen := map[string]bool{}
		for _, rec := range tg.snapshot() {
			seen[rec["id"].(string)] = true
		}
		for j := 0; j < 3; j++ {
			fresh()
			rec, err := tg.create(map[string]any{}, "2025-09")
			require.NoError(t, err)
			id := rec["id"].(string)
			require.False(t, seen[id], "invoice %s repeats an id of its collection", id)
			seen[id] = true
		}
	}
}

// mustConn returns a user's first Unified API connection.
func mustConn(t *testing.T, st *store, userID string) *connection {
	t.Helper()
	creds, err := st.credentials(userID)
	require.NoError(t, err)
	for _, c := range creds {
		if c.one != nil {
			return c.one
		}
	}
	t.Fatal("no connection")
	return nil
}
