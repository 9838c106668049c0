package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// S is a JSON object of the OpenAPI document being built: a schema, a
// parameter, an operation.
type S = map[string]any

// Schema builders, for the overrides written by hand.

func str() S     { return S{"type": "string"} }
func num() S     { return S{"type": "number"} }
func integer() S { return S{"type": "integer"} }
func boolean() S { return S{"type": "boolean"} }
func anyValue() S {
	return S{"x-alloy-note": "any JSON value"}
}
func arr(items S) S {
	return S{"type": "array", "items": items}
}
func ref(name string) S { return S{"$ref": "#/components/schemas/" + name} }

// freeObject is an object whose properties Alloy does not fix (a payload
// passed through, a provider's answer).
func freeObject(why string) S {
	return S{"type": "object", "additionalProperties": true, "x-alloy-open": why}
}

// prop is one property of an object built by obj.
type prop struct {
	name     string
	schema   S
	required bool
}

func p(name string, s S) prop   { return prop{name: name, schema: s} }
func req(name string, s S) prop { return prop{name: name, schema: s, required: true} }

func obj(props ...prop) S {
	o := S{"type": "object", "properties": S{}}
	var required []any
	for _, pr := range props {
		o["properties"].(S)[pr.name] = pr.schema
		if pr.required {
			required = append(required, pr.name)
		}
	}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// with returns a copy of s with the extra keys set, e.g.
// with(str(), "x-alloy-since", "2025-09").
func with(s S, kv ...any) S {
	out := maps.Clone(s)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// convert turns a schema node of the research files (JSON-schema-like,
// with "basis", "note", "nullable", free-text "type"s in uapi-models.json)
// into an OpenAPI 3.0 schema. Documentation keys are kept as x-alloy-*.
func convert(n any) S {
	m, ok := n.(map[string]any)
	if !ok {
		return anyValue()
	}
	out := S{}
	typ, nullable := mapType(m["type"])
	if typ != "" {
		out["type"] = typ
	}
	if t, _ := m["type"].(string); strings.Contains(t, "date-time") || strings.Contains(t, "ISO 8601") {
		out["format"] = "date-time"
	} else if strings.Contains(t, "(date)") {
		out["format"] = "date"
	}
	for _, k := range []string{"format", "enum", "description", "default", "title", "example"} {
		if v, ok := m[k]; ok && v != nil {
			out[k] = v
		}
	}
	if f, ok := out["format"].(string); ok && !knownFormat(f) {
		out["x-alloy-format"] = f
		delete(out, "format")
	}
	if v, ok := m["basis"]; ok {
		out["x-alloy-basis"] = v
	}
	if v, ok := m["note"]; ok {
		out["x-alloy-note"] = v
	}
	if v, ok := m["doc_type"]; ok {
		out["x-alloy-doc-type"] = v
	}
	if v, ok := m["sources"]; ok {
		out["x-alloy-source"] = v
	}
	if b, ok := m["nullable"].(bool); (ok && b) || nullable {
		out["nullable"] = true
		basis, _ := m["nullable_basis"].(string)
		if basis == "" {
			basis = "inferred from an example showing null"
		}
		out["x-alloy-nullable"] = basis
	}
	if props, ok := m["properties"].(map[string]any); ok {
		ps := S{}
		for name, pv := range props {
			if !isName(name) {
				continue // "...": the page went on, out of sight
			}
			ps[name] = convert(pv)
		}
		out["properties"] = ps
		if typ == "" {
			out["type"] = "object"
		}
	}
	if req, ok := m["required"].([]any); ok && len(req) > 0 {
		out["required"] = req
	}
	if items, ok := m["items"]; ok {
		out["items"] = convert(items)
		out["type"] = "array"
	} else if out["type"] == "array" {
		out["items"] = itemsFor(m["type"])
	}
	if ap, ok := m["additionalProperties"]; ok {
		switch v := ap.(type) {
		case bool:
			out["additionalProperties"] = v
		default:
			out["additionalProperties"] = convert(v)
		}
	}
	for _, k := range []string{"oneOf", "anyOf", "allOf"} {
		if xs, ok := m[k].([]any); ok {
			var cs []any
			for _, x := range xs {
				cs = append(cs, convert(x))
			}
			out[k] = cs
		}
	}
	// An enum typed on an array belongs to its items.
	if e, ok := out["enum"]; ok && out["type"] == "array" {
		items, _ := out["items"].(S)
		if items == nil {
			items = str()
		}
		items = maps.Clone(items)
		items["enum"] = e
		out["items"] = items
		delete(out, "enum")
	}
	// An enum's values are kept as documented; a value that is not a
	// string under a string type would make the document invalid.
	if e, ok := out["enum"].([]any); ok && out["type"] == "string" {
		for _, v := range e {
			if _, isStr := v.(string); !isStr {
				out["x-alloy-enum"] = e
				delete(out, "enum")
				break
			}
		}
	}
	if d, ok := out["default"]; ok && !fitsType(out["type"], d) {
		out["x-alloy-default"] = d
		delete(out, "default")
	}
	if ex, ok := out["example"]; ok && !fitsType(out["type"], ex) {
		out["x-alloy-example"] = ex
		delete(out, "example")
	}
	return out
}

func isName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '$') {
			return false
		}
	}
	return s != ""
}

func knownFormat(f string) bool {
	switch f {
	case "date", "date-time", "uri", "email", "uuid", "int32", "int64", "float", "double", "byte", "binary", "password":
		return true
	}
	return false
}

// fitsType reports whether v is a value of the JSON type typ.
func fitsType(typ any, v any) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "integer", "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return true
}

// mapType reads the free-text types of the research files: "string",
// "string (enum)", "array of object", "unknown (null)", "integer | null".
func mapType(t any) (typ string, nullable bool) {
	switch v := t.(type) {
	case nil:
		return "", false
	case []any:
		for _, x := range v {
			s, _ := x.(string)
			if s == "null" {
				nullable = true
			} else if typ == "" {
				typ, _ = mapType(s)
			}
		}
		return typ, nullable
	case string:
		s := strings.ToLower(strings.TrimSpace(v))
		nullable = strings.Contains(s, "null")
		switch {
		case strings.Contains(s, " / "), strings.HasPrefix(s, "unknown"):
			return "", nullable
		case strings.HasPrefix(s, "array"):
			return "array", nullable
		case strings.HasPrefix(s, "object"):
			return "object", nullable
		case strings.HasPrefix(s, "string"):
			return "string", nullable
		case strings.HasPrefix(s, "integer"), strings.HasPrefix(s, "int"):
			return "integer", nullable
		case strings.HasPrefix(s, "number"), strings.HasPrefix(s, "float"), strings.HasPrefix(s, "double"):
			return "number", nullable
		case strings.HasPrefix(s, "boolean"), strings.HasPrefix(s, "bool"):
			return "boolean", nullable
		case s == "null":
			return "", true
		}
		panic(fmt.Sprintf("unknown type %q", v))
	}
	panic(fmt.Sprintf("unknown type %v", t))
}

// itemsFor gives the items of an array typed only in words.
func itemsFor(t any) S {
	s, _ := t.(string)
	switch {
	case strings.Contains(s, "of string"):
		return str()
	case strings.Contains(s, "of object"):
		return S{"type": "object"}
	}
	return anyValue()
}

// merge unions b into a: properties of both, recursively; a wins on
// scalar keys. It is how shapes documented on several pages or versions
// become one permissive schema.
func merge(a, b S) S {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := maps.Clone(a)
	for k, bv := range b {
		av, ok := out[k]
		if !ok {
			out[k] = bv
			continue
		}
		switch k {
		case "properties":
			ap, bp := av.(S), bv.(S)
			m := maps.Clone(ap)
			for name, s := range bp {
				if cur, ok := m[name]; ok {
					m[name] = merge(cur.(S), s.(S))
				} else {
					m[name] = s
				}
			}
			out[k] = m
		case "items":
			out[k] = merge(av.(S), bv.(S))
		case "required":
			// Required only where every source requires it.
			var both []any
			for _, x := range av.([]any) {
				if slices.Contains(bv.([]any), x) {
					both = append(both, x)
				}
			}
			if len(both) == 0 {
				delete(out, k)
			} else {
				out[k] = both
			}
		}
	}
	if _, ok := a["required"]; ok {
		if _, ok := b["required"]; !ok {
			delete(out, "required")
		}
	}
	return out
}

// Property types of the Unified models.

// decimal is an amount or a quantity, which the SDK reads as
// unified.Decimal, in the JSON type its page gives it: "string" (commerce
// prices and totals, "25.00"), "number" (accounting totals, 100) or
// "integer" (an order line's quantity). x-alloy-decimal tells the SDK and
// alloytest which.
func decimal(wire string) S { return S{"type": wire, "x-alloy-decimal": wire} }

// date is a calendar date, "Format: YYYY-MM-DD" on the pages.
func date() S { return S{"type": "string", "format": "date"} }

// dateTime is an ISO 8601 time, as the pages' DateTime fields show it
// ("2023-11-19T17:00:17.000Z", "2022-11-16T19:55:58+08:00").
func dateTime() S { return S{"type": "string", "format": "date-time"} }

// one is a nested object of the named schema; the allOf wrapper lets it be
// null, which a bare $ref cannot say in OpenAPI 3.0.
func one(name string) S { return S{"allOf": []any{ref(name)}} }

// many is an array of the named schema.
func many(name string) S { return arr(ref(name)) }

// strs is an array of strings.
func strs() S { return arr(str()) }

// inferred records why a property has the type it has when no page's
// property row gives it one.
func inferred(s S, why string) S { return with(s, "x-alloy-type-basis", "inferred: "+why) }

// contested records where pages (or Alloy's SDKs) give the property
// another type than the one the contract picks.
func contested(s S, conflicts ...any) S { return with(s, "x-alloy-conflicts", conflicts) }

// component is a nested schema of its own, with its sources.
func component(desc string, sources []any, props ...prop) S {
	o := obj(props...)
	o["description"] = desc
	o["x-alloy-source"] = sources
	return o
}
