package alloy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/alloysdk/alloy-go/internal/passthrough"
)

// PassthroughService calls a third-party app's own API through Alloy, with
// a user's credential, for what the typed APIs do not cover.
type PassthroughService service

// PassthroughRequest is the provider call Alloy makes on your behalf.
type PassthroughRequest struct {
	Method  string            // the provider's HTTP method, e.g. "GET"
	Path    string            // relative to the provider's API root, e.g. "/customers.json"
	Query   map[string]string // query parameters for the provider
	Headers map[string]string // extra headers for the provider
	// Body is encoded as JSON and handed to the provider; nil sends none.
	// A json.RawMessage is sent as it is.
	Body any
}

// PassthroughResponse is the provider's answer as Alloy relays it. The
// passthrough guide documents Alloy's answer as the provider's "headers,
// statusCode, and data" (https://docs.runalloy.com/embedded/passthrough-api);
// the fields below are those three.
type PassthroughResponse struct {
	// StatusCode is the provider's HTTP status (statusCode). Where Alloy's
	// answer does not carry one, it is the status Alloy answered with.
	StatusCode int `json:"statusCode"`
	// Headers are the provider's response headers (headers), keyed in
	// canonical form so that Headers.Get works; nil when Alloy sent none.
	Headers http.Header `json:"headers,omitempty"`
	// Body is the provider's answer (data) as Alloy sent it: the JSON value,
	// which for a provider body that is not JSON is typically a JSON string.
	// Where Alloy's answer is not {headers, statusCode, data}, Body is that
	// whole answer.
	Body json.RawMessage `json:"data"`
}

// Decode decodes the body as JSON into v.
func (r *PassthroughResponse) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("alloy: passthrough: decode provider response: %w", err)
	}
	return nil
}

// Do sends req to the provider of a credential and returns the provider's
// response. POST /passthrough?credentialId=
//
// Alloy takes the provider body and headers as JSON text inside its own
// JSON body; Do does that encoding. Alloy answers with the provider's
// status, headers and body ({headers, statusCode, data}), which Do decodes:
// a provider's error status arrives in the response's StatusCode, not as an
// error. Only a non-2xx answer from Alloy itself is an *Error (its Body is
// what Alloy sent). From API version 2024-03 on. Not retried on 5xx or
// timeouts, because the provider call may have been made; pass
// WithIdempotent for reads.
func (s *PassthroughService) Do(ctx context.Context, credentialID string, req PassthroughRequest, opts ...RequestOption) (*PassthroughResponse, error) {
	body, err := passthrough.Body("path", req.Method, req.Path, req.Query, req.Headers, req.Body)
	if err != nil {
		return nil, invalidArg("passthrough", "%s", err.Error())
	}
	var raw rawResponse
	if err := s.client.send(ctx, call{op: "Passthrough.Do", params: []param{required("credentialId", credentialID)}, body: body, raw: &raw}, opts); err != nil {
		return nil, err
	}
	return passthroughResponse(raw.status, raw.body), nil
}

// passthroughResponse decodes Alloy's answer: {headers, statusCode, data}
// as the guide documents it, or, when the answer is not an object with any
// of those keys, the whole answer as the body with Alloy's status.
func passthroughResponse(status int, body []byte) *PassthroughResponse {
	var env struct {
		Headers    map[string]json.RawMessage `json:"headers"`
		StatusCode *int                       `json:"statusCode"`
		Data       json.RawMessage            `json:"data"`
	}
	if json.Unmarshal(body, &env) != nil || (env.Headers == nil && env.StatusCode == nil && env.Data == nil) {
		return &PassthroughResponse{StatusCode: status, Body: body}
	}
	out := &PassthroughResponse{StatusCode: status, Body: env.Data}
	if env.StatusCode != nil {
		out.StatusCode = *env.StatusCode
	}
	if env.Headers != nil {
		out.Headers = make(http.Header, len(env.Headers))
		for k, raw := range env.Headers {
			out.Headers[http.CanonicalHeaderKey(k)] = headerValues(raw)
		}
	}
	return out
}

// headerValues reads one header of the provider's answer: a string, an
// array of them (as Node gives set-cookie), or another JSON value, kept in
// its JSON form.
func headerValues(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return []string{string(raw)}
}
