package testharness

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoTestAssignsAPackageVariable reads every _test.go file of the
// module (both modules) and fails on an assignment to a package-level
// variable of its package (x = ..., x += ..., x++; TestMain, which runs
// before any test, may): such a test cannot run in parallel with the
// package's other tests, which read the variable.
// Tests set what they need on values they own (a client's field, an
// option) instead.
func TestNoTestAssignsAPackageVariable(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	dirs := map[string]bool{}
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			dirs[filepath.Dir(path)] = true
		}
		return nil
	}))
	var found []string
	checked := 0
	for dir := range dirs {
		found = append(found, packageVarAssignments(t, dir, &checked)...)
	}
	sort.Strings(found)
	assert.Empty(t, found, "tests assign package-level variables")
	assert.Greater(t, checked, 50, "the walk found the module's test files")
}

// packageVarAssignments returns "file:line: name" for each assignment in
// dir's test files to a package-level variable declared in dir (in any of
// its files, test files included).
func packageVarAssignments(t *testing.T, dir string, checked *int) []string {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	pkgVars := map[string]map[string]bool{} // package name -> its variables
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		files[path] = f
		vars := pkgVars[f.Name.Name]
		if vars == nil {
			vars = map[string]bool{}
			pkgVars[f.Name.Name] = vars
		}
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, spec := range gd.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						vars[n.Name] = true
					}
				}
			}
		}
	}
	var out []string
	for path, f := range files {
		if !strings.HasSuffix(path, "_test.go") {
			continue
		}
		*checked++
		vars := pkgVars[f.Name.Name]
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || fn.Name.Name == "TestMain" {
				continue // TestMain sets up before any test runs
			}
			out = append(out, assignmentsIn(fset, fn, vars)...)
		}
	}
	return out
}

// assignmentsIn finds assignments in fn to names of vars that fn does not
// declare itself (a parameter, a := or a var of the same name shadows the
// package variable everywhere in fn: a simplification that can only miss
// an assignment, never invent one).
func assignmentsIn(fset *token.FileSet, fn *ast.FuncDecl, vars map[string]bool) []string {
	local := map[string]bool{}
	declare := func(fields *ast.FieldList) {
		if fields == nil {
			return
		}
		for _, f := range fields.List {
			for _, n := range f.Names {
				local[n.Name] = true
			}
		}
	}
	declare(fn.Recv)
	declare(fn.Type.Params)
	declare(fn.Type.Results)
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE {
				for _, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range x.Names {
				local[id.Name] = true
			}
		case *ast.FuncLit:
			declare(x.Type.Params)
			declare(x.Type.Results)
		case *ast.RangeStmt:
			if x.Tok == token.DEFINE {
				for _, e := range []ast.Expr{x.Key, x.Value} {
					if id, ok := e.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		}
		return true
	})
	var out []string
	report := func(e ast.Expr) {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" && vars[id.Name] && !local[id.Name] {
			out = append(out, fset.Position(id.Pos()).String()+": "+id.Name)
		}
	}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			if x.Tok != token.DEFINE {
				for _, l := range x.Lhs {
					report(l)
				}
			}
		case *ast.IncDecStmt:
			report(x.X)
		}
		return true
	})
	return out
}
