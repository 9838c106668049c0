package alloy_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

var docRoute = regexp.MustCompile(`\b(GET|POST|PUT|DELETE|PATCH) (/[^\s,;)]*)`)

// TestDocCommentRoutesAreTheContracts: a method's doc comment names its
// route, as pkg.go.dev readers expect, and every route it names is a route
// of that operation in the contract, so the comment cannot drift from it.
func TestDocCommentRoutesAreTheContracts(t *testing.T) {
	t.Parallel()
	routes := map[string][]string{}
	for _, o := range ops.Operations {
		routes[o.Go] = append(routes[o.Go], o.Method+" "+o.Path)
	}
	checked := 0
	for pkg, prefix := range map[string]string{".": "", "unified": "unified."} {
		files, err := filepath.Glob(filepath.Join(pkg, "*.go"))
		require.NoError(t, err)
		fset := token.NewFileSet()
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
			require.NoError(t, err)
			for _, d := range file.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv == nil || !fn.Name.IsExported() {
					continue
				}
				recv := receiverName(fn)
				service, ok := strings.CutSuffix(recv, "Service")
				if !ok {
					continue // generic resources and helper types name {path}
				}
				goName := prefix + service + "." + fn.Name.Name
				want, isOp := routes[goName]
				if !isOp {
					continue
				}
				checked++
				doc := fn.Doc.Text()
				found := docRoute.FindAllStringSubmatch(doc, -1)
				assert.NotEmpty(t, found, "%s: the doc comment names no route (the contract has %v)", goName, want)
				for _, m := range found {
					route := strings.TrimSuffix(m[1]+" "+strings.SplitN(m[2], "?", 2)[0], ".")
					assert.True(t, slices.Contains(want, route), "%s: the doc comment names %s; the contract has %v", goName, route, want)
				}
			}
		}
	}
	assert.Greater(t, checked, 60, "the services' methods were found")
}

func receiverName(fn *ast.FuncDecl) string {
	typ := fn.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
