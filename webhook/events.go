package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// ErrInvalidEvent is matched (with errors.Is) by every error a Parse
// function returns because the body or headers are not the event they
// claim to be.
var ErrInvalidEvent = errors.New("alloy: webhook: invalid event")

// eventError is a Parse failure; its text never quotes the body.
type eventError struct{ kind, reason string }

func (e *eventError) Error() string        { return "alloy: webhook: " + e.kind + ": " + e.reason }
func (e *eventError) Is(target error) bool { return target == ErrInvalidEvent }

// Header names of the error stream.
const (
	HeaderWorkflowID    = "X-Alloy-WorkflowId"
	HeaderUserID        = "X-Alloy-UserId"
	HeaderBlockName     = "X-Alloy-BlockName"
	HeaderBlockType     = "X-Alloy-BlockType"
	HeaderExecutionUUID = "X-Alloy-ExecutionUuid"
)

// CredentialExpiredEvent tells that one of a user's credentials stopped
// working and the user has to connect the app again.
type CredentialExpiredEvent struct {
	UserID         string // the Alloy user the credential belongs to
	UserEmail      string // the user's email, when sent
	CredentialID   string // the credential that expired
	CredentialName string // its display name, e.g. "Shopify - acme"
	// Raw is the body as Alloy sent it, with any fields not named above.
	Raw json.RawMessage
}

// ParseCredentialExpired decodes a credential-expiration webhook body.
//
// Alloy names the fields (userId, userEmail, credentialId,
// credentialName) but not their nesting, so the body must be a JSON object
// and each field is taken from the first place it is found, in this order:
//
//  1. the top level: userId, userEmail or email, credentialId,
//     credentialName;
//  2. a "credential" object: credentialId or id, credentialName or name
//     (and userId);
//  3. a "user" object: userId or id, userEmail or email;
//  4. the same three places inside a "data" object.
//
// Keys match ignoring case, underscores and hyphens (userId, user_id,
// UserID), and an id may be a JSON string or number. A body that names
// neither a user id nor a credential id is an error matching
// ErrInvalidEvent.
func ParseCredentialExpired(body []byte) (*CredentialExpiredEvent, error) {
	root, ok := parseObject(body)
	if !ok {
		return nil, &eventError{"credential expired", "body is not a JSON object"}
	}
	e := &CredentialExpiredEvent{}
	scopes := []object{root}
	if data, ok := root.object("data"); ok {
		scopes = append(scopes, data)
	}
	for _, s := range scopes {
		setFirst(&e.UserID, s, "userid")
		setFirst(&e.UserEmail, s, "useremail", "email")
		setFirst(&e.CredentialID, s, "credentialid")
		setFirst(&e.CredentialName, s, "credentialname")
		if c, ok := s.object("credential"); ok {
			setFirst(&e.CredentialID, c, "credentialid", "id")
			setFirst(&e.CredentialName, c, "credentialname", "name")
			setFirst(&e.UserID, c, "userid")
		}
		if u, ok := s.object("user"); ok {
			setFirst(&e.UserID, u, "userid", "id")
			setFirst(&e.UserEmail, u, "useremail", "email")
		}
	}
	if e.UserID == "" && e.CredentialID == "" {
		return nil, &eventError{"credential expired", "body names neither a userId nor a credentialId"}
	}
	e.Raw = json.RawMessage(bytes.Clone(bytes.TrimSpace(body)))
	return e, nil
}

// ErrorStreamEvent is one workflow failure sent by Alloy's error streaming
// (Settings → Logging). The identifying fields come from headers; the body
// is Alloy's error log, whose format is not documented.
type ErrorStreamEvent struct {
	WorkflowID    string // X-Alloy-WorkflowId
	UserID        string // X-Alloy-UserId
	BlockName     string // X-Alloy-BlockName: the block that failed
	BlockType     string // X-Alloy-BlockType
	ExecutionUUID string // X-Alloy-ExecutionUuid
	// Body is the error log as sent, JSON or not; see IsJSON and Decode.
	Body []byte
	// Header is a copy of every request header, X-Alloy-Signature
	// included: do not log it wholesale.
	Header http.Header
}

// ParseErrorStream builds an ErrorStreamEvent from a delivery's headers
// and body. At least one of X-Alloy-WorkflowId and X-Alloy-ExecutionUuid
// must be present, else the error matches ErrInvalidEvent; the body may be
// anything, empty included.
func ParseErrorStream(h http.Header, body []byte) (*ErrorStreamEvent, error) {
	e := &ErrorStreamEvent{
		WorkflowID:    strings.TrimSpace(h.Get(HeaderWorkflowID)),
		UserID:        strings.TrimSpace(h.Get(HeaderUserID)),
		BlockName:     strings.TrimSpace(h.Get(HeaderBlockName)),
		BlockType:     strings.TrimSpace(h.Get(HeaderBlockType)),
		ExecutionUUID: strings.TrimSpace(h.Get(HeaderExecutionUUID)),
	}
	if e.WorkflowID == "" && e.ExecutionUUID == "" {
		return nil, &eventError{"error stream", "no " + HeaderWorkflowID + " or " + HeaderExecutionUUID + " header"}
	}
	e.Body = bytes.Clone(body)
	e.Header = h.Clone()
	if e.Header == nil {
		e.Header = http.Header{}
	}
	return e, nil
}

// IsJSON reports whether Body is a single JSON value.
func (e *ErrorStreamEvent) IsJSON() bool {
	return e != nil && json.Valid(e.Body)
}

// Decode unmarshals a JSON Body into v.
func (e *ErrorStreamEvent) Decode(v any) error {
	if e == nil {
		return &eventError{"error stream", "nil event"}
	}
	if !json.Valid(e.Body) {
		return &eventError{"error stream", "body is not JSON"}
	}
	return json.Unmarshal(e.Body, v)
}

// UnifiedEvent is a Unified API event forwarded to an address subscribed
// with POST /one/webhooks.
type UnifiedEvent struct {
	// Topic is the subscription's topic or scope, e.g. "commerce/orders"
	// or "connection/created"; empty when Alloy sent the bare model.
	Topic string
	// ConnectionID is the connection (credential) the event is about, when
	// the envelope names it.
	ConnectionID string
	// Model is the unified record (or list of records) the event carries.
	Model json.RawMessage
	// Raw is the body as Alloy sent it.
	Raw json.RawMessage
}

// modelKeys are where an envelope may hold the model, in order.
var modelKeys = []string{"data", "model", "record", "payload"}

// ParseUnified decodes a Unified API forwarded event. Alloy documents only
// that the body is "the unified model that corresponds to the scope", so
// both an envelope and a bare model are accepted. The body must be a
// non-empty JSON object.
//
// Keys match ignoring case, underscores and hyphens. Topic is the first of
// "topic", "scope" and "event" that is a string, or the first string of an
// array. ConnectionID is "connectionId", else "credentialId" (a string or
// number). When any of those five keys is present the body is an envelope
// and Model is the first non-null of "data", "model", "record" and
// "payload", else the whole body. Without them the body is the model
// itself, unless its only key is one of those four, which is then
// unwrapped.
func ParseUnified(body []byte) (*UnifiedEvent, error) {
	root, ok := parseObject(body)
	if !ok {
		return nil, &eventError{"unified", "body is not a JSON object"}
	}
	if len(root.raw) == 0 {
		return nil, &eventError{"unified", "body is an empty object"}
	}
	raw := bytes.TrimSpace(body)
	e := &UnifiedEvent{Raw: json.RawMessage(bytes.Clone(raw))}
	for _, k := range []string{"topic", "scope", "event"} {
		if t := topicText(root.get(k)); t != "" {
			e.Topic = t
			break
		}
	}
	setFirst(&e.ConnectionID, root, "connectionid", "credentialid")
	envelope := false
	for _, k := range []string{"topic", "scope", "event", "connectionid", "credentialid"} {
		if root.get(k) != nil {
			envelope = true
			break
		}
	}
	e.Model = e.Raw
	switch {
	case envelope:
		for _, k := range modelKeys {
			if m := root.get(k); m != nil && !isNull(m) {
				e.Model = json.RawMessage(bytes.Clone(m))
				break
			}
		}
	case len(root.raw) == 1:
		for _, k := range modelKeys {
			if m := root.get(k); m != nil && !isNull(m) {
				e.Model = json.RawMessage(bytes.Clone(m))
				break
			}
		}
	}
	return e, nil
}

// Decode unmarshals the model into v, e.g. a *unified.Order.
func (e *UnifiedEvent) Decode(v any) error {
	if e == nil || len(e.Model) == 0 {
		return &eventError{"unified", "event has no model"}
	}
	return json.Unmarshal(e.Model, v)
}

// DecodeModel decodes the event's model as a T:
//
//	order, err := webhook.DecodeModel[unified.Order](e)
func DecodeModel[T any](e *UnifiedEvent) (*T, error) {
	v := new(T)
	if err := e.Decode(v); err != nil {
		return nil, err
	}
	return v, nil
}

// object is a decoded JSON object whose keys are looked up by their
// normalised form (see normKey).
type object struct {
	raw  map[string]json.RawMessage
	norm map[string]json.RawMessage
}

// parseObject decodes b when it is a JSON object.
func parseObject(b []byte) (object, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return object{}, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil || m == nil {
		return object{}, false
	}
	o := object{raw: m, norm: make(map[string]json.RawMessage, len(m))}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // when two spellings collide, the choice is stable
	for _, k := range keys {
		n := normKey(k)
		if _, dup := o.norm[n]; !dup {
			o.norm[n] = m[k]
		}
	}
	return o, true
}

// get returns the value under the normalised key n, or nil.
func (o object) get(n string) json.RawMessage { return o.norm[n] }

// object returns the value under n when it is a JSON object.
func (o object) object(n string) (object, bool) {
	v := o.get(n)
	if v == nil {
		return object{}, false
	}
	return parseObject(v)
}

// normKey lower-cases k and drops '_', '-' and spaces, so userId, user_id
// and UserID meet.
func normKey(k string) string {
	var b strings.Builder
	b.Grow(len(k))
	for _, r := range strings.ToLower(k) {
		if r != '_' && r != '-' && r != ' ' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// setFirst sets *dst, when empty, to the text of the first of names that
// holds a string or number.
func setFirst(dst *string, o object, names ...string) {
	if *dst != "" {
		return
	}
	for _, n := range names {
		if s := text(o.get(n)); s != "" {
			*dst = s
			return
		}
	}
}

// text renders a JSON string (trimmed) or number; anything else is "".
func text(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// topicText reads a topic given as a string or an array of strings.
func topicText(raw json.RawMessage) string {
	if s := text(raw); s != "" {
		return s
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for _, item := range list {
			var s string
			if json.Unmarshal(item, &s) == nil && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

// isNull reports whether raw is the JSON null.
func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }
