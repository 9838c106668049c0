package alloyotel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/alloysdk/alloy-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/httpconv"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the spans and metrics, for
// views and filters.
const ScopeName = "github.com/alloysdk/alloy-go/otel"

// Attribute keys of the SDK's own.
const (
	operationKey      = attribute.Key("alloy.operation")
	apiVersionKey     = attribute.Key("alloy.api_version")
	attemptsKey       = attribute.Key("alloy.attempts")
	requestIDKey      = attribute.Key("alloy.request_id")
	outcomeUnknownKey = attribute.Key("alloy.outcome_unknown")
)

// Metric names of the SDK's own (the per-attempt one is semconv's
// http.client.request.duration).
const (
	callDurationName = "alloy.client.call.duration"
	retriesName      = "alloy.client.call.retries"
)

// Option configures Options.
type Option func(*config)

type config struct {
	tp    trace.TracerProvider
	mp    metric.MeterProvider
	props propagation.TextMapPropagator
	err   error
}

// WithTracerProvider records spans with tp instead of the global provider
// (otel.GetTracerProvider). A nil tp makes Options fail with
// alloy.ErrInvalidArgument.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp == nil {
			c.fail("tracer provider is nil")
			return
		}
		c.tp = tp
	}
}

// WithMeterProvider records metrics with mp instead of the global provider
// (otel.GetMeterProvider). A nil mp makes Options fail with
// alloy.ErrInvalidArgument.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp == nil {
			c.fail("meter provider is nil")
			return
		}
		c.mp = mp
	}
}

// WithPropagators injects each attempt's trace context into its request
// headers with p instead of the global propagator
// (otel.GetTextMapPropagator, which injects nothing until the program sets
// one, e.g. with otel.SetTextMapPropagator(propagation.TraceContext{})). A
// nil p makes Options fail with alloy.ErrInvalidArgument.
func WithPropagators(p propagation.TextMapPropagator) Option {
	return func(c *config) {
		if p == nil {
			c.fail("propagator is nil")
			return
		}
		c.props = p
	}
}

func (c *config) fail(msg string) {
	if c.err == nil {
		c.err = errors.New("alloyotel: " + msg)
	}
}

// Options returns the client options that trace and measure every call of
// an alloy.Client: a call middleware (the call's span and metrics) and an
// attempt middleware (a client span and a duration per attempt, and the
// trace context in the attempt's headers). Pass them to alloy.NewClient or
// alloy.NewClientFromEnv, with the client's other options:
//
//	otelOpts, err := alloyotel.Options(alloyotel.WithTracerProvider(tp))
//	...
//	c, err := alloy.NewClientFromEnv(otelOpts...)
//
// Without options it uses OpenTelemetry's global providers and
// propagator: set them before calling Options (globals set later reach it
// only when none were set before, through OpenTelemetry's forwarding
// defaults). A bad option value (a nil provider) is an error matching
// alloy.ErrInvalidArgument, as the SDK's constructors report theirs, and
// so is an instrument the meter refuses; a nil Option is skipped.
func Options(opts ...Option) ([]alloy.Option, error) {
	cfg := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider(), props: otel.GetTextMapPropagator()}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.err != nil {
		return nil, fmt.Errorf("%w: %w", alloy.ErrInvalidArgument, cfg.err)
	}
	in, err := newInstruments(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: alloyotel: %w", alloy.ErrInvalidArgument, err)
	}
	return []alloy.Option{alloy.WithCallMiddleware(in.call), alloy.WithAttemptMiddleware(in.attempt)}, nil
}

// instruments are what the middleware records with; read-only once made.
type instruments struct {
	tracer          trace.Tracer
	props           propagation.TextMapPropagator
	callDuration    metric.Float64Histogram
	retries         metric.Int64Counter
	requestDuration httpconv.ClientRequestDuration
}

// callBuckets are semconv's HTTP duration buckets, extended to the SDK's
// default call timeout: a call holds its retries and their waits.
var callBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60}

func newInstruments(cfg config) (*instruments, error) {
	in := &instruments{
		tracer: cfg.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(alloy.Version), trace.WithSchemaURL(semconv.SchemaURL)),
		props:  cfg.props,
	}
	meter := cfg.mp.Meter(ScopeName, metric.WithInstrumentationVersion(alloy.Version), metric.WithSchemaURL(semconv.SchemaURL))
	var errs [3]error
	in.callDuration, errs[0] = meter.Float64Histogram(callDurationName,
		metric.WithDescription("Duration of Alloy API calls, retries and their waits included."),
		metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(callBuckets...))
	in.retries, errs[1] = meter.Int64Counter(retriesName,
		metric.WithDescription("Retries of Alloy API calls: each call adds its attempts after the first."),
		metric.WithUnit("{retry}"))
	in.requestDuration, errs[2] = httpconv.NewClientRequestDuration(meter)
	if err := errors.Join(errs[:]...); err != nil {
		return nil, errors.New("alloyotel: " + err.Error())
	}
	return in, nil
}

// callKey is the context key of a call's state, which the call middleware
// sets and the attempt middleware reads.
type callKey struct{}

// callState is what a call's attempts share.
type callState struct {
	route string
	// ctx is the call's context: an attempt's own also ends at the
	// Timeout of the caller's http.Client, which is not the call's end.
	ctx  context.Context
	sent atomic.Int64 // requests sent so far, redirects included
}

// call is the call middleware: one Internal span per call, the call's
// duration and its retries.
func (in *instruments) call(ctx context.Context, call alloy.CallInfo, next alloy.CallNext) (*alloy.Response, error) {
	start := time.Now()
	base := []attribute.KeyValue{
		operationKey.String(call.Operation),
		semconv.HTTPRequestMethodKey.String(call.Method),
		semconv.URLTemplate(call.Route),
	}
	ctx, span := in.tracer.Start(ctx, call.Operation,
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(base...),
		trace.WithAttributes(apiVersionKey.String(call.APIVersion)))
	st := &callState{route: call.Route, ctx: ctx}
	resp, err := next(context.WithValue(ctx, callKey{}, st))

	attrs := append(make([]attribute.KeyValue, 0, len(base)+2), base...)
	if resp != nil {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(resp.StatusCode))
	}
	var errType string
	if err != nil {
		errType = errorType(ctx, err)
		attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
	}
	attempts := attemptsOf(resp, err, st)
	if span.IsRecording() {
		span.SetAttributes(attrs[len(base):]...)
		span.SetAttributes(attemptsKey.Int(attempts))
		if resp != nil && resp.RequestID != "" {
			span.SetAttributes(requestIDKey.String(resp.RequestID)) // redacted by the SDK
		}
		if errors.Is(err, alloy.ErrOutcomeUnknown) {
			span.SetAttributes(outcomeUnknownKey.Bool(true))
		}
		if err != nil {
			// The error's text is not recorded: it holds the path with its
			// ids and the server's message.
			span.SetStatus(codes.Error, errType)
		}
	}
	span.End()
	in.callDuration.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(attrs...))
	in.retries.Add(ctx, int64(max(attempts-1, 0)), metric.WithAttributes(base...))
	return resp, err
}

// attemptsOf returns how many times the call's request was sent, as the
// SDK counts them (retries, not redirects).
func attemptsOf(resp *alloy.Response, err error, st *callState) int {
	if resp != nil {
		return resp.Attempts
	}
	var te *alloy.TransportError
	if errors.As(err, &te) {
		return te.Attempts
	}
	return int(st.sent.Load())
}

// attempt is the attempt middleware: one Client span per request sent,
// named and described by HTTP semantic conventions, the trace context
// injected into the request, and http.client.request.duration.
func (in *instruments) attempt(req *http.Request, next alloy.AttemptNext) (*http.Response, error) {
	start := time.Now()
	ctx := req.Context()
	callCtx := ctx
	name, route, resend := req.Method, "", 0
	if st, ok := ctx.Value(callKey{}).(*callState); ok {
		route, callCtx = st.route, st.ctx
		name += " " + route
		resend = int(st.sent.Add(1)) - 1
	}
	host, port := hostPort(req.URL)
	attrs := make([]attribute.KeyValue, 0, 8)
	attrs = append(attrs,
		semconv.HTTPRequestMethodKey.String(req.Method),
		semconv.ServerAddress(host),
		semconv.ServerPort(port),
		semconv.URLScheme(req.URL.Scheme),
	)
	if route != "" {
		attrs = append(attrs, semconv.URLTemplate(route))
	}
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...)}
	if resend > 0 {
		opts = append(opts, trace.WithAttributes(semconv.HTTPRequestResendCount(resend)))
	}
	ctx, span := in.tracer.Start(ctx, name, opts...)
	in.props.Inject(ctx, propagation.HeaderCarrier(req.Header))

	resp, err := next(req.WithContext(ctx))

	var errType string
	switch {
	case err != nil:
		errType = errorType(callCtx, err)
	case resp != nil && resp.StatusCode >= 400:
		errType = strconv.Itoa(resp.StatusCode)
	}
	if resp != nil {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(resp.StatusCode))
		span.SetAttributes(semconv.HTTPResponseStatusCode(resp.StatusCode))
	}
	if errType != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
		span.SetAttributes(semconv.ErrorTypeKey.String(errType))
		span.SetStatus(codes.Error, errType)
	}
	span.End()
	in.requestDuration.Inst().Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(attrs...))
	return resp, err
}

// hostPort returns the server's address and port, the port from the
// scheme when the URL names none.
func hostPort(u *url.URL) (string, int) {
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return u.Hostname(), p
	}
	if u.Scheme == "http" {
		return u.Hostname(), 80
	}
	return u.Hostname(), 443
}
