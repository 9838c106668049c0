package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// measured is one run of the alloy binary: its exit status, what it
// wrote, how long it took and its peak resident set.
type measured struct {
	code           int
	stdout, stderr string
	wall           time.Duration
	maxRSSKiB      int64
}

// measure runs the alloy binary with env under /usr/bin/time, which
// reports its peak RSS (the child's own getrusage would count the memory
// of this test process, which it starts as a copy of before exec); when
// stopAt is not empty it sends SIGINT, as Ctrl-C does to the process
// group, once a stderr line contains it.
func measure(t *testing.T, env []string, stopAt string, args ...string) measured {
	t.Helper()
	rss := filepath.Join(t.TempDir(), "rss")
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", rss, alloyBinary(t)}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, cmd.Start())
	var stderr strings.Builder
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		stderr.WriteString(sc.Text() + "\n")
		if stopAt != "" && strings.Contains(sc.Text(), stopAt) {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		}
	}
	_ = cmd.Wait()
	m := measured{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String(), wall: time.Since(start)}
	b, err := os.ReadFile(rss)
	require.NoError(t, err)
	last := lines(strings.TrimSpace(string(b))) // "Command exited with non-zero status N", then the figure
	_, err = fmt.Sscan(last[len(last)-1], &m.maxRSSKiB)
	require.NoError(t, err, string(b))
	return m
}

// TestMeasureBulk measures, with ALLOY_MEASURE=1, the alloy binary on the
// figures of issue 21: an import of 10,000 rows (a few bad) through
// seeded faults on a server that lets duplicate usernames through,
// interrupted with SIGINT half-way and resumed; and an export of 100,000
// Unified records. Each run's wall time and peak RSS (from GNU time) are
// logged; the server runs in this process, so its memory is
// not in the figures. Not parallel: it times the runs.
func TestMeasureBulk(t *testing.T) {
	if os.Getenv("ALLOY_MEASURE") == "" {
		t.Skip("set ALLOY_MEASURE=1 to measure the bulk commands")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		t.Skip("no /usr/bin/time")
	}
	srv, err := alloytest.Start(alloytest.WithDuplicateUsernames(), alloytest.WithFaultSeed(21), alloytest.WithRequestLog(0))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	env := []string{"ALLOY_BASE_URL=" + srv.URL, "ALLOY_API_KEY=" + srv.APIKey}
	dir := t.TempDir()

	// 10,000 rows, 5 bad.
	const rows = 10000
	bad := map[int]string{10: ",No username", 2000: "t0002\x01@bulk.example,Control", 4000: "t00004@bulk.example,Again", 6000: "t06000@bulk.example,A,B", 9999: `t09"999@bulk.example,Quote`}
	var b strings.Builder
	b.WriteString("username,fullName\n")
	for i := 1; i <= rows; i++ {
		if r, ok := bad[i]; ok {
			b.WriteString(r + "\n")
			continue
		}
		fmt.Fprintf(&b, "t%05d@bulk.example,Tenant %05d\n", i, i)
	}
	path := filepath.Join(dir, "users.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Rate: 0.02, Fault: alloytest.Fault{Status: 503}})
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Rate: 0.02, Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Rate: 0.01, Fault: alloytest.Fault{Drop: true, AfterHandler: true}})
	args := []string{"users", "import", path, "--rate", "0", "--progress-every", "1000", "--retries", "10", "--json"}

	first := measure(t, env, ": 5000/10000 rows", args...)
	require.Equal(t, 130, first.code, first.stderr)
	second := measure(t, env, "", args...)
	require.Equal(t, 1, second.code, second.stderr)
	t.Logf("import of %d rows, interrupted at 5000: %s, peak RSS %d KiB\n%s%s", rows, first.wall, first.maxRSSKiB, first.stdout, first.stderr)
	t.Logf("resumed: %s, peak RSS %d KiB\n%s%s", second.wall, second.maxRSSKiB, second.stdout, second.stderr)
	seen := map[string]int{}
	for _, u := range srv.Users() {
		seen[u.Username]++
	}
	assert.Len(t, seen, rows-len(bad), "one user per good row")
	for name, n := range seen {
		assert.Equal(t, 1, n, name)
	}
	srv.ClearFaults()

	// The same file again, unpaced and without faults: every user exists.
	require.NoError(t, os.Remove(path+checkpointSuffix))
	again := measure(t, env, "", "users", "import", path, "--rate", "0", "--progress-every", "0", "--json")
	t.Logf("the same file again, from the start (10,000 reads): %s, peak RSS %d KiB\n%s", again.wall, again.maxRSSKiB, again.stdout)

	// 100,000 records.
	const records = 100000
	u, err := srv.Client().Users.Get(t.Context(), "t00001@bulk.example")
	require.NoError(t, err)
	conn, err := srv.Connect(u.ID, "hubspot")
	require.NoError(t, err)
	require.NoError(t, srv.Clear(conn, "crm/contacts"))
	for start := 0; start < records; start += 10000 {
		recs := make([]map[string]any, 10000)
		for i := range recs {
			n := start + i + 1
			recs[i] = map[string]any{"id": fmt.Sprintf("con_%06d", n), "firstName": fmt.Sprint("Ada ", n), "lastName": "Lovelace", "email": fmt.Sprintf("ada%d@example.com", n)}
		}
		require.NoError(t, srv.Seed(conn, "crm/contacts", recs...))
	}
	out := filepath.Join(dir, "contacts.jsonl")
	exp := measure(t, env, "", "unified", "crm/contacts", "export", "--connection", conn, "--out", out, "--progress-every", "25000")
	require.Equal(t, 0, exp.code, exp.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, records, bytes.Count(data, []byte("\n")))
	t.Logf("export of %d records (%d bytes): %s, peak RSS %d KiB\n%s", records, len(data), exp.wall, exp.maxRSSKiB, exp.stderr)
}
