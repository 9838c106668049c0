package alloytest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSamplesAreHandTuned: every property the contract documents for a
// model, at any depth, takes a hand-tuned value in the sample records. A
// property the contract gains is filled by the generator (so the records
// stay complete) and named here until handSamples gives it a realistic
// value.
func TestSamplesAreHandTuned(t *testing.T) {
	samples()
	for _, c := range collections {
		assert.NotEmpty(t, sampleCache.records[c.path], "%s has sample records", c.path)
		assert.Empty(t, sampleCache.generated[c.path], "%s: generated from the contract, not tuned in handSamples: %s",
			c.path, strings.Join(sampleCache.generated[c.path], ", "))
	}
}

// TestSampleGeneratorFillsWhatTheHandDataLacks: a property without a
// hand-tuned value gets one from the contract's examples, enums and types,
// and is reported.
func TestSampleGeneratorFillsWhatTheHandDataLacks(t *testing.T) {
	var orders *collection
	for i := range collections {
		if collections[i].path == "commerce/orders" {
			orders = &collections[i]
		}
	}
	u := orders.union()
	g := &generator{}
	got := map[string]any{}
	for _, name := range []string{"currency", "orderNumber", "lineItems", "totalPrice", "customer"} {
		got[name] = g.fill(u.Properties[name].Value, nil, name)
	}
	assert.Equal(t, "USD", got["currency"], "the example in the contract's note")
	assert.Equal(t, "1001", got["orderNumber"])
	assert.NotEmpty(t, got["lineItems"])
	assert.NotNil(t, got["totalPrice"])
	for _, name := range []string{"currency", "orderNumber", "lineItems", "totalPrice", "customer"} {
		assert.Contains(t, g.generated, name)
	}
	for name, v := range got {
		assert.True(t, fits(u.Properties[name].Value, v), "%s fits its schema", name)
	}

	// a hand-tuned value that fits is kept; alternatives pick the first
	// that fits as it is
	g = &generator{}
	assert.Equal(t, "EUR", g.fill(u.Properties["currency"].Value, "EUR", "currency"))
	assert.Empty(t, g.generated)
	var variants *collection
	for i := range collections {
		if collections[i].path == "commerce/products/{productId}/variants" {
			variants = &collections[i]
		}
	}
	weight := variants.union().Properties["weight"].Value
	got["weight"] = g.fill(weight, alts{map[string]any{"value": 0.4, "unit": "kg"}, 0.4}, "weight")
	assert.True(t, fits(weight, got["weight"]))
	assert.Empty(t, g.generated)
}
