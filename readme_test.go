package alloy_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
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
	"time": "time", "testing": "testing", "http": "net/http", "os": "os", "url": "net/url", "json": "encoding/json",
	"unified": "github.com/alloysdk/alloy-go/unified", "webhook": "github.com/alloysdk/alloy-go/webhook",
}

// TestReadmeSnippetsCompileAndRun keeps the README true. The full program
// in it is built and run against alloytest. Every other snippet becomes a
// function of one generated program that declares the variables snippets
// assume (ctx, c, userID, ...), blank-uses what the snippet declares but
// does not use, and runs each function against its own fresh alloytest
// server holding a user with an installed workflow, a credential for every
// key-based app, and Unified API connections to a shop (conn) and to books
// (books). A fragment that leaves an error in a top-level err returns it. A snippet that does not
// compile, or returns an error, fails the test.
func TestReadmeSnippetsCompileAndRun(t *testing.T) {
	t.Parallel()
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

	var programs, tests, decls, bodies []string
	for _, b := range blocks {
		switch {
		case strings.HasPrefix(b, "package main"):
			programs = append(programs, b)
		case strings.HasPrefix(b, "func Test"):
			tests = append(tests, b)
		case strings.HasPrefix(b, "func "):
			decls = append(decls, b)
		default:
			bodies = append(bodies, b)
		}
	}
	require.Len(t, programs, 1, "the quick start")

	src := snippetProgram(t, decls, bodies)
	frag := filepath.Join(dir, "snippets", "main.go")
	require.NoError(t, os.MkdirAll(filepath.Dir(frag), 0o700))
	require.NoError(t, os.WriteFile(frag, []byte(src), 0o600))
	out, err := exec.Command(gobin, "run", frag).CombinedOutput()
	require.NoError(t, err, "README snippets must compile and run:\n%s\n--- source ---\n%s", out, src)
	for i := range bodies {
		assert.Contains(t, string(out), fmt.Sprintf("snippet %d ok\n", i))
	}

	// The tests (alloytest's section): run them with go test, each must pass.
	require.NotEmpty(t, tests, "the README shows tests on alloytest")
	testFile := filepath.Join(dir, "readmetests", "readme_test.go")
	require.NoError(t, os.MkdirAll(filepath.Dir(testFile), 0o700))
	testSrc := snippetTestFile(tests)
	require.NoError(t, os.WriteFile(testFile, []byte(testSrc), 0o600))
	out, err = exec.Command(gobin, "test", "-count=1", "-v", testFile).CombinedOutput()
	require.NoError(t, err, "README tests must pass:\n%s\n--- source ---\n%s", out, testSrc)
	for _, name := range regexp.MustCompile(`(?m)^func (Test\w+)`).FindAllStringSubmatch(strings.Join(tests, "\n"), -1) {
		assert.Contains(t, string(out), "--- PASS: "+name[1]+" ", "README test %s ran and passed", name[1])
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

// snippetTestFile builds the test file of the README's tests.
func snippetTestFile(tests []string) string {
	var src strings.Builder
	all := strings.Join(tests, "\n")
	src.WriteString("package readme\n\nimport (\n")
	for q, path := range snippetImports {
		if strings.Contains(all, q+".") {
			fmt.Fprintf(&src, "\t%s\n", quoteImport(path))
		}
	}
	src.WriteString(")\n\n")
	src.WriteString(all)
	return src.String()
}

// snippetProgram builds the program that runs the README's fragments.
func snippetProgram(t *testing.T, decls, bodies []string) string {
	var src strings.Builder
	all := strings.Join(append(decls, bodies...), "\n")
	src.WriteString("package main\n\nimport (\n\t\"os\"\n")
	for q, path := range snippetImports {
		if q == "alloy" || q == "context" || q == "alloytest" || q == "fmt" || (q != "os" && strings.Contains(all, q+".")) {
			fmt.Fprintf(&src, "\t%s\n", quoteImport(path))
		}
	}
	src.WriteString(")\n\n")
	for _, d := range decls {
		src.WriteString(d + "\n")
	}
	for i, b := range bodies {
		fmt.Fprintf(&src, "func snippet%d(%s) error {\n%s", i, snippetParams, b)
		result := "nil"
		for _, name := range declaredNames(t, b) {
			fmt.Fprintf(&src, "\t_ = %s\n", name)
			if name == "err" {
				result = "err" // a fragment's last unchecked error still fails the run
			}
		}
		fmt.Fprintf(&src, "\treturn %s\n}\n\n", result)
	}
	src.WriteString(snippetMain)
	src.WriteString("var snippets = []snippet{")
	for i := range bodies {
		fmt.Fprintf(&src, "snippet%d, ", i)
	}
	src.WriteString("}\n")
	return src.String()
}

// snippetParams are the variables a README fragment may use.
const snippetParams = "ctx context.Context, c *alloy.Client, apiKey, userID, id, traceID string, params alloy.UserCreateParams, workflowID, integrationID, conn, books string"

const snippetMain = `type snippet func(` + snippetParams + `) error

func main() {
	integration := alloytest.DefaultIntegrations()[0]
	for i, run := range snippets {
		srv := alloytest.NewServer()
		c := srv.Client()
		ctx := context.Background()
		u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "readme@example.com", FullName: "Readme Tenant"})
		if err == nil {
			err = srv.InstallWorkflow(u.ID, integration.Workflows[0].ID)
		}
		var conn, books string // connections to a shop and to books, with sample data
		if err == nil {
			conn, err = srv.Connect(u.ID, "shopify")
		}
		if err == nil {
			books, err = srv.Connect(u.ID, "netsuite") // also the user's netsuite credential
		}
		for _, app := range alloytest.DefaultApps() { // the other credentials the integration needs
			if err == nil && !app.OAuth && app.Name != "netsuite" {
				data := map[string]any{}
				for _, p := range app.Properties {
					data[p.Name] = "readme"
				}
				_, err = c.Credentials.Create(ctx, u.ID, alloy.CredentialCreateParams{Type: app.Name, Data: data})
			}
		}
		if err == nil {
			err = run(ctx, c, srv.APIKey, u.ID, u.ID, "trace-1", alloy.UserCreateParams{Username: "new@example.com"}, integration.Workflows[0].ID, integration.ID, conn, books)
		}
		srv.Close()
		if err != nil {
			fmt.Printf("snippet %d: %v\n", i, err)
			os.Exit(1)
		}
		fmt.Printf("snippet %d ok\n", i)
	}
}
`

// declaredNames returns the names a fragment declares at its top level, so
// that the generated function can blank-use them: README fragments show
// calls without using every result.
func declaredNames(t *testing.T, body string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc f() {\n"+body+"\n}", 0)
	require.NoError(t, err, "README fragment does not parse:\n%s", body)
	var names []string
	seen := map[string]bool{"_": true}
	for _, p := range strings.Split(snippetParams, ",") { // the parameters are used already
		seen[strings.Fields(p)[0]] = true
	}
	add := func(id *ast.Ident) {
		if !seen[id.Name] {
			seen[id.Name] = true
			names = append(names, id.Name)
		}
	}
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, e := range st.Lhs {
					add(e.(*ast.Ident))
				}
			}
		case *ast.DeclStmt:
			for _, spec := range st.Decl.(*ast.GenDecl).Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok {
					for _, id := range vs.Names {
						add(id)
					}
				}
			}
		}
	}
	return names
}

// TestReadmeGoFloorIsGoMod: the Go version the README asks for is the
// module's go line.
func TestReadmeGoFloorIsGoMod(t *testing.T) {
	t.Parallel()
	mod, err := os.ReadFile("go.mod")
	require.NoError(t, err)
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)(?:\.\d+)?$`).FindSubmatch(mod)
	require.NotNil(t, goLine, "go.mod has a go line")
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	floor := regexp.MustCompile(`Go (\d+\.\d+) or later`).FindSubmatch(readme)
	require.NotNil(t, floor, "the README states the minimum Go version")
	assert.Equal(t, string(goLine[1]), string(floor[1]))
}

// TestReadmePathsExist: every relative link of README.md, CONTRIBUTING.md,
// BENCHMARKS.md and CHANGELOG.md, and every repository path they name in
// backquotes (./examples/quickstart, cmd/alloy/testdata/seed.json,
// internal/apisurface/exported.txt, ...), exists.
func TestReadmePathsExist(t *testing.T) {
	t.Parallel()
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	code := regexp.MustCompile("`(\\.?/?(?:examples|cmd|internal|alloytest|unified|webhook|otel|scripts|testdata|\\.ci)/[^`\\s]*)`")
	checked := 0
	for _, doc := range []string{"README.md", "CONTRIBUTING.md", "BENCHMARKS.md", "CHANGELOG.md"} {
		b, err := os.ReadFile(doc)
		require.NoError(t, err)
		var paths []string
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			if !strings.Contains(m[1], "://") && !strings.HasPrefix(m[1], "mailto:") {
				paths = append(paths, m[1])
			}
		}
		for _, m := range code.FindAllStringSubmatch(string(b), -1) {
			p := strings.TrimRight(m[1], ".,;:")
			if strings.ContainsAny(p, "*{}<>$") || strings.Contains(p, "...") || strings.Contains(p, "vX.Y") {
				continue // a pattern or a placeholder, not a path
			}
			paths = append(paths, p)
		}
		for _, p := range paths {
			checked++
			_, err := os.Stat(filepath.FromSlash(strings.TrimPrefix(p, "./")))
			assert.NoError(t, err, "%s names %s", doc, p)
		}
	}
	assert.Greater(t, checked, 10)
}
