package alloy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

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

// PassthroughResponse is the provider's answer, unchanged.
type PassthroughResponse struct {
	StatusCode int             // the HTTP status Alloy answered with
	Body       json.RawMessage // the provider's body as sent; not always JSON
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
// JSON body; Do does that encoding. A non-2xx answer is an *Error whose Body
// is the provider's. From API version 2024-03 on. Not retried on 5xx or
// timeouts, because the provider call may have been made; pass
// WithIdempotent for reads.
func (s *PassthroughService) Do(ctx context.Context, credentialID string, req PassthroughRequest, opts ...RequestOption) (*PassthroughResponse, error) {
	if strings.TrimSpace(credentialID) == "" {
		return nil, invalidArg("passthrough", "credentialID is empty")
	}
	body, err := passthrough.Body("path", req.Method, req.Path, req.Query, req.Headers, req.Body)
	if err != nil {
		return nil, invalidArg("passthrough", "%s", err.Error())
	}
	var raw rawResponse
	q := url.Values{"credentialId": {credentialID}}
	if err := s.client.send(ctx, call{op: "Passthrough.Do", query: q, body: body, raw: &raw}, opts); err != nil {
		return nil, err
	}
	return &PassthroughResponse{StatusCode: raw.status, Body: raw.body}, nil
}
