package alloy

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/alloysdk/alloy-go/internal/redact"
)

// SecretData holds a credential's secret properties (API keys, passwords,
// tokens) by name, for the params that create credentials. The SDK sends
// the values; anything else shows its keys only: fmt (any verb, alone or
// as a field of a struct), slog (either handler, alone or inside a struct
// it encodes as JSON) and encoding/json, which writes every value as
// "[REDACTED]". Read a value with d["name"].
type SecretData map[string]any

// String lists the keys, never the values.
func (d SecretData) String() string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		keys[i] = k + ": [REDACTED]"
	}
	return "{" + strings.Join(keys, ", ") + "}"
}

// GoString is String, so %#v does not reveal a value either.
func (d SecretData) GoString() string { return d.String() }

// Format prints String for every verb.
func (d SecretData) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, d.String()) }

// LogValue logs the keys only.
func (d SecretData) LogValue() slog.Value { return slog.StringValue(d.String()) }

// MarshalJSON writes the keys with "[REDACTED]" for every value, so that a
// struct holding SecretData that ends up in a JSON log does not carry the
// secrets. The SDK sends the values with its own encoding (see wire).
func (d SecretData) MarshalJSON() ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	m := make(map[string]string, len(d))
	for k := range d {
		m[k] = "[REDACTED]"
	}
	return json.Marshal(m)
}

// wire is what the SDK sends: the values.
func (d SecretData) wire() map[string]any { return map[string]any(d) }

// InstallLink is a hosted install link (Alloy Link). Its URL carries a
// token that acts as the user: String, GoString, Format (every verb),
// LogValue and MarshalJSON show the link with every query value that
// holds a token (a parameter named like "token", or a JWT) as [REDACTED];
// URL returns the whole link, to hand to that user only.
type InstallLink struct{ url string }

// URL returns the link, token included.
func (l InstallLink) URL() string { return l.url }

// String returns the link with its token redacted.
func (l InstallLink) String() string { return redactLink(l.url) }

// GoString is String.
func (l InstallLink) GoString() string { return "alloy.InstallLink{" + l.String() + "}" }

// Format prints String for every verb.
func (l InstallLink) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, l.String()) }

// LogValue logs the redacted link.
func (l InstallLink) LogValue() slog.Value { return slog.StringValue(l.String()) }

// MarshalJSON encodes the redacted link: send URL() to the user instead.
func (l InstallLink) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("%q", l.String())), nil }

// linkPlainParams are the query parameters an install link shows as they
// are: ids that say which integration, never a credential.
var linkPlainParams = map[string]bool{"integrationId": true, "workflowId": true}

// redactLink replaces every query value but those of linkPlainParams
// (whatever its name: a token may travel as token=, t=, jwt=, an escaped
// name or inside another value), the userinfo, the fragment, and any JWT
// elsewhere in the link.
func redactLink(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable link]"
	}
	if u.User != nil {
		u.User = url.User("[REDACTED]")
	}
	parts := strings.Split(u.RawQuery, "&")
	for i, p := range parts {
		if k, v, _ := strings.Cut(p, "="); v != "" && !linkPlainParams[k] {
			parts[i] = k + "=[REDACTED]"
		}
	}
	u.RawQuery = strings.Join(parts, "&")
	u.Fragment, u.RawFragment = "", ""
	return redactJWTs(u.String())
}

// linkRedactor removes JWTs (and bearer credentials) from link text.
var linkRedactor = redact.New()

func redactJWTs(s string) string { return linkRedactor.String(s, false) }

var secretDataType = reflect.TypeFor[SecretData]()

// holdsSecretData reports whether v holds a SecretData anywhere a JSON
// encoding would reach (exported fields, map values, elements, pointers
// and interfaces). A request body that does would go out with
// "[REDACTED]" for its values: the pipeline refuses it instead. Types that
// cannot hold one (no SecretData, no interface in them) are not walked.
func holdsSecretData(v any) bool { return walkSecretData(reflect.ValueOf(v), 0) }

func walkSecretData(v reflect.Value, depth int) bool {
	if !v.IsValid() || depth > 100 {
		return false
	}
	t := v.Type()
	if t == secretDataType {
		return true
	}
	if cannotHoldSecretData(t) {
		return false
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && walkSecretData(v.Elem(), depth+1)
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if walkSecretData(it.Value(), depth+1) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if walkSecretData(v.Index(i), depth+1) {
				return true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if t.Field(i).IsExported() && walkSecretData(v.Field(i), depth+1) {
				return true
			}
		}
	}
	return false
}

// noSecretData caches cannotHoldSecretData by type.
var noSecretData sync.Map // reflect.Type -> bool

// cannotHoldSecretData reports whether no value of t can hold a SecretData.
func cannotHoldSecretData(t reflect.Type) bool {
	if c, ok := noSecretData.Load(t); ok {
		return c.(bool)
	}
	r := typeCannotHold(t, map[reflect.Type]bool{})
	noSecretData.Store(t, r)
	return r
}

func typeCannotHold(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == secretDataType {
		return false
	}
	if seen[t] { // a recursive type: the cycle adds nothing new
		return true
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return false
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return typeCannotHold(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && !typeCannotHold(f.Type, seen) {
				return false
			}
		}
	}
	return true
}
