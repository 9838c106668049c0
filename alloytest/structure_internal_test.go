package alloytest

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

// The state and who may touch it: the store's fields are the store's
// methods' alone, and a connection's records and subscriptions (and the
// records' fields) are the methods' of connection, target and record. A
// constructor (newStore, newConnection) builds a value no one else sees yet.
var stateOwners = map[string][]string{
	"store":      {"store"},
	"connection": {"connection", "target", "record"},
	"record":     {"connection", "target", "record"},
}

// stateTypes are the types whose methods are the state's.
var stateTypes = map[string]bool{"store": true, "connection": true, "target": true, "record": true}

// unguarded are fields that never change once the value is made, which
// anyone holding the value may read.
var unguarded = map[string]bool{"connection.category": true}

// owningType names the type of a method's receiver, or, for a
// constructor newT, T; "" for any other function.
func owningType(fd *ast.FuncDecl) string {
	if fd.Recv == nil {
		if name, ok := strings.CutPrefix(fd.Name.Name, "new"); ok && name != "" {
			return strings.ToLower(name[:1]) + name[1:]
		}
		return ""
	}
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// guardedField returns "type.field" when sel reads or writes a guarded
// field of the state, else "".
func guardedField(info *types.Info, sel *ast.SelectorExpr) string {
	s := info.Selections[sel]
	if s == nil || s.Kind() != types.FieldVal {
		return ""
	}
	recv := s.Recv()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	named, ok := recv.(*types.Named)
	if !ok || stateOwners[named.Obj().Name()] == nil {
		return ""
	}
	key := named.Obj().Name() + "." + sel.Sel.Name
	if unguarded[key] || sel.Sel.Name == "mu" {
		return ""
	}
	return key
}

// isStateLock reports whether call is x.mu.Lock() for x the store or a
// connection.
func isStateLock(info *types.Info, call *ast.CallExpr) bool {
	f, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || f.Sel.Name != "Lock" {
		return false
	}
	mu, ok := f.X.(*ast.SelectorExpr)
	if !ok || mu.Sel.Name != "mu" {
		return false
	}
	s := info.Selections[mu]
	if s == nil {
		return false
	}
	recv := s.Recv()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	named, ok := recv.(*types.Named)
	return ok && stateOwners[named.Obj().Name()] != nil
}

// TestOnlyTheStoreTouchesItsState: no handler (nor any other function
// outside the store's, a connection's or a target's methods) reads or
// changes the state's fields or takes their locks; they call the store's
// methods. Those methods take the lock before touching a field or calling
// a ...Locked method, unless they are ...Locked themselves, which never
// take it. So the lock is taken in one place per operation, and an
// invariant the store keeps (deleteUser leaves nothing of the user's)
// cannot be broken by a handler that forgot it.
func TestOnlyTheStoreTouchesItsState(t *testing.T) {
	src := thisPackage(t)
	var problems []string
	report := func(pos token.Pos, format string, args ...any) {
		problems = append(problems, src.fset.Position(pos).String()+": "+fmt.Sprintf(format, args...))
	}
	for _, f := range src.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			owner := owningType(fd)
			name := fd.Name.Name
			ctor := fd.Recv == nil && owner != ""
			locked := strings.HasSuffix(name, "Locked")
			lockAt := token.NoPos // the first x.mu.Lock()
			type touch struct {
				pos  token.Pos
				what string
			}
			var touches []touch
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if isStateLock(src.info, n) {
						if !stateTypes[owner] {
							report(n.Pos(), "%s takes a lock of the state: call a store method instead", name)
						}
						if locked {
							report(n.Pos(), "%s is ...Locked, so its caller holds the lock: it must not take it", name)
						}
						if lockAt == token.NoPos || n.Pos() < lockAt {
							lockAt = n.Pos()
						}
					}
				case *ast.SelectorExpr:
					if field := guardedField(src.info, n); field != "" {
						typ, _, _ := strings.Cut(field, ".")
						if !contains(stateOwners[typ], owner) {
							report(n.Pos(), "%s touches %s: only the methods of %s may", name, field, strings.Join(stateOwners[typ], ", "))
						}
						touches = append(touches, touch{n.Pos(), field})
					}
					if s := src.info.Selections[n]; s != nil && s.Kind() == types.MethodVal && strings.HasSuffix(n.Sel.Name, "Locked") {
						if !stateTypes[owner] && !ctor {
							report(n.Pos(), "%s calls %s, which needs the lock held: only the state's methods may", name, n.Sel.Name)
						}
						touches = append(touches, touch{n.Pos(), n.Sel.Name + "()"})
					}
				}
				return true
			})
			// A method that touches the state without being ...Locked
			// takes the lock first. Records' own readers (id, text) run
			// under their connection's lock, taken by their callers.
			if locked || ctor || owner == "record" || !stateTypes[owner] {
				continue
			}
			for _, tc := range touches {
				if lockAt == token.NoPos || tc.pos < lockAt {
					report(tc.pos, "%s.%s touches %s before taking the lock: take it first, or name the method ...Locked", owner, name, tc.what)
					break
				}
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("the state is touched outside the store's discipline:\n%s", strings.Join(problems, "\n"))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
