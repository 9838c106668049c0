// Package alloyotel traces and measures alloy-go clients with
// OpenTelemetry. It is a module of its own
// (github.com/alloysdk/alloy-go/otel), so the SDK itself depends on no
// OpenTelemetry package; it is built on the SDK's middleware
// (alloy.WithCallMiddleware and alloy.WithAttemptMiddleware).
//
//	otelOpts, err := alloyotel.Options(
//		alloyotel.WithTracerProvider(tp),
//		alloyotel.WithMeterProvider(mp),
//	)
//	if err != nil {
//		return err
//	}
//	c, err := alloy.NewClientFromEnv(otelOpts...)
//
// Without options, Options uses OpenTelemetry's global tracer provider,
// meter provider and propagator: set them before calling it.
//
// # Spans
//
// Each call is a span of kind Internal named by its operation, the SDK
// method ("Users.Get", "unified.Commerce.Orders.List"; for Client.Do,
// Request.Operation, or "GET /route" without one), a child of the span in
// the call's context. It covers the whole call: pacing, every attempt,
// the waits between them and the reading of the answer. Its attributes:
//
//	alloy.operation            the operation, as the span's name
//	http.request.method        e.g. "GET"
//	url.template               the route, e.g. "/users/{userId}"
//	alloy.api_version          e.g. "2025-09"
//	http.response.status_code  the last answer's status, when one arrived
//	alloy.attempts             how many times the request was sent
//	alloy.request_id           the last answer's request id, redacted as the SDK's errors are
//	error.type                 when the call failed (below)
//	alloy.outcome_unknown      true when the error matches alloy.ErrOutcomeUnknown
//
// and its status is Error when the call returned an error.
//
// Each attempt, retries and redirects included, is a span of kind Client
// under the call's, named "{method} {url.template}" ("GET
// /users/{userId}") and described as OpenTelemetry's HTTP client semantic
// conventions (v1.43.0) describe one physical HTTP request:
// http.request.method, server.address, server.port, url.scheme,
// url.template, http.response.status_code, http.request.resend_count (1
// for the first retry, 2 for the next; absent on the first attempt) and,
// for a status of 400 or more or no answer, error.type and an Error
// status. It covers the round trip up to the response's headers; the
// call's span covers the body as well. The propagator injects the
// attempt's span into the request's headers (traceparent with
// propagation.TraceContext), so Alloy's side, or a proxy, can join the
// trace.
//
// The conventions make one span per physical request; an SDK call is
// more (retries, waits, decoding, a typed error), so it is the Internal
// span above them, named for what the program asked for. Two departures
// from the conventions, both to keep ids out of telemetry as the SDK
// keeps them out of its logs: url.template is the route relative to the
// client's base URL as Alloy's reference writes it (path-versioned API
// versions add a "/2024-03" segment before it on the wire:
// alloy.api_version says which), and url.full, which the conventions
// require, is not recorded, since Alloy's paths hold user, credential and
// workflow ids. server.address, server.port, url.scheme and url.template
// say which endpoint was called.
//
// # error.type
//
// For an *alloy.Error, and for an attempt answered with 400 or more, the
// status code as a string ("404", "503"), as the conventions say.
// Otherwise one of: "context.Canceled" and "context.DeadlineExceeded"
// (the call's context ended: the caller's, or alloy.WithTimeout),
// "timeout" (a dial timeout, or the Timeout of an http.Client given with
// alloy.WithHTTPClient), "connection_refused", "connection_reset",
// "connection_closed" (the server closed the connection without an
// answer, or cut one short), "dns", "tls", "response_too_large",
// "malformed_response" (a 2xx answer that does not decode), and "_OTHER".
//
// # Metrics
//
//	alloy.client.call.duration    histogram, s: each call, as the caller waits for it
//	alloy.client.call.retries     counter, {retry}: each call adds its attempts after the first
//	http.client.request.duration  histogram, s (semconv): each attempt, to the response's headers
//
// The call metrics carry alloy.operation, http.request.method and
// url.template, and the duration also http.response.status_code and
// error.type; the attempt metric carries the attempt span's attributes
// except the resend count. None carries an id, a request id or an attempt
// number, so their series are bounded by the operations a program uses.
//
// # What is never recorded
//
// The API key, user JWTs, query strings, headers, bodies, ids and the
// text of errors (which holds the path with its ids and the server's
// message): no attribute, event or status description holds them, and no
// exception event is recorded. The attempt middleware, and so the
// propagator, sees the request's Authorization header as "Bearer
// [REDACTED]"; the SDK puts the key back below it.
package alloyotel
