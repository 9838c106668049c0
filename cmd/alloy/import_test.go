package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runWith runs alloy in process as h.run does, under ctx, writing stderr
// to stderr as well as to the result, with the test's client options
// (e.g. no retry waits). Like h.run it checks that nothing printed carries
// the API key or a JWT.
func (h *harness) runWith(ctx context.Context, stderr io.Writer, opts []alloy.Option, args ...string) result {
	h.t.Helper()
	var stdout bytes.Buffer
	var errBuf syncBuffer
	w := io.Writer(&errBuf)
	if stderr != nil {
		w = io.MultiWriter(&errBuf, stderr)
	}
	x := newCLI(ctx, strings.NewReader(""), &stdout, w, func(k string) string { return h.env[k] })
	x.clientOpts = slices.Clone(opts)
	code := x.execute(args)
	r := result{code: code, stdout: stdout.String(), stderr: errBuf.String()}
	for _, key := range []string{h.srv.APIKey, h.env["ALLOY_API_KEY"]} {
		if key != "" {
			assert.NotContains(h.t, r.stdout+r.stderr, key, "alloy %v printed the API key", args)
		}
	}
	assert.NotRegexp(h.t, jwtRe, r.stdout+r.stderr, "alloy %v printed a JWT", args)
	return r
}

// lineWatcher is a stderr that calls fn with each complete line written
// to it.
type lineWatcher struct {
	mu      sync.Mutex
	partial string
	fn      func(line string)
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial += string(p)
	for {
		i := strings.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := w.partial[:i]
		w.partial = w.partial[i+1:]
		w.fn(line)
	}
}

// noWaits makes the SDK retry at once: the tests' faults need no backoff.
var noWaits = []alloy.Option{alloy.WithRetryWait(0, 0)}

// importRows writes a CSV import file of n users, user001@tenant.example
// and on, with the given rows replaced by bad ones, and returns its path.
func importRows(t *testing.T, n int, replace map[int]string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("username,fullName\n")
	for i := 1; i <= n; i++ {
		if r, ok := replace[i]; ok {
			b.WriteString(r + "\n")
			continue
		}
		fmt.Fprintf(&b, "user%03d@tenant.example,Tenant %03d\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "users.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// readReport reads a report file, sorted by row.
func readReport(t *testing.T, path string) []reportLine {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []reportLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l reportLine
		d := json.NewDecoder(strings.NewReader(sc.Text()))
		d.DisallowUnknownFields()
		require.NoError(t, d.Decode(&l), sc.Text())
		out = append(out, l)
	}
	require.NoError(t, sc.Err())
	slices.SortFunc(out, func(a, b reportLine) int { return a.Row - b.Row })
	return out
}

func decodeSummary(t *testing.T, stdout string) importSummary {
	t.Helper()
	var s importSummary
	d := json.NewDecoder(strings.NewReader(stdout))
	d.DisallowUnknownFields()
	require.NoError(t, d.Decode(&s), stdout)
	return s
}

// waitQuiet waits until the server has no more connections open than
// before: every request of a closed transport has been answered, so that
// nothing the interrupted run sent can still act.
func waitQuiet(t *testing.T, srv *alloytest.Server, tr *http.Transport, baseline int) {
	t.Helper()
	tr.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for srv.OpenConnections() > baseline {
		if time.Now().After(deadline) {
			t.Fatalf("the server still has %d connections open, %d before the run", srv.OpenConnections(), baseline)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestUsersImportInterruptedAndResumedCreatesEachUserOnce imports 500
// rows, six of them bad, through seeded faults (reads that fail, creates
// whose answer is lost after the user was made), is interrupted once 250
// rows have finished, and resumed, on a server that lets duplicate
// usernames through (a second create would make a second user): the
// server then holds exactly one user per good username, created by
// exactly one create request, and the report names each bad row.
func TestUsersImportInterruptedAndResumedCreatesEachUserOnce(t *testing.T) {
	h := newHarness(t, alloytest.WithFaultSeed(21), alloytest.WithDuplicateUsernames())
	bad := map[int]string{
		17:  ",Nameless Tenant",
		101: "user101\x01@tenant.example,Control",
		250: "user003@tenant.example,Again",
		333: "user333@tenant.example,Tenant 333,extra",
		400: `user400"@tenant.example,Quote`,
		500: `"user500@tenant.example,Unterminated`,
	}
	path := importRows(t, 500, bad)
	h.user("user042@tenant.example", "There before") // found, not created
	h.srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Rate: 0.1, Fault: alloytest.Fault{Status: 503}})
	h.srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Rate: 0.1, Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	h.srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Rate: 0.05, Fault: alloytest.Fault{Drop: true, AfterHandler: true}})
	args := []string{"users", "import", path, "--json", "--rate", "0", "--progress-every", "50", "--retries", "10"}

	// Interrupted, as Ctrl-C would, once the progress says 250 rows have
	// finished; through a transport of its own, to know when the server
	// has answered all it sent.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stop := &lineWatcher{fn: func(line string) {
		if strings.Contains(line, ": 250/500 rows") {
			cancel(interrupted{syscall.SIGINT})
		}
	}}
	tr := &http.Transport{}
	baseline := h.srv.OpenConnections()
	r := h.runWith(ctx, stop, append(slices.Clone(noWaits), alloy.WithHTTPClient(&http.Client{Transport: tr})), args...)
	require.Equal(t, 130, r.code, r.stderr)
	waitQuiet(t, h.srv, tr, baseline)
	first := decodeSummary(t, r.stdout)
	finished := first.Created + first.Existing + first.Failed
	assert.GreaterOrEqual(t, finished, 250)
	assert.Positive(t, first.NotDone)
	assert.Equal(t, 500, finished+first.NotDone)
	assert.Equal(t, path+checkpointSuffix, first.Checkpoint)
	assert.Contains(t, r.stderr, "alloy users import: stopped with "+fmt.Sprint(first.NotDone)+" rows not done; run the same command again to resume from "+path+checkpointSuffix+"\n")
	assert.True(t, strings.HasSuffix(r.stderr, "alloy users import: interrupted\n"), r.stderr)
	var cp importCheckpoint
	b, err := os.ReadFile(path + checkpointSuffix)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &cp))
	assert.Less(t, cp.Done, 500)
	for row := range bad {
		if row <= cp.Done {
			assert.Contains(t, cp.Retry, row, "a bad row is tried again")
		}
	}
	assert.Less(t, len(h.srv.Users()), 495, "not every user was made")

	// Resumed: the rows the checkpoint has as imported are not sent again.
	h.srv.ResetRequests()
	r = h.runWith(context.Background(), nil, noWaits, args...)
	require.Equal(t, 1, r.code, r.stderr)
	second := decodeSummary(t, r.stdout)
	assert.Equal(t, importSummary{File: path, Rows: 500, Created: second.Created, Existing: second.Existing,
		Skipped: cp.Done - len(cp.Retry), Failed: 6, Report: path + reportSuffix, Checkpoint: path + checkpointSuffix}, second)
	assert.Equal(t, 500, second.Created+second.Existing+second.Skipped+second.Failed)
	assert.Contains(t, r.stderr, fmt.Sprintf("alloy users import: resuming from %s: rows 1 to %d were done by an earlier run, %d of them failed or were interrupted and are tried again\n",
		path+checkpointSuffix, cp.Done, len(cp.Retry)))
	assert.True(t, strings.HasSuffix(r.stderr, "alloy users import: 6 of 500 rows failed: see "+path+reportSuffix+"\n"), r.stderr)
	for _, req := range h.srv.Requests() {
		if req.Method == http.MethodGet && req.Fault == "" {
			u := strings.TrimPrefix(req.Path[strings.LastIndex(req.Path, "/"):], "/")
			var row int
			_, _ = fmt.Sscanf(u, "user%03d@", &row)
			assert.False(t, row > 0 && row <= cp.Done && !slices.Contains(cp.Retry, row), "row %d, imported before, was read again", row)
		}
	}

	// Exactly one user per good username, made by one create request.
	byName := map[string][]alloy.User{}
	for _, u := range h.srv.Users() {
		byName[u.Username] = append(byName[u.Username], u)
	}
	counts := h.srv.Counts().Users
	for i := 1; i <= 500; i++ {
		name := fmt.Sprintf("user%03d@tenant.example", i)
		if _, isBad := bad[i]; isBad && i != 3 {
			assert.Empty(t, byName[name], name)
			continue
		}
		require.Len(t, byName[name], 1, name)
		full := fmt.Sprintf("Tenant %03d", i)
		if i == 42 {
			full = "There before"
		}
		assert.Equal(t, full, byName[name][0].FullName, name)
		assert.Equal(t, alloytest.UserCounts{CreateRequests: 1, Created: 1}, counts[name], name)
	}
	assert.Len(t, h.srv.Users(), 494)
	c := h.srv.Counts()
	assert.Positive(t, c.Routes["POST /users"].Ambiguous, "creates whose answer was lost")
	assert.Positive(t, c.Routes["GET /users/{userId}"].Faulted, "reads that failed")
	t.Logf("interrupted: %+v; resumed: %+v; creates %+v; reads %+v", first, second, c.Routes["POST /users"], c.Routes["GET /users/{userId}"])

	// The report names each bad row, and nothing else.
	assert.Equal(t, []reportLine{
		{Row: 17, Line: 18, Username: "", Error: "username is required"},
		{Row: 101, Line: 102, Username: "user101\x01@tenant.example", Error: "username contains a control character"},
		{Row: 250, Line: 251, Username: "user003@tenant.example", Error: "username already on row 3"},
		{Row: 333, Line: 334, Username: "user333@tenant.example", Error: "3 fields where the header has 2"},
		{Row: 400, Line: 401, Username: "", Error: `not CSV: bare " in non-quoted-field (line 401, column 8)`},
		{Row: 500, Line: 501, Username: "", Error: `not CSV: extraneous or missing " in quoted-field (line 501, column 38)`},
	}, readReport(t, path+reportSuffix))

	// A third run has nothing left but the bad rows.
	h.srv.ResetRequests()
	r = h.runWith(context.Background(), nil, noWaits, args...)
	require.Equal(t, 1, r.code, r.stderr)
	assert.Equal(t, importSummary{File: path, Rows: 500, Skipped: 494, Failed: 6, Report: path + reportSuffix, Checkpoint: path + checkpointSuffix},
		decodeSummary(t, r.stdout))
	assert.Empty(t, h.srv.Requests(), "nothing sent")
}

// TestUsersImportJSONLines: rows of a JSON Lines file, bad ones reported
// with their line; the table summary; the checkpoint removed once every
// row is imported.
func TestUsersImportJSONLines(t *testing.T) {
	h := newHarness(t, alloytest.WithDuplicateUsernames())
	h.user("ops@northwind.example", "Northwind")
	dir := t.TempDir()
	path := filepath.Join(dir, "users.txt") // no extension: told by content
	content := strings.Join([]string{
		`{"username": "ops@northwind.example", "fullName": "Northwind Goods"}`,
		``,
		`{"username": "finance@northwind.example", "fullName": "Northwind Finance"}`,
		`{"username": "it@contoso.example", "role": "admin"}`,
		`{"username": 7}`,
		`{"fullName": "No username"}`,
		`not json`,
		`{"username": "buyer@contoso.example"} {"username": "second@contoso.example"}`,
		`   `,
		`{"username": "buyer@contoso.example"}`,
	}, "\n") // no newline at the end
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	report := filepath.Join(dir, "failed.jsonl")

	r := h.runWith(context.Background(), nil, noWaits, "users", "import", path, "--report", report, "--rate", "0")
	require.Equal(t, 1, r.code, r.stderr)
	assert.Equal(t, "File        "+path+"\nRows        8\nCreated     2\nExisting    1\nSkipped     0 (imported by an earlier run)\nFailed      5\nNot done    0\n"+
		"Report      "+report+"\nCheckpoint  "+path+checkpointSuffix+"\n", r.stdout)
	assert.Equal(t, "alloy users import: 5 of 8 rows failed: see "+report+"\n", r.stderr)
	assert.Equal(t, []reportLine{
		{Row: 3, Line: 4, Username: "", Error: `not a JSON object of username and fullName: unknown field "role"`},
		{Row: 4, Line: 5, Username: "", Error: "not a JSON object of username and fullName: cannot unmarshal number into Go struct field UserCreateParams.username of type string"},
		{Row: 5, Line: 6, Username: "", Error: "username is required"},
		{Row: 6, Line: 7, Username: "", Error: "not a JSON object of username and fullName: invalid character 'o' in literal null (expecting 'u')"},
		{Row: 7, Line: 8, Username: "buyer@contoso.example", Error: "more than one JSON value on the line"},
	}, readReport(t, report))
	names := map[string]string{}
	for _, u := range h.srv.Users() {
		names[u.Username] = u.FullName
	}
	assert.Equal(t, map[string]string{"ops@northwind.example": "Northwind", "finance@northwind.example": "Northwind Finance", "buyer@contoso.example": ""}, names,
		"an existing user is left as it is")

	// Fixed, the file changed: every row is processed again, nothing is
	// created twice, and the checkpoint and the report go.
	fixed := `{"username": "ops@northwind.example"}` + "\n" + `{"username": "finance@northwind.example"}` + "\n" + `{"username": "it@contoso.example", "fullName": "Contoso IT"}` + "\n"
	require.NoError(t, os.WriteFile(path, []byte(fixed), 0o644))
	r = h.runWith(context.Background(), nil, noWaits, "users", "import", path, "--report", report, "--rate", "0", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, importSummary{File: path, Rows: 3, Created: 1, Existing: 2}, decodeSummary(t, r.stdout))
	assert.Equal(t, "alloy users import: "+path+" changed since the checkpoint "+path+checkpointSuffix+": every row is processed (Ensure creates no user twice)\n", r.stderr)
	assert.NoFileExists(t, path+checkpointSuffix)
	assert.NoFileExists(t, report, "the report of this run: no row failed")
	assert.Len(t, h.srv.Users(), 4)
	for _, c := range h.srv.Counts().Users {
		assert.Equal(t, 1, c.CreateRequests)
	}
}

func TestUsersImportRefusesBadInputSendingNothing(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	good := file("good.csv", "username\na@example.com\n")
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{file("cols.csv", "username,email\na,b\n")}, `alloy users import: CSV column "email" is not a user field: the columns are username (required) and fullName` + "\n"},
		{[]string{file("nouser.csv", "Full Name\nAda\n")}, "alloy users import: the CSV header has no username column: the columns are username (required) and fullName\n"},
		{[]string{file("twice.csv", "username,user_name\na,b\n")}, `alloy users import: CSV column "username" appears twice` + "\n"},
		{[]string{file("empty.csv", "")}, "alloy users import: the file is empty: a CSV file starts with a header row naming its columns, e.g. username,fullName\n"},
		{[]string{filepath.Join(dir, "missing.csv")}, "alloy users import: open " + filepath.Join(dir, "missing.csv") + ": no such file or directory\n"},
		{[]string{good, "--concurrency", "0"}, "alloy users import: --concurrency must be from 1 to 64\nRun 'alloy users import --help' for usage.\n"},
		{[]string{good, "--rate", "-1"}, "alloy users import: --rate must not be negative\nRun 'alloy users import --help' for usage.\n"},
		{[]string{good, "--format", "xml"}, "alloy users import: --format must be csv, jsonl or auto\nRun 'alloy users import --help' for usage.\n"},
		{[]string{good, "--report", good}, "alloy users import: --report and --checkpoint must not name FILE\nRun 'alloy users import --help' for usage.\n"},
		{[]string{"-"}, "alloy users import: FILE must be a file: a checkpoint needs to read it again\nRun 'alloy users import --help' for usage.\n"},
		{nil, "alloy users import: missing FILE: usage: alloy users import FILE [--concurrency N] [--rate N] [--report FILE] [--checkpoint FILE] [--restart] [flags]\nRun 'alloy users import --help' for usage.\n"},
	} {
		r := h.run(append([]string{"users", "import"}, tc.args...)...)
		assert.Equal(t, 2, r.code, "%v", tc.args)
		assert.Empty(t, r.stdout)
		assert.Equal(t, tc.stderr, r.stderr, "%v", tc.args)
	}
	assert.Empty(t, h.srv.Requests(), "nothing sent")
}

// TestUsersImportStopsWhenTheKeyIsRefused: a 401 fails every row alike:
// the import stops with exit status 4 instead of trying them all.
func TestUsersImportStopsWhenTheKeyIsRefused(t *testing.T) {
	h := newHarness(t)
	path := importRows(t, 200, nil)
	h.env["ALLOY_API_KEY"] = "sk_test_not_this_one"
	r := h.runWith(context.Background(), nil, noWaits, "users", "import", path, "--json", "--rate", "0", "--concurrency", "2")
	assert.Equal(t, 4, r.code, r.stderr)
	s := decodeSummary(t, r.stdout)
	assert.Positive(t, s.Failed)
	assert.Positive(t, s.NotDone)
	assert.Less(t, len(h.srv.Requests()), 200, "stopped early")
	for _, req := range h.srv.Requests() {
		assert.Equal(t, http.MethodGet, req.Method)
	}
	assert.Contains(t, r.stderr, "the API refused the key")
	for _, l := range readReport(t, path+reportSuffix) {
		assert.Contains(t, l.Error, "HTTP 401 Unauthorized")
	}
}

// TestUsersImportPacesRequests: --rate bounds the requests per second.
func TestUsersImportPacesRequests(t *testing.T) {
	h := newHarness(t)
	path := importRows(t, 10, nil)
	start := time.Now()
	r := h.runWith(context.Background(), nil, noWaits, "users", "import", path, "--json", "--rate", "40")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 20, len(h.srv.Requests()), "a read and a create per user")
	// 20 requests at 40 a second, the first at once: at least 19/40 s.
	assert.GreaterOrEqual(t, time.Since(start), 19*time.Second/40)
}

var (
	barFrame   = regexp.MustCompile(`\r\[[= ]{20}\] \d+/500 rows +\d+%  \d+(\.\d)?/s  ETA (\d+m)?\d+s\x1b\[K`)
	finalFrame = regexp.MustCompile(`\r\[={20}\] 500/500 rows 100%  \d+(\.\d)?/s  in (\d+m)?\d+s\x1b\[K\r?\n`)
	plainLine  = regexp.MustCompile(`^alloy users import: (\d+)/500 rows \((\d+)%\), \d+(\.\d)? rows/s, ETA (\d+m)?\d+s$`)
)

// TestUsersImportProgressOnATerminal: on a terminal (a real pseudo-
// terminal), one line redrawn in place with the count, the rate and the
// time left, ending with the total time.
func TestUsersImportProgressOnATerminal(t *testing.T) {
	h := newHarness(t, alloytest.WithDuplicateUsernames())
	path := importRows(t, 500, nil)
	code, stdout, screen := ptyRun(t, h.env, "", "", "users", "import", path, "--rate", "0")
	require.Equal(t, 0, code, screen)
	assert.Regexp(t, barFrame, screen)
	assert.Regexp(t, finalFrame, screen)
	assert.True(t, strings.HasPrefix(screen, "\r["), "the bar from the start: %q", screen)
	assert.NotContains(t, screen, "alloy users import: ", "no plain lines on a terminal")
	assert.Contains(t, stdout, "Created   500\n")
	assert.Len(t, h.srv.Users(), 500)
}

// TestUsersImportProgressWithoutATerminal: a plain line every
// --progress-every rows.
func TestUsersImportProgressWithoutATerminal(t *testing.T) {
	h := newHarness(t)
	path := importRows(t, 500, nil)
	r := h.runWith(context.Background(), nil, noWaits, "users", "import", path, "--rate", "0", "--progress-every", "100")
	require.Equal(t, 0, r.code, r.stderr)
	got := lines(r.stderr)
	require.Len(t, got, 5, r.stderr)
	for i, l := range got {
		m := plainLine.FindStringSubmatch(l)
		require.NotNil(t, m, l)
		assert.Equal(t, fmt.Sprint(100*(i+1)), m[1])
		assert.Equal(t, fmt.Sprint(20*(i+1)), m[2])
	}
	assert.NotContains(t, r.stderr, "\r")

	// --progress-every 0: none
	path = importRows(t, 20, nil)
	r = h.runWith(context.Background(), nil, noWaits, "users", "import", path, "--rate", "0", "--progress-every", "0")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)
}

// TestImportWatermark: the checkpoint's row moves on as rows finish, in
// any order, never back below an earlier run's, and keeps every row that
// failed or was interrupted (since its last success) to send again.
func TestImportWatermark(t *testing.T) {
	t.Parallel()
	w := newWatermark(100, map[int]bool{5: true, 40: true})
	assert.Equal(t, 100, w.done)
	assert.Equal(t, []int{5, 40}, w.retryUpTo(w.done))
	w.finish(5, false) // interrupted again
	w.finish(40, true) // imported this time
	w.finish(103, true)
	w.finish(101, false) // failed
	assert.Equal(t, 101, w.done, "102 is still in flight")
	assert.Equal(t, []int{5, 101}, w.retryUpTo(w.done))
	w.finish(102, false) // interrupted
	assert.Equal(t, 103, w.done)
	assert.Equal(t, []int{5, 101, 102}, w.retryUpTo(w.done))
	assert.Equal(t, []int{5}, w.retryUpTo(100))
	assert.Empty(t, w.finished)
}
