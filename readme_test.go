package alloy_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/require"
)

// readmeGoBlocks returns the ```go blocks of README.md.
func readmeGoBlocks(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	re := regexp.MustCompile("(?s)```go\n(.*?)```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1])
	}
	return out
}

// snippetImports are the packages a README snippet may use, by qualifier.
var snippetImports = map[string]string{
	"alloy": "alloy github.com/alloysdk/alloy-go", "alloytest": "github.com/alloysdk/alloy-go/alloytest",
	"context": "context", "errors": "errors", "fmt": "fmt", "log": "log", "slog": "log/slog",
	"time": "time", "testing": "testing", "http": "net/http", "os": "os",
}

// TestReadmeSnippetsCompileAndRun keeps the README true: the full program in
// it is built and run against alloytest; every other snippet is compiled
// inside a function that declares the variables snippets assume (ctx, c,
// userID, ...). "declared and not used" is the only error tolerated, as
// fragments show calls without using every result.
func TestReadmeSnippetsCompileAndRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	blocks := readmeGoBlocks(t)
	require.GreaterOrEqual(t, len(blocks), 4, "README snippets")
	dir := t.TempDir()

	var programs, decls, bodies []string
	for _, b := range blocks {
		switch {
		case strings.HasPrefix(b, "package main"):
			programs = append(programs, b)
		case strings.HasPrefix(b, "func "):
			decls = append(decls, b)
		default:
			bodies = append(bodies, b)
		}
	}
	require.Len(t, programs, 1, "the quick start")

	// Fragments: one package, one function per body snippet.
	var src strings.Builder
	all := strings.Join(append(decls, bodies...), "\n")
	src.WriteString("package snippets\n\nimport (\n")
	for q, path := range snippetImports {
		if q == "alloy" || q == "context" || strings.Contains(all, q+".") {
			fmt.Fprintf(&src, "\t%s\n", quoteImport(path))
		}
	}
	src.WriteString(")\n\n")
	for _, d := range decls {
		src.WriteString(d + "\n")
	}
	for i, b := range bodies {
		fmt.Fprintf(&src, "func snippet%d(ctx context.Context, c *alloy.Client, apiKey, userID, id, traceID string, params alloy.UserCreateParams) error {\n%s\treturn nil\n}\n\n", i, b)
	}
	frag := filepath.Join(dir, "snippets.go")
	require.NoError(t, os.WriteFile(frag, []byte(src.String()), 0o600))
	out, _ := exec.Command(gobin, "build", "-o", os.DevNull, frag).CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && line != "# command-line-arguments" && !strings.Contains(line, "declared and not used") {
			t.Errorf("README snippet does not compile: %s\n--- source ---\n%s", line, src.String())
		}
	}

	// The quick start: build and run it against alloytest.
	prog := filepath.Join(dir, "quickstart", "main.go")
	require.NoError(t, os.MkdirAll(filepath.Dir(prog), 0o700))
	require.NoError(t, os.WriteFile(prog, []byte(programs[0]), 0o600))
	srv := alloytest.NewServer()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, gobin, "run", prog)
	cmd.Env = append(os.Environ(), "ALLOY_API_KEY="+srv.APIKey, "ALLOY_BASE_URL="+srv.URL,
		"ALLOY_ENVIRONMENT=", "ALLOY_API_VERSION=", "ALLOY_REGION=")
	runOut, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", runOut)
	require.Regexp(t, `(?m)^created [0-9a-f]{24}\ntoken expires at 20\d\d-`, string(runOut))
	require.NotContains(t, string(runOut), "eyJ", "the quick start must not print the JWT")
	require.Empty(t, srv.Users(), "the quick start deletes its user")
}

func quoteImport(spec string) string {
	if name, path, ok := strings.Cut(spec, " "); ok {
		return name + " " + fmt.Sprintf("%q", path)
	}
	return fmt.Sprintf("%q", spec)
}
