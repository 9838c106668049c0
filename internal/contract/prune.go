package contract

import (
	"slices"
	"strings"
)

// Prune returns the document (decoded JSON) as API version v sees it: every
// operation, parameter, property or array element whose x-alloy-since is
// later than v, or whose x-alloy-until is v or earlier, is removed, and
// required lists lose the properties removed. Paths left without an
// operation are removed.
func Prune(doc any, v string) any {
	out, _ := prune(doc, v)
	if m, ok := out.(map[string]any); ok {
		if paths, ok := m["paths"].(map[string]any); ok {
			for p, item := range paths {
				if !hasOperation(item) {
					delete(paths, p)
				}
			}
		}
	}
	return out
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func hasOperation(item any) bool {
	m, _ := item.(map[string]any)
	for _, k := range methods {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// inVersion reports whether an object carries no version bound excluding v.
func inVersion(m map[string]any, v string) bool {
	if s, ok := m["x-alloy-since"].(string); ok && v < s {
		return false
	}
	if u, ok := m["x-alloy-until"].(string); ok && v >= u {
		return false
	}
	return true
}

func prune(n any, v string) (any, bool) {
	switch x := n.(type) {
	case map[string]any:
		if !inVersion(x, v) {
			return nil, false
		}
		for k, child := range x {
			if strings.HasPrefix(k, "x-alloy") {
				continue
			}
			c, keep := prune(child, v)
			if !keep {
				delete(x, k)
				continue
			}
			x[k] = c
		}
		if req, ok := x["required"].([]any); ok {
			if props, ok := x["properties"].(map[string]any); ok {
				req = slices.DeleteFunc(req, func(r any) bool { _, ok := props[r.(string)]; return !ok })
				if len(req) == 0 {
					delete(x, "required")
				} else {
					x["required"] = req
				}
			}
		}
		return x, true
	case []any:
		out := x[:0]
		for _, child := range x {
			if c, keep := prune(child, v); keep {
				out = append(out, c)
			}
		}
		return out, true
	}
	return n, true
}

// Close makes every object schema of the document strict: an object with
// properties and no additionalProperties gets additionalProperties false, so
// that a property no page documents fails validation. Objects Alloy leaves
// open on purpose (x-alloy-open) stay open.
func Close(n any) {
	switch x := n.(type) {
	case map[string]any:
		props, has := x["properties"].(map[string]any)
		if has {
			if _, set := x["additionalProperties"]; !set {
				if _, open := x["x-alloy-open"]; !open {
					x["additionalProperties"] = false
				}
			}
			for _, p := range props {
				Close(p) // each value is a schema; the map itself is not
			}
		}
		for k, c := range x {
			if k != "properties" && !strings.HasPrefix(k, "x-alloy") {
				Close(c)
			}
		}
	case []any:
		for _, c := range x {
			Close(c)
		}
	}
}
