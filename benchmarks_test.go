package alloy_test

// Benchmarks: each SDK call is paired with a "raw" baseline doing the same
// work with net/http and encoding/json (same request, same headers, same
// decode into equivalent plain structs, keep-alive on, the body read to its
// end so the connection is reused), against the same loopback server.
// scripts/bench.sh runs them in interleaved rounds (SDK, raw, SDK, raw, ...)
// and reports the median SDK/raw ratio of the rounds with its range.
// Nothing here asserts a timing; overhead_test.go asserts the deterministic
// parts (allocations, connections) on these same calls.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/unified"
)

const benchKey = "sk_bench_0123456789abcdef"

// Plain structs for the raw baseline: the same fields, no custom decoding.
type rawUser struct {
	UserID   string `json:"userId"`
	Username string `json:"username"`
	FullName string `json:"fullName"`
}

type rawStep struct {
	ID, Name, Connector, Icon, Subtitle string
}

type rawIntegration struct {
	IntegrationID    string   `json:"integrationId"`
	Description      string   `json:"description"`
	PrimaryConnector string   `json:"primaryConnector"`
	Installed        bool     `json:"installed"`
	Icon             string   `json:"icon"`
	Credentials      []string `json:"credentials"`
	Workflows        []struct {
		WorkflowID       string    `json:"workflowId"`
		Name             string    `json:"name"`
		Installed        bool      `json:"installed"`
		Active           bool      `json:"active"`
		Version          int       `json:"version"`
		InstalledVersion *int      `json:"installedVersion"`
		Connectors       []rawStep `json:"connectors"`
	} `json:"workflows"`
}

// integrationsBody is a realistic 50-integration list (about 100 KB; the
// server sends it chunked, as a body of unknown length).
func integrationsBody() []byte {
	var items []string
	for i := 0; i < 50; i++ {
		var workflows []string
		for w := 0; w < 4; w++ {
			var steps []string
			for s := 0; s < 3; s++ {
				steps = append(steps, fmt.Sprintf(`{"name":"Step %d of workflow %d","id":"0b7e6a52-3d4f-4e1a-9c2b-7f8e9d0a%04d","connector":"connector%d","icon":"https://cdn.runalloy.com/icons/connector-%d.png","subtitle":"Does the thing number %d"}`, s, w, i*100+w*10+s, s, s, s))
			}
			workflows = append(workflows, fmt.Sprintf(`{"workflowId":"6712ab3acd56ef7890a1%04d","name":"Workflow %d of integration %d","installed":true,"active":%v,"version":4,"installedVersion":3,"connectors":[%s]}`, i*10+w, w, i, w%2 == 0, strings.Join(steps, ",")))
		}
		items = append(items, fmt.Sprintf(`{"integrationId":"6712ab34cd56ef7890a1%04d","description":"Sync paid orders from the shop into the ERP, with refunds and fulfilment updates (%d)","primaryConnector":"BigCommerce","installed":%v,"icon":"https://cdn.runalloy.com/icons/bigcommerce.png","credentials":["bigcommerce","netsuite"],"workflows":[%s]}`, i, i, i%3 == 0, strings.Join(workflows, ",")))
	}
	return []byte(`{"data":[` + strings.Join(items, ",") + `]}`)
}

// benchHandler answers the four benchmarked routes, as Alloy would: the
// small bodies with a Content-Length, the integrations list chunked.
func benchHandler() http.Handler {
	user := []byte(`{"userId":"65f1c2a9d4e8b71a2c3d4e5f","username":"ops@northwind.example","fullName":"Northwind Goods"}`)
	created := []byte(`{"userId":"65f1c2a9d4e8b71a2c3d4e5f"}`)
	token := []byte(`{"token":"eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiI2NWYxYzJhOWQ0ZThiNzFhMmMzZDRlNWYiLCJleHAiOjE5MDAwMDAwMDB9.c2lnbmF0dXJl"}`)
	integrations := integrationsBody()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/integrations":
			_, _ = w.Write(integrations)
		case strings.HasSuffix(r.URL.Path, "/token"):
			_, _ = w.Write(token)
		case r.Method == http.MethodPost:
			_, _ = w.Write(created)
		default:
			_, _ = w.Write(user)
		}
	})
}

// countingServer serves h on loopback and counts the connections it
// accepts.
func countingServer(tb testing.TB, h http.Handler) (*httptest.Server, *atomic.Int64) {
	tb.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv, &conns
}

// benchServer serves benchHandler and counts the connections it accepts.
func benchServer(tb testing.TB) (*httptest.Server, *atomic.Int64) {
	tb.Helper()
	return countingServer(tb, benchHandler())
}

// benchTransport is the keep-alive transport both sides of a comparison
// use, each its own: http.DefaultTransport's settings with a pool of
// benchGoroutines connections, all kept idle between calls (as the SDK's
// shared transport does). Without the cap, 64 goroutines could open a few
// more than 64 connections, when a dial races a connection coming back.
func benchTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost = benchGoroutines
	tr.MaxIdleConnsPerHost = benchGoroutines
	return tr
}

// benchClients returns an SDK client and a raw http.Client, each with its
// own benchTransport.
func benchClients(tb testing.TB, url string) (*alloy.Client, *http.Client) {
	tb.Helper()
	c, err := alloy.NewClient(benchKey, alloy.WithBaseURL(url), alloy.WithHTTPClient(&http.Client{Transport: benchTransport()}))
	if err != nil {
		tb.Fatal(err)
	}
	return c, &http.Client{Transport: benchTransport()}
}

// rawHeader is what the SDK sends on every call.
func rawHeader() http.Header {
	return http.Header{
		"Authorization": {"Bearer " + benchKey},
		"X-Api-Version": {alloy.DefaultAPIVersion},
		"Accept":        {"application/json"},
		"User-Agent":    {"alloy-go/" + alloy.Version + " (bench)"},
	}
}

// rawCall is the baseline: build, send, check the status, decode, and read
// the body to its end before closing it.
//
// The last step is what keeps the connection: net/http puts a connection
// back in its pool only when the body was read to EOF. A json.Decoder stops
// at the end of the JSON value; on a chunked body (IntegrationsList) the
// terminating chunk is then still unread, and Close would drop the
// connection, so that every call paid for a new one. The SDK reads every
// body to its end; so does this baseline.
func rawCall(ctx context.Context, hc *http.Client, method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	req.Header = rawHeader()
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		_, _ = io.Copy(io.Discard, resp.Body)
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// op is one benchmarked call, as the SDK and as the raw baseline.
type op struct {
	name string
	sdk  func(ctx context.Context, c *alloy.Client) error
	raw  func(ctx context.Context, hc *http.Client, base string) error
}

var benchOps = []op{
	{
		name: "UsersGet",
		sdk: func(ctx context.Context, c *alloy.Client) error {
			_, err := c.Users.Get(ctx, "65f1c2a9d4e8b71a2c3d4e5f")
			return err
		},
		raw: func(ctx context.Context, hc *http.Client, base string) error {
			var u rawUser
			return rawCall(ctx, hc, http.MethodGet, base+"/users/65f1c2a9d4e8b71a2c3d4e5f", nil, &u)
		},
	},
	{
		name: "IntegrationsList",
		sdk: func(ctx context.Context, c *alloy.Client) error {
			_, err := c.Integrations.List(ctx, "65f1c2a9d4e8b71a2c3d4e5f")
			return err
		},
		raw: func(ctx context.Context, hc *http.Client, base string) error {
			var out struct{ Data []rawIntegration }
			return rawCall(ctx, hc, http.MethodGet, base+"/integrations?userId=65f1c2a9d4e8b71a2c3d4e5f", nil, &out)
		},
	},
	{
		name: "UsersCreate",
		sdk: func(ctx context.Context, c *alloy.Client) error {
			_, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example", FullName: "Northwind Goods"})
			return err
		},
		raw: func(ctx context.Context, hc *http.Client, base string) error {
			var out rawUser
			return rawCall(ctx, hc, http.MethodPost, base+"/users", map[string]string{"username": "ops@northwind.example", "fullName": "Northwind Goods"}, &out)
		},
	},
	{
		name: "TokensCreate",
		sdk: func(ctx context.Context, c *alloy.Client) error {
			_, err := c.Tokens.Create(ctx, "65f1c2a9d4e8b71a2c3d4e5f")
			return err
		},
		raw: func(ctx context.Context, hc *http.Client, base string) error {
			var out struct{ Token string }
			if err := rawCall(ctx, hc, http.MethodGet, base+"/users/65f1c2a9d4e8b71a2c3d4e5f/token?userId=65f1c2a9d4e8b71a2c3d4e5f", nil, &out); err != nil {
				return err
			}
			// The SDK also returns the expiry: read the payload's exp, as a
			// hand-written client would.
			parts := strings.Split(out.Token, ".")
			if len(parts) != 3 {
				return fmt.Errorf("not a JWT")
			}
			payload, err := base64.RawURLEncoding.DecodeString(parts[1])
			if err != nil {
				return err
			}
			var claims struct{ Exp float64 }
			if err := json.Unmarshal(payload, &claims); err != nil {
				return err
			}
			_ = time.Unix(int64(claims.Exp), 0)
			return nil
		},
	},
}

// side is one side of a comparison, bound to its client.
type side struct {
	name string
	call func(ctx context.Context) error
}

// pair is one benchmarked call's two sides, each with its own client, on
// one server.
type pair struct {
	name  string
	sides [2]side // sdk, raw
}

// pairs starts a server per benchmarked call and returns both sides of
// each. Both sides are called a few times first, so that each has its
// connection and its pools warm before either is measured.
func pairs(tb testing.TB) []pair {
	tb.Helper()
	var ps []pair
	for _, o := range benchOps {
		srv, _ := benchServer(tb)
		c, hc := benchClients(tb, srv.URL)
		p := pair{name: o.name, sides: [2]side{
			{"sdk", func(ctx context.Context) error { return o.sdk(ctx, c) }},
			{"raw", func(ctx context.Context) error { return o.raw(ctx, hc, srv.URL) }},
		}}
		for range 3 {
			for _, sd := range p.sides {
				if err := sd.call(context.Background()); err != nil {
					tb.Fatalf("%s/%s: %v", o.name, sd.name, err)
				}
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// benchRounds is how many interleaved rounds BenchmarkCall and
// BenchmarkParallel run: ALLOY_BENCH_ROUNDS, 1 when unset.
func benchRounds(tb testing.TB) int {
	v := os.Getenv("ALLOY_BENCH_ROUNDS")
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("ALLOY_BENCH_ROUNDS=%q is not a positive number", v)
	}
	return n
}

// interleaved runs every pair's two sides in rounds, as
// <Benchmark>/r<round>/<Op>/<sdk|raw>: round 1 runs UsersGet's SDK side,
// then its raw side, then the next call's two sides, and so on; round 2
// does the same with the raw side first, round 3 with the SDK side first
// again. A ratio is taken within a round, between two runs seconds apart,
// so that drift on a shared machine (another process, a CPU frequency
// change) lands on both sides of it instead of between all the SDK runs
// and all the raw ones; alternating which side goes first cancels any
// advantage of position. scripts/bench.sh reports the median ratio of the
// rounds and their range.
//
// Besides ns/op each side reports cpu-ns/op: the CPU time the whole
// process (client, loopback server, runtime) used per call. Other
// processes on the machine change it far less than they change the time
// per call, so its SDK/raw ratio is a steadier view of the SDK's own cost
// on a busy machine; the targets are judged on ns/op.
func interleaved(b *testing.B, run func(b *testing.B, call func(context.Context) error)) {
	ps := pairs(b)
	rounds := benchRounds(b)
	for r := 1; r <= rounds; r++ {
		b.Run(fmt.Sprintf("r%02d", r), func(b *testing.B) {
			for _, p := range ps {
				b.Run(p.name, func(b *testing.B) {
					order := p.sides
					if r%2 == 0 {
						order[0], order[1] = order[1], order[0]
					}
					for _, sd := range order {
						b.Run(sd.name, func(b *testing.B) {
							b.ReportAllocs()
							cpu0, ok := processCPU()
							run(b, sd.call)
							if cpu1, _ := processCPU(); ok {
								b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
							}
						})
					}
				})
			}
		})
	}
}

// BenchmarkCall runs each call sequentially:
// BenchmarkCall/r<round>/<Op>/{sdk,raw}.
func BenchmarkCall(b *testing.B) {
	interleaved(b, func(b *testing.B, call func(context.Context) error) {
		ctx := context.Background()
		for b.Loop() {
			if err := call(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchGoroutines is how many goroutines the parallel benchmarks call from.
const benchGoroutines = 64

// runParallel runs call from benchGoroutines goroutines (RunParallel starts
// GOMAXPROCS × parallelism of them).
func runParallel(b *testing.B, call func(context.Context) error) {
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((benchGoroutines + procs - 1) / procs)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if err := call(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkParallel runs each call from 64 goroutines:
// BenchmarkParallel/r<round>/<Op>/{sdk,raw}; ns/op is the inverse of
// throughput.
func BenchmarkParallel(b *testing.B) {
	interleaved(b, runParallel)
}

// BenchmarkDefaultTransport compares, from 64 goroutines over HTTP/1.1
// loopback, a client built with the defaults (alloy.NewClient without
// WithHTTPClient: the SDK's shared transport) with raw net/http on
// http.DefaultTransport, and with raw net/http on a transport tuned like
// the SDK's (64 connections per host, all of them kept idle). Each reports
// the connections the server accepted per 10,000 calls (conns/10k) in the
// measured run, besides ns/op; run it with -benchtime 10000x for the calls
// to be exactly 10,000.
func BenchmarkDefaultTransport(b *testing.B) {
	tuned := http.DefaultTransport.(*http.Transport).Clone()
	tuned.MaxConnsPerHost = alloy.DefaultMaxConnsPerHost
	tuned.MaxIdleConnsPerHost = alloy.DefaultMaxConnsPerHost
	b.Cleanup(tuned.CloseIdleConnections)
	get := benchOps[0]
	variants := []struct {
		name string
		call func(base string) func(context.Context) error
	}{
		{"sdk-default", func(base string) func(context.Context) error {
			c, err := alloy.NewClient(benchKey, alloy.WithBaseURL(base))
			if err != nil {
				b.Fatal(err)
			}
			return func(ctx context.Context) error { return get.sdk(ctx, c) }
		}},
		{"raw-default", func(base string) func(context.Context) error {
			hc := &http.Client{Transport: http.DefaultTransport}
			return func(ctx context.Context) error { return get.raw(ctx, hc, base) }
		}},
		{"raw-tuned", func(base string) func(context.Context) error {
			hc := &http.Client{Transport: tuned}
			return func(ctx context.Context) error { return get.raw(ctx, hc, base) }
		}},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			srv, conns := benchServer(b) // a server of its own: its count is this variant's
			call := v.call(srv.URL)
			b.ResetTimer()
			before := conns.Load()
			runParallel(b, call)
			b.ReportMetric(float64(conns.Load()-before)*10_000/float64(b.N), "conns/10k")
		})
	}
}

// pagedServer serves totalRecords records in pages, both as the
// account-wide log (/logs, skip/limit, with totals) and as Unified commerce
// orders (/2024-03/one/commerce/orders, by cursor: each page's pageInfo
// says whether another follows). One page body is rendered once and
// reused, so the server adds no per-page memory. It returns the size of a
// page of each.
func pagedServer(tb testing.TB, totalRecords, logPage, unifiedPage int) (url string, logPageBytes, unifiedPageBytes int) {
	tb.Helper()
	var logs, orders []string
	for i := 0; i < logPage; i++ {
		logs = append(logs, fmt.Sprintf(`{"_id":"6801aa11bb22cc33dd4%05d","message":"executionSuccess","data":{"executionId":"6801aa10bb22cc33dd4%05d","executionUuid":"Qw8rT2yU6iO0pA4sD9f%02d"},"startedAt":"2025-04-17T07:30:00.101Z","completedAt":"2025-04-17T07:30:00.655Z","createdAt":"2025-04-17T07:30:00.655Z","customVersion":false,"workflowVersion":3,"teamId":"63aa00bb11cc22dd33ee44ff","forgeWorkflowId":"6712ab3acd56ef7890a1b2d9","workflowId":"6790ff00ee11dd22cc33bb44","userId":"65f1c2a9d4e8b71a2c3d4e5f","user":{"email":"ops@northwind-goods.example","fullName":"Northwind Goods"},"forgeWorkflow":{"name":"Paid order to ERP","integrationId":{"_id":"6712ab34cd56ef7890a1b2c3","name":"BigCommerce to NetSuite"}}}`, i, i, i%100))
	}
	address := `{"firstName":"Dana","lastName":"Okafor","address1":"1 Harbour St","city":"Portland","region":"OR","postalCode":"97201","countryCode":"US","phone":"+15125550147"}`
	for i := 0; i < unifiedPage; i++ { // orders of a few line items: about 1.5 KB each
		var lines []string
		for l := 0; l < 4; l++ {
			lines = append(lines, fmt.Sprintf(`{"id":"li_%d_%d","title":"Walnut desk organizer, large, with drawer %d","price":"49.90","quantity":2,"productId":"prd_%d","variantId":"var_%d","sku":"WDO-L-%d"}`, i, l, l, l, l, l))
		}
		orders = append(orders, fmt.Sprintf(`{"id":"ord_%06d","remoteId":"5102938475%03d","orderNumber":"#%d","orderStatus":"open","fulfillmentStatus":"unfulfilled","paymentStatus":"paid","totalShipping":"9.00","totalDiscount":"0.00","totalTax":"15.97","totalPrice":"224.57","currency":"USD","lineItems":[%s],"billingAddress":%s,"shippingAddress":%s,"customer":{"email":"dana.okafor+%d@example.com","firstName":"Dana","lastName":"Okafor"},"createdTimestamp":"2024-06-11T13:45:00.000Z","updatedTimestamp":"2024-09-02T08:12:44.000Z"}`, i, i, 1000+i, strings.Join(lines, ","), address, address, i))
	}
	logBody := []byte(`{"notifications":[` + strings.Join(logs, ",") + `],"lastFetched":"2025-04-17T07:35:12.880Z","pagination":`)
	orderBody := []byte(`{"orders":[` + strings.Join(orders, ",") + `],"pageInfo":`)
	unifiedPages := (totalRecords + unifiedPage - 1) / unifiedPage
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/logs":
			skip, _ := strconv.Atoi(q.Get("skip"))
			_, _ = w.Write(logBody)
			_, _ = fmt.Fprintf(w, `{"totalItems":%d,"totalPages":%d,"currentPage":%d,"pageSize":%d}}`, totalRecords, totalRecords/logPage, skip/logPage+1, logPage)
		case "/2024-03/one/commerce/orders":
			n, _ := strconv.Atoi(q.Get("cursor")) // "": the first page
			n = max(n, 1)
			if n > unifiedPages {
				_, _ = w.Write([]byte(`{"orders":[],"pageInfo":{"hasNext":false}}`))
				return
			}
			_, _ = w.Write(orderBody)
			_, _ = fmt.Fprintf(w, `{"hasNext":%v,"nextCursor":"%d"}}`, n < unifiedPages, n+1)
		default:
			http.NotFound(w, r)
		}
	}))
	tb.Cleanup(srv.Close)
	return srv.URL, len(logBody) + 80, len(orderBody) + 40
}

// liveHeap returns the heap in use after one full collection (withPool:
// sync.Pool's free buffers survive one cycle in its victim cache) and after
// a second (held: what the program itself holds).
func liveHeap() (withPool, held uint64) {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	withPool = m.HeapAlloc
	runtime.GC()
	runtime.ReadMemStats(&m)
	return withPool, m.HeapAlloc
}

// heapSamples is about how many pages of a walk iterate samples the heap
// in: evenly spread, so that growth over the walk would show, and few
// enough that a walk of 10,000 pages is not all garbage collection.
const heapSamples = 100

// iterate walks seq b.N times, timed ("ns/record"), then once more to
// measure the live heap in the middle of about heapSamples pages spread
// over the walk. It reports the peak above the starting heap, in pages (the
// JSON size of one page) and MiB: "peak-pages" is what the iteration
// holds; "pool-peak-pages" adds the SDK's pooled free read buffers, which
// are bounded (one per P, at most 1 MiB each) whatever the data. "end-MiB"
// is the heap still held after the walk, above the start.
func iterate[T any](b *testing.B, seq func(func(T, error) bool), total, perPage, pageBytes int) {
	b.Helper()
	walk := func(each func(n int)) {
		n := 0
		for _, err := range seq {
			if err != nil {
				b.Fatal(err)
			}
			n++
			each(n)
		}
		if n != total {
			b.Fatalf("iterated %d records, want %d", n, total)
		}
	}
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		walk(func(int) {})
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/record")

	every := max(1, total/perPage/heapSamples) * perPage // records between samples
	basePool, base := liveHeap()
	var peak, peakPool uint64
	walk(func(n int) {
		if n%every != perPage/2 { // mid-page: one page decoded and being walked
			return
		}
		withPool, held := liveHeap()
		if held > base {
			peak = max(peak, held-base)
		}
		if withPool > basePool {
			peakPool = max(peakPool, withPool-basePool)
		}
	})
	_, end := liveHeap()
	b.ReportMetric(float64(peak)/float64(pageBytes), "peak-pages")
	b.ReportMetric(float64(peakPool)/float64(pageBytes), "pool-peak-pages")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	b.ReportMetric((float64(end)-float64(base))/(1<<20), "end-MiB")
}

// iterateSizes are the record counts BenchmarkIterate walks:
// ALLOY_BENCH_ITERATE, a comma-separated list of 10k, 100k and 1M (default
// 100k; scripts/bench.sh SCALE=1 walks all three).
func iterateSizes(tb testing.TB) []int {
	sizes := map[string]int{"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
	v := cmp.Or(os.Getenv("ALLOY_BENCH_ITERATE"), "100k")
	var out []int
	for _, name := range strings.Split(v, ",") {
		n, ok := sizes[strings.TrimSpace(name)]
		if !ok {
			tb.Fatalf("ALLOY_BENCH_ITERATE=%q: %q is not 10k, 100k or 1M", v, name)
		}
		out = append(out, n)
	}
	return out
}

// BenchmarkIterate walks 10,000, 100,000 or 1,000,000 records (see
// iterateSizes) in pages with the SDK's iterators
// (BenchmarkIterate/<Logs|Unified>/<records>), and reports the time per
// record and the peak live heap in pages and MiB: the time must grow
// linearly with the records and the heap not at all. Run it with
// -benchtime 1x.
func BenchmarkIterate(b *testing.B) {
	const logPage, unifiedPage = 1_000, 100
	ctx := context.Background()
	for _, total := range iterateSizes(b) {
		name := map[int]string{10_000: "10k", 100_000: "100k", 1_000_000: "1M"}[total]
		url, logBytes, unifiedBytes := pagedServer(b, total, logPage, unifiedPage)
		b.Run("Logs/"+name, func(b *testing.B) {
			c, err := alloy.NewClient(benchKey, alloy.WithBaseURL(url))
			if err != nil {
				b.Fatal(err)
			}
			iterate(b, c.Logs.ListIter(ctx, alloy.LogListParams{Limit: logPage}), total, logPage, logBytes)
		})
		b.Run("Unified/"+name, func(b *testing.B) {
			c, err := alloy.NewClient(benchKey, alloy.WithBaseURL(url), alloy.WithAPIVersion("2024-03"))
			if err != nil {
				b.Fatal(err)
			}
			u, err := unified.New(c)
			if err != nil {
				b.Fatal(err)
			}
			iterate(b, u.Commerce.Orders.ListIter(ctx, "conn1", &unified.ListParams{PageSize: unifiedPage}), total, unifiedPage, unifiedBytes)
		})
	}
}

// tokenMinter is a RoundTripper that answers GET /users/{id}/token with a
// JWT shaped like those Alloy and alloytest mint (HS256; userId, username,
// iat, exp and jti claims; about 300 bytes), without a server: nothing but
// the client and the cache is on the heap.
type tokenMinter struct{}

func (tokenMinter) RoundTrip(r *http.Request) (*http.Response, error) {
	parts := strings.Split(r.URL.Path, "/") // /users/{id}/token
	id := parts[len(parts)-2]
	now := time.Now().Unix()
	enc := base64.RawURLEncoding
	claims := fmt.Sprintf(`{"exp":%d,"iat":%d,"jti":"%016x","userId":%q,"username":"%s@example.com"}`, now+1800, now, now, id, id)
	jwt := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString([]byte(claims)) + "." + enc.EncodeToString(make([]byte, 32))
	body := `{"token":"` + jwt + `"}`
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// BenchmarkTokenCacheMemory fills a TokenCache with 100,000 users and
// reports the live heap it holds per cached user ("bytes/user"), from
// runtime.MemStats after full collections, before and after: the entry,
// its map slot and LRU element, the user id (24 hex digits, as Alloy's)
// and the JWT. Run it with -benchtime 1x.
func BenchmarkTokenCacheMemory(b *testing.B) {
	const users = 100_000
	c, err := alloy.NewClient(benchKey, alloy.WithBaseURL("http://127.0.0.1:1"), alloy.WithHTTPClient(&http.Client{Transport: tokenMinter{}}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		cache, err := alloy.NewTokenCache(c, alloy.WithTokenCacheSize(users))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cache.Token(ctx, "warm"); err != nil { // the client's pools
			b.Fatal(err)
		}
		cache.Invalidate("warm")
		_, before := liveHeap()
		var tokenBytes int
		for i := range users {
			tok, err := cache.Token(ctx, fmt.Sprintf("65f1c2a9d4e8b71a%08x", i))
			if err != nil {
				b.Fatal(err)
			}
			tokenBytes += len(tok.Token)
		}
		_, after := liveHeap()
		if cache.Len() != users {
			b.Fatalf("cache holds %d users, want %d", cache.Len(), users)
		}
		b.ReportMetric((float64(after)-float64(before))/users, "bytes/user")
		b.ReportMetric(float64(tokenBytes)/users, "jwt-bytes")
		runtime.KeepAlive(cache)
	}
}
