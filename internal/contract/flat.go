package contract

import (
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Flat merges the parts of an allOf (the contract's way of marking a
// shared schema nullable, or describing it where it is used) into one
// schema: the parts' properties, type, items, format, required names and
// extensions join the schema's own, which win.
func Flat(s *openapi3.Schema) *openapi3.Schema {
	if s == nil || len(s.AllOf) == 0 {
		return s
	}
	m := *s
	m.AllOf = nil
	m.Properties = make(openapi3.Schemas, len(s.Properties))
	for k, v := range s.Properties {
		m.Properties[k] = v
	}
	m.Extensions = make(map[string]any, len(s.Extensions))
	for k, v := range s.Extensions {
		m.Extensions[k] = v
	}
	for _, part := range s.AllOf {
		p := Flat(part.Value)
		if p == nil {
			continue
		}
		if m.Type == nil {
			m.Type = p.Type
		}
		if m.Items == nil {
			m.Items = p.Items
		}
		if m.Format == "" {
			m.Format = p.Format
		}
		m.Required = append(slices.Clone(m.Required), p.Required...)
		if len(m.AnyOf) == 0 {
			m.AnyOf = p.AnyOf
		}
		for k, v := range p.Properties {
			if _, ok := m.Properties[k]; !ok {
				m.Properties[k] = v
			}
		}
		for k, v := range p.Extensions {
			if _, ok := m.Extensions[k]; !ok {
				m.Extensions[k] = v
			}
		}
	}
	return &m
}
