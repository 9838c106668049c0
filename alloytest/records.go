package alloytest

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/alloysdk/alloy-go/internal/contract"
	contractops "github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/timeparse"
)

// Records, one canonical form for every version.
//
// The store keeps each Unified API record once, in a form no version sees
// as such (the canonical record, which Records returns):
//
//   - id and remoteId, strings;
//   - createdAt, updatedAt (when the record was synced into Alloy's cache),
//     remoteCreatedAt and remoteUpdatedAt (when the remote app created and
//     last changed it), RFC 3339 strings in UTC with milliseconds, and
//     remoteDeleted, a boolean: set by the server on every record, whatever
//     the version documents;
//   - the model's other properties as last written, under the names of
//     the contract's schema; a Unix timestamp property (x-alloy-unit, such
//     as 2023-12's createdTimestamp) is never stored: it is read from its
//     sync field (see unixSource);
//   - remoteFields, when a create or update sent it (it is write-only, so
//     never served).
//
// A read renders the canonical record through the schema of the version
// asked for (render): every property that version documents, in its names
// and types, null where unset; nothing it does not document.

// The sync fields of the canonical record, which the server sets.
const (
	fieldCreatedAt       = "createdAt"
	fieldUpdatedAt       = "updatedAt"
	fieldRemoteCreatedAt = "remoteCreatedAt"
	fieldRemoteUpdatedAt = "remoteUpdatedAt"
	fieldRemoteDeleted   = "remoteDeleted"
)

// serverFields are the fields of a canonical record that the server sets:
// a create or update cannot.
var serverFields = []string{"id", "remoteId", fieldCreatedAt, fieldUpdatedAt, fieldRemoteCreatedAt, fieldRemoteUpdatedAt, fieldRemoteDeleted}

// syncTime is how the canonical record writes a time.
func syncTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// stamp sets the sync fields a record lacks to now: a new record was
// created in the remote app and synced at once.
func stamp(fields map[string]any, now time.Time) {
	for _, k := range []string{fieldCreatedAt, fieldUpdatedAt, fieldRemoteCreatedAt, fieldRemoteUpdatedAt} {
		if s, _ := fields[k].(string); s == "" {
			fields[k] = syncTime(now)
		}
	}
	if _, ok := fields[fieldRemoteDeleted].(bool); !ok {
		fields[fieldRemoteDeleted] = false
	}
}

// touch records a change made now: in the remote app, synced at once.
func touch(fields map[string]any, now time.Time) {
	fields[fieldUpdatedAt], fields[fieldRemoteUpdatedAt] = syncTime(now), syncTime(now)
}

// unixSource names the canonical sync field a top-level Unix timestamp
// property is read from: createdTimestamp from remoteCreatedAt and
// updatedTimestamp from remoteUpdatedAt (the older pages describe them as
// when the record was created or updated, which is the remote app's time).
// Any other <x>Timestamp reads remote<X>At.
func unixSource(name string) string {
	stem, ok := strings.CutSuffix(name, "Timestamp")
	if !ok || stem == "" {
		return name
	}
	return "remote" + upperFirst(stem) + "At"
}

// unit is a property's x-alloy-unit: "seconds" or "milliseconds" for a
// Unix timestamp, "" otherwise.
func unit(s *openapi3.Schema) string {
	u, _ := s.Extensions["x-alloy-unit"].(string)
	return u
}

// writeOnly reports whether a property is only ever sent, never served
// (remoteFields).
func writeOnly(s *openapi3.Schema) bool {
	wo, _ := s.Extensions["x-alloy-write-only"].(bool)
	return s.WriteOnly || wo
}

// modelKey names a collection's model in one version.
type modelKey struct{ version, path string }

var (
	modelsMu sync.Mutex
	models   = map[modelKey]*openapi3.Schema{}
)

// model returns the schema of c's records as version documents it: the
// record of its Get response (or the items of its List response). The
// contract's specs are shared and never modified, so neither is this.
func (c *collection) model(version string) *openapi3.Schema {
	key := modelKey{contractops.Effective(version), c.path}
	modelsMu.Lock()
	defer modelsMu.Unlock()
	if s, ok := models[key]; ok {
		return s
	}
	spec := contract.MustLoad(key.version, false)
	var s *openapi3.Schema
	if o := spec.Operation(c.opName() + ".Get"); o != nil {
		if body := responseSchema(o); body != nil && body.Properties[c.single] != nil {
			s = body.Properties[c.single].Value
		}
	}
	if o := spec.Operation(c.opName() + ".List"); s == nil && o != nil {
		if body := responseSchema(o); body != nil && body.Properties[c.list] != nil && body.Properties[c.list].Value.Items != nil {
			s = body.Properties[c.list].Value.Items.Value
		}
	}
	if s == nil {
		s = &openapi3.Schema{}
	}
	models[key] = s
	return s
}

// responseSchema is the schema of an operation's 200 JSON body.
func responseSchema(o *openapi3.Operation) *openapi3.Schema {
	r := o.Responses.Status(200)
	if r == nil || r.Value == nil {
		return nil
	}
	if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		return mt.Schema.Value
	}
	return nil
}

// union returns c's model over every version the contract covers: each
// property any version documents, with the newest version's schema for it.
// It is what the canonical record holds.
func (c *collection) union() *openapi3.Schema {
	out := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Properties: openapi3.Schemas{}}
	for _, v := range contractops.Versions {
		for name, p := range c.model(v).Properties {
			out.Properties[name] = p
		}
	}
	return out
}

// render returns the record as version shows it: every property of the
// version's schema but the write-only ones, from the canonical fields,
// coerced to the schema's types (see renderValue); a nullable property
// without a value is null.
func (c *collection) render(version string, fields map[string]any) map[string]any {
	return renderObject(c.model(version), fields, true)
}

func renderObject(s *openapi3.Schema, fields map[string]any, top bool) map[string]any {
	s = contract.Flat(s)
	out := make(map[string]any, len(s.Properties))
	for name, ref := range s.Properties {
		p := contract.Flat(ref.Value)
		if p == nil || writeOnly(p) {
			continue
		}
		v, ok := fields[name]
		if top && !ok && unit(p) != "" {
			v = fields[unixSource(name)]
		}
		v = renderValue(p, v)
		if v == nil && !p.Nullable {
			continue // a nested property Alloy never sends as null
		}
		out[name] = v
	}
	return out
}

// renderValue makes v fit the schema s: an object keeps the properties s
// documents, an array renders its items, a Unix timestamp (x-alloy-unit)
// is a whole number of the unit from any time, and a scalar is converted
// to the schema's type where it is not of it already (see coerce). An
// object without properties is served as stored.
func renderValue(s *openapi3.Schema, v any) any {
	if s == nil || v == nil {
		return v
	}
	s = contract.Flat(s)
	switch {
	case len(s.Properties) > 0:
		if m, ok := v.(map[string]any); ok {
			return renderObject(s, m, false)
		}
		return nil
	case s.Type.Is(openapi3.TypeArray):
		arr, ok := v.([]any)
		if !ok {
			return nil
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = e
			if s.Items != nil {
				out[i] = renderValue(s.Items.Value, e)
			}
		}
		return out
	case unit(s) != "":
		if t, ok := timeOf(v); ok {
			n := t.Unix()
			if unit(s) == "milliseconds" {
				n = t.UnixMilli()
			}
			return json.Number(strconv.FormatInt(n, 10))
		}
	}
	return coerce(s, v)
}

// timeOf reads a time from a canonical value: a string (RFC 3339, a date,
// a numeric string) or a Unix number, its unit told by its magnitude.
func timeOf(v any) (time.Time, bool) {
	if s, ok := scalarText(v); ok {
		if _, isBool := v.(bool); !isBool {
			return timeparse.String(s)
		}
	}
	return time.Time{}, false
}

// schemaTypes lists the JSON types s allows: its type, or its anyOf
// branches' types in order; none means any.
func schemaTypes(s *openapi3.Schema) []string {
	if s.Type != nil && len(s.Type.Slice()) > 0 {
		return s.Type.Slice()
	}
	var out []string
	for _, b := range s.AnyOf {
		if b.Value != nil && b.Value.Type != nil {
			out = append(out, b.Value.Type.Slice()...)
		}
	}
	return out
}

// jsonKind is the schema type a decoded JSON value is of: "integer" for a
// whole number.
func jsonKind(v any) string {
	switch x := v.(type) {
	case string:
		return openapi3.TypeString
	case bool:
		return openapi3.TypeBoolean
	case map[string]any:
		return openapi3.TypeObject
	case []any:
		return openapi3.TypeArray
	case json.Number, float64, int:
		if f := number(fmtNumber(x)); f != nil && *f == math.Trunc(*f) {
			return openapi3.TypeInteger
		}
		return openapi3.TypeNumber
	}
	return ""
}

func fmtNumber(v any) string {
	s, _ := scalarText(v)
	if i, ok := v.(int); ok {
		s = strconv.Itoa(i)
	}
	return s
}

// coerce converts a scalar to the type s documents when it is of another:
// a number or boolean to its text for a string, a numeric string to a
// number, "true"/"false" to a boolean; a string to a date for a "date"
// property and a date to midnight UTC for a "date-time" one. A value that
// does not convert is returned as it is (a record seeded with an odd
// value is served as seeded).
func coerce(s *openapi3.Schema, v any) any {
	types := schemaTypes(s)
	kind := jsonKind(v)
	if len(types) == 0 || kind == "" {
		return v
	}
	if slices.Contains(types, kind) || kind == openapi3.TypeInteger && slices.Contains(types, openapi3.TypeNumber) {
		if str, ok := v.(string); ok {
			return formatted(s.Format, str)
		}
		return v
	}
	for _, t := range types {
		if c, ok := convert(v, t); ok {
			if str, ok := c.(string); ok {
				return formatted(s.Format, str)
			}
			return c
		}
	}
	return v
}

// convert converts a scalar to the JSON type t, when it can.
func convert(v any, t string) (any, bool) {
	text, ok := scalarText(v)
	if !ok {
		if i, isInt := v.(int); isInt {
			text, ok = strconv.Itoa(i), true
		}
	}
	if !ok {
		return nil, false
	}
	switch t {
	case openapi3.TypeString:
		return text, true
	case openapi3.TypeNumber, openapi3.TypeInteger:
		f := number(text)
		if f == nil || t == openapi3.TypeInteger && *f != math.Trunc(*f) {
			return nil, false
		}
		if json.Valid([]byte(strings.TrimSpace(text))) {
			return json.Number(strings.TrimSpace(text)), true
		}
		return json.Number(strconv.FormatFloat(*f, 'f', -1, 64)), true
	case openapi3.TypeBoolean:
		b, err := strconv.ParseBool(text)
		return b, err == nil
	}
	return nil, false
}

// formatted writes a time string in the format a string property
// documents: YYYY-MM-DD for "date", RFC 3339 for "date-time".
func formatted(format, s string) string {
	switch format {
	case "date":
		if t, ok := timeparse.String(s); ok && len(s) > len(time.DateOnly) {
			return t.Format(time.DateOnly)
		}
	case "date-time":
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return syncTime(t)
		}
	}
	return s
}

// accept returns the properties of a create or update body that the
// version's schema documents and a client may write: not read-only (ids,
// sync timestamps), with nested objects kept to their documented
// properties. Undocumented properties are dropped, as Alloy maps a body
// onto its common model.
func (c *collection) accept(version string, in map[string]any) map[string]any {
	s := c.model(version)
	out := map[string]any{}
	for name, v := range in {
		ref := s.Properties[name]
		if ref == nil || ref.Value == nil || ref.Value.ReadOnly || slices.Contains(serverFields, name) {
			continue
		}
		out[name] = keepDocumented(ref.Value, v)
	}
	return out
}

// keepDocumented drops what s does not document from v, at every depth;
// an object without properties keeps everything.
func keepDocumented(s *openapi3.Schema, v any) any {
	s = contract.Flat(s)
	switch x := v.(type) {
	case map[string]any:
		if len(s.Properties) == 0 {
			return x
		}
		out := map[string]any{}
		for k, e := range x {
			if p := s.Properties[k]; p != nil && p.Value != nil {
				out[k] = keepDocumented(p.Value, e)
			}
		}
		return out
	case []any:
		if s.Items == nil || s.Items.Value == nil {
			return x
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = keepDocumented(s.Items.Value, e)
		}
		return out
	}
	return v
}

// canonical turns a record written in any version's names into the
// canonical form, in place: a top-level Unix timestamp property of any
// version (createdTimestamp, updatedTimestamp) moves to its sync field,
// as RFC 3339, unless that field is set already.
func (c *collection) canonical(fields map[string]any) {
	for _, v := range contractops.Versions {
		for name, p := range c.model(v).Properties {
			val, ok := fields[name]
			if !ok || p.Value == nil || unit(p.Value) == "" {
				continue
			}
			delete(fields, name)
			src := unixSource(name)
			if s, _ := fields[src].(string); s != "" {
				continue
			}
			if t, ok := timeOf(val); ok {
				fields[src] = syncTime(t)
			}
		}
	}
}
