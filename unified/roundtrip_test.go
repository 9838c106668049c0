package unified_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/testharness"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/internal/contract"
	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/unified"
)

// TestRoundTripOfFullyPopulatedRecordsThroughTheSDK: on every version, an
// order, a CRM contact and an accounting invoice are built with every
// documented writable property set (nested ones and remoteFields too),
// decoded into the SDK's Go model, created with the SDK on alloytest, and
// read back with the SDK. Every documented property of the record read
// back is present and non-null, every one sent comes back equal, and the
// Go value read back equals the one sent but for what Alloy sets.
func TestRoundTripOfFullyPopulatedRecordsThroughTheSDK(t *testing.T) {
	t.Parallel()
	for _, v := range ops.Versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := alloytest.NewServer()
			t.Cleanup(srv.Close)
			c := srv.Client(alloy.WithAPIVersion(v))
			ctx := context.Background()
			user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "roundtrip@example.com"})
			require.NoError(t, err)
			u, err := unified.New(c)
			require.NoError(t, err)
			conn := func(app string) string {
				id, err := srv.Connect(user.ID, app)
				require.NoError(t, err)
				return id
			}
			shop, crm, books := conn("shopify"), conn("hubspot"), conn("netsuite")

			roundTrip(t, v, "unified.Commerce.Orders",
				func(o *unified.Order) (*unified.Order, error) { return u.Commerce.Orders.Create(ctx, shop, o) },
				func(id string) (*unified.Order, error) { return u.Commerce.Orders.Get(ctx, shop, id) },
				func(o *unified.Order) *unified.Record { return &o.Record })
			roundTrip(t, v, "unified.CRM.Contacts",
				func(o *unified.Contact) (*unified.Contact, error) { return u.CRM.Contacts.Create(ctx, crm, o) },
				func(id string) (*unified.Contact, error) { return u.CRM.Contacts.Get(ctx, crm, id) },
				func(o *unified.Contact) *unified.Record { return &o.Record })
			roundTrip(t, v, "unified.Accounting.Invoices",
				func(o *unified.Invoice) (*unified.Invoice, error) { return u.Accounting.Invoices.Create(ctx, books, o) },
				func(id string) (*unified.Invoice, error) { return u.Accounting.Invoices.Get(ctx, books, id) },
				func(o *unified.Invoice) *unified.Record { return &o.Record })
		})
	}
}

// roundTrip creates a fully populated T through create, reads it back
// through get, and checks what came back.
func roundTrip[T any](t *testing.T, version, op string, create func(*T) (*T, error), get func(string) (*T, error), record func(*T) *unified.Record) {
	t.Helper()
	spec := contract.MustLoad(version, false)
	sent := requestSchema(t, spec, op+".Create")
	served := responseModel(t, spec, op+".Get")

	full := map[string]any{}
	for name, p := range sent.Properties {
		if !p.Value.ReadOnly {
			full[name] = contract.FullValue(p.Value, name)
		}
	}
	raw, err := json.Marshal(full)
	require.NoError(t, err)
	want := new(T)
	require.NoError(t, json.Unmarshal(raw, want), "the Go model reads the fully populated record")

	created, err := create(want)
	require.NoError(t, err, "%s.Create on %s", op, version)
	id := record(created).ID
	require.NotEmpty(t, id)
	got, err := get(id)
	require.NoError(t, err)

	var back map[string]any
	require.NoError(t, json.Unmarshal(record(got).Raw, &back))
	documented := 0
	for name, p := range served.Properties {
		if writeOnly(p.Value) {
			continue
		}
		documented++
		if assert.Contains(t, back, name, "%s on %s", op, version) {
			assert.Empty(t, testharness.NullPaths(back[name], name), "%s on %s: every documented property is set", op, version)
		}
		if value, ok := full[name]; ok {
			assert.Equal(t, testharness.Normal(t, value), testharness.Normal(t, back[name]), "%s.%s on %s comes back as sent", op, name, version)
		}
	}

	// The Go value read back is the one sent, but for what Alloy sets.
	gotRec, wantRec := record(got), record(want)
	assert.NotEmpty(t, gotRec.RemoteID)
	*gotRec = unified.Record{RemoteFields: wantRec.RemoteFields}
	*wantRec = unified.Record{RemoteFields: wantRec.RemoteFields}
	assert.Equal(t, want, got, "%s on %s: the Go value read back", op, version)
	t.Logf("%s on %s: %d documented properties read back, %d sent", op, version, documented, len(full))
}

func requestSchema(t *testing.T, spec *contract.Spec, id string) *openapi3.Schema {
	t.Helper()
	o := spec.Operation(id)
	require.NotNil(t, o, id)
	return contract.Flat(o.RequestBody.Value.Content["application/json"].Schema.Value)
}

// responseModel is the record a get answers, below its envelope's only
// property.
func responseModel(t *testing.T, spec *contract.Spec, id string) *openapi3.Schema {
	t.Helper()
	o := spec.Operation(id)
	require.NotNil(t, o, id)
	body := contract.Flat(o.Responses.Status(200).Value.Content["application/json"].Schema.Value)
	require.Len(t, body.Properties, 1, "%s answers {<model>: record}", id)
	for _, p := range body.Properties {
		return contract.Flat(p.Value)
	}
	return nil
}

func writeOnly(s *openapi3.Schema) bool {
	wo, _ := s.Extensions["x-alloy-write-only"].(bool)
	return s.WriteOnly || wo
}
