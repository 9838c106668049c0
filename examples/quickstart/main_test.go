package main

import (
	"context"
	"testing"
)

// TestQuickstartRunsOnAlloytest keeps the README's first command working:
// without a key the quickstart must complete against the in-process fake.
func TestQuickstartRunsOnAlloytest(t *testing.T) {
	for _, k := range []string{"ALLOY_API_KEY", "ALLOY_DEV_API_KEY", "ALLOY_PROD_API_KEY", "ALLOY_API_VERSION"} {
		t.Setenv(k, "")
	}
	if err := run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ALLOY_API_VERSION", "2024-03")
	if err := run(context.Background()); err != nil {
		t.Fatalf("path-versioned: %v", err)
	}
}
