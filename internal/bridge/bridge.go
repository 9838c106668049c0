// Package bridge lets the SDK's sub-packages (unified) call through the root
// client's one request pipeline without that pipeline becoming public API.
// The root package sets Send in its init; nothing else may.
package bridge

import (
	"context"
	"net/url"
)

// Call is one API call, as the root package's pipeline takes it.
type Call struct {
	Op     string // the contract's operation, e.g. "unified.Commerce.Orders.List"; Method and Route come from it when empty
	Method string
	Route  string   // path template, e.g. "/one/commerce/customers/{id}"
	Path   []string // placeholder values, validated and escaped by the pipeline
	Query  url.Values
	Body   any // JSON-encoded when non-nil
	Out    any // JSON-decoded into when non-nil and the body is not empty
	// Raw, when non-nil, receives the successful response's status and body.
	Raw *Raw
}

// Raw is a successful response as received.
type Raw struct {
	Status int
	Body   []byte
}

// Send sends k with client (an *alloy.Client) and opts (a
// []alloy.RequestOption). Set by package alloy.
var Send func(ctx context.Context, client any, k Call, opts any) error
