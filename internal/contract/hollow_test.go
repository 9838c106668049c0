package contract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

// TestResponsesAreClosedInStrictMode: in strict form, every 2xx response
// of every operation is an object that names at least one property and
// allows no other, unless the contract records why it stays open
// (x-alloy-open: a provider's answer passed through, a page that shows no
// shape).
func TestResponsesAreClosedInStrictMode(t *testing.T) {
	for _, v := range ops.Versions {
		s := MustLoad(v, true)
		for _, id := range s.OperationIDs() {
			for status, ref := range s.Operation(id).Responses.Map() {
				if !strings.HasPrefix(status, "2") {
					continue
				}
				sch := ref.Value.Content.Get("application/json").Schema.Value
				if open, ok := sch.Extensions["x-alloy-open"].(string); ok && open != "" {
					continue
				}
				if len(sch.AnyOf) > 0 {
					for _, alt := range sch.AnyOf {
						assertClosed(t, v, id, alt.Value)
					}
					continue
				}
				assertClosed(t, v, id, sch)
			}
		}
	}
}

func assertClosed(t *testing.T, v, id string, sch *openapi3.Schema) {
	t.Helper()
	assert.NotEmpty(t, sch.Properties, "%s on %s: a response schema names at least one property", id, v)
	ap := sch.AdditionalProperties
	assert.True(t, ap.Has != nil && !*ap.Has, "%s on %s: the response schema is closed in strict mode", id, v)
}

// TestEveryReferenceRouteAndModelPropertyIsInTheContract: every route of
// the earlier compilation (src/endpoints.json) is an operation of the
// contract or is recorded with a reason, and every property of every model
// of src/uapi-models.json is in its component schema, or the model is
// recorded with a reason.
func TestEveryReferenceRouteAndModelPropertyIsInTheContract(t *testing.T) {
	var doc struct {
		Paths       map[string]map[string]json.RawMessage  `json:"paths"`
		NotIncluded []struct{ Route, Name, Reason string } `json:"x-alloy-not-included"`
		ModelsOut   map[string]string                      `json:"x-alloy-models-not-included"`
		Components  struct {
			Schemas map[string]struct {
				Model      string                     `json:"x-alloy-model"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(JSON, &doc))
	routes := map[string]bool{}
	for path, item := range doc.Paths {
		for m := range item {
			routes[strings.ToUpper(m)+" "+path] = true
		}
	}
	for _, n := range doc.NotIncluded {
		assert.NotEmpty(t, n.Reason, n.Route)
		routes[n.Route] = true
	}
	var endpoints []struct{ Method, Path, Name string }
	readSrc(t, "endpoints.json", &endpoints)
	for _, e := range endpoints {
		assert.True(t, routes[e.Method+" "+strings.TrimSuffix(e.Path, "/")], "endpoints.json %s %s (%s) is not in the contract", e.Method, e.Path, e.Name)
	}

	var models map[string]struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	readSrc(t, "uapi-models.json", &models)
	byModel := map[string]map[string]json.RawMessage{}
	for _, sch := range doc.Components.Schemas {
		if sch.Model != "" {
			byModel[sch.Model] = sch.Properties
		}
	}
	var keys []string
	for k := range models {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if key == "_meta" {
			continue
		}
		props, ok := byModel[key]
		if !ok {
			assert.NotEmpty(t, doc.ModelsOut[key], "uapi-models.json %s has no schema and no recorded reason", key)
			continue
		}
		for name := range models[key].Properties {
			if name == "..." {
				continue
			}
			assert.Contains(t, props, name, "%s.%s is documented but not in the contract", key, name)
		}
	}
}

func readSrc(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("src", name))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}

// TestGeneratedFilesAreCurrent: openapi.json and ops/ops_gen.go are what
// the generator writes from src/ now; edit the generator or src/, then run
// go generate ./internal/contract/ops.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "ops"), 0o755))
	require.NoError(t, os.Symlink(must(filepath.Abs("src")), filepath.Join(dir, "src")))
	out, err := runGen(dir)
	require.NoError(t, err, "%s", out)
	for _, f := range []string{"openapi.json", filepath.Join("ops", "ops_gen.go")} {
		want, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		got, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.True(t, string(want) == string(got), "%s is not what the generator writes: run go generate ./internal/contract/ops", f)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
