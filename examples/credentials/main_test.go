package main

import (
	"context"
	"testing"
)

// TestCredentialsExampleRunsOnAlloytest keeps `go run ./examples/credentials`
// working on every API version style.
func TestCredentialsExampleRunsOnAlloytest(t *testing.T) {
	for _, k := range []string{"ALLOY_API_KEY", "ALLOY_DEV_API_KEY", "ALLOY_PROD_API_KEY"} {
		t.Setenv(k, "")
	}
	for _, v := range []string{"", "2024-03", "2023-12"} {
		t.Setenv("ALLOY_API_VERSION", v)
		if err := run(context.Background()); err != nil {
			t.Fatalf("version %q: %v", v, err)
		}
	}
}
