// Package apisurface writes the module's exported API as text, one
// declaration per line, in the spirit of Go's own api/*.txt files: every
// exported constant, variable, function, type, struct field and method of
// the public packages, with types printed in full and aliases resolved (an
// alias to an internal type would hide its fields from go doc). The
// committed snapshot (exported.txt) is checked by a test, so a change to
// the public surface is a reviewed change to that file, never a surprise.
package apisurface

import (
	"bytes"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// Packages are the module's public packages.
var Packages = []string{
	"github.com/alloysdk/alloy-go",
	"github.com/alloysdk/alloy-go/alloytest",
	"github.com/alloysdk/alloy-go/unified",
	"github.com/alloysdk/alloy-go/webhook",
}

// Write writes the surface of pkgs, sorted, to w. It type-checks from the
// compiler's export data, which `go list -export` builds.
func Write(w io.Writer, dir string, pkgs []string) error {
	exports, err := exportData(dir, pkgs)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	var lines []string
	for _, path := range pkgs {
		p, err := imp.Import(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		lines = append(lines, surface(p)...)
	}
	sort.Strings(lines)
	for _, l := range lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}

func exportData(dir string, pkgs []string) (map[string]string, error) {
	cmd := exec.Command("go", append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, pkgs...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v: %s", err, stderr.String())
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, file, ok := strings.Cut(line, "\t")
		if ok && file != "" {
			m[path] = file
		}
	}
	return m, nil
}

// surface lists the exported declarations of p.
func surface(p *types.Package) []string {
	prefix := "pkg " + p.Path() + ", "
	qual := func(other *types.Package) string {
		if other == p {
			return ""
		}
		return other.Name()
	}
	typ := func(t types.Type) string { return types.TypeString(resolve(t), qual) }
	var out []string
	scope := p.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch o := obj.(type) {
		case *types.Const:
			out = append(out, prefix+"const "+name+" "+typ(o.Type())+" = "+o.Val().ExactString())
		case *types.Var:
			out = append(out, prefix+"var "+name+" "+typ(o.Type()))
		case *types.Func:
			out = append(out, prefix+"func "+name+strings.TrimPrefix(typ(o.Type()), "func"))
		case *types.TypeName:
			out = append(out, typeLines(prefix, o, typ)...)
		}
	}
	return out
}

// resolve replaces aliases by what they stand for, at every depth.
func resolve(t types.Type) types.Type {
	return types.Unalias(t)
}

func typeLines(prefix string, o *types.TypeName, typ func(types.Type) string) []string {
	name := o.Name()
	if tp, ok := o.Type().(*types.Named); ok && tp.TypeParams().Len() > 0 {
		var ps []string
		for i := 0; i < tp.TypeParams().Len(); i++ {
			ps = append(ps, tp.TypeParams().At(i).String()+" "+typ(tp.TypeParams().At(i).Constraint()))
		}
		name += "[" + strings.Join(ps, ", ") + "]"
	}
	t := types.Unalias(o.Type())
	under := t.Underlying()
	var out []string
	head := prefix + "type " + name + " "
	switch u := under.(type) {
	case *types.Struct:
		out = append(out, head+"struct")
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if !f.Exported() {
				continue
			}
			if f.Embedded() {
				out = append(out, head+"struct, embedded "+typ(f.Type()))
				continue
			}
			out = append(out, head+"struct, "+f.Name()+" "+typ(f.Type()))
		}
	case *types.Interface:
		out = append(out, head+"interface")
		for i := 0; i < u.NumMethods(); i++ {
			m := u.Method(i)
			if m.Exported() {
				out = append(out, head+"interface, "+m.Name()+strings.TrimPrefix(typ(m.Type()), "func"))
			}
		}
	default:
		out = append(out, head+typ(under))
	}
	if named, ok := t.(*types.Named); ok {
		for i := 0; i < named.NumMethods(); i++ {
			m := named.Method(i)
			if !m.Exported() {
				continue
			}
			sig := m.Type().(*types.Signature)
			recv := name
			if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
				recv = "*" + name
			}
			out = append(out, prefix+"method ("+recv+") "+m.Name()+strings.TrimPrefix(typ(sig), "func"))
		}
	}
	return out
}
