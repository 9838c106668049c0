package main

import (
	"context"
	"testing"
)

// TestUnifiedRunsOnAlloytest runs the example on the fake, in both paging
// styles (cursor on 2023-12, page numbers on 2024-03) and on 2025-09.
func TestUnifiedRunsOnAlloytest(t *testing.T) {
	t.Setenv("ALLOY_API_KEY", "")
	for _, v := range []string{"", "2023-12", "2025-09"} {
		t.Setenv("ALLOY_API_VERSION", v)
		if err := run(context.Background()); err != nil {
			t.Fatalf("version %q: %v", v, err)
		}
	}
}
