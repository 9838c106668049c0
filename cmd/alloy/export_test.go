package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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
	"github.com/alloysdk/alloy-go/unified"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// contactsConnection connects a user to hubspot with n contacts of its
// own (the sample ones cleared), con_00001 and on, and returns the
// connection and the ids in order.
func contactsConnection(t *testing.T, h *harness, n int) (string, []string) {
	t.Helper()
	u := h.user(fmt.Sprintf("crm%d@northwind.example", n), "")
	conn, err := h.srv.Connect(u.ID, "hubspot")
	require.NoError(t, err)
	require.NoError(t, h.srv.Clear(conn, "crm/contacts"))
	recs := make([]map[string]any, n)
	ids := make([]string, n)
	for i := range recs {
		ids[i] = fmt.Sprintf("con_%05d", i+1)
		recs[i] = map[string]any{"id": ids[i], "firstName": fmt.Sprint("Ada ", i+1), "lastName": "Lovelace", "email": fmt.Sprintf("ada%d@example.com", i+1)}
	}
	require.NoError(t, h.srv.Seed(conn, "crm/contacts", recs...))
	return conn, ids
}

// decodeContacts decodes JSON Lines of contacts, each line strictly in the
// SDK's model.
func decodeContacts(t *testing.T, out string) []unified.Contact {
	t.Helper()
	var got []unified.Contact
	for _, l := range lines(out) {
		var c unified.Contact
		d := json.NewDecoder(strings.NewReader(l))
		d.DisallowUnknownFields()
		require.NoError(t, d.Decode(&c), l)
		got = append(got, c)
	}
	return got
}

func ids(cs []unified.Contact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// pagedWriter is a stdout that records, at its first write, how many list
// pages the server had answered: fewer than all shows the export streams.
type pagedWriter struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	srv       *alloytest.Server
	route     string
	firstSeen int
}

func (w *pagedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() == 0 {
		w.firstSeen = w.srv.Counts().Routes[w.route].Received
	}
	return w.buf.Write(p)
}

func TestUnifiedExportWritesEveryRecordOnce(t *testing.T) {
	h := newHarness(t)
	const n = 1234
	conn, want := contactsConnection(t, h, n)
	// Two pages fail once each: the SDK reads them again.
	h.srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/one/crm/contacts", Times: 2, Fault: alloytest.Fault{Status: 503}})

	stdout := &pagedWriter{srv: h.srv, route: "GET /one/crm/contacts"}
	var stderr syncBuffer
	x := newCLI(context.Background(), strings.NewReader(""), stdout, &stderr, func(k string) string { return h.env[k] })
	x.clientOpts = slices.Clone(noWaits)
	code := x.execute([]string{"unified", "crm/contacts", "export", "--connection", conn, "--progress-every", "500"})
	require.Equal(t, 0, code, stderr.String())
	got := decodeContacts(t, stdout.buf.String())
	assert.Len(t, got, n)
	assert.Equal(t, want, ids(got), "every record, once, in order")
	assert.Equal(t, "Ada 1", got[0].FirstName)
	assert.Equal(t, "ada1234@example.com", got[n-1].Email)
	pages := (n + 99) / 100
	routes := h.srv.Counts().Routes
	assert.Equal(t, pages+2, routes["GET /one/crm/contacts"].Received, "13 pages of 100, two of them twice")
	assert.Equal(t, 1, routes["GET /one/crm/contacts/count"].Received, "the total, for the progress")
	assert.Less(t, stdout.firstSeen, pages, "records written before the last page was read")
	assert.Regexp(t, regexp.MustCompile(`^alloy unified crm/contacts export: 500/1234 records \(40%\), \d+(\.\d)? records/s, ETA (\d+m)?\d+s\n`+
		`alloy unified crm/contacts export: 1000/1234 records \(81%\), \d+(\.\d)? records/s, ETA (\d+m)?\d+s\n`+
		`alloy unified crm/contacts export: 1234 records in \d+(\.\d+)?m?s\n$`), stderr.String())

	// --out, --json (one array) and --filter
	out := filepath.Join(t.TempDir(), "contacts.json")
	r := h.runWith(context.Background(), nil, noWaits, "unified", "crm/contacts", "export", "--connection", conn, "--out", out, "--json",
		"--filter", "firstName~Ada 12", "--page-size", "7", "--progress-every", "0")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Empty(t, r.stderr)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	var arr []unified.Contact
	require.NoError(t, json.Unmarshal(b, &arr), string(b))
	var filtered []string
	for i, id := range want {
		if strings.Contains(fmt.Sprint("Ada ", i+1), "Ada 12") {
			filtered = append(filtered, id)
		}
	}
	assert.Equal(t, filtered, ids(arr))
	assert.Equal(t, 1, h.srv.Counts().Routes["GET /one/crm/contacts/count"].Received, "no total asked for when no progress shows it")
	assert.Len(t, filtered, 1+10+35) // 12, 120 to 129, 1200 to 1234
}

func TestUnifiedExportNestedAndEmpty(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	conn, err := h.srv.Connect(u.ID, "shopify")
	require.NoError(t, err)
	products := h.srv.Records(conn, "commerce/products")
	require.NotEmpty(t, products)
	product := products[0]["id"].(string)
	h.srv.ResetRequests()
	r := h.runWith(context.Background(), nil, noWaits, "unified", "commerce/variants", "export", "--connection", conn, "--product", product, "--progress-every", "0")
	require.Equal(t, 0, r.code, r.stderr)
	variants := h.srv.Records(conn, "commerce/products/"+product+"/variants")
	require.NotEmpty(t, variants)
	assert.Len(t, lines(r.stdout), len(variants))
	for _, req := range h.srv.Requests() {
		assert.Equal(t, "/one/commerce/products/"+product+"/variants", req.Path)
	}

	require.NoError(t, h.srv.Clear(conn, "commerce/customers"))
	r = h.runWith(context.Background(), nil, noWaits, "unified", "commerce/customers", "export", "--connection", conn, "--json", "--progress-every", "0")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "[]\n", r.stdout)
	r = h.runWith(context.Background(), nil, noWaits, "unified", "commerce/customers", "export", "--connection", conn)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Regexp(t, `^alloy unified commerce/customers export: 0 records in \S+\n$`, r.stderr)

	r = h.run("unified", "commerce/customers", "export", "--connection", conn, "--page-size", "101")
	assert.Equal(t, 2, r.code)
	assert.Equal(t, "alloy unified commerce/customers export: --page-size must be from 1 to 100\nRun 'alloy unified commerce/customers export --help' for usage.\n", r.stderr)
}

// TestExportInterrupted: Ctrl-C stops an export between records; what was
// written is complete lines, and stderr says the output is incomplete.
func TestExportInterrupted(t *testing.T) {
	h := newHarness(t)
	conn, want := contactsConnection(t, h, 600)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stop := &lineWatcher{fn: func(line string) {
		if strings.Contains(line, ": 200/600 records") {
			cancel(interrupted{syscall.SIGINT})
		}
	}}
	out := filepath.Join(t.TempDir(), "contacts.jsonl")
	r := h.runWith(ctx, stop, noWaits, "unified", "crm/contacts", "export", "--connection", conn, "--out", out, "--progress-every", "100")
	assert.Equal(t, 130, r.code, r.stderr)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	got := decodeContacts(t, string(b))
	assert.GreaterOrEqual(t, len(got), 200)
	assert.Less(t, len(got), 600)
	assert.Equal(t, want[:len(got)], ids(got))
	assert.Contains(t, r.stderr, fmt.Sprintf("alloy unified crm/contacts export: stopped after %d records to %s: the output is incomplete\n", len(got), out))
	assert.True(t, strings.HasSuffix(r.stderr, "alloy unified crm/contacts export: interrupted\n"), r.stderr)
}

// TestLogsExportTimeRange checks the query logs export sends for a range,
// exactly, and that entries outside it are left out even when the server
// does not filter them (alloytest does not).
func TestLogsExportTimeRange(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	require.NoError(t, h.srv.InstallWorkflow(u.ID, paidOrderWorkflow))
	c := h.srv.Client()
	for range 12 {
		_, err := c.Events.Run(context.Background(), alloy.EventRunParams{Event: "Invoice Paid", UserID: u.ID})
		require.NoError(t, err)
		time.Sleep(2 * time.Millisecond) // entries a millisecond or more apart: the range cuts between them
	}
	var all []alloy.LogEntry
	for e, err := range c.Logs.ListIter(context.Background(), alloy.LogListParams{SortBy: "createdAt", SortOrder: "asc"}) {
		require.NoError(t, err)
		all = append(all, e)
	}
	require.Len(t, all, 12)
	since, until := all[3].CreatedAt.Time, all[9].CreatedAt.Time
	var want []string
	for _, e := range all {
		if t := e.CreatedAt.Time; !t.Before(since) && t.Before(until) {
			want = append(want, e.ID)
		}
	}
	require.Len(t, want, 6)

	h.srv.ResetRequests()
	r := h.runWith(context.Background(), nil, noWaits, "logs", "export", "--since", since.Format(time.RFC3339Nano), "--until", until.Format(time.RFC3339Nano),
		"--user", "ops@northwind.example", "--page-size", "5", "--progress-every", "0")
	require.Equal(t, 0, r.code, r.stderr)
	var got []string
	for _, l := range lines(r.stdout) {
		var e alloy.LogEntry
		require.NoError(t, json.Unmarshal([]byte(l), &e), l)
		got = append(got, e.ID)
	}
	assert.Equal(t, want, got, "the range, oldest first")
	assert.Equal(t, "alloy logs export: left out 6 entries the API sent from outside the range\n", r.stderr)

	// On the wire: Alloy's filters on createdAt, oldest first, page after page.
	reqs := h.srv.Requests()
	require.Len(t, reqs, 3, "12 entries, 5 a page")
	filters := `[{"columns":{"value":"createdAt"},"operators":{"value":"greaterthan"},"userinput":{"value":"` + since.Add(-time.Millisecond).Format("2006-01-02T15:04:05.000Z") + `"},"condition":{"value":"and"}},` +
		`{"columns":{"value":"createdAt"},"operators":{"value":"lessthan"},"userinput":{"value":"` + until.Format("2006-01-02T15:04:05.000Z") + `"},"condition":{"value":"and"}}]`
	for i, req := range reqs {
		assert.Equal(t, http.MethodGet, req.Method)
		assert.Equal(t, "/logs", req.Path) // 2025-09 versions by header
		q := url.Values{"associatedUserId": {"ops@northwind.example"}, "filters": {filters}, "limit": {"5"}, "sortBy": {"createdAt"}, "sortOrder": {"asc"}}
		if i > 0 {
			q.Set("skip", fmt.Sprint(5*i))
		}
		assert.Equal(t, q.Encode(), req.Query, "request %d", i)
	}

	// A fixed range, a date and a duration.
	h.srv.ResetRequests()
	r = h.runWith(context.Background(), nil, noWaits, "logs", "export", "--since", "2025-11-01", "--until", "2025-11-02T12:30:00+01:00", "--progress-every", "0")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	require.Len(t, h.srv.Requests(), 1)
	q, err := url.ParseQuery(h.srv.Requests()[0].Query)
	require.NoError(t, err)
	assert.Equal(t, `[{"columns":{"value":"createdAt"},"operators":{"value":"greaterthan"},"userinput":{"value":"2025-10-31T23:59:59.999Z"},"condition":{"value":"and"}},`+
		`{"columns":{"value":"createdAt"},"operators":{"value":"lessthan"},"userinput":{"value":"2025-11-02T11:30:00.000Z"},"condition":{"value":"and"}}]`, q.Get("filters"))
	assert.Equal(t, "100", q.Get("limit"))

	h.srv.ResetRequests()
	before := time.Now()
	r = h.runWith(context.Background(), nil, noWaits, "logs", "export", "--since", "7d", "--progress-every", "0", "--jsonl")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Len(t, lines(r.stdout), 12)
	q, err = url.ParseQuery(h.srv.Requests()[0].Query)
	require.NoError(t, err)
	var sent []struct {
		Columns, Operators, Userinput struct{ Value string }
	}
	require.NoError(t, json.Unmarshal([]byte(q.Get("filters")), &sent))
	require.Len(t, sent, 1)
	from, err := time.Parse(time.RFC3339, sent[0].Userinput.Value)
	require.NoError(t, err)
	assert.WithinDuration(t, before.Add(-7*24*time.Hour), from, 2*time.Second)
}

func TestLogsExportUsageErrors(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--since", "2025-11-02", "--until", "2025-11-01"}, "alloy logs export: --since must be before --until\n"},
		{[]string{"--since", "yesterday"}, `alloy logs export: invalid argument "yesterday" for "--since" flag: "yesterday" is not a time such as 2025-11-01T09:30:00Z, 2025-11-01, or a duration before now such as 36h or 7d` + "\n"},
		{[]string{"--until", "-3h"}, `alloy logs export: invalid argument "-3h" for "--until" flag: "-3h" is not a time such as 2025-11-01T09:30:00Z, 2025-11-01, or a duration before now such as 36h or 7d` + "\n"},
		{[]string{"--page-size", "0"}, "alloy logs export: --page-size must be positive\n"},
		{[]string{"--progress-every", "-1"}, "alloy logs export: --progress-every must not be negative\n"},
	} {
		r := h.run(append([]string{"logs", "export"}, tc.args...)...)
		assert.Equal(t, 2, r.code, "%v", tc.args)
		assert.Equal(t, tc.stderr+"Run 'alloy logs export --help' for usage.\n", r.stderr, "%v", tc.args)
	}
	assert.Empty(t, h.srv.Requests())
}

// TestExportProgressOnATerminal: with stderr a terminal and the records
// going to a file, a line redrawn in place, with the total when the
// collection counts its records.
func TestExportProgressOnATerminal(t *testing.T) {
	h := newHarness(t)
	conn, _ := contactsConnection(t, h, 450)
	out := filepath.Join(t.TempDir(), "contacts.jsonl")
	code, stdout, screen := ptyRun(t, h.env, "", "", "unified", "crm/contacts", "export", "--connection", conn, "--out", out)
	require.Equal(t, 0, code, screen)
	assert.Empty(t, stdout)
	assert.Regexp(t, `\r\[[= ]{20}\] \d+/450 records +\d+%  \d+(\.\d)?/s  ETA (\d+m)?\d+s\x1b\[K`, screen)
	assert.Regexp(t, `\r\[={20}\] 450/450 records 100%  \d+(\.\d)?/s  in (\d+m)?\d+s\x1b\[K\r?\n$`, screen)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, 450, bytes.Count(b, []byte("\n")))

	// logs: no total, so the count, the rate and the time so far
	u := h.user("ops@northwind.example", "")
	require.NoError(t, h.srv.InstallWorkflow(u.ID, paidOrderWorkflow))
	_, err = h.srv.Client().Events.Run(context.Background(), alloy.EventRunParams{Event: "Invoice Paid", UserID: u.ID})
	require.NoError(t, err)
	code, _, screen = ptyRun(t, h.env, "", "", "logs", "export", "--out", out)
	require.Equal(t, 0, code, screen)
	assert.Regexp(t, `^\r1 entries  \d+(\.\d)?/s  \d+s elapsed\x1b\[K\r1 entries  \d+(\.\d)?/s  in \d+s\x1b\[K\r?\n$`, screen)
	b, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, 1, bytes.Count(b, []byte("\n")))
}
