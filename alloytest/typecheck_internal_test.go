package alloytest

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	exportsOnce sync.Once
	exports     map[string]string
	exportsErr  error
)

// exportData maps the import path of alloytest, alloy and unified, and of
// every package they need, to its compiler export data, which `go list
// -export` builds (from the build cache, once per test binary).
func exportData(t *testing.T) map[string]string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	exportsOnce.Do(func() {
		cmd := exec.Command(gobin, append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", thisImportPath}, sdkPackages...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			exportsErr = fmt.Errorf("go list: %v: %s", err, stderr.String())
			return
		}
		exports = map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if path, file, ok := strings.Cut(line, "\t"); ok && file != "" {
				exports[path] = file
			}
		}
	})
	if exportsErr != nil {
		t.Fatal(exportsErr)
	}
	return exports
}

// exportImporter imports packages from export data (see exportData).
func exportImporter(fset *token.FileSet, exports map[string]string) types.Importer {
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, os.ErrNotExist
		}
		return os.Open(f)
	})
}

// checkedSource is this package's non-test source, parsed and type-checked.
type checkedSource struct {
	fset  *token.FileSet
	files []*ast.File
	info  *types.Info
}

var (
	sourceOnce sync.Once
	source     checkedSource
	sourceErr  error
)

// thisPackage parses and type-checks the package's non-test files, once
// per test binary.
func thisPackage(t *testing.T) checkedSource {
	t.Helper()
	exports := exportData(t)
	sourceOnce.Do(func() {
		fset := token.NewFileSet()
		names, err := filepath.Glob("*.go")
		if err != nil {
			sourceErr = err
			return
		}
		var files []*ast.File
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
			if err != nil {
				sourceErr = err
				return
			}
			files = append(files, f)
		}
		info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}, Uses: map[*ast.Ident]types.Object{}}
		conf := types.Config{Importer: exportImporter(fset, exports)}
		if _, err := conf.Check("github.com/alloysdk/alloy-go/alloytest", fset, files, info); err != nil {
			sourceErr = err
			return
		}
		source = checkedSource{fset, files, info}
	})
	if sourceErr != nil {
		t.Fatal(sourceErr)
	}
	return source
}
