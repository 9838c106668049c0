package alloy

import (
	"encoding/json"
	"time"
)

// versionedRoute is where an operation lives from API version since on.
type versionedRoute struct {
	since  string // first version with this route; "" for the oldest
	method string
	path   string
}

// movedRoutes lists the operations whose route differs between API
// versions, newest first. Every version rule of the SDK is here; methods
// ask for their route by name and never compare versions themselves.
var movedRoutes = map[string][]versionedRoute{
	"credentials.list": {
		{"2025-09", "GET", "/credentials/users/{userId}"},
		{"", "GET", "/users/{userId}/credentials"},
	},
	"credentials.create": {
		{"2024-03", "POST", "/headless/credentials"},
		{"", "POST", "/users/{userId}/credentials"}, // 2023-12 (older Python SDK revision)
	},
	"apps.list": {
		{"2024-03", "GET", "/metadata/apps"},
		{"", "GET", "/apps"},
	},
}

// route returns the method and path template of a moved operation for the
// client's API version.
func (c *Client) route(op string) (method, path string) {
	for _, r := range movedRoutes[op] {
		if c.cfg.version >= r.since {
			return r.method, r.path
		}
	}
	panic("alloy: no route for " + op) // unreachable: every list ends with since ""
}

// lenientTime decodes an RFC 3339 string or Unix milliseconds, and anything
// else (null, "", a typo) as the zero time, so one odd timestamp never fails
// a whole response.
type lenientTime time.Time

func (t *lenientTime) UnmarshalJSON(b []byte) error {
	*t = lenientTime(parseTime(b))
	return nil
}

// parseTime reads a JSON timestamp leniently: an RFC 3339 string (with or
// without fractional seconds) or Unix milliseconds. Anything else is zero.
func parseTime(raw json.RawMessage) time.Time {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t
		}
		return time.Time{}
	}
	var ms int64
	if json.Unmarshal(raw, &ms) == nil && ms > 0 {
		return time.UnixMilli(ms).UTC()
	}
	return time.Time{}
}
