// Package passthrough encodes the body of Alloy's two passthrough routes
// (Embedded POST /passthrough and Unified POST /one/forward), which take the
// provider's body and headers as JSON text inside Alloy's JSON body.
package passthrough

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/alloysdk/alloy-go/internal/transport"
)

// Body builds the request body. pathKey is the key of the provider path:
// "path" for Embedded, "endpoint" for Unified. It rejects a method that is
// not an HTTP token, an empty path, control characters and invalid header
// names, and a body that does not encode; the error text never shows
// header values or the body.
func Body(pathKey, method, path string, query, headers map[string]string, body any) (map[string]any, error) {
	switch {
	case !transport.IsToken(method):
		return nil, fmt.Errorf("method %q is not an HTTP method", method)
	case strings.TrimSpace(path) == "" || strings.ContainsFunc(path, transport.IsControl):
		return nil, fmt.Errorf("path is empty or has a control character")
	}
	for k, v := range headers {
		if !transport.IsToken(k) || strings.ContainsFunc(v, transport.IsControl) {
			return nil, fmt.Errorf("header %q is not a valid header", k)
		}
	}
	out := map[string]any{"method": strings.ToUpper(method), pathKey: path, "body": nil, "query": nil, "extraHeaders": nil}
	if query != nil {
		out["query"] = query
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("body does not encode as JSON: %v", err)
		}
		out["body"] = string(b)
	}
	if len(headers) > 0 {
		b, _ := json.Marshal(headers) // a map of strings always encodes
		out["extraHeaders"] = string(b)
	}
	return out, nil
}
