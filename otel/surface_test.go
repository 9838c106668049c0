package alloyotel_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/alloysdk/alloy-go/internal/apisurface"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite exported.txt with the current surface")

// TestExportedSurfaceIsTheSnapshot fails when the package's exported API
// differs from exported.txt, as the SDK's own snapshot test does for its
// packages: a change to it comes with the snapshot's update (go test
// -run Surface . -update) and a CHANGELOG line. (The SDK's internal
// packages are importable here: this module's path is below the SDK's.)
func TestExportedSurfaceIsTheSnapshot(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, apisurface.Write(&buf, ".", []string{"github.com/alloysdk/alloy-go/otel"}))
	if *update {
		require.NoError(t, os.WriteFile("exported.txt", buf.Bytes(), 0o644))
		return
	}
	want, err := os.ReadFile("exported.txt")
	require.NoError(t, err)
	assert.Equal(t, string(want), buf.String(), "the exported API differs from exported.txt; if intended, run go test -run Surface . -update")
}
