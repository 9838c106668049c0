// Package alloy is a client for Alloy Automation's REST APIs: the Embedded
// iPaaS API (users, user JWTs, credentials, integrations, apps, workflows,
// events, logs, installations, analytics, passthrough) and the Connectivity
// API (connectors and files), on every API version, 2025-09 (header-versioned) as well as 2024-03
// and 2023-12 (path-versioned). The Unified API is package unified, on the
// same Client; inbound webhooks are package webhook.
//
// Create one Client and share it; it is safe for concurrent use and holds
// no per-user state:
//
//	c, err := alloy.NewClient(apiKey)           // or alloy.NewClientFromEnv()
//	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@acme.example"})
//	tok, err := c.Tokens.Create(ctx, user.ID)   // hand tok.Token to Alloy.setToken
//
// Every non-2xx response is an *Error matching a sentinel such as
// ErrNotFound with errors.Is; arguments are checked before anything is
// sent (ErrInvalidArgument). Requests are retried on 429, connection
// failures and, for idempotent methods, 408/500/502/503/504, with
// exponential backoff, Retry-After honoured and the caller's deadline
// respected; a POST is retried only where the server cannot have acted,
// unless the call opts in with WithIdempotent.
//
// Paged lists have iterators (Logs.ListIter, Logs.ListExecutionsIter) that fetch page
// after page as the loop needs them. TokenCache and TokenHandler hand user
// JWTs to a frontend. OutboundIPs lists the addresses Alloy calls from, for
// allow-lists. Package alloytest runs a stateful fake of the API, with fault
// injection, for tests.
package alloy
