package unified

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/passthrough"
)

// UsersService manages Unified API users (/one/users). They take the same
// params and return the same User as the Embedded API's users.
type UsersService struct{ u *Client }

// Create creates a user. POST /one/users
func (s *UsersService) Create(ctx context.Context, params alloy.UserCreateParams, opts ...alloy.RequestOption) (*alloy.User, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	var out struct {
		UserID string `json:"userId"`
	}
	if err := s.u.send(ctx, apiCall{op: "unified.Users.Create", body: params, out: &out}, opts); err != nil {
		return nil, err
	}
	if out.UserID == "" {
		return nil, fmt.Errorf("alloy: unified.Users.Create: response has no userId")
	}
	return &alloy.User{ID: out.UserID, Username: params.Username, FullName: params.FullName}, nil
}

// List returns every user. GET /one/users
func (s *UsersService) List(ctx context.Context, opts ...alloy.RequestOption) ([]alloy.User, error) {
	var out struct {
		Data []alloy.User `json:"data"`
	}
	if err := s.u.send(ctx, apiCall{op: "unified.Users.List", out: &out}, opts); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// Get returns one user (id or username). GET /one/users/{userId}
func (s *UsersService) Get(ctx context.Context, userID string, opts ...alloy.RequestOption) (*alloy.User, error) {
	return s.user(ctx, "unified.Users.Get", userID, nil, opts)
}

// Update changes a user; nil fields are left as they are.
// PUT /one/users/{userId}
func (s *UsersService) Update(ctx context.Context, userID string, params alloy.UserUpdateParams, opts ...alloy.RequestOption) (*alloy.User, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	return s.user(ctx, "unified.Users.Update", userID, params, opts)
}

func (s *UsersService) user(ctx context.Context, op, userID string, body any, opts []alloy.RequestOption) (*alloy.User, error) {
	var raw json.RawMessage
	if err := s.u.send(ctx, apiCall{op: op, path: []string{userID}, body: body, out: &raw}, opts); err != nil {
		return nil, err
	}
	u, err := one[alloy.User](raw, "user")
	if err != nil || u.ID == "" {
		return nil, fmt.Errorf("alloy: %s: response has no user", op)
	}
	return u, nil
}

// Delete deletes a user. DELETE /one/users/{userId}
func (s *UsersService) Delete(ctx context.Context, userID string, opts ...alloy.RequestOption) error {
	return s.u.send(ctx, apiCall{op: "unified.Users.Delete", path: []string{userID}}, opts)
}

// ConnectionsService removes connections.
type ConnectionsService struct{ u *Client }

// Delete deletes a connection and Alloy's copy of its data, e.g. when a
// customer churns; it cannot be undone. userID (the owning user) may be
// empty. DELETE /one/connections/{connectionId}
func (s *ConnectionsService) Delete(ctx context.Context, connectionID, userID string, opts ...alloy.RequestOption) error {
	var q url.Values
	if userID != "" {
		q = url.Values{"userId": {userID}}
	}
	return s.u.send(ctx, apiCall{op: "unified.Connections.Delete", path: []string{connectionID}, query: q}, opts)
}

// PassthroughService calls the connected app's own API through Alloy.
type PassthroughService struct{ u *Client }

// Do sends req to the app behind conn and returns the app's answer
// unchanged. req.Path is sent as Alloy's "endpoint". POST /one/forward
//
// Not retried on 5xx or timeouts, because the app may have acted; pass
// alloy.WithIdempotent for reads.
func (s *PassthroughService) Do(ctx context.Context, conn string, req alloy.PassthroughRequest, opts ...alloy.RequestOption) (*alloy.PassthroughResponse, error) {
	q, err := s.u.connQuery("passthrough", conn)
	if err != nil {
		return nil, err
	}
	body, err := passthrough.Body("endpoint", req.Method, req.Path, req.Query, req.Headers, req.Body)
	if err != nil {
		return nil, invalidArg("passthrough", "%s", err.Error())
	}
	var raw json.RawMessage
	var resp alloy.Response
	opts = append(opts[:len(opts):len(opts)], alloy.WithResponseInto(&resp))
	if err := s.u.send(ctx, apiCall{op: "unified.Passthrough.Do", query: q, body: body, out: &raw}, opts); err != nil {
		return nil, err
	}
	return &alloy.PassthroughResponse{StatusCode: resp.StatusCode, Body: raw}, nil
}

// MetadataService says what an app supports through the Unified API.
type MetadataService struct{ u *Client }

// ListOperations returns, per model, the operations app supports, e.g.
// {"customer": ["listCustomers", "getCustomer"]}.
// GET /one/metadata/operations?app=
func (s *MetadataService) ListOperations(ctx context.Context, app string, opts ...alloy.RequestOption) (map[string][]string, error) {
	if strings.TrimSpace(app) == "" {
		return nil, invalidArg("operations", "app is empty")
	}
	var out struct {
		Operations map[string][]string `json:"operations"`
	}
	q := url.Values{"app": {app}}
	if err := s.u.send(ctx, apiCall{op: "unified.Metadata.ListOperations", query: q, out: &out}, opts); err != nil {
		return nil, err
	}
	return out.Operations, nil
}

// ListFields describes the fields of one operation of app, e.g. "listOrders",
// as Alloy sends them (the shape is not documented).
// GET /one/metadata/fields?app=&operation=
func (s *MetadataService) ListFields(ctx context.Context, app, operation string, opts ...alloy.RequestOption) (json.RawMessage, error) {
	if strings.TrimSpace(app) == "" || strings.TrimSpace(operation) == "" {
		return nil, invalidArg("fields", "app and operation are required")
	}
	q := url.Values{"app": {app}, "operation": {operation}}
	var raw json.RawMessage
	if err := s.u.send(ctx, apiCall{op: "unified.Metadata.ListFields", query: q, out: &raw}, opts); err != nil {
		return nil, err
	}
	return raw, nil
}

// WebhooksService manages subscriptions: Alloy POSTs the unified model of
// a changed record to the subscription's address.
type WebhooksService struct{ u *Client }

// Subscription is a webhook subscription.
type Subscription struct {
	ID      string   `json:"subscriptionId"`
	Address string   `json:"address"` // the HTTPS endpoint Alloy POSTs to
	Topics  []string `json:"topic"`   // e.g. "commerce/orders", "sync/completed"
	Enabled bool     `json:"isEnabled"`
}

// UnmarshalJSON accepts topic as a list or, as older guides show it, a
// single "scope" string.
func (s *Subscription) UnmarshalJSON(b []byte) error {
	var v struct {
		ID      string          `json:"subscriptionId"`
		Address string          `json:"address"`
		Topic   json.RawMessage `json:"topic"`
		Scope   string          `json:"scope"`
		Enabled bool            `json:"isEnabled"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = Subscription{ID: v.ID, Address: v.Address, Enabled: v.Enabled}
	var one string
	if json.Unmarshal(v.Topic, &s.Topics) != nil && json.Unmarshal(v.Topic, &one) == nil && one != "" {
		s.Topics = []string{one}
	}
	if len(s.Topics) == 0 && v.Scope != "" {
		s.Topics = []string{v.Scope}
	}
	return nil
}

// SubscriptionCreateParams create a subscription.
type SubscriptionCreateParams struct {
	Address string   `json:"address"` // an https URL that accepts POST
	Topics  []string `json:"topic"`
}

// Create subscribes address to topics for the connection.
// POST /one/webhooks
func (s *WebhooksService) Create(ctx context.Context, conn string, params SubscriptionCreateParams, opts ...alloy.RequestOption) (*Subscription, error) {
	q, err := s.u.connQuery("create subscription", conn)
	if err != nil {
		return nil, err
	}
	if a, err := url.Parse(params.Address); err != nil || a.Scheme != "https" || a.Host == "" {
		return nil, invalidArg("create subscription", "address must be an absolute https URL")
	}
	if len(params.Topics) == 0 {
		return nil, invalidArg("create subscription", "no topics given")
	}
	return s.subscription(ctx, "unified.Webhooks.Create", nil, q, params, opts)
}

// List returns the connection's subscriptions; userID may be empty.
// GET /one/webhooks
func (s *WebhooksService) List(ctx context.Context, conn, userID string, opts ...alloy.RequestOption) ([]Subscription, error) {
	q, err := s.u.connQuery("list subscriptions", conn)
	if err != nil {
		return nil, err
	}
	if userID != "" {
		q.Set("userId", userID)
	}
	var out struct {
		Subscriptions []Subscription `json:"subscriptions"`
	}
	if err := s.u.send(ctx, apiCall{op: "unified.Webhooks.List", query: q, out: &out}, opts); err != nil {
		return nil, err
	}
	return out.Subscriptions, nil
}

// Get returns one subscription. GET /one/webhooks/{subscriptionId}
func (s *WebhooksService) Get(ctx context.Context, conn, subscriptionID string, opts ...alloy.RequestOption) (*Subscription, error) {
	q, err := s.u.connQuery("get subscription", conn)
	if err != nil {
		return nil, err
	}
	return s.subscription(ctx, "unified.Webhooks.Get", []string{subscriptionID}, q, nil, opts)
}

// Delete removes a subscription. DELETE /one/webhooks/{subscriptionId}
func (s *WebhooksService) Delete(ctx context.Context, conn, subscriptionID string, opts ...alloy.RequestOption) error {
	q, err := s.u.connQuery("delete subscription", conn)
	if err != nil {
		return err
	}
	return s.u.send(ctx, apiCall{op: "unified.Webhooks.Delete", path: []string{subscriptionID}, query: q}, opts)
}

func (s *WebhooksService) subscription(ctx context.Context, op string, path []string, q url.Values, body any, opts []alloy.RequestOption) (*Subscription, error) {
	var out struct {
		Subscription *Subscription `json:"subscription"`
	}
	if err := s.u.send(ctx, apiCall{op: op, path: path, query: q, body: body, out: &out}, opts); err != nil {
		return nil, err
	}
	if out.Subscription == nil {
		return nil, fmt.Errorf("alloy: %s: response has no subscription", op)
	}
	return out.Subscription, nil
}
