package alloyotel_test

import (
	"context"
	"fmt"
	"log"

	"github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	alloyotel "github.com/alloysdk/alloy-go/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// A client instrumented with a tracer provider of its own. A call is a
// span named by its operation; each attempt a client span under it, named
// by method and route template; a failure sets error.type (here a 404).
func Example() {
	// Your exporter goes here (sdktrace.WithBatcher(exporter)); the example
	// keeps the spans in memory to print them.
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	srv := alloytest.NewServer() // a fake Alloy; against Alloy, NewClientFromEnv and no base URL
	defer srv.Close()
	otelOpts, err := alloyotel.Options(
		alloyotel.WithTracerProvider(tp),
		alloyotel.WithPropagators(propagation.TraceContext{}), // traceparent on every attempt
	)
	if err != nil {
		log.Fatal(err)
	}
	c, err := alloy.NewClient(srv.APIKey, append(otelOpts, alloy.WithBaseURL(srv.URL))...)
	if err != nil {
		log.Fatal(err)
	}

	ctx, span := tp.Tracer("onboarding").Start(context.Background(), "onboard tenant")
	_, err = c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err == nil {
		_, err = c.Users.Get(ctx, "65f1c2a9d4e8b71a2c3d4e5f") // no such user
	}
	span.End()
	fmt.Println(err != nil)

	for _, s := range spans.Ended() {
		errorType := "-"
		for _, kv := range s.Attributes() {
			if kv.Key == semconv.ErrorTypeKey {
				errorType = kv.Value.AsString()
			}
		}
		fmt.Printf("%-20s %-8s %-5s %s\n", s.Name(), s.SpanKind(), s.Status().Code, errorType)
	}
	// Output:
	// true
	// POST /users          client   Unset -
	// Users.Create         internal Unset -
	// GET /users/{userId}  client   Error 404
	// Users.Get            internal Error 404
	// onboard tenant       internal Unset -
}
