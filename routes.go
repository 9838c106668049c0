package alloy

// versionedRoute is where an operation lives from API version since on.
type versionedRoute struct {
	since  string // first version with this route; "" for the oldest
	method string
	path   string
}

// versionedRoutes lists the operations whose route differs between API
// versions, or that exist only from some version on, newest first. Every
// version rule about routes is here; methods ask for their route by name
// and never compare versions themselves. (The one other version rule is a
// query parameter: Tokens.Create repeats userId in the query on 2025-09.) An operation whose last entry has a
// non-empty since does not exist before that version.
var versionedRoutes = map[string][]versionedRoute{
	"credentials.list": {
		{"2025-09", "GET", "/credentials/users/{userId}"},
		{"", "GET", "/users/{userId}/credentials"},
	},
	"credentials.create": {
		{"2024-03", "POST", "/headless/credentials"},
		{"", "POST", "/users/{userId}/credentials"}, // 2023-12 (older Python SDK revision)
	},
	// Before 2024-03 these had other, poorly documented routes (GET
	// /credentials?userId=, GET /users/{userId}/credentials/{app}); the SDK
	// refuses them there rather than guess.
	"credentials.metadata":       {{"2024-03", "GET", "/metadata/credentials"}},
	"credentials.metadataForApp": {{"2024-03", "GET", "/metadata/credentials/{credentialName}"}},
	"credentials.oauthURL":       {{"2024-03", "GET", "/headless/oauthUrl"}},
	"apps.list": {
		{"2024-03", "GET", "/metadata/apps"},
		{"", "GET", "/apps"},
	},
}

// route returns the method and path template of op for the client's API
// version, or an error matching ErrUnsupportedVersion when op does not
// exist in it.
func (c *Client) route(op string) (method, path string, err error) {
	routes := versionedRoutes[op]
	for _, r := range routes {
		if c.cfg.version >= r.since {
			return r.method, r.path, nil
		}
	}
	since := "a later version"
	if len(routes) > 0 {
		since = routes[len(routes)-1].since
	}
	return "", "", &versionError{op: op, version: c.cfg.version, since: since}
}

// versionError is an operation called on an API version that lacks it.
type versionError struct{ op, version, since string }

func (e *versionError) Error() string {
	return "alloy: " + e.op + ": not available in API version " + e.version + " (from " + e.since + " on)"
}

func (e *versionError) Is(target error) bool { return target == ErrUnsupportedVersion }
