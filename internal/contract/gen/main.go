// Command gen writes the contract, ../openapi.json, and its Go table,
// ../ops/ops_gen.go, from Alloy's reference as compiled in ../src:
//
//   - src/embedded.json: every Embedded and Connectivity operation as
//     Alloy's pages show it (URLs, coverage, parameters, bodies, examples);
//   - src/uapi-models.json: the Unified API models as Alloy's pages show them;
//   - src/endpoints.json: the earlier compilation, for the Unified routes
//     and the operations no page shows but Alloy's SDKs call;
//
// plus the decisions written here (embedded.go, unified.go), each with its
// source. Run it with go generate in internal/contract; a test fails when
// the committed files differ from what it writes.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// versions are the API versions the contract covers, oldest first.
var versions = []string{"2023-12", "2024-03", "2025-09"}

const firstHeaderVersion = "2025-09"

// op is one operation being built.
type op struct {
	id, goName     string
	method, path   string
	since, until   string
	summary        string
	documented     map[string]string // version -> URL of a page that shows it
	assumed        []string          // supported versions no page shows
	sources        []any
	params         []S
	body           S
	bodyRequired   bool
	responses      map[string]S // status -> schema of the JSON body
	goRoot         string
	extra          S
	family, kind   string // unified: model family and operation kind
	collectionPath string
}

func (o *op) source(kind, ref, note string) {
	s := S{"kind": kind}
	if ref != "" {
		s["ref"] = ref
	}
	if note != "" {
		s["note"] = note
	}
	o.sources = append(o.sources, s)
}

// relaxQuery makes a query parameter optional: the pages disagree on it.
func (o *op) relaxQuery(name string) {
	for _, prm := range o.params {
		if prm["name"] == name && prm["in"] == "query" {
			prm["required"] = false
			prm["x-alloy-contested"] = true
		}
	}
}

// unrequire drops names from the request body's required list.
func (o *op) unrequire(names ...string) {
	if o.body == nil {
		return
	}
	req, _ := o.body["required"].([]any)
	var keep []any
	for _, r := range req {
		if !slices.Contains(names, r.(string)) {
			keep = append(keep, r)
		}
	}
	if len(keep) == 0 {
		delete(o.body, "required")
	} else {
		o.body["required"] = keep
	}
	o.body["x-alloy-contested-required"] = names
}

func (o *op) hasParam(name, in string) bool {
	for _, prm := range o.params {
		if prm["name"] == name && prm["in"] == in {
			return true
		}
	}
	return false
}

func queryParam(name string, required bool, desc string) S {
	return S{"name": name, "in": "query", "required": required, "description": desc, "schema": str()}
}

func main() {
	dir := flag.String("dir", ".", "internal/contract: where src/ is and the outputs go")
	flag.Parse()
	log.SetFlags(0)
	var emb struct {
		Operations []map[string]any `json:"operations"`
		Facts      map[string]any   `json:"facts"`
	}
	readJSON(filepath.Join(*dir, "src/embedded.json"), &emb)
	var models map[string]any
	readJSON(filepath.Join(*dir, "src/uapi-models.json"), &models)
	var endpoints []map[string]any
	readJSON(filepath.Join(*dir, "src/endpoints.json"), &endpoints)
	var sdkModels map[string]any
	readJSON(filepath.Join(*dir, "src/uapi-sdk-models.json"), &sdkModels)

	byKey := map[string]map[string]any{}
	for _, e := range emb.Operations {
		byKey[e["key"].(string)] = e
	}
	var ops []*op
	for _, eo := range embeddedOps {
		src, ok := byKey[eo.key]
		if !ok {
			log.Fatalf("embedded.json has no operation %q", eo.key)
		}
		ops = append(ops, fromPage(eo, src))
	}
	ops = append(ops, unifiedOps(models, endpoints)...)
	for _, o := range ops {
		finish(o)
	}
	doc := document(ops, models, sdkModels, endpoints)
	for _, c := range unifiedCollections {
		// Every model's ids and sync timestamps, documented for it or not:
		// a record the SDK read back carries them.
		c.readOnly = slices.Sorted(maps.Keys(readOnly))
	}
	writeJSON(filepath.Join(*dir, "openapi.json"), doc)
	writeGo(filepath.Join(*dir, "ops", "ops_gen.go"), ops)
}

func readJSON(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}

// fromPage builds an operation from its page data and the decisions in eo.
func fromPage(eo embeddedOp, src map[string]any) *op {
	o := &op{
		id: eo.id, goName: eo.goName, method: src["method"].(string), path: src["path"].(string),
		since: eo.since, until: eo.until, goRoot: eo.goRoot,
		documented: map[string]string{}, responses: map[string]S{},
	}
	if o.goName == "" {
		o.goName = strings.SplitN(o.id, "@", 2)[0]
	}
	if eo.path != "" {
		o.path = eo.path
	}
	o.summary, _ = src["summary"].(string)
	o.path = strings.TrimSuffix(o.path, "/")
	if o.path == "" {
		o.path = "/"
	}
	vers, _ := src["versions"].(map[string]any)
	for v, e := range vers {
		m, _ := e.(map[string]any)
		if !slices.Contains(versions, v) {
			continue
		}
		if a, _ := m["assumed"].(bool); a {
			o.assumed = append(o.assumed, v)
			continue
		}
		if u, _ := m["url"].(string); u != "" {
			o.documented[v] = u
		}
	}
	for _, s := range asList(src["sources"]) {
		m := s.(map[string]any)
		entry := S{"kind": "page", "ref": m["url"]}
		if c, ok := m["coverage"]; ok {
			entry["coverage"] = c
		}
		o.sources = append(o.sources, entry)
	}
	if notes := asList(src["notes"]); len(notes) > 0 {
		o.extra = S{"x-alloy-notes": notes}
	}
	if c := asList(src["conflicts"]); len(c) > 0 {
		if o.extra == nil {
			o.extra = S{}
		}
		o.extra["x-alloy-conflicts"] = c
	}
	o.params = pageParams(o.path, asList(src["parameters"]))
	if rb, ok := src["requestBody"].(map[string]any); ok {
		if sch, ok := rb["schema"]; ok {
			o.body = convert(sch)
			o.bodyRequired = true
		}
	}
	if rs, ok := src["responses"].(map[string]any); ok {
		for status, r := range rs {
			var merged S
			byVersion := r.(map[string]any)["versions"].(map[string]any)
			// Newest first, so that where two pages disagree on a scalar
			// (a type, a description) the newest page's word is kept.
			keys := slices.Sorted(maps.Keys(byVersion))
			slices.Reverse(keys)
			for _, v := range keys {
				x := byVersion[v]
				if !slices.Contains(versions, v) && !strings.HasPrefix(v, "2025-09") && v != "older-unversioned" {
					continue
				}
				if m, ok := x.(map[string]any); ok {
					if sch, ok := m["schema"]; ok {
						merged = merge(merged, convert(sch))
					}
				}
			}
			if merged != nil {
				o.responses[status] = merged
			}
		}
	}
	if eo.fix != nil {
		eo.fix(o)
	}
	return o
}

var placeholder = regexp.MustCompile(`\{([^}]+)\}`)

// pageParams keeps a page's path, query and x-alloy-* header parameters:
// the SDK sets Authorization, x-api-version and the content headers itself.
func pageParams(path string, params []any) []S {
	inPath := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(path, -1) {
		inPath[m[1]] = true
	}
	seen := map[string]bool{}
	var out []S
	for _, x := range params {
		m := x.(map[string]any)
		name, _ := m["name"].(string)
		in, _ := m["in"].(string)
		switch {
		case !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`).MatchString(name):
			continue // a page's prose, not a name
		case in == "header" && !strings.HasPrefix(strings.ToLower(name), "x-alloy"):
			continue
		case in == "path" && !inPath[name]:
			continue // a second name for the same segment
		case in != "path" && in != "query" && in != "header":
			continue
		}
		if seen[in+" "+name] {
			continue
		}
		seen[in+" "+name] = true
		prm := S{"name": name, "in": in}
		if r, ok := m["required"].(bool); ok && r {
			prm["required"] = true
		}
		if in == "path" {
			prm["required"] = true
		}
		if d, ok := m["description"].(string); ok {
			prm["description"] = d
		}
		if sch, ok := m["schema"]; ok {
			prm["schema"] = convert(sch)
		} else {
			prm["schema"] = str()
		}
		if s, ok := m["source"]; ok {
			prm["x-alloy-source"] = s
		}
		out = append(out, prm)
	}
	for name := range inPath {
		if !seen["path "+name] {
			out = append(out, S{"name": name, "in": "path", "required": true, "schema": str()})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return paramKey(out[i]) < paramKey(out[j]) })
	return out
}

func paramKey(p S) string { return p["in"].(string) + " " + p["name"].(string) }

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// finish fills what every operation has: its versions, a default error
// response, and sorted sources.
func finish(o *op) {
	for _, v := range versions {
		if !inRange(v, o.since, o.until) {
			continue
		}
		if _, ok := o.documented[v]; !ok && !slices.Contains(o.assumed, v) {
			o.assumed = append(o.assumed, v)
		}
	}
	var keep []string
	for _, v := range o.assumed {
		if inRange(v, o.since, o.until) && !slices.Contains(keep, v) {
			keep = append(keep, v)
		}
	}
	slices.Sort(keep)
	o.assumed = keep
	if len(o.documented) == 0 && len(o.sources) == 0 {
		log.Fatalf("%s has no source", o.id)
	}
	if !hasSuccess(o) {
		log.Fatalf("%s has no 2xx response", o.id)
	}
}

func hasSuccess(o *op) bool {
	for st := range o.responses {
		if strings.HasPrefix(st, "2") {
			return true
		}
	}
	return false
}

func inRange(v, since, until string) bool {
	return v >= since && (until == "" || v < until)
}

// document assembles the OpenAPI document.
func document(ops []*op, models, sdkModels map[string]any, endpoints []map[string]any) S {
	paths := S{}
	for _, o := range ops {
		item, _ := paths[o.path].(S)
		if item == nil {
			item = S{}
			paths[o.path] = item
		}
		m := strings.ToLower(o.method)
		if _, dup := item[m]; dup {
			log.Fatalf("two operations at %s %s", o.method, o.path)
		}
		item[m] = operation(o)
	}
	schemas := componentSchemas(models, sdkModels)
	return S{
		"openapi": "3.0.3",
		"info": S{
			"title":   "Alloy Automation REST APIs, as alloy-go reads them",
			"version": versions[len(versions)-1],
			"description": "Compiled from Alloy's own reference pages (see x-alloy-source on every operation) by " +
				"internal/contract/gen. Paths are written without the API version: 2025-09 and later are served at " +
				"https://production.runalloy.com with the x-api-version header; older versions at " +
				"https://embedded.runalloy.com/{version} (eu: https://eu-embedded.runalloy.com/{version}). " +
				"x-alloy-since/x-alloy-until on an operation, parameter or property bound the versions it exists in; " +
				"x-alloy-documented gives the page that shows an operation on a version, x-alloy-assumed the supported " +
				"versions no page shows. Nullability is never stated by Alloy: nullable is set only where an example " +
				"shows null (x-alloy-nullable says so).",
		},
		"servers": []any{
			S{"url": "https://production.runalloy.com", "description": "2025-09 and later (x-api-version header)"},
			S{"url": "https://embedded.runalloy.com/{version}", "description": "path-versioned versions",
				"variables": S{"version": S{"default": "2024-03", "enum": []any{"2023-12", "2024-03"}}}},
		},
		"x-alloy-versions":             versions,
		"x-alloy-first-header-version": firstHeaderVersion,
		"x-alloy-paging":               paging,
		"x-alloy-version-rules":        versionRules,
		"x-alloy-composites":           composites,
		"x-alloy-not-included":         notIncluded(endpoints, ops),
		"x-alloy-models-not-included":  modelsNotIncluded,
		"paths":                        paths,
		"components": S{
			"schemas": schemas,
		},
	}
}

// paging holds the paging facts the SDK and alloytest share.
var paging = S{
	"unifiedMaxPageSize":     100, // "You can specify a maximum pageSize of 100." (1.1.0 pagination guide)
	"unifiedDefaultPageSize": 50,  // docs-uapi pagination guide: pageSize Integer, default 50
	"unifiedFirstPageNumber": 1,   // docs-uapi pagination guide: pageNumber default 1
	"workflowLogsMaxLimit":   30,  // get-workflow-logs: limit, max 30, default 10
	"workflowLogsFirstPage":  1,
	"maxPages":               10000, // the SDK's guard against a server that never says it is done
	"sources": []any{
		"https://docs.runalloy.com/unified-api/1.1.0/getting-started/how-it-works/pagination",
		"https://docs-uapi.runalloy.com/docs/pagination",
		"https://docs.runalloy.com/reference/embedded/get-workflow-logs.md",
	},
}

// versionRules are the version thresholds that are not an operation's
// range: where the Unified API changed how it pages and names the
// connection.
var versionRules = S{
	// Cursor paging with pageInfo before 2024-03 (1.1.0 pagination guide,
	// 2023-12 URLs); page numbers from 2024-03 on (docs-uapi pagination guide).
	"unifiedCursorPagingUntil": "2024-03",
	// The connection travels as connectionId on 2023-12 (1.1.0 guides) and as
	// credentialId on the 2024-03 endpoint pages (contested: see the
	// connection parameters).
	"unifiedCredentialIdSince": "2024-03",
}

// composites name calls that are not one operation, for errors, logs and
// spans.
var composites = S{
	"Logs.ListIter":               S{"of": []any{"Logs.List"}, "note": "walks every page"},
	"Logs.ListExecutionsIter":     S{"of": []any{"Logs.ListExecutions"}, "note": "walks every page"},
	"unified.*.ListIter":          S{"of": []any{"unified.*.List"}, "note": "walks every page of a Unified collection"},
	"Credentials.Validate":        S{"of": []any{}, "note": "checks data against metadata; sends nothing"},
	"Installations.Form.Answers":  S{"of": []any{}, "note": "builds Complete's params; sends nothing"},
	"Client.Do":                   S{"of": []any{}, "note": "the raw call: any route, named by its template"},
	"TokenCache.Token":            S{"of": []any{"Tokens.Create"}, "note": "reuses a token or mints one"},
	"webhook.Handler":             S{"of": []any{}, "note": "inbound deliveries, not an API call"},
	"Integrations.GetInstallLink": S{"of": []any{"Integrations.GetInstallLink"}},
}

func operation(o *op) S {
	out := S{
		"operationId":        o.id,
		"x-alloy-go":         o.goName,
		"x-alloy-since":      orFirst(o.since),
		"x-alloy-documented": o.documented,
		"x-alloy-assumed":    o.assumed,
		"x-alloy-source":     o.sources,
	}
	if o.until != "" {
		out["x-alloy-until"] = o.until
	}
	if o.summary != "" {
		out["summary"] = o.summary
	}
	if o.goRoot != "" {
		out["x-alloy-go-root"] = o.goRoot
	}
	for k, v := range o.extra {
		out[k] = v
	}
	if len(o.params) > 0 {
		var ps []any
		for _, p := range o.params {
			ps = append(ps, p)
		}
		out["parameters"] = ps
	}
	if o.body != nil {
		out["requestBody"] = S{"required": o.bodyRequired, "content": S{"application/json": S{"schema": o.body}}}
	}
	responses := S{}
	for status, sch := range o.responses {
		desc := "documented response"
		if !strings.HasPrefix(status, "2") {
			desc = "documented error"
		}
		responses[status] = S{"description": desc, "content": S{"application/json": S{"schema": sch}}}
	}
	responses["default"] = S{"description": "an error", "content": S{"application/json": S{"schema": ref("Error")}}}
	out["responses"] = responses
	return out
}

func orFirst(v string) string {
	if v == "" {
		return versions[0]
	}
	return v
}

// notIncluded records every route of src/endpoints.json that the contract
// does not hold, and why.
func notIncluded(endpoints []map[string]any, ops []*op) []any {
	have := map[string]bool{}
	for _, o := range ops {
		have[o.method+" "+o.path] = true
	}
	var out []any
	for _, e := range endpoints {
		route := e["method"].(string) + " " + strings.TrimSuffix(e["path"].(string), "/")
		if have[route] || have[e["method"].(string)+" "+normalizeUnified(e["path"].(string))] {
			continue
		}
		reason, ok := excluded[e["name"].(string)]
		if !ok {
			log.Fatalf("endpoints.json route %s (%s) is neither in the contract nor excluded", route, e["name"])
		}
		out = append(out, S{"route": route, "name": e["name"], "reason": reason})
	}
	return out
}

// modelsNotIncluded says why a model of src/uapi-models.json has no
// component schema of its own.
var modelsNotIncluded = S{
	"crm/stages":                          "no collection: Alloy names crm/stages only as a webhook topic",
	"platform/users":                      "the Embedded users: Users.* and unified.Users.* type them inline",
	"platform/connections":                "the Connectivity API's credentials: Connectors.ListCredentials types them",
	"platform/metadata":                   "guide level: unified.Metadata.* type what the guide shows",
	"platform/forward-passthrough":        "guide level: unified.Passthrough.Do types the body",
	"platform/pagination":                 "guide level: x-alloy-paging and the list operations' parameters",
	"platform/delete-and-count-responses": "not documented: the delete and count operations say what Alloy's SDKs expect",
	"shared/crm-address":                  "inlined in the CRM models that use it",
	"shared/crm-phone-number":             "inlined in the CRM models that use it",
	"shared/crm-email-address":            "inlined in the CRM models that use it",
	"shared/accounting-address":           "inlined in the accounting models that use it",
	"shared/accounting-phone-number":      "inlined in the accounting models that use it",
}

// excluded says why an endpoints.json route is not in the contract.
var excluded = map[string]string{
	"triggerWorkflowWebhook": "legacy pre-Embedded webhook trigger on webhooks.runalloy.com: not part of the Embedded, Unified or Connectivity API",
	"pollWorkflowOutput":     "legacy pre-Embedded output polling on api.runalloy.com/sdk: not part of these APIs",
}

func writeJSON(path string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// writeGo writes the table the SDK reads its routes from.
func writeGo(path string, ops []*op) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/contract/gen from openapi.json's sources. DO NOT EDIT.\n\n")
	b.WriteString("package ops\n\n")
	fmt.Fprintf(&b, "// Versions are the API versions the contract covers, oldest first.\nvar Versions = %#v\n\n", versions)
	fmt.Fprintf(&b, "// FirstHeaderVersion is the first version sent in the x-api-version header\n// instead of the path.\nconst FirstHeaderVersion = %q\n\n", firstHeaderVersion)
	b.WriteString("// Operations are every operation of the contract, as its paths list them.\nvar Operations = []Operation{\n")
	sorted := slices.Clone(ops)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].id < sorted[j].id })
	for _, o := range sorted {
		fmt.Fprintf(&b, "\t{ID: %q, Go: %q, Method: %q, Path: %q, Since: %q, Until: %q, Assumed: %#v},\n",
			o.id, o.goName, o.method, o.path, orFirst(o.since), o.until, o.assumed)
	}
	b.WriteString("}\n\n")
	b.WriteString("// Collections are the Unified API's model collections.\nvar Collections = []Collection{\n")
	for _, c := range unifiedCollections {
		fmt.Fprintf(&b, "\t{Family: %q, Name: %q, Path: %q, Single: %q, List: %q, Model: %q, Ops: %#v, ReadOnly: %#v},\n",
			c.family, c.name, c.fullPath(), c.single, c.list, c.model, c.opsList(), c.readOnly)
	}
	b.WriteString("}\n\n")
	keys := make([]string, 0, len(paging))
	for k := range paging {
		if k != "sources" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	ruleKeys := slices.Sorted(maps.Keys(versionRules))
	b.WriteString("// Version thresholds, from x-alloy-version-rules.\nconst (\n")
	for _, k := range ruleKeys {
		fmt.Fprintf(&b, "\t%s = %q\n", strings.ToUpper(k[:1])+k[1:], versionRules[k])
	}
	b.WriteString(")\n\n")
	b.WriteString("// Paging constants, from x-alloy-paging.\nconst (\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "\t%s = %d\n", strings.ToUpper(k[:1])+k[1:], paging[k])
	}
	b.WriteString(")\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		log.Fatalf("format: %v\n%s", err, b.String())
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
