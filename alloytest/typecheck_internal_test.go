package alloytest

import (
	"bytes"
	"errors"
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

// exportData maps the import path of alloytest, alloy and unified, and of
// every package they need, to its compiler export data, which `go list
// -export` builds (from the build cache, once per test binary).
func exportData(t *testing.T) map[string]string {
	t.Helper()
	exports, err := loadExports()
	if errors.Is(err, errNoGo) {
		t.Skip("no go command")
	}
	if err != nil {
		t.Fatal(err)
	}
	return exports
}

var errNoGo = errors.New("no go command")

// loadExports runs go list once per test binary.
var loadExports = sync.OnceValues(func() (map[string]string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, errNoGo
	}
	cmd := exec.Command(gobin, append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", thisImportPath}, sdkPackages...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v: %s", err, stderr.String())
	}
	exports := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(line, "\t"); ok && file != "" {
			exports[path] = file
		}
	}
	return exports, nil
})

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

// thisPackage parses and type-checks the package's non-test files, once
// per test binary.
func thisPackage(t *testing.T) checkedSource {
	t.Helper()
	exportData(t) // skips the test without a go command
	src, err := loadSource()
	if err != nil {
		t.Fatal(err)
	}
	return src
}

var loadSource = sync.OnceValues(func() (checkedSource, error) {
	exports, err := loadExports()
	if err != nil {
		return checkedSource{}, err
	}
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		return checkedSource{}, err
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return checkedSource{}, err
		}
		files = append(files, f)
	}
	info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: exportImporter(fset, exports)}
	if _, err := conf.Check("github.com/alloysdk/alloy-go/alloytest", fset, files, info); err != nil {
		return checkedSource{}, err
	}
	return checkedSource{fset, files, info}, nil
})
