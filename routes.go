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

	// Workflows, events and logs: these appeared in 2023-12. Versions is
	// documented for 2023-12 and 2024-03 only; 2025-09's page was not found,
	// which is not evidence of removal, so it is called there too.
	"workflows.versions": {{"2023-12", "GET", "/workflows/{workflowId}/versions"}},
	"workflows.upgrade":  {{"2023-12", "PUT", "/workflows/{workflowId}/upgrade"}},
	"events.list":        {{"2023-12", "GET", "/events"}},
	"logs.errors":        {{"2023-12", "GET", "/workflows/{workflowId}/errors"}},
	"logs.rerun":         {{"2023-12", "POST", "/workflows/{workflowId}/rerun/{executionId}"}},
	"logs.list":          {{"2025-09", "GET", "/logs"}},
	"logs.get":           {{"2025-09", "GET", "/logs/{id}"}},

	// Headless installation: start/complete from 2024-03, the rest 2025-09.
	"installations.start":    {{"2024-03", "POST", "/headless/startInstallation"}},
	"installations.complete": {{"2024-03", "POST", "/headless/completeInstallation"}},
	"installations.edit":     {{"2025-09", "POST", "/headless/editInstallation"}},
	"installations.list":     {{"2025-09", "GET", "/installations"}},
	"installations.get":      {{"2025-09", "GET", "/installations/{installationId}"}},

	"analytics.usage": {{"2025-09", "GET", "/analytics/usage"}},

	// Passthrough is documented for 2024-03; like Versions, it is not
	// refused on 2025-09, where no page was found either way.
	"passthrough.do": {{"2024-03", "POST", "/passthrough"}},

	// The Connectivity API exists only in 2025-09.
	"connectors.list":               {{"2025-09", "GET", "/connectors"}},
	"connectors.resources":          {{"2025-09", "GET", "/connectors/{connectorId}/resources"}},
	"connectors.action":             {{"2025-09", "GET", "/connectors/{connectorId}/actions/{actionId}"}},
	"connectors.execute":            {{"2025-09", "POST", "/connectors/{connectorId}/actions/{actionId}/execute"}},
	"connectors.credentials":        {{"2025-09", "GET", "/connectors/{connectorId}/credentials"}},
	"connectors.createCredential":   {{"2025-09", "POST", "/connectors/{connectorId}/credentials"}},
	"connectors.credentialMetadata": {{"2025-09", "GET", "/connectors/{connectorId}/credentials/metadata"}},
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
