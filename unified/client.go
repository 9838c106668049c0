// Package unified is the Alloy Unified API (/one/...): normalised commerce,
// accounting and CRM data over whichever app a user connected.
//
//	c, _ := alloy.NewClientFromEnv()
//	u := unified.New(c)
//	page, err := u.Commerce.Customers.List(ctx, connectionID, &unified.ListParams{
//		Filters: []unified.Filter{unified.Contains("email", "@northwind.example")},
//	})
//
// Every call goes through the root client's pipeline: the same API key,
// retries, timeouts, errors (*alloy.Error) and logging. Header-versioned
// versions (2025-09) use the same /one/ paths.
//
// # The connection parameter
//
// Every call on connected data takes the connection explicitly and sends it
// as a query parameter whose name depends on the API version:
//
//   - connectionId up to 2023-12, as the 1.1.0 guides write it;
//   - credentialId from 2024-03 on. Alloy's endpoint references (list-orders,
//     get-order, list-payments, create-payment, create-account,
//     create-contact-1 and the other CRM pages) and its 2024-03 guides name
//     it so; get-account-1 and create-customer, and Alloy's own Node SDK
//     (3.x, a 2024-03 client), send connectionId instead.
//
// The SDK follows the endpoint pages' majority, as the contract does
// (credentialId required from 2024-03 on, connectionId its documented
// alternative). For an account whose API answers only to the other name,
// New(c, WithSelectorParam(ConnectionIDParam)) sends connectionId on every
// version; alloytest accepts either from 2024-03 on.
//
// # Models
//
// Each model has a typed field for every property Alloy documents, nested
// structures as named types (OrderLineItem, CRMAddress, AccountingAddress,
// ...), and Raw, the whole record as sent. Money is Decimal, sent in the JSON
// type its page gives it; calendar dates are Date, times Timestamp.
package unified

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/errs"
)

// The query parameters that carry the connection.
const (
	ConnectionIDParam = "connectionId" // 2023-12 and earlier
	CredentialIDParam = "credentialId" // 2024-03 and later
)

// Client is the Unified API over an *alloy.Client. It is immutable and safe
// for concurrent use, like the client it wraps.
type Client struct {
	Commerce    *Commerce
	Accounting  *Accounting
	CRM         *CRM
	Users       *UsersService       // Unified API users (/one/users)
	Connections *ConnectionsService // delete a user's connection
	Passthrough *PassthroughService // raw provider calls (/one/forward)
	Metadata    *MetadataService    // which operations and fields an app supports
	Webhooks    *WebhooksService    // subscriptions to unified change events

	c        *alloy.Client
	selector string
	// maxPages bounds every ListIter, so that a server that always claims
	// more pages cannot keep it running forever (ops.MaxPages; tests lower
	// it on their own client).
	maxPages int
}

// Option configures New. A bad value makes New fail with
// alloy.ErrInvalidArgument.
type Option func(*Client) error

// WithSelectorParam overrides the query parameter that carries the
// connection (ConnectionIDParam or CredentialIDParam), for an account whose
// API answers differently from what its version documents: by default
// connectionId up to 2023-12 and credentialId from 2024-03 on (see the
// package documentation for the evidence).
func WithSelectorParam(name string) Option {
	return func(u *Client) error {
		if name != ConnectionIDParam && name != CredentialIDParam {
			return fmt.Errorf("selector parameter %q is not %q or %q", name, ConnectionIDParam, CredentialIDParam)
		}
		u.selector = name
		return nil
	}
}

// New returns the Unified API over c. A nil c or a bad option value is an
// error matching alloy.ErrInvalidArgument; a nil option is skipped.
func New(c *alloy.Client, opts ...Option) (*Client, error) {
	if c == nil {
		return nil, invalidArg("unified.New", "client is nil")
	}
	u := &Client{c: c, selector: CredentialIDParam, maxPages: ops.MaxPages}
	if c.APIVersion() < ops.UnifiedCredentialIdSince {
		u.selector = ConnectionIDParam
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(u); err != nil {
			return nil, invalidArg("unified.New", "%s", err.Error())
		}
	}
	u.Commerce = newCommerce(u)
	u.Accounting = newAccounting(u)
	u.CRM = newCRM(u)
	u.Users = &UsersService{u}
	u.Connections = &ConnectionsService{u}
	u.Passthrough = &PassthroughService{u}
	u.Metadata = &MetadataService{u}
	u.Webhooks = &WebhooksService{u}
	return u, nil
}

// SelectorParam reports the query parameter that carries the connection.
func (u *Client) SelectorParam() string { return u.selector }

// apiCall is one call of the Unified API, named by its operation in the
// contract (e.g. "unified.Commerce.Orders.List").
type apiCall struct {
	op    string
	path  []string // values for the route's placeholders, in order
	query url.Values
	body  any // JSON-encoded when non-nil
	out   any // JSON-decoded into when non-nil (a *json.RawMessage keeps the body)
}

// send resolves k's route for the client's API version and sends it with
// alloy.Client.Do, the root client's pipeline: the same key, retries,
// errors and logging as every Embedded call.
func (u *Client) send(ctx context.Context, k apiCall, opts []alloy.RequestOption) error {
	o, err := ops.Lookup(k.op, ops.Effective(u.c.APIVersion()))
	if err != nil {
		return err // an *ops.UnsupportedError: alloy.ErrUnsupportedVersion
	}
	return u.c.Do(ctx, alloy.Request{Operation: k.op, Method: o.Method, Route: o.Path, PathValues: k.path, Query: k.query, Body: k.body}, k.out, opts...)
}

// connQuery starts a query with the connection selector.
func (u *Client) connQuery(op, conn string) (url.Values, error) {
	if strings.TrimSpace(conn) == "" {
		return nil, invalidArg(op, "connection id is empty")
	}
	return url.Values{u.selector: {conn}}, nil
}

// invalidArg is bad input, found before anything is sent: an error
// matching alloy.ErrInvalidArgument.
func invalidArg(op, format string, args ...any) error { return errs.Invalid(op, format, args...) }
