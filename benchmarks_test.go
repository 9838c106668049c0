package alloy_test

// Benchmarks: each SDK call is paired with a "raw" baseline doing the same
// work with net/http and encoding/json (same request, same headers, same
// decode into equivalent plain structs, keep-alive on), against the same
// loopback server, so that scripts/bench.sh can report SDK/raw ratios.
// Nothing here asserts a timing.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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

// integrationsBody is a realistic 50-integration list (about 100 KB).
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

// benchServer answers the four benchmarked routes, and counts connections.
func benchServer(b *testing.B) (*httptest.Server, *atomic.Int64) {
	b.Helper()
	user := []byte(`{"userId":"65f1c2a9d4e8b71a2c3d4e5f","username":"ops@northwind.example","fullName":"Northwind Goods"}`)
	created := []byte(`{"userId":"65f1c2a9d4e8b71a2c3d4e5f"}`)
	token := []byte(`{"token":"eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiI2NWYxYzJhOWQ0ZThiNzFhMmMzZDRlNWYiLCJleHAiOjE5MDAwMDAwMDB9.c2lnbmF0dXJl"}`)
	integrations := integrationsBody()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	b.Cleanup(srv.Close)
	return srv, &conns
}

// benchClients returns an SDK client and a raw http.Client, each with its
// own keep-alive transport sized for 64 concurrent callers.
func benchClients(b *testing.B, url string) (*alloy.Client, *http.Client) {
	b.Helper()
	newTransport := func() *http.Transport {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 128
		return tr
	}
	c, err := alloy.NewClient(benchKey, alloy.WithBaseURL(url), alloy.WithHTTPClient(&http.Client{Transport: newTransport()}))
	if err != nil {
		b.Fatal(err)
	}
	return c, &http.Client{Transport: newTransport()}
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

// rawCall is the baseline: build, send, check the status, decode.
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
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
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

// BenchmarkCall runs each call sequentially: BenchmarkCall/<Op>/{sdk,raw}.
func BenchmarkCall(b *testing.B) {
	for _, o := range benchOps {
		b.Run(o.name, func(b *testing.B) {
			srv, _ := benchServer(b)
			c, hc := benchClients(b, srv.URL)
			ctx := context.Background()
			b.Run("sdk", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := o.sdk(ctx, c); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("raw", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := o.raw(ctx, hc, srv.URL); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkParallel runs each call from 64 goroutines:
// BenchmarkParallel/<Op>/{sdk,raw}; ns/op is the inverse of throughput.
func BenchmarkParallel(b *testing.B) {
	par := (64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0) // RunParallel starts GOMAXPROCS × par goroutines
	for _, o := range benchOps {
		b.Run(o.name, func(b *testing.B) {
			srv, _ := benchServer(b)
			c, hc := benchClients(b, srv.URL)
			ctx := context.Background()
			b.Run("sdk", func(b *testing.B) {
				b.ReportAllocs()
				b.SetParallelism(par)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := o.sdk(ctx, c); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
			b.Run("raw", func(b *testing.B) {
				b.ReportAllocs()
				b.SetParallelism(par)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := o.raw(ctx, hc, srv.URL); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}

// pagedServer serves totalRecords records in pages of pageSize, both as the
// account-wide log (/logs, skip/limit) and as Unified commerce
// orders (/one/commerce/orders, pageNumber/pageSize). One page body is rendered
// once and reused, so the server adds no per-page memory.
func pagedServer(b *testing.B, totalRecords, logPage, unifiedPage int) (url string, logPageBytes, unifiedPageBytes int) {
	b.Helper()
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
	fullPage := []byte(`{"orders":[` + strings.Join(orders, ",") + `]}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/logs":
			skip, _ := strconv.Atoi(q.Get("skip"))
			_, _ = w.Write(logBody)
			_, _ = fmt.Fprintf(w, `{"totalItems":%d,"totalPages":%d,"currentPage":%d,"pageSize":%d}}`, totalRecords, totalRecords/logPage, skip/logPage+1, logPage)
		case "/2024-03/one/commerce/orders":
			n, _ := strconv.Atoi(q.Get("pageNumber"))
			if max(n, 1)*unifiedPage > totalRecords {
				_, _ = w.Write([]byte(`{"orders":[]}`))
				return
			}
			_, _ = w.Write(fullPage)
		default:
			http.NotFound(w, r)
		}
	}))
	b.Cleanup(srv.Close)
	return srv.URL, len(logBody), len(fullPage)
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

// iterate runs seq to the end, measuring the live heap in the middle of
// every page, and reports the peak above the starting heap, in pages (the
// JSON size of one page) and MiB: "peak-pages" is what the iteration
// holds; "pool-peak-pages" adds the SDK's pooled free read buffers, which
// are bounded (one per P, at most 1 MiB each) whatever the data.
func iterate[T any](b *testing.B, seq func(func(T, error) bool), total, perPage, pageBytes int) {
	b.Helper()
	basePool, base := liveHeap()
	var peak, peakPool uint64
	n := 0
	for _, err := range seq {
		if err != nil {
			b.Fatal(err)
		}
		n++
		if n%perPage == perPage/2 { // mid-page: one page decoded and being walked
			withPool, held := liveHeap()
			if held > base {
				peak = max(peak, held-base)
			}
			if withPool > basePool {
				peakPool = max(peakPool, withPool-basePool)
			}
		}
	}
	if n != total {
		b.Fatalf("iterated %d records, want %d", n, total)
	}
	b.ReportMetric(float64(peak)/float64(pageBytes), "peak-pages")
	b.ReportMetric(float64(peakPool)/float64(pageBytes), "pool-peak-pages")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

// BenchmarkIterate walks 100,000 records in pages with the SDK's iterators
// and reports the peak live heap, in pages and MiB: it must stay
// proportional to one page, not grow with the total.
func BenchmarkIterate(b *testing.B) {
	const total, logPage, unifiedPage = 100_000, 1_000, 100
	url, logBytes, unifiedBytes := pagedServer(b, total, logPage, unifiedPage)
	ctx := context.Background()
	b.Run("LogsAll", func(b *testing.B) {
		c, err := alloy.NewClient(benchKey, alloy.WithBaseURL(url))
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			iterate(b, c.Logs.ListIter(ctx, alloy.LogListParams{Limit: logPage}), total, logPage, logBytes)
		}
	})
	b.Run("UnifiedAll", func(b *testing.B) {
		c, err := alloy.NewClient(benchKey, alloy.WithBaseURL(url), alloy.WithAPIVersion("2024-03"))
		if err != nil {
			b.Fatal(err)
		}
		u, err := unified.New(c)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			iterate(b, u.Commerce.Orders.ListIter(ctx, "conn1", &unified.ListParams{PageSize: unifiedPage}), total, unifiedPage, unifiedBytes)
		}
	})
}
