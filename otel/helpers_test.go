package alloyotel_test

import (
	"context"
	"net"
	"net/url"
	"strconv"
	"testing"

	"github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	alloyotel "github.com/alloysdk/alloy-go/otel"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// rig is an alloytest server, a client of it instrumented with
// in-memory providers, and those providers' records.
type rig struct {
	srv    *alloytest.Server
	c      *alloy.Client
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
}

// newRig starts a rig; opts are applied after the instrumentation and
// retry waits of zero.
func newRig(t *testing.T, opts ...alloy.Option) *rig {
	t.Helper()
	srv := alloytest.NewServer()
	t.Cleanup(srv.Close)
	r := newProviders(t)
	r.srv = srv
	all := append(r.options(), alloy.WithRetryWait(0, 0))
	r.c = srv.Client(append(all, opts...)...)
	return r
}

// newProviders makes a rig's providers, without a server or client.
func newProviders(t *testing.T, opts ...sdktrace.TracerProviderOption) *rig {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(append([]sdktrace.TracerProviderOption{sdktrace.WithSpanProcessor(rec)}, opts...)...)
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	return &rig{tp: tp, mp: mp, spans: rec, reader: reader}
}

// options are the instrumentation's client options for the rig's providers.
func (r *rig) options() []alloy.Option {
	opts, err := alloyotel.Options(
		alloyotel.WithTracerProvider(r.tp),
		alloyotel.WithMeterProvider(r.mp),
		alloyotel.WithPropagators(propagation.TraceContext{}),
	)
	if err != nil {
		panic(err)
	}
	return opts
}

// user creates a user through an uninstrumented client.
func (r *rig) user(t *testing.T) string {
	t.Helper()
	u, err := r.srv.Client().Users.Create(context.Background(), alloy.UserCreateParams{Username: "otel@example.com"})
	require.NoError(t, err)
	return u.ID
}

// ended returns the spans that ended, in the order they ended.
func (r *rig) ended() []sdktrace.ReadOnlySpan { return r.spans.Ended() }

// metrics collects the metrics recorded so far, by name.
func (r *rig) metrics(t *testing.T) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// attrs returns a span's or data point's attributes as a map of plain
// values, for exact comparison.
func attrs(kvs []attribute.KeyValue) map[string]any {
	out := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		out[string(kv.Key)] = kv.Value.AsInterface()
	}
	return out
}

// hostPort returns the address and port of a base URL.
func hostPort(t *testing.T, base string) (string, int64) {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	host, port, err := net.SplitHostPort(u.Host)
	require.NoError(t, err)
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	return host, int64(p)
}
