package alloyotel_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	// The README's program exports with these; importing them here keeps
	// them in go.mod, so that the program builds in this module.
	_ "go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	_ "go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
)

// TestReadmeOtelProgramRuns keeps the root README's OpenTelemetry example
// true: each ```go otel block (the root module's README test compiles only
// ```go blocks, and this one needs this module) is built as a program in
// this module and run against alloytest, through the environment
// NewClientFromEnv reads. It must print the call's span, its attempt's
// span and the metrics, and send a traceparent.
func TestReadmeOtelProgramRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go otel\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	require.NotEmpty(t, blocks, "README.md has a ```go otel block")

	for i, b := range blocks {
		src := b[1]
		require.True(t, strings.HasPrefix(src, "package main\n"), "block %d is a whole program", i)
		prog := filepath.Join(t.TempDir(), "main.go")
		require.NoError(t, os.WriteFile(prog, []byte(src), 0o600))

		srv := alloytest.NewServer()
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, gobin, "run", prog)
		cmd.Env = append(os.Environ(), "ALLOY_API_KEY="+srv.APIKey, "ALLOY_BASE_URL="+srv.URL,
			"ALLOY_ENVIRONMENT=", "ALLOY_API_VERSION=", "ALLOY_REGION=")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "the README's OpenTelemetry program must build and run:\n%s\n--- source ---\n%s", out, src)

		text := string(out)
		for _, name := range []string{"sync tenants", "Users.List", "GET /users",
			"alloy.client.call.duration", "alloy.client.call.retries", "http.client.request.duration"} {
			assert.Regexp(t, `"Name":\s*"`+regexp.QuoteMeta(name)+`"`, text, "block %d records %s", i, name)
		}
		assert.NotContains(t, text, srv.APIKey)
		reqs := srv.Requests()
		require.NotEmpty(t, reqs)
		assert.Regexp(t, traceparent, reqs[len(reqs)-1].Header.Get("Traceparent"), "block %d sends a traceparent", i)
	}
}
