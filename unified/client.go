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
	"github.com/alloysdk/alloy-go/internal/bridge"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
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
}

// Option configures New.
type Option func(*Client)

// WithSelectorParam overrides the query parameter that carries the
// connection (ConnectionIDParam or CredentialIDParam), for an account whose
// API answers differently from what its version documents: by default
// connectionId up to 2023-12 and credentialId from 2024-03 on (see the
// package documentation for the evidence).
func WithSelectorParam(name string) Option {
	return func(u *Client) {
		if name != "" {
			u.selector = name
		}
	}
}

// New returns the Unified API over c.
func New(c *alloy.Client, opts ...Option) *Client {
	u := &Client{c: c, selector: CredentialIDParam}
	if c != nil && c.APIVersion() < ops.UnifiedCredentialIdSince {
		u.selector = ConnectionIDParam
	}
	for _, o := range opts {
		if o != nil {
			o(u)
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
	return u
}

// SelectorParam reports the query parameter that carries the connection.
func (u *Client) SelectorParam() string { return u.selector }

// send calls through the root client's pipeline.
func (u *Client) send(ctx context.Context, k bridge.Call, opts []alloy.RequestOption) error {
	return bridge.Send(ctx, u.c, k, opts)
}

// connQuery starts a query with the connection selector.
func (u *Client) connQuery(op, conn string) (url.Values, error) {
	if strings.TrimSpace(conn) == "" {
		return nil, invalidArg(op, "connection id is empty")
	}
	return url.Values{u.selector: {conn}}, nil
}

// argError is bad input, found before anything is sent.
type argError struct{ op, reason string }

func (e *argError) Error() string {
	return "alloy: unified: " + e.op + ": invalid argument: " + e.reason
}

// Is makes the error match alloy.ErrInvalidArgument.
func (e *argError) Is(target error) bool { return target == alloy.ErrInvalidArgument }

func invalidArg(op, format string, args ...any) error {
	return &argError{op: op, reason: fmt.Sprintf(format, args...)}
}
