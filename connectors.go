package alloy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
)

// ConnectorsService is the Connectivity API: it lists connectors and their
// actions, runs an action with a credential, and manages the credentials
// the actions use. It exists from API version 2025-09 on; on older
// versions every method fails with ErrUnsupportedVersion and sends nothing.
//
// Reads act as the API key's owner unless the call passes AsUser(userID).
type ConnectorsService service

// Connector is an app the Connectivity API can act on.
type Connector struct {
	ID   string `json:"id"` // the connectorId of the other methods, e.g. "slack"
	Name string `json:"name,omitempty"`
	Icon string `json:"icon,omitempty"`
	// Raw is the connector as Alloy sent it: the reference does not
	// document the item's shape beyond its id.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON accepts id or connectorId, name or displayName, and keeps
// the whole item in Raw.
func (c *Connector) UnmarshalJSON(b []byte) error {
	var v struct {
		ID          string `json:"id"`
		ConnectorID string `json:"connectorId"`
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
		Icon        string `json:"icon"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Connector{ID: firstNonEmpty(v.ID, v.ConnectorID), Name: firstNonEmpty(v.Name, v.DisplayName), Icon: v.Icon, Raw: slices.Clone(json.RawMessage(b))}
	return nil
}

// ConnectorResource is a group of a connector's actions, e.g. "messages".
type ConnectorResource struct {
	Name    string          `json:"name"`
	Actions []ActionSummary `json:"actions"`
	Raw     json.RawMessage `json:"-"` // the item as sent; its shape is not documented
}

// ActionSummary names one action of a resource.
type ActionSummary struct {
	ID          string `json:"id"` // the actionId of Action and Execute
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
}

// UnmarshalJSON keeps the whole item in Raw and accepts actionId for id.
func (r *ConnectorResource) UnmarshalJSON(b []byte) error {
	var v struct {
		Name    string `json:"name"`
		Actions []struct {
			ActionSummary
			ActionID string `json:"actionId"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = ConnectorResource{Name: v.Name, Raw: slices.Clone(json.RawMessage(b))}
	for _, a := range v.Actions {
		a.ID = firstNonEmpty(a.ID, a.ActionID)
		r.Actions = append(r.Actions, a.ActionSummary)
	}
	return nil
}

// Action describes how to call one action of a connector.
type Action struct {
	ID          string            `json:"id"`
	DisplayName string            `json:"displayName"`
	Description string            `json:"description"`
	HTTPMethod  string            `json:"httpMethod"`
	Path        string            `json:"path"`
	Parameters  []ActionParameter `json:"parameters"`
	RequestBody json.RawMessage   `json:"requestBody,omitempty"` // a JSON Schema
}

// ActionParameter is one parameter of an action.
type ActionParameter struct {
	Name        string          `json:"name"`
	In          string          `json:"in"` // path, query or header
	Description string          `json:"description,omitempty"`
	Required    bool            `json:"required"`
	Schema      json.RawMessage `json:"schema,omitempty"` // a JSON Schema
}

// ConnectorExecuteParams run an action with a credential.
type ConnectorExecuteParams struct {
	// UserID, when set, runs the action as this user (the x-alloy-userid
	// header); otherwise it runs as the API key's owner.
	UserID       string `json:"-"`
	CredentialID string `json:"credentialId"` // required
	// RequestBody is the action's body, encoded as JSON.
	RequestBody       any               `json:"requestBody,omitempty"`
	AdditionalHeaders map[string]string `json:"additionalHeaders,omitempty"`
	QueryParameters   map[string]string `json:"queryParameters,omitempty"`
	PathParams        map[string]string `json:"pathParams,omitempty"`
}

// ActionResult is the outcome of Execute.
type ActionResult struct {
	Success bool            `json:"success"`
	Result  json.RawMessage `json:"result,omitempty"` // the provider's answer
	// Raw is the whole response: its shape is documented only by example.
	Raw json.RawMessage `json:"-"`
}

// ConnectorCredentialCreateParams create a credential for a connector.
type ConnectorCredentialCreateParams struct {
	UserID             string `json:"userId"`             // required
	AuthenticationType string `json:"authenticationType"` // required, e.g. "oauth2"; see CredentialMetadata
	AuthConfigID       string `json:"authConfigId,omitempty"`
	RedirectURI        string `json:"redirectUri,omitempty"` // where OAuth returns the user
	// Data holds the connector's fields, as CredentialMetadata's input
	// schema describes them: secrets, which print and log as keys only.
	Data SecretData `json:"data,omitempty"`
}

// String shows the fields but not Data's values, which are secrets; fmt
// uses it for every verb.
func (p ConnectorCredentialCreateParams) String() string {
	return fmt.Sprintf("alloy.ConnectorCredentialCreateParams{UserID: %s, AuthenticationType: %s, AuthConfigID: %s, RedirectURI: %s, Data: %s}",
		p.UserID, p.AuthenticationType, p.AuthConfigID, p.RedirectURI, p.Data.String())
}

// GoString is String, so %#v does not reveal Data either.
func (p ConnectorCredentialCreateParams) GoString() string { return p.String() }

// wire is the body CreateCredential sends, Data's values included.
func (p ConnectorCredentialCreateParams) wire() any {
	return struct {
		UserID             string         `json:"userId"`
		AuthenticationType string         `json:"authenticationType"`
		AuthConfigID       string         `json:"authConfigId,omitempty"`
		RedirectURI        string         `json:"redirectUri,omitempty"`
		Data               map[string]any `json:"data,omitempty"`
	}{p.UserID, p.AuthenticationType, p.AuthConfigID, p.RedirectURI, p.Data.wire()}
}

// Format prints String for every verb.
func (p ConnectorCredentialCreateParams) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte(p.String()))
}

// LogValue logs the fields and Data's keys only; without it slog's JSON
// handler would encode Data's values.
func (p ConnectorCredentialCreateParams) LogValue() slog.Value { return slog.StringValue(p.String()) }

// ConnectorCredential is the outcome of CreateCredential: an OAuth link to
// send the user to, or the new credential's id.
type ConnectorCredential struct {
	OAuthURL     string `json:"oauthUrl,omitempty"`
	CredentialID string `json:"credentialId,omitempty"`
}

// AuthMetadata is one way of authenticating to a connector.
type AuthMetadata struct {
	AuthenticationType string          `json:"authenticationType"` // e.g. "oauth2", "apiKey"
	AuthConfigRequired bool            `json:"authConfigRequired"`
	InputSchema        json.RawMessage `json:"inputSchema,omitempty"` // JSON Schema of the create params
	SampleInput        json.RawMessage `json:"sampleInput,omitempty"`
}

// List returns the connectors the Connectivity API offers. GET /connectors
func (s *ConnectorsService) List(ctx context.Context, opts ...RequestOption) ([]Connector, error) {
	return listOf[Connector](ctx, s.client, "Connectors.List", call{}, opts, "connectors", "data")
}

// Get returns one connector's metadata. GET /connectors/{connectorId}
//
// No page of Alloy's shows this answer (the Connectivity authentication
// guide only names the route): Get reads the connector under "connector",
// as GetAction's answer is under "action", or under "data", or bare, and
// keeps all of it in Raw.
func (s *ConnectorsService) Get(ctx context.Context, connectorID string, opts ...RequestOption) (*Connector, error) {
	var raw json.RawMessage
	if err := s.client.send(ctx, call{op: "Connectors.Get", path: []string{connectorID}, out: &raw}, opts); err != nil {
		return nil, err
	}
	var env struct {
		Connector json.RawMessage `json:"connector"`
		Data      json.RawMessage `json:"data"`
	}
	_ = json.Unmarshal(raw, &env) // a body that is not an object fails below
	one := raw
	switch {
	case isObject(env.Connector):
		one = env.Connector
	case isObject(env.Data):
		one = env.Data
	}
	var c Connector
	if err := json.Unmarshal(one, &c); err != nil {
		return nil, fmt.Errorf("alloy: Connectors.Get: decode response: %w", err)
	}
	if c.ID == "" {
		return nil, fmt.Errorf("alloy: Connectors.Get: response has no connector id")
	}
	return &c, nil
}

// isObject reports whether raw is a JSON object.
func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// ListResources returns a connector's resources and their actions.
// GET /connectors/{connectorId}/resources
func (s *ConnectorsService) ListResources(ctx context.Context, connectorID string, opts ...RequestOption) ([]ConnectorResource, error) {
	return listOf[ConnectorResource](ctx, s.client, "Connectors.ListResources", call{path: []string{connectorID}}, opts, "resources", "data")
}

// GetAction describes one action: its method, path, parameters and body
// schema. GET /connectors/{connectorId}/actions/{actionId}
func (s *ConnectorsService) GetAction(ctx context.Context, connectorID, actionID string, opts ...RequestOption) (*Action, error) {
	var out struct {
		Action *Action `json:"action"`
	}
	if err := s.client.send(ctx, call{op: "Connectors.GetAction", path: []string{connectorID, actionID}, out: &out}, opts); err != nil {
		return nil, err
	}
	if out.Action == nil {
		return nil, fmt.Errorf("alloy: Connectors.GetAction: response has no action")
	}
	return out.Action, nil
}

// Execute runs an action with a credential and returns its result.
// POST /connectors/{connectorId}/actions/{actionId}/execute
//
// Not retried on 5xx or timeouts, because the provider may have acted;
// pass WithIdempotent for actions that only read.
func (s *ConnectorsService) Execute(ctx context.Context, connectorID, actionID string, params ConnectorExecuteParams, opts ...RequestOption) (*ActionResult, error) {
	if err := requireFields("execute action", "credentialID", params.CredentialID); err != nil {
		return nil, err
	}
	if params.UserID != "" {
		opts = append([]RequestOption{AsUser(params.UserID)}, opts...)
	}
	var raw rawResponse
	out := new(ActionResult)
	if err := s.client.send(ctx, call{op: "Connectors.Execute", path: []string{connectorID, actionID}, body: params, out: out, raw: &raw}, opts); err != nil {
		return nil, err
	}
	out.Raw = raw.body
	return out, nil
}

// ListCredentials lists the credentials that can run a connector's actions.
// GET /connectors/{connectorId}/credentials
func (s *ConnectorsService) ListCredentials(ctx context.Context, connectorID string, opts ...RequestOption) ([]Credential, error) {
	return listOf[Credential](ctx, s.client, "Connectors.ListCredentials", call{path: []string{connectorID}}, opts, "credentials", "data")
}

// CreateCredential creates a credential for a connector: for OAuth the
// result holds the link to send the user to, otherwise the credential's
// id. POST /connectors/{connectorId}/credentials
//
// Not retried on 5xx or timeouts, which could create it twice.
func (s *ConnectorsService) CreateCredential(ctx context.Context, connectorID string, params ConnectorCredentialCreateParams, opts ...RequestOption) (*ConnectorCredential, error) {
	if err := requireFields("create connector credential", "userID", params.UserID, "authenticationType", params.AuthenticationType); err != nil {
		return nil, err
	}
	out, err := into[ConnectorCredential](ctx, s.client, call{op: "Connectors.CreateCredential", path: []string{connectorID}, body: params.wire()}, opts)
	if err != nil {
		return nil, err
	}
	if out.OAuthURL == "" && out.CredentialID == "" {
		return nil, fmt.Errorf("alloy: Connectors.CreateCredential: response has neither oauthUrl nor credentialId")
	}
	return out, nil
}

// ListCredentialMetadata lists the ways to authenticate to a connector and the
// input each needs. GET /connectors/{connectorId}/credentials/metadata
func (s *ConnectorsService) ListCredentialMetadata(ctx context.Context, connectorID string, opts ...RequestOption) ([]AuthMetadata, error) {
	return listOf[AuthMetadata](ctx, s.client, "Connectors.ListCredentialMetadata", call{path: []string{connectorID}}, opts, "metadata", "data")
}

// listOf calls a versioned GET op and decodes a list that arrives bare or
// under one of keys.
func listOf[T any](ctx context.Context, c *Client, op string, k call, opts []RequestOption, keys ...string) ([]T, error) {
	k.op = op
	var raw json.RawMessage
	k.out = &raw
	if err := c.send(ctx, k, opts); err != nil {
		return nil, err
	}
	list, err := decodeList[T](raw, keys...)
	if err != nil {
		return nil, fmt.Errorf("alloy: %s: decode response: %w", op, err)
	}
	return list, nil
}
