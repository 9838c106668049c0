package alloy_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/contract"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/unified"
)

// TestEveryDocumentedPropertyHasAGoField: for every operation whose Go
// method returns a value, every property the contract documents in the
// response (below x-alloy-go-root, the part the method returns) maps by
// its name to a field of the Go type, through its json tag or a name the
// field is documented to read too (wire:"..."). A field that keeps a
// documented structure as raw JSON does not count, nor does Raw.
func TestEveryDocumentedPropertyHasAGoField(t *testing.T) {
	for op, paths := range fieldFailures(t) {
		if _, known := knownFailure(op); known {
			continue
		}
		t.Errorf("%s: documented but no Go field: %s", op, strings.Join(paths, ", "))
	}
}

// fieldFailures returns, by operation, the documented property paths that
// have no Go field, on any version.
func fieldFailures(t *testing.T) map[string][]string {
	t.Helper()
	e := &walkEnv{c: mustClient(t), conns: map[string]string{}}
	e.u = unified.New(e.c)
	missing := map[string][]string{}
	for _, v := range ops.Versions {
		s := contract.MustLoad(v, false)
		for _, o := range ops.Operations {
			if !o.In(v) || o.Go == "-" {
				continue
			}
			m, ok := goMethod(e, o.Go)
			if !ok || m.Type().NumOut() < 2 {
				continue // no method (the walk reports it) or nothing returned
			}
			typ := m.Type().Out(0)
			sch := successSchema(s.Operation(o.ID))
			if sch == nil {
				continue
			}
			root, _ := s.Operation(o.ID).Extensions["x-alloy-go-root"].(string)
			consumed, _ := s.Operation(o.ID).Extensions["x-alloy-go-consumed"].([]any)
			sch = at(sch, root)
			for _, p := range missingFields(sch, typ, "") {
				if !slices.Contains(consumed, any(p)) && !slices.Contains(missing[o.ID], v+": "+p) {
					missing[o.ID] = append(missing[o.ID], v+": "+p)
				}
			}
		}
	}
	return missing
}

// TestFieldMapCatchesADroppedField: the check above names a property whose
// Go field is gone.
func TestFieldMapCatchesADroppedField(t *testing.T) {
	s := contract.MustLoad("2025-09", false)
	sch := at(successSchema(s.Operation("Users.Get")), "")
	type userWithoutFullName struct {
		ID       string `json:"userId"`
		Username string `json:"username"`
	}
	assert.Empty(t, missingFields(sch, reflect.TypeOf(alloy.User{}), ""), "the real type has every field")
	assert.Equal(t, []string{"fullName"}, missingFields(sch, reflect.TypeOf(userWithoutFullName{}), ""))
}

func mustClient(t *testing.T) *alloy.Client {
	c, err := alloy.NewClient("sk_test_fields", alloy.WithBaseURL("https://alloy.invalid"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// successSchema is the schema of an operation's first 2xx JSON response.
func successSchema(o *openapi3.Operation) *openapi3.Schema {
	for status, r := range o.Responses.Map() {
		if strings.HasPrefix(status, "2") && r.Value != nil {
			if c := r.Value.Content.Get("application/json"); c != nil && c.Schema != nil {
				return c.Schema.Value
			}
		}
	}
	return nil
}

// at follows a JSON pointer of property names into sch.
func at(sch *openapi3.Schema, pointer string) *openapi3.Schema {
	for _, name := range strings.Split(strings.Trim(pointer, "/"), "/") {
		if name == "" || sch == nil {
			continue
		}
		p, ok := sch.Properties[name]
		if !ok {
			return nil
		}
		sch = p.Value
	}
	return sch
}

var rawMessage = reflect.TypeOf(json.RawMessage(nil))

// missingFields returns the property paths of sch that typ has no field
// for.
func missingFields(sch *openapi3.Schema, typ reflect.Type, path string) []string {
	if sch == nil {
		return nil
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ.Kind() == reflect.Struct && strings.HasPrefix(typ.Name(), "Page[") {
		items, _ := typ.FieldByName("Items")
		typ = items.Type
	}
	if sch.Items != nil && (typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array) && typ != rawMessage {
		return missingFields(sch.Items.Value, typ.Elem(), path+"[]")
	}
	if len(sch.Properties) == 0 {
		return nil // a scalar, or an object Alloy leaves open
	}
	switch {
	case typ.Kind() == reflect.Map:
		return nil // any property lands in a map
	case typ.Kind() != reflect.Struct:
		// raw JSON, any, a string: the documented structure is not typed
		var out []string
		for name := range sch.Properties {
			out = append(out, join(path, name))
		}
		return sorted(out)
	}
	fields := jsonFields(typ)
	var out []string
	for name, p := range sch.Properties {
		f, ok := fields[name]
		if !ok {
			out = append(out, join(path, name))
			continue
		}
		out = append(out, missingFields(p.Value, f.Type, join(path, name))...)
	}
	return sorted(out)
}

// jsonFields maps the wire names of typ's fields (json tags, promoted
// fields of embedded structs, and the other names a field reads, from its
// wire tag) to the fields.
func jsonFields(typ reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() || f.Name == "Raw" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out[name] = f
		for _, alias := range strings.Split(f.Tag.Get("wire"), ",") {
			if alias != "" {
				out[alias] = f
			}
		}
	}
	return out
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func sorted(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
