package apisurface

import (
	"bytes"
	"flag"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite exported.txt with the current surface")

// TestExportedSurfaceIsTheSnapshot fails when the public API differs from
// exported.txt: a change to an exported name, signature, field or method
// must come with the snapshot's update (go test ./internal/apisurface
// -update) and a CHANGELOG line.
func TestExportedSurfaceIsTheSnapshot(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "../..", Packages); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("exported.txt", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("exported.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != string(want) {
		t.Errorf("the exported API differs from exported.txt; if that is intended, run\n\tgo test ./internal/apisurface -update\nand record the change in CHANGELOG.md.\n%s", diff(string(want), got))
	}
}

// diff lists the lines only in one of a and b.
func diff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// TestSurfaceSeesEveryKindOfChange: renaming a field, changing a
// signature, or adding a method changes the surface, so the snapshot test
// above fails on it; unexported names do not.
func TestSurfaceSeesEveryKindOfChange(t *testing.T) {
	base := `package p
type T struct { A string; b int }
func (T) M(x int) error { return nil }
func (*T) P() {}
type Alias = T
const C = 1
var V T
func F[E any](e E) E { return e }`
	lines := func(src string) string {
		t.Helper()
		return strings.Join(surface(check(t, src)), "\n")
	}
	want := lines(base)
	for _, l := range []string{
		"pkg p, type T struct, A string",
		"pkg p, method (T) M(x int) error",
		"pkg p, method (*T) P()",
		"pkg p, type Alias struct, A string", // the alias shows what it stands for
		"pkg p, func F[E any](e E) E",
		"pkg p, const C untyped int = 1",
	} {
		if !strings.Contains(want, l) {
			t.Errorf("missing %q in:\n%s", l, want)
		}
	}
	if strings.Contains(want, " b ") {
		t.Error("an unexported field is listed")
	}
	for _, changed := range []string{
		strings.Replace(base, "A string", "A2 string", 1),
		strings.Replace(base, "M(x int) error", "M(x int64) error", 1),
		base + "\nfunc (T) N() {}",
	} {
		if lines(changed) == want {
			t.Errorf("a change was not seen:\n%s", changed)
		}
	}
}

func check(t *testing.T, src string) *types.Package {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := (&types.Config{Importer: importer.Default()}).Check("p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
