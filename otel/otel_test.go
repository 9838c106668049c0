package alloyotel_test

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	alloyotel "github.com/alloysdk/alloy-go/otel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// TestCallSpanAndAttemptSpan: a call is an Internal span named by its
// operation, child of the caller's span, with one Client span per attempt
// named "{method} {url.template}" under it; each carries exactly the
// attributes documented, and neither has an error status.
func TestCallSpanAndAttemptSpan(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	id := r.user(t)
	host, port := hostPort(t, r.srv.URL)

	ctx, parent := r.tp.Tracer("test").Start(context.Background(), "handler")
	u, err := r.c.Users.Get(ctx, id)
	parent.End()
	require.NoError(t, err)
	require.Equal(t, id, u.ID)

	spans := r.ended()
	require.Len(t, spans, 3)
	attempt, call := spans[0], spans[1]
	assert.Equal(t, "GET /users/{userId}", attempt.Name())
	assert.Equal(t, trace.SpanKindClient, attempt.SpanKind())
	assert.Equal(t, "Users.Get", call.Name())
	assert.Equal(t, trace.SpanKindInternal, call.SpanKind())

	assert.Equal(t, parent.SpanContext().SpanID(), call.Parent().SpanID(), "the call is a child of the caller's span")
	assert.Equal(t, call.SpanContext().SpanID(), attempt.Parent().SpanID(), "the attempt is a child of the call")
	assert.Equal(t, parent.SpanContext().TraceID(), attempt.SpanContext().TraceID())

	callAttrs := attrs(call.Attributes())
	require.Regexp(t, `^req_\d+$`, callAttrs["alloy.request_id"])
	assert.Equal(t, map[string]any{
		"alloy.operation":           "Users.Get",
		"http.request.method":       "GET",
		"url.template":              "/users/{userId}",
		"alloy.api_version":         alloy.DefaultAPIVersion,
		"http.response.status_code": int64(200),
		"alloy.attempts":            int64(1),
		"alloy.request_id":          callAttrs["alloy.request_id"],
	}, callAttrs)
	assert.Equal(t, map[string]any{
		"http.request.method":       "GET",
		"server.address":            host,
		"server.port":               port,
		"url.scheme":                "http",
		"url.template":              "/users/{userId}",
		"http.response.status_code": int64(200),
	}, attrs(attempt.Attributes()))

	for _, s := range []sdktrace.ReadOnlySpan{attempt, call} {
		assert.Equal(t, codes.Unset, s.Status().Code, s.Name())
		assert.Empty(t, s.Events(), s.Name())
		assert.Equal(t, alloyotel.ScopeName, s.InstrumentationScope().Name)
		assert.Equal(t, alloy.Version, s.InstrumentationScope().Version)
		assert.Equal(t, semconv.SchemaURL, s.InstrumentationScope().SchemaURL)
	}
}

// TestDoCallIsNamedByItsOperation: a Client.Do call's span is named by
// Request.Operation, or "METHOD /route" without one.
func TestDoCallIsNamedByItsOperation(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	id := r.user(t)
	ctx := context.Background()
	require.NoError(t, r.c.Do(ctx, alloy.Request{Method: "GET", Route: "/users/{userId}", PathValues: []string{id}}, nil))
	require.NoError(t, r.c.Do(ctx, alloy.Request{Operation: "Tenants.Get", Method: "GET", Route: "/users/{userId}", PathValues: []string{id}}, nil))

	spans := r.ended()
	require.Len(t, spans, 4)
	assert.Equal(t, "GET /users/{userId}", spans[1].Name())
	assert.Equal(t, "GET /users/{userId}", attrs(spans[1].Attributes())["alloy.operation"])
	assert.Equal(t, "Tenants.Get", spans[3].Name())
	assert.Equal(t, "Tenants.Get", attrs(spans[3].Attributes())["alloy.operation"])
}

// traceparent is W3C Trace Context's header: version, trace id, parent
// span id, flags.
var traceparent = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$`)

// TestRetriesAreAttemptSpans: a call retried twice is one call span over
// three attempt spans; the retries carry http.request.resend_count 1 and
// 2, the failed attempts their status as error.type and an error status,
// and each request reaches the server with its own attempt's span as the
// traceparent's parent, in the call's trace.
func TestRetriesAreAttemptSpans(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	id := r.user(t)
	r.srv.ResetRequests()
	r.srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Times: 2, Fault: alloytest.Fault{Status: 503}})

	_, err := r.c.Users.Get(context.Background(), id)
	require.NoError(t, err)

	spans := r.ended()
	require.Len(t, spans, 4)
	call := spans[3]
	assert.Equal(t, "Users.Get", call.Name())
	assert.Equal(t, codes.Unset, call.Status().Code, "the call succeeded")
	assert.Equal(t, int64(3), attrs(call.Attributes())["alloy.attempts"])
	assert.Equal(t, int64(200), attrs(call.Attributes())["http.response.status_code"])
	assert.NotContains(t, attrs(call.Attributes()), "error.type")

	reqs := r.srv.Requests()
	require.Len(t, reqs, 3)
	for i, a := range spans[:3] {
		assert.Equal(t, "GET /users/{userId}", a.Name())
		assert.Equal(t, call.SpanContext().SpanID(), a.Parent().SpanID())
		got := attrs(a.Attributes())
		if i == 0 {
			assert.NotContains(t, got, "http.request.resend_count", "the first attempt is not a resend")
		} else {
			assert.Equal(t, int64(i), got["http.request.resend_count"])
		}
		if i < 2 {
			assert.Equal(t, int64(503), got["http.response.status_code"])
			assert.Equal(t, "503", got["error.type"])
			assert.Equal(t, sdktrace.Status{Code: codes.Error, Description: "503"}, a.Status())
		} else {
			assert.Equal(t, int64(200), got["http.response.status_code"])
			assert.NotContains(t, got, "error.type")
			assert.Equal(t, codes.Unset, a.Status().Code)
		}

		m := traceparent.FindStringSubmatch(reqs[i].Header.Get("Traceparent"))
		require.NotNil(t, m, "request %d carries a traceparent: %v", i, reqs[i].Header)
		assert.Equal(t, call.SpanContext().TraceID().String(), m[1], "the call's trace")
		assert.Equal(t, a.SpanContext().SpanID().String(), m[2], "the attempt's span is the server's parent")
	}
}

// TestNotFoundSetsErrorType: a 404 ends the call span and its attempt
// span with error.type "404" and an error status.
func TestNotFoundSetsErrorType(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	_, err := r.c.Users.Get(context.Background(), "65f1c2a9d4e8b71a2c3d4e5f")
	require.ErrorIs(t, err, alloy.ErrNotFound)

	spans := r.ended()
	require.Len(t, spans, 2, "a 404 is not retried")
	for _, s := range spans {
		got := attrs(s.Attributes())
		assert.Equal(t, int64(404), got["http.response.status_code"], s.Name())
		assert.Equal(t, "404", got["error.type"], s.Name())
		assert.Equal(t, sdktrace.Status{Code: codes.Error, Description: "404"}, s.Status(), s.Name())
		assert.Empty(t, s.Events(), "no exception event: the error's text holds ids and the server's message")
	}
	assert.Equal(t, int64(1), attrs(spans[1].Attributes())["alloy.attempts"])
}

// TestOutcomeUnknownIsMarked: a POST that got a 5xx may have been
// applied; its call span says so.
func TestOutcomeUnknownIsMarked(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 500}})
	_, err := r.c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "otel@example.com"})
	require.ErrorIs(t, err, alloy.ErrOutcomeUnknown)

	spans := r.ended()
	require.Len(t, spans, 2, "a POST is not retried on 500")
	got := attrs(spans[1].Attributes())
	assert.Equal(t, "Users.Create", spans[1].Name())
	assert.Equal(t, "POST", got["http.request.method"])
	assert.Equal(t, "500", got["error.type"])
	assert.Equal(t, true, got["alloy.outcome_unknown"])
}

// TestFailuresWithoutAnAnswer: a call that gets no usable answer ends
// with a low-cardinality error.type on the call span and on every attempt
// span, and an error status.
func TestFailuresWithoutAnAnswer(t *testing.T) {
	t.Parallel()
	// A port nothing listens on: the dial is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())

	latency := alloytest.FaultRule{Method: "GET", Path: "/users/*", Fault: alloytest.Fault{Latency: 10 * time.Second}}
	tests := []struct {
		name      string
		fault     *alloytest.FaultRule
		opts      []alloy.Option
		ctx       func() (context.Context, context.CancelFunc)
		call      string // error.type of the call span
		attempt   string // error.type of every attempt span ("" for none)
		attempts  int
		attemptOK bool // the attempt got a 2xx
	}{
		{name: "refused", opts: []alloy.Option{alloy.WithBaseURL(closed), alloy.WithMaxRetries(1)},
			call: "connection_refused", attempt: "connection_refused", attempts: 2},
		{name: "dropped", fault: &alloytest.FaultRule{Method: "GET", Path: "/users/*", Fault: alloytest.Fault{Drop: true}},
			opts: []alloy.Option{alloy.WithMaxRetries(0)}, call: "connection_closed", attempt: "connection_closed", attempts: 1},
		{name: "deadline", fault: &latency, opts: []alloy.Option{alloy.WithTimeout(50 * time.Millisecond)},
			call: "context.DeadlineExceeded", attempt: "context.DeadlineExceeded", attempts: 1},
		{name: "canceled", fault: &latency, ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, call: "context.Canceled", attempt: "context.Canceled", attempts: 1},
		{name: "attempt timeout", fault: &latency,
			opts: []alloy.Option{alloy.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}), alloy.WithMaxRetries(0)},
			call: "timeout", attempt: "timeout", attempts: 1},
		{name: "malformed", fault: &alloytest.FaultRule{Method: "GET", Path: "/users/*", Fault: alloytest.Fault{Malformed: true}},
			call: "malformed_response", attempts: 1, attemptOK: true},
		{name: "too large", fault: &alloytest.FaultRule{Method: "GET", Path: "/users/*", Fault: alloytest.Fault{Oversize: 4096}},
			opts: []alloy.Option{alloy.WithMaxResponseBytes(1024)}, call: "response_too_large", attempts: 1, attemptOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, tt.opts...)
			if tt.fault != nil {
				r.srv.InjectFault(*tt.fault)
			}
			ctx, cancel := context.WithCancel(context.Background())
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
			}
			defer cancel()
			_, err := r.c.Users.Get(ctx, "65f1c2a9d4e8b71a2c3d4e5f")
			require.Error(t, err)

			spans := r.ended()
			require.Len(t, spans, tt.attempts+1, "%v", err)
			call := spans[len(spans)-1]
			got := attrs(call.Attributes())
			assert.Equal(t, tt.call, got["error.type"], "%v", err)
			assert.Equal(t, sdktrace.Status{Code: codes.Error, Description: tt.call}, call.Status())
			assert.Equal(t, int64(tt.attempts), got["alloy.attempts"])
			if tt.attemptOK {
				assert.Equal(t, int64(200), got["http.response.status_code"])
			} else {
				assert.NotContains(t, got, "http.response.status_code", "no answer arrived")
			}
			for _, a := range spans[:tt.attempts] {
				ga := attrs(a.Attributes())
				if tt.attemptOK {
					assert.NotContains(t, ga, "error.type")
					assert.Equal(t, codes.Unset, a.Status().Code)
					continue
				}
				assert.Equal(t, tt.attempt, ga["error.type"], "%v", err)
				assert.Equal(t, sdktrace.Status{Code: codes.Error, Description: tt.attempt}, a.Status())
				assert.NotContains(t, ga, "http.response.status_code")
			}
		})
	}
}

// TestUnsampledCallsAreStillMeasuredAndPropagated: with a sampler that
// records nothing, the metrics are still recorded and the trace context
// still reaches the server, marked not sampled.
func TestUnsampledCallsAreStillMeasuredAndPropagated(t *testing.T) {
	t.Parallel()
	srv := alloytest.NewServer()
	defer srv.Close()
	r := newProviders(t, sdktrace.WithSampler(sdktrace.NeverSample()))
	r.srv = srv
	r.c = srv.Client(r.options()...)
	_, err := r.c.Users.List(context.Background(), nil)
	require.NoError(t, err)

	assert.Empty(t, r.ended())
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Regexp(t, `^00-[0-9a-f]{32}-[0-9a-f]{16}-00$`, reqs[0].Header.Get("Traceparent"))
	m := r.metrics(t)
	assert.Contains(t, m, "alloy.client.call.duration")
	assert.Contains(t, m, "http.client.request.duration")
}

// TestBadOptions: a nil provider or propagator is refused by the client's
// constructor with ErrInvalidArgument, as the SDK's own options are; a nil
// Option is skipped.
func TestBadOptions(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]alloyotel.Option{
		"tracer provider is nil": alloyotel.WithTracerProvider(nil),
		"meter provider is nil":  alloyotel.WithMeterProvider(nil),
		"propagator is nil":      alloyotel.WithPropagators(nil),
	} {
		opts, err := alloyotel.Options(opt)
		require.ErrorIs(t, err, alloy.ErrInvalidArgument, name)
		assert.Contains(t, err.Error(), "alloyotel: "+name)
		assert.Nil(t, opts)
	}
	opts, err := alloyotel.Options(nil)
	require.NoError(t, err)
	c, err := alloy.NewClient("key", opts...)
	require.NoError(t, err)
	require.NotNil(t, c)
}

// TestPropagatorSeesNoKey: the propagator is handed the attempt's
// headers with the key redacted, and what it injects goes out with the
// real key beside it.
func TestPropagatorSeesNoKey(t *testing.T) {
	t.Parallel()
	srv := alloytest.NewServer()
	defer srv.Close()
	spy := &spyPropagator{TextMapPropagator: propagation.TraceContext{}}
	r := newProviders(t)
	opts, err := alloyotel.Options(alloyotel.WithTracerProvider(r.tp), alloyotel.WithMeterProvider(r.mp), alloyotel.WithPropagators(spy))
	require.NoError(t, err)
	c := srv.Client(opts...)
	_, err = c.Users.List(context.Background(), nil) // accepted: the real key arrived
	require.NoError(t, err)
	assert.Equal(t, []string{"Bearer [REDACTED]"}, spy.seen)
	require.Len(t, srv.Requests(), 1)
	assert.NotEmpty(t, srv.Requests()[0].Header.Get("Traceparent"))
}

// spyPropagator records the Authorization header of what it injects into.
type spyPropagator struct {
	propagation.TextMapPropagator
	seen []string // one call at a time: the test makes one call
}

func (p *spyPropagator) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	p.seen = append(p.seen, carrier.Get("Authorization"))
	p.TextMapPropagator.Inject(ctx, carrier)
}

// TestConcurrentCallsKeepTheirOwnTraces: calls made at once from many
// goroutines on one client each get their own call span under their
// caller's span, their own attempt span under it, and their own resend
// counts.
func TestConcurrentCallsKeepTheirOwnTraces(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	id := r.user(t)
	// Every third read fails once, on average: retries interleave.
	r.srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Rate: 0.3, Fault: alloytest.Fault{Status: 503}})
	const n = 32
	parents := make([]trace.SpanContext, n)
	errs := make(chan error, n)
	for i := range n {
		ctx, parent := r.tp.Tracer("test").Start(context.Background(), fmt.Sprintf("job %d", i))
		parents[i] = parent.SpanContext()
		go func() {
			_, err := r.c.Users.Get(ctx, id, alloy.WithRetries(10))
			parent.End() // before the send: every span has ended once all are received
			errs <- err
		}()
	}
	for range n {
		require.NoError(t, <-errs)
	}

	ended := r.ended()
	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	children := map[trace.SpanID][]sdktrace.ReadOnlySpan{}
	for _, s := range ended {
		byID[s.SpanContext().SpanID()] = s
		children[s.Parent().SpanID()] = append(children[s.Parent().SpanID()], s)
	}
	total := 2 * n // the jobs and their calls; then their attempts
	for i, p := range parents {
		calls := children[p.SpanID()]
		require.Len(t, calls, 1, "job %d has one call", i)
		call := calls[0]
		assert.Equal(t, "Users.Get", call.Name())
		assert.Equal(t, p.TraceID(), call.SpanContext().TraceID())
		attempts := children[call.SpanContext().SpanID()]
		require.Len(t, attempts, int(attrs(call.Attributes())["alloy.attempts"].(int64)), "job %d", i)
		total += len(attempts)
		for j, a := range attempts {
			assert.Equal(t, p.TraceID(), a.SpanContext().TraceID())
			if j == 0 {
				assert.NotContains(t, attrs(a.Attributes()), "http.request.resend_count")
			} else {
				assert.Equal(t, int64(j), attrs(a.Attributes())["http.request.resend_count"], "job %d attempt %d", i, j)
			}
		}
	}
	assert.Len(t, ended, total, "no other span")
	assert.Len(t, byID, len(ended), "span ids are unique")
	// Every request the server got carried the trace of one of the jobs.
	traces := map[string]bool{}
	for _, p := range parents {
		traces[p.TraceID().String()] = true
	}
	for _, req := range r.srv.Requests() {
		if req.Method != "GET" {
			continue
		}
		m := traceparent.FindStringSubmatch(req.Header.Get("Traceparent"))
		require.NotNil(t, m)
		assert.True(t, traces[m[1]], "a job's trace: %s", m[1])
	}
}

// TestNoSecretsInTelemetry: no span or metric ever carries the API key,
// a JWT, a query string, a body or an id, even when the server echoes the
// key and a JWT in its headers and bodies.
func TestNoSecretsInTelemetry(t *testing.T) {
	t.Parallel()
	const (
		key   = "sk_live_0123456789abcdefSECRET"
		jwt   = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlc2lnbmF0dXJl"
		query = "query-value-7c1e"
		id    = "user-id-5d2f"
	)
	var reqs atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echo := r.Header.Get("Authorization") + " " + jwt
		w.Header().Set("X-Request-Id", echo)
		w.Header().Set("X-Echo", echo)
		w.Header().Set("Content-Type", "application/json")
		if reqs.Add(1)%2 == 1 { // every call's first attempt
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"message":%q}`, echo)
			return
		}
		fmt.Fprintf(w, `{"data":{"userId":%q,"token":%q,"echo":%q},"token":%q}`, id, jwt, echo, jwt)
	}))
	defer srv.Close()
	r := newProviders(t)
	c, err := alloy.NewClient(key, append(r.options(), alloy.WithBaseURL(srv.URL), alloy.WithRetryWait(0, 0))...)
	require.NoError(t, err)
	ctx := context.Background()

	_, err = c.Users.Get(ctx, id)
	require.NoError(t, err)
	_, err = c.Tokens.Create(ctx, id)
	require.NoError(t, err)
	var out any
	require.NoError(t, c.Do(ctx, alloy.Request{Method: "GET", Route: "/workflows", Query: map[string][]string{"userId": {query}}}, &out))
	_, err = c.Users.Get(ctx, id, alloy.WithRetries(0)) // a 503 with the echo in its body
	require.ErrorIs(t, err, alloy.ErrServer)

	var all strings.Builder
	spans := r.ended()
	require.Len(t, spans, 3*3+2)
	for _, s := range spans {
		fmt.Fprintln(&all, s.Name(), s.Status(), s.Attributes(), s.Events(), s.Links(), s.Resource().Attributes())
	}
	for name, m := range r.metrics(t) {
		fmt.Fprintf(&all, "%s %+v\n", name, m.Data)
	}
	text := all.String()
	require.Contains(t, text, "alloy.request_id", "the request id is recorded, redacted")
	for _, secret := range []string{key, "eyJ", jwt[40:], query, id} {
		assert.NotContains(t, text, secret)
	}
	assert.Contains(t, text, "[REDACTED]", "the echoed request id is recorded redacted")
}

// TestMetrics: each call adds its duration to alloy.client.call.duration
// and its retries to alloy.client.call.retries, by operation, method,
// template, status and error type; each attempt adds its own to semconv's
// http.client.request.duration. No id, request id or attempt number is an
// attribute.
func TestMetrics(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	id := r.user(t)
	host, port := hostPort(t, r.srv.URL)
	ctx := context.Background()
	_, err := r.c.Users.Get(ctx, id)
	require.NoError(t, err)
	r.srv.InjectFault(alloytest.FaultRule{Method: "GET", Path: "/users/*", Times: 2, Fault: alloytest.Fault{Status: 503}})
	_, err = r.c.Users.Get(ctx, id)
	require.NoError(t, err)
	_, err = r.c.Users.Get(ctx, "65f1c2a9d4e8b71a2c3d4e5f")
	require.ErrorIs(t, err, alloy.ErrNotFound)

	m := r.metrics(t)
	require.Len(t, m, 3, "%v", m)

	calls := m["alloy.client.call.duration"]
	assert.Equal(t, "s", calls.Unit)
	hist, ok := calls.Data.(metricdata.Histogram[float64])
	require.True(t, ok, "%T", calls.Data)
	call := map[string]any{"alloy.operation": "Users.Get", "http.request.method": "GET", "url.template": "/users/{userId}"}
	with := func(base map[string]any, kv ...any) map[string]any {
		out := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	assert.ElementsMatch(t, []counted{
		{with(call, "http.response.status_code", int64(200)), 2},
		{with(call, "http.response.status_code", int64(404), "error.type", "404"), 1},
	}, histCounts(hist))
	for _, dp := range hist.DataPoints {
		assert.Equal(t, 60.0, dp.Bounds[len(dp.Bounds)-1], "buckets reach the default call timeout")
		assert.Positive(t, dp.Sum)
	}

	retries, ok := m["alloy.client.call.retries"].Data.(metricdata.Sum[int64])
	require.True(t, ok)
	assert.True(t, retries.IsMonotonic)
	require.Len(t, retries.DataPoints, 1)
	assert.Equal(t, call, attrs(retries.DataPoints[0].Attributes.ToSlice()))
	assert.Equal(t, int64(2), retries.DataPoints[0].Value, "one call retried twice, two not at all")

	requests := m["http.client.request.duration"]
	assert.Equal(t, "s", requests.Unit)
	hist, ok = requests.Data.(metricdata.Histogram[float64])
	require.True(t, ok)
	attempt := map[string]any{"http.request.method": "GET", "server.address": host, "server.port": port,
		"url.scheme": "http", "url.template": "/users/{userId}"}
	assert.ElementsMatch(t, []counted{
		{with(attempt, "http.response.status_code", int64(200)), 2},
		{with(attempt, "http.response.status_code", int64(503), "error.type", "503"), 2},
		{with(attempt, "http.response.status_code", int64(404), "error.type", "404"), 1},
	}, histCounts(hist))
}

// counted is a histogram data point's attributes and count.
type counted struct {
	attrs map[string]any
	count uint64
}

func histCounts(h metricdata.Histogram[float64]) []counted {
	var out []counted
	for _, dp := range h.DataPoints {
		out = append(out, counted{attrs(dp.Attributes.ToSlice()), dp.Count})
	}
	return out
}

// TestGlobalsByDefault: without options, the global providers and
// propagator are used. Not parallel: it sets OpenTelemetry's globals.
func TestGlobalsByDefault(t *testing.T) {
	srv := alloytest.NewServer()
	defer srv.Close()
	r := newProviders(t)
	otel.SetTracerProvider(r.tp)
	otel.SetMeterProvider(r.mp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() {
		otel.SetTracerProvider(tracenoop.NewTracerProvider())
		otel.SetMeterProvider(metricnoop.NewMeterProvider())
		otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator())
	})

	opts, err := alloyotel.Options()
	require.NoError(t, err)
	c := srv.Client(opts...)
	_, err = c.Users.List(context.Background(), nil)
	require.NoError(t, err)
	spans := r.ended()
	require.Len(t, spans, 2)
	assert.Equal(t, "Users.List", spans[1].Name())
	assert.Contains(t, r.metrics(t), "alloy.client.call.duration")
	m := traceparent.FindStringSubmatch(srv.Requests()[0].Header.Get("Traceparent"))
	require.NotNil(t, m)
	assert.Equal(t, spans[0].SpanContext().SpanID().String(), m[2])
}
