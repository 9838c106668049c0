package contract

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// FullValue makes a value for every documented property of s, nested ones
// included: a value of the schema's (first) type, in its format, from its
// last enum value when it has one, so that nothing is left unset. Tests
// build fully populated records with it.
func FullValue(s *openapi3.Schema, name string) any {
	s = Flat(s)
	if len(s.Enum) > 0 {
		return s.Enum[len(s.Enum)-1]
	}
	if len(s.Properties) > 0 {
		out := map[string]any{}
		for p, ps := range s.Properties {
			out[p] = FullValue(ps.Value, p)
		}
		return out
	}
	types := []string{}
	if s.Type != nil {
		types = s.Type.Slice()
	}
	for _, b := range s.AnyOf {
		types = append(types, b.Value.Type.Slice()...)
	}
	types = append(types, "")
	switch types[0] {
	case "array":
		if s.Items == nil || s.Items.Value == nil {
			return []any{name + " item"}
		}
		return []any{FullValue(s.Items.Value, name)}
	case "object":
		return map[string]any{"kept": "as sent"}
	case "number":
		return 123.45
	case "integer":
		return 42
	case "boolean":
		return true
	}
	switch {
	case s.Format == "date" || strings.HasSuffix(name, "Date"):
		return "2024-05-17"
	case s.Format == "date-time" || strings.HasSuffix(name, "At"):
		return "2024-05-17T10:20:30.000Z"
	case strings.Contains(strings.ToLower(name), "email"):
		return "round.trip@example.net"
	}
	return name + " R7"
}
