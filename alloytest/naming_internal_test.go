package alloytest

import (
	"fmt"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The naming rule of this package's exported API. A test that imports
// alloy, unified and alloytest reads alloytest.X next to alloy.X: the two
// must never look like one another.
//
//  1. No exported type of alloytest has the name of an exported type of
//     package alloy or unified. The catalog's definitions end in Def
//     (AppDef, not App: alloy.App is what the API answers, AppDef what the
//     fake is told to serve); what the server reports has its own noun
//     (LoggedRequest, not Request). The one exception is Option, the
//     conventional name of a package's constructor options (alloy.Option,
//     unified.Option): each constructor takes only its own, so a mix-up
//     does not compile.
//  2. No two exported package-level names of alloytest, and no two methods
//     of one of its exported types, are within an edit distance of 2 of
//     each other (SeedConnection and SeededConnection were): one typo must
//     not turn a name into another that compiles.
var (
	sdkPackages        = []string{"github.com/alloysdk/alloy-go", "github.com/alloysdk/alloy-go/unified"}
	sharedTypeNames    = map[string]bool{"Option": true}
	nearlyAlikeMaxEdit = 2
)

const thisImportPath = "github.com/alloysdk/alloy-go/alloytest"

// exportedAPI imports alloytest, alloy and unified from export data.
func exportedAPI(t *testing.T) map[string]*types.Package {
	t.Helper()
	paths := append([]string{thisImportPath}, sdkPackages...)
	imp := exportImporter(token.NewFileSet(), exportData(t))
	out := map[string]*types.Package{}
	for _, p := range paths {
		pkg, err := imp.Import(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = pkg
	}
	return out
}

// exportedTypeNames lists a package's exported type names, sorted.
func exportedTypeNames(p *types.Package) []string {
	var out []string
	for _, name := range p.Scope().Names() {
		if tn, ok := p.Scope().Lookup(name).(*types.TypeName); ok && tn.Exported() {
			out = append(out, name)
		}
	}
	return out
}

// TestNoExportedTypeShadowsTheSDK enforces rule 1 above.
func TestNoExportedTypeShadowsTheSDK(t *testing.T) {
	api := exportedAPI(t)
	var offenders []string
	for _, name := range exportedTypeNames(api[thisImportPath]) {
		if sharedTypeNames[name] {
			continue
		}
		for _, sdk := range sdkPackages {
			if tn, ok := api[sdk].Scope().Lookup(name).(*types.TypeName); ok && tn.Exported() {
				offenders = append(offenders, fmt.Sprintf("alloytest.%s is also %s.%s", name, api[sdk].Name(), name))
			}
		}
	}
	if len(offenders) > 0 {
		t.Errorf("exported alloytest types named like the SDK's (rename them: a catalog definition ends in Def, what the server reports gets its own noun):\n%s",
			strings.Join(offenders, "\n"))
	}
	// The rule can fail: the SDK does have the names the catalog once had.
	for _, name := range []string{"App", "Integration", "Workflow", "Event", "Connector", "Action", "Execution", "Request"} {
		if api[sdkPackages[0]].Scope().Lookup(name) == nil {
			t.Errorf("alloy.%s is gone: update this test's list of names the SDK has", name)
		}
	}
}

// TestNoTwoExportedNamesAreNearlyAlike enforces rule 2 above.
func TestNoTwoExportedNamesAreNearlyAlike(t *testing.T) {
	p := exportedAPI(t)[thisImportPath]
	groups := map[string][]string{} // "package" or "methods of T" -> names
	for _, name := range p.Scope().Names() {
		obj := p.Scope().Lookup(name)
		if !obj.Exported() {
			continue
		}
		groups["package-level names"] = append(groups["package-level names"], name)
		if tn, ok := obj.(*types.TypeName); ok {
			if named, ok := tn.Type().(*types.Named); ok {
				for i := 0; i < named.NumMethods(); i++ {
					if m := named.Method(i); m.Exported() {
						groups["methods of "+name] = append(groups["methods of "+name], m.Name())
					}
				}
			}
		}
	}
	var offenders []string
	for _, group := range slices.Sorted(maps.Keys(groups)) {
		names := groups[group]
		sort.Strings(names)
		for i, a := range names {
			for _, b := range names[i+1:] {
				if d := editDistance(a, b); d <= nearlyAlikeMaxEdit {
					offenders = append(offenders, fmt.Sprintf("%s: %s and %s (edit distance %d)", group, a, b, d))
				}
			}
		}
	}
	if len(offenders) > 0 {
		t.Errorf("exported alloytest names a typo apart (rename one of each pair):\n%s", strings.Join(offenders, "\n"))
	}
	if len(groups["package-level names"]) < 20 || len(groups["methods of Server"]) < 10 {
		t.Errorf("read %d package-level names and %d methods of Server: the export data was not read", len(groups["package-level names"]), len(groups["methods of Server"]))
	}
}

// editDistance is the Levenshtein distance between a and b: the fewest
// insertions, deletions and substitutions of one byte that turn a into b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"SeedConnection", "SeededConnection", 2}, {"Clear", "Close", 3}, {"App", "AppDef", 3}, {"kitten", "sitting", 3}, {"Requests", "Request", 1}} {
		if got := editDistance(tc.a, tc.b); got != tc.want || editDistance(tc.b, tc.a) != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
