package alloy_test

import (
	"encoding/json"
	"fmt"
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
	t.Parallel()
	for op, paths := range fieldFailures(t) {
		t.Errorf("%s: documented but no Go field: %s", op, strings.Join(paths, ", "))
	}
}

// fieldFailures returns, by operation, the documented property paths that
// have no Go field, on any version.
func fieldFailures(t *testing.T) map[string][]string {
	t.Helper()
	e := &walkEnv{c: mustClient(t), conns: map[string]string{}}
	e.u = mustUnified(t, e.c)
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
	t.Parallel()
	s := contract.MustLoad("2025-09", false)
	sch := at(successSchema(s.Operation("Users.Get")), "")
	type userWithoutFullName struct {
		ID       string `json:"userId"`
		Username string `json:"username"`
	}
	assert.Empty(t, missingFields(sch, reflect.TypeOf(alloy.User{}), ""), "the real type has every field")
	assert.Equal(t, []string{"fullName"}, missingFields(sch, reflect.TypeOf(userWithoutFullName{}), ""))

	// A nested object that may be null (allOf [$ref]) is checked too.
	order := at(successSchema(contract.MustLoad("2024-03", false).Operation("unified.Commerce.Orders.Get")), "/order")
	type customerWithoutID struct {
		FirstName string `json:"firstName"`
		LastName  string `json:"lastName"`
		Phone     string `json:"phone"`
		Email     string `json:"email"`
	}
	type orderWithoutCustomerID struct {
		unified.Order
		Customer *customerWithoutID `json:"customer"`
	}
	assert.Empty(t, missingFields(order, reflect.TypeOf(unified.Order{}), ""))
	assert.Equal(t, []string{"customer.customerId"}, missingFields(order, reflect.TypeOf(orderWithoutCustomerID{}), ""))
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
	props := properties(sch)
	if len(props) == 0 {
		return nil // a scalar, or an object Alloy leaves open
	}
	switch {
	case typ.Kind() == reflect.Map:
		return nil // any property lands in a map
	case typ.Kind() != reflect.Struct:
		// raw JSON, any, a string: the documented structure is not typed
		var out []string
		for name := range props {
			out = append(out, join(path, name))
		}
		return sorted(out)
	}
	fields := jsonFields(typ)
	var out []string
	for name, p := range props {
		f, ok := fields[name]
		if !ok {
			out = append(out, join(path, name))
			continue
		}
		out = append(out, missingFields(p.Value, f.Type, join(path, name))...)
	}
	return sorted(out)
}

// properties are the properties of sch, with those of the schemas it is
// allOf (a nested object the contract lets be null is allOf [$ref]).
func properties(sch *openapi3.Schema) openapi3.Schemas {
	if len(sch.AllOf) == 0 {
		return sch.Properties
	}
	out := openapi3.Schemas{}
	for name, p := range sch.Properties {
		out[name] = p
	}
	for _, part := range sch.AllOf {
		for name, p := range properties(part.Value) {
			out[name] = p
		}
	}
	return out
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

// TestUnifiedWireTypesAreTheContracts: a Unified field is sent in the JSON
// type the contract gives its property. An amount (x-alloy-decimal) is a
// unified.Decimal, tagged decimal:"string" exactly where the contract types
// it string, and every Decimal field is such an amount; a unified.Date is a
// format date property and back; a unified.Code is a number. A struct with a
// decimal:"string" field encodes through its own MarshalJSON (else the tag
// would do nothing), one with a wire:"..." field decodes through its own
// UnmarshalJSON.
func TestUnifiedWireTypesAreTheContracts(t *testing.T) {
	t.Parallel()
	e := &walkEnv{c: mustClient(t), conns: map[string]string{}}
	e.u = mustUnified(t, e.c)
	checked := 0
	for _, v := range ops.Versions {
		s := contract.MustLoad(v, false)
		for _, o := range ops.Operations {
			if !o.In(v) || !strings.HasPrefix(o.Go, "unified.") {
				continue
			}
			m, ok := goMethod(e, o.Go)
			if !ok || m.Type().NumOut() < 2 {
				continue
			}
			sch := successSchema(s.Operation(o.ID))
			if sch == nil {
				continue
			}
			root, _ := s.Operation(o.ID).Extensions["x-alloy-go-root"].(string)
			for _, msg := range wireMismatches(at(sch, root), m.Type().Out(0), "", &checked) {
				t.Errorf("%s on %s: %s", o.ID, v, msg)
			}
		}
	}
	assert.Greater(t, checked, 100, "fields checked")
}

var (
	decimalType     = reflect.TypeOf(unified.Decimal(""))
	dateType        = reflect.TypeOf(unified.Date{})
	codeType        = reflect.TypeOf(unified.Code(""))
	marshalerType   = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
)

// wireMismatches walks sch and typ together (as missingFields does) and
// returns where a field's Go type would send another JSON type than the
// contract's; checked counts the fields compared.
func wireMismatches(sch *openapi3.Schema, typ reflect.Type, path string, checked *int) []string {
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
	if sch.Items != nil && typ.Kind() == reflect.Slice && typ != rawMessage {
		return wireMismatches(sch.Items.Value, typ.Elem(), path+"[]", checked)
	}
	props := properties(sch)
	if typ.Kind() != reflect.Struct || len(props) == 0 {
		return nil
	}
	var out []string
	quoted, aliased := false, false
	for i := 0; i < typ.NumField(); i++ {
		quoted = quoted || typ.Field(i).Tag.Get("decimal") == "string"
		aliased = aliased || typ.Field(i).Tag.Get("wire") != ""
	}
	if quoted && !typ.Implements(marshalerType) {
		out = append(out, fmt.Sprintf("%s: %s has decimal:\"string\" fields but no MarshalJSON of its own", path, typ))
	}
	if aliased && !reflect.PointerTo(typ).Implements(unmarshalerType) {
		out = append(out, fmt.Sprintf("%s: %s has wire:\"...\" fields but no UnmarshalJSON of its own", path, typ))
	}
	fields := jsonFields(typ)
	for name, p := range props {
		f, ok := fields[name]
		if !ok {
			continue // the field map reports it
		}
		*checked++
		ps, at := p.Value, join(path, name)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		wire, _ := ps.Extensions["x-alloy-decimal"].(string)
		tagged := f.Tag.Get("decimal") == "string"
		switch {
		case wire != "" && ft != decimalType:
			out = append(out, fmt.Sprintf("%s: an amount sent as %s, but the Go field is a %s", at, wire, ft))
		case wire == "" && ft == decimalType:
			out = append(out, fmt.Sprintf("%s: a unified.Decimal, but the contract's property is no amount (x-alloy-decimal)", at))
		case ft == decimalType && tagged != (wire == "string"):
			out = append(out, fmt.Sprintf("%s: the contract sends it as %s, the Go field's tag decimal:%q", at, wire, f.Tag.Get("decimal")))
		case (ft == dateType) != (ps.Format == "date"):
			out = append(out, fmt.Sprintf("%s: format %q, Go type %s", at, ps.Format, ft))
		case ft == codeType && !ps.Type.Is("number"):
			out = append(out, fmt.Sprintf("%s: a unified.Code, sent as a number, but the contract types it %v", at, ps.Type))
		}
		out = append(out, wireMismatches(ps, f.Type, at, checked)...)
	}
	return sorted(out)
}
