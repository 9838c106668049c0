package alloy

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Request is an API call for Client.Do, written the way Alloy's reference
// writes it.
type Request struct {
	// Operation names the call for middleware, traces and metrics (see
	// CallInfo), e.g. "Widgets.List"; empty names it "METHOD /route".
	Operation string
	// Method is GET, POST, PUT, PATCH or DELETE.
	Method string
	// Route is the path template relative to the client's base URL (which
	// already holds the version segment of path-versioned API versions), as
	// the reference writes it: "/users/{userId}/credentials". Logs and
	// metrics name the call by this template, never by the ids in it.
	Route string
	// PathValues fill Route's {placeholders}, in order, one each. Every value
	// is checked like any id the SDK sends (not blank, not "." or "..", no
	// control characters) and escaped into exactly one path segment.
	PathValues []string
	// Query is encoded after the path.
	Query url.Values
	// Body, when non-nil, is sent JSON-encoded (a json.RawMessage as is).
	Body any
}

// Do sends a call the SDK has no method for (yet) through the pipeline
// every method uses: the same checks and escaping, API key and version
// headers, timeout, retries, typed errors, redaction and logging. GET, PUT
// and DELETE are retried on failures that allow it; POST and PATCH are not
// unless WithIdempotent is given. A non-2xx answer is an *Error; otherwise
// the body is JSON-decoded into out when out is non-nil (a *json.RawMessage
// keeps it as sent). A bad Request is an ErrInvalidArgument and sends
// nothing.
//
//	var out struct{ Data []alloy.Workflow }
//	err := c.Do(ctx, alloy.Request{
//		Method:     http.MethodGet,
//		Route:      "/users/{userId}/workflows",
//		PathValues: []string{userID},
//	}, &out)
func (c *Client) Do(ctx context.Context, r Request, out any, opts ...RequestOption) error {
	if err := r.check(); err != nil {
		return invalidArg("do", "%s", err.Error())
	}
	return c.send(ctx, call{op: r.Operation, method: r.Method, route: r.Route, path: r.PathValues, query: r.Query, body: r.Body, out: out}, opts)
}

// check refuses what the pipeline would send wrongly: an unknown method, a
// route that is not an absolute path template, and placeholders that do
// not match the values given.
func (r *Request) check() error {
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return fmt.Errorf("method %q is not GET, POST, PUT, PATCH or DELETE", r.Method)
	}
	route := r.Route
	switch {
	case !strings.HasPrefix(route, "/"):
		return fmt.Errorf("route %q does not start with /", route)
	case strings.ContainsAny(route, "?#"):
		return fmt.Errorf("route %q holds a query or fragment: use Query", route)
	case strings.ContainsFunc(route, isControl) || strings.ContainsAny(route, " %\\"):
		return fmt.Errorf("route %q holds a space, %%, backslash or control character", route)
	}
	placeholders := 0
	for seg := range strings.SplitSeq(route[1:], "/") {
		switch {
		case seg == "." || seg == "..":
			return fmt.Errorf("route %q has a %q segment", route, seg)
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && len(seg) > 2 && !strings.ContainsAny(seg[1:len(seg)-1], "{}"):
			placeholders++
		case strings.ContainsAny(seg, "{}"):
			return fmt.Errorf("route %q: a placeholder must be a whole segment, like {userId}", route)
		}
	}
	if placeholders != len(r.PathValues) {
		return fmt.Errorf("route %q has %d placeholders and %d path values", route, placeholders, len(r.PathValues))
	}
	return nil
}
