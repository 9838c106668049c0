package alloy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"strings"
)

// CredentialsService manages a user's credentials: their authorisations to
// third-party apps. Non-OAuth apps get a credential from Create with the
// fields that GetMetadata lists; OAuth apps send the user to GetOAuthURL.
type CredentialsService service

// Credential is one user's authorisation to one app.
type Credential struct {
	ID        string    `json:"credentialId"`
	Type      string    `json:"type"` // the connector, e.g. "shopify" or "netsuite"
	Name      string    `json:"name"`
	CreatedAt Timestamp `json:"createdAt"` // zero when absent or unparsable
	UpdatedAt Timestamp `json:"updatedAt"`
}

// CredentialCreateParams are the fields of a new credential.
type CredentialCreateParams struct {
	// Type is the connector's credential name from Metadata, e.g. "netsuite".
	Type string
	// Data holds the connector's properties, keyed by
	// CredentialProperty.Name: secrets, which print and log as keys only.
	Data SecretData
}

// String shows the type and the keys of Data, never its values (they are
// secrets such as consumerSecret); fmt uses it for every verb.
func (p CredentialCreateParams) String() string {
	return "alloy.CredentialCreateParams{Type: " + p.Type + ", Data: " + p.Data.String() + "}"
}

// GoString is String, so %#v does not reveal Data either.
func (p CredentialCreateParams) GoString() string { return p.String() }

// Format prints String for every verb.
func (p CredentialCreateParams) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue logs the type and the keys of Data only.
func (p CredentialCreateParams) LogValue() slog.Value { return slog.StringValue(p.String()) }

// CredentialMetadata says what a credential for one connector needs.
type CredentialMetadata struct {
	// Connector is the credential type to use in CredentialCreateParams and
	// OAuthURLParams. Alloy's pages give it as "connector" (the 2025-09
	// examples) and as "name" (the 2025-09 schema, 2024-03); both are read.
	Connector  string               `json:"connector" wire:"name"`
	Icon       string               `json:"icon,omitempty"`
	IsOAuth    bool                 `json:"isOauth"`
	Properties []CredentialProperty `json:"properties"`
}

// CredentialProperty is one field a credential needs. Alloy's metadata
// does not say which properties are optional.
type CredentialProperty struct {
	Name        string `json:"name"` // the key in CredentialCreateParams.Data or OAuthURLParams.Fields
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
}

// UnmarshalJSON accepts the connector under "connector" or "name".
func (m *CredentialMetadata) UnmarshalJSON(b []byte) error {
	type plain CredentialMetadata
	var v struct {
		plain
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = CredentialMetadata(v.plain)
	if m.Connector == "" {
		m.Connector = v.Name
	}
	return nil
}

// Validate checks data against the metadata before a Create: every
// property must be present and not empty. Alloy's metadata does not say
// which properties are optional, so Validate treats them all as required;
// for a connector with an optional property, skip Validate or fill the
// property: the server's answer to Create stays the authority. The error
// matches
// ErrInvalidArgument and names every missing property, e.g.
// "netsuite needs consumerKey, tokenSecret". OAuth connectors are refused:
// their credentials come from GetOAuthURL.
func (m *CredentialMetadata) Validate(data map[string]any) error {
	if m.IsOAuth {
		return invalidArg("validate credential", "%s uses OAuth: send the user to Credentials.GetOAuthURL", m.Connector)
	}
	var missing []string
	for _, p := range m.Properties {
		v, ok := data[p.Name]
		if !ok || v == nil || v == "" {
			missing = append(missing, p.Name)
		}
	}
	if len(missing) > 0 {
		return invalidArg("validate credential", "%s needs %s", m.Connector, strings.Join(missing, ", "))
	}
	return nil
}

// OAuthURLParams ask for an OAuth link for one user and connector.
type OAuthURLParams struct {
	UserID string
	App    string // the connector, e.g. "shopify"
	// Fields are the connector's metadata properties, e.g.
	// {"shopSubdomain": "northwind"}; each is sent as a query parameter.
	Fields map[string]string
}

// List returns a user's credentials.
// GET /credentials/users/{userId} (2025-09) or GET /users/{userId}/credentials (older)
func (s *CredentialsService) List(ctx context.Context, userID string, opts ...RequestOption) ([]Credential, error) {
	return inData[[]Credential](ctx, s.client, call{op: "Credentials.List", path: []string{userID}}, opts)
}

// Create stores a credential for a non-OAuth connector and returns it with
// the id Alloy assigned. POST /headless/credentials (2023-12: POST
// /users/{userId}/credentials)
//
// Data is checked only for presence here; use CredentialMetadata.Validate
// to check it against the connector's properties first. A POST is not
// retried on 5xx: retrying could create the credential twice.
func (s *CredentialsService) Create(ctx context.Context, userID string, params CredentialCreateParams, opts ...RequestOption) (*Credential, error) {
	if err := requireFields("create credential", "userID", userID, "type", params.Type); err != nil {
		return nil, err
	}
	if params.Data == nil {
		return nil, invalidArg("create credential", "data is nil")
	}
	type credential struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	body := struct {
		UserID     string     `json:"userId"`
		Credential credential `json:"credential"`
	}{userID, credential{params.Type, params.Data.wire()}}
	var out struct {
		Success      *bool  `json:"success"`
		CredentialID string `json:"credentialId"`
	}
	if err := s.client.send(ctx, call{op: "Credentials.Create", path: []string{userID}, body: body, out: &out}, opts); err != nil {
		return nil, err
	}
	if out.CredentialID == "" || (out.Success != nil && !*out.Success) {
		return nil, fmt.Errorf("alloy: Credentials.Create: response has no credentialId")
	}
	return &Credential{ID: out.CredentialID, Type: params.Type}, nil
}

// Delete deletes one of a user's credentials.
// DELETE /users/{userId}/credentials/{credentialId}
func (s *CredentialsService) Delete(ctx context.Context, userID, credentialID string, opts ...RequestOption) error {
	return s.client.send(ctx, call{op: "Credentials.Delete", path: []string{userID, credentialID}}, opts)
}

// ListMetadata lists, for every connector, whether it uses OAuth and which
// properties a credential needs. GET /metadata/credentials
//
// From API version 2024-03 on; older versions get ErrUnsupportedVersion.
func (s *CredentialsService) ListMetadata(ctx context.Context, opts ...RequestOption) ([]CredentialMetadata, error) {
	return inData[[]CredentialMetadata](ctx, s.client, call{op: "Credentials.ListMetadata"}, opts)
}

// GetMetadata returns the credential metadata of one connector, e.g.
// "shopify". GET /metadata/credentials/{credentialName}
//
// From API version 2024-03 on; older versions get ErrUnsupportedVersion.
func (s *CredentialsService) GetMetadata(ctx context.Context, app string, opts ...RequestOption) (*CredentialMetadata, error) {
	return oneInData[CredentialMetadata](ctx, s.client, call{op: "Credentials.GetMetadata", path: []string{app}}, opts)
}

// GetOAuthURL returns the link to send a user to so they authorise an OAuth
// connector; the credential appears in List once they have.
// GET /headless/oauthUrl
//
// From API version 2024-03 on; older versions get ErrUnsupportedVersion.
func (s *CredentialsService) GetOAuthURL(ctx context.Context, params OAuthURLParams, opts ...RequestOption) (string, error) {
	if err := requireFields("oauth url", "userID", params.UserID, "app", params.App); err != nil {
		return "", err
	}
	q := url.Values{"userId": {params.UserID}, "app": {params.App}}
	keys := make([]string, 0, len(params.Fields))
	for k := range params.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "" || q.Has(k) {
			return "", invalidArg("oauth url", "field name %q is empty or reserved", k)
		}
		q.Set(k, params.Fields[k])
	}
	var out struct {
		OAuthURL string `json:"oauthUrl"`
	}
	if err := s.client.send(ctx, call{op: "Credentials.GetOAuthURL", query: q, out: &out}, opts); err != nil {
		return "", err
	}
	if out.OAuthURL == "" {
		return "", fmt.Errorf("alloy: GET /headless/oauthUrl: response has no oauthUrl")
	}
	return out.OAuthURL, nil
}
