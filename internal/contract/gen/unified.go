package main

import (
	"log"
	"slices"
	"strings"
)

// collection is one Unified API model collection: where it lives, the keys
// Alloy wraps its records in, and the Go names the SDK gives it.
type collection struct {
	family string // "Commerce", "Accounting", "CRM"
	name   string // Go field of the family, e.g. "Orders"
	parent string // e.g. "products/{productId}" for a nested collection
	path   string // e.g. "orders"
	single string // key of one record, e.g. "order"
	list   string // key of a page, e.g. "orders"
	model  string // key in uapi-models.json, e.g. "commerce/orders"
	goType string // the SDK's model type, and the component schema's name
	ops    []string
	// readOnly are the model's properties Alloy sets, which a create or
	// update must not send.
	readOnly []string
}

func (c collection) base() string {
	b := "/one/" + strings.ToLower(c.family) + "/"
	if c.parent != "" {
		b += c.parent + "/"
	}
	return b + c.path
}

func (c collection) fullPath() string { return c.base() }

func (c collection) opsList() []string { return c.ops }

// unifiedCollections are the collections; their operations come from
// endpoints.json (the routes of Alloy's Unified reference and SDKs).
var unifiedCollections = []*collection{
	{family: "Commerce", name: "Customers", path: "customers", single: "customer", list: "customers", model: "commerce/customers", goType: "Customer"},
	{family: "Commerce", name: "Orders", path: "orders", single: "order", list: "orders", model: "commerce/orders", goType: "Order"},
	{family: "Commerce", name: "Products", path: "products", single: "product", list: "products", model: "commerce/products", goType: "Product"},
	{family: "Commerce", name: "Variants", parent: "products/{productId}", path: "variants", single: "variant", list: "variants", model: "commerce/product-variants", goType: "Variant"},
	{family: "Commerce", name: "Fulfillments", parent: "orders/{orderId}", path: "fulfillments", single: "fulfillment", list: "fulfillments", model: "commerce/fulfillments", goType: "Fulfillment"},
	{family: "Accounting", name: "CompanyInfo", path: "company-info", single: "companyInfo", list: "companyInfo", model: "accounting/company-info", goType: "CompanyInfo"},
	{family: "Accounting", name: "Accounts", path: "accounts", single: "account", list: "accounts", model: "accounting/accounts", goType: "Account"},
	{family: "Accounting", name: "Customers", path: "customers", single: "customer", list: "customers", model: "accounting/customers", goType: "AccountingCustomer"},
	{family: "Accounting", name: "Vendors", path: "vendors", single: "vendor", list: "vendors", model: "accounting/vendors", goType: "Vendor"},
	{family: "Accounting", name: "TaxRates", path: "tax-rates", single: "taxRate", list: "taxRates", model: "accounting/tax-rates", goType: "TaxRate"},
	{family: "Accounting", name: "TrackingCategories", path: "tracking-categories", single: "trackingCategory", list: "trackingCategories", model: "accounting/tracking-categories", goType: "TrackingCategory"},
	{family: "Accounting", name: "Items", path: "items", single: "item", list: "items", model: "accounting/items", goType: "Item"},
	{family: "Accounting", name: "PurchaseOrders", path: "purchase-orders", single: "purchaseOrder", list: "purchaseOrders", model: "accounting/purchase-orders", goType: "PurchaseOrder"},
	{family: "Accounting", name: "Bills", path: "bills", single: "bill", list: "bills", model: "accounting/bills", goType: "Bill"},
	{family: "Accounting", name: "Invoices", path: "invoices", single: "invoice", list: "invoices", model: "accounting/invoices", goType: "Invoice"},
	{family: "Accounting", name: "Payments", path: "payments", single: "payment", list: "payments", model: "accounting/payments", goType: "Payment"},
	{family: "Accounting", name: "SalesOrders", path: "sales-orders", single: "salesOrder", list: "salesOrders", model: "accounting/sales-orders", goType: "SalesOrder"},
	{family: "CRM", name: "Accounts", path: "accounts", single: "account", list: "accounts", model: "crm/accounts", goType: "CRMAccount"},
	{family: "CRM", name: "Contacts", path: "contacts", single: "contact", list: "contacts", model: "crm/contacts", goType: "Contact"},
	{family: "CRM", name: "Leads", path: "leads", single: "lead", list: "leads", model: "crm/leads", goType: "Lead"},
	{family: "CRM", name: "Notes", path: "notes", single: "note", list: "notes", model: "crm/notes", goType: "Note"},
	{family: "CRM", name: "Tasks", path: "tasks", single: "task", list: "tasks", model: "crm/tasks", goType: "Task"},
	{family: "CRM", name: "Opportunities", path: "opportunities", single: "opportunity", list: "opportunities", model: "crm/opportunities", goType: "Opportunity"},
	{family: "CRM", name: "Users", path: "users", single: "user", list: "users", model: "crm/users", goType: "CRMUser"},
}

// normalizeUnified is an endpoints.json Unified path as the contract writes
// it (unchanged: the contract keeps the pages' parameter names).
func normalizeUnified(p string) string { return strings.TrimSuffix(p, "/") }

// kinds of model operations, with the Go method of each.
var unifiedKinds = []struct{ kind, method, goMethod string }{
	{"list", "GET", "List"}, {"count", "GET", "Count"}, {"get", "GET", "Get"},
	{"create", "POST", "Create"}, {"update", "PUT", "Update"}, {"delete", "DELETE", "Delete"},
}

// unifiedOps builds the Unified operations: the model collections' from
// endpoints.json rows, and the platform ones.
func unifiedOps(models map[string]any, endpoints []map[string]any) []*op {
	var ops []*op
	for _, e := range endpoints {
		if e["api"] != "unified" {
			continue
		}
		path := normalizeUnified(e["path"].(string))
		method := e["method"].(string)
		var sources []any
		for _, s := range asList(e["source"]) {
			sources = append(sources, sourceRef(s.(string)))
		}
		if c, kind := collectionOf(path, method); c != nil {
			c.ops = append(c.ops, kind)
			ops = append(ops, modelOp(c, kind, method, path, sources, models))
			continue
		}
		o := platformOp(e["name"].(string), method, path, sources, models)
		if o == nil {
			log.Fatalf("no Unified operation for %s %s (%s)", method, path, e["name"])
		}
		ops = append(ops, o)
	}
	for _, c := range unifiedCollections {
		if len(c.ops) == 0 {
			log.Fatalf("collection %s %s has no operation", c.family, c.name)
		}
		slices.SortFunc(c.ops, func(a, b string) int { return kindIndex(a) - kindIndex(b) })
	}
	return ops
}

func kindIndex(k string) int {
	for i, u := range unifiedKinds {
		if u.kind == k {
			return i
		}
	}
	return -1
}

// sourceRef reads an endpoints.json source: a URL, "sdk:<file>" or
// "seed:<n>".
func sourceRef(s string) S {
	switch {
	case strings.HasPrefix(s, "http"):
		return S{"kind": "page", "ref": s}
	case strings.HasPrefix(s, "sdk:"):
		return S{"kind": "sdk", "ref": strings.TrimPrefix(s, "sdk:")}
	}
	return S{"kind": "other", "ref": s}
}

// collectionOf finds the collection a model route belongs to, and which
// operation it is.
func collectionOf(path, method string) (*collection, string) {
	for _, c := range unifiedCollections {
		base := c.base()
		rest, ok := strings.CutPrefix(path, base)
		if !ok {
			continue
		}
		switch {
		case rest == "" && method == "GET":
			return c, "list"
		case rest == "" && method == "POST":
			return c, "create"
		case rest == "/count" && method == "GET":
			return c, "count"
		case strings.HasPrefix(rest, "/{") && !strings.Contains(rest[1:], "/"):
			switch method {
			case "GET":
				return c, "get"
			case "PUT":
				return c, "update"
			case "DELETE":
				return c, "delete"
			}
		}
	}
	return nil, ""
}

// connectionParams are the query parameters that carry the connection on
// the /one/ data calls. On 2023-12 it is connectionId (the 1.1.0 guides).
// On 2024-03 the pages disagree: credentialId on list-orders, get-order,
// list-payments, create-payment, create-account, create-contact-1 and the
// other CRM pages and the 2024-03 guides; connectionId on get-account-1 and
// create-customer; and Alloy's Node SDK 3.x, a 2024-03 client (utils.mjs's
// baseUrl; its package.json says 3.2.1), sends connectionId on every call. The contract follows the endpoint pages'
// majority: credentialId is required from 2024-03 on, connectionId its
// documented alternative (x-alloy-alternative), which alloytest accepts
// in its place and the SDK sends with unified.WithSelectorParam.
func connectionParams() []S {
	return []S{
		{"name": "connectionId", "in": "query", "required": true, "schema": str(), "x-alloy-until": "2024-03",
			"description":    "The ID of the connection (2023-12)",
			"x-alloy-source": []any{"https://docs.runalloy.com/unified-api/1.1.0/getting-started/how-it-works/pagination"}},
		{"name": "credentialId", "in": "query", "required": true, "schema": str(), "x-alloy-since": "2024-03",
			"description":         "The ID of the credential (2024-03 endpoint pages)",
			"x-alloy-alternative": "connectionId",
			"x-alloy-source": []any{"https://docs.runalloy.com/reference/unified-api/list-orders",
				"https://docs.runalloy.com/reference/unified-api/get-order",
				"https://docs.runalloy.com/reference/unified-api/list-payments",
				"https://docs.runalloy.com/reference/unified-api/create-payment",
				"https://docs.runalloy.com/reference/unified-api/create-account",
				"https://docs.runalloy.com/reference/unified-api/create-contact-1",
				"https://docs-uapi.runalloy.com/docs/pagination",
				"https://docs-uapi.runalloy.com/docs/order-fulfillment-updates"},
			"x-alloy-conflicts": []any{
				"https://docs.runalloy.com/reference/unified-api/get-account-1 and create-customer name connectionId",
				"alloy-node 3.x (alloy-automation/alloy-node uapi/commerce.mjs, crm.mjs, erp.mjs with utils.mjs's 2024-03 baseUrl) sends connectionId on every /one/ call"}},
	}
}

// webhookConnectionParams: the 2024-03 subscription page takes no
// connection at all (topic[] only), the older webhooks guide a connectionId;
// the SDK sends the connection, and the contract accepts it without
// requiring it.
func webhookConnectionParams() []S {
	return []S{
		{"name": "connectionId", "in": "query", "required": false, "schema": str(), "x-alloy-contested": true},
		{"name": "credentialId", "in": "query", "required": false, "schema": str(), "x-alloy-since": "2024-03", "x-alloy-contested": true},
	}
}

func pagingParams() []S {
	return []S{
		{"name": "pageSize", "in": "query", "schema": S{"type": "integer", "minimum": 1, "maximum": 100},
			"description": "Records per page; at most 100, default 50"},
		{"name": "cursor", "in": "query", "schema": str(), "x-alloy-until": "2024-03",
			"description": "The nextCursor of the previous page (cursor paging, 2023-12)"},
		{"name": "pageNumber", "in": "query", "schema": S{"type": "integer", "minimum": 1}, "x-alloy-since": "2024-03",
			"description": "The 1-based page (page-number paging, 2024-03)"},
	}
}

// modelOp is one operation of a collection.
func modelOp(c *collection, kind, method, path string, sources []any, models map[string]any) *op {
	goMethod := ""
	for _, u := range unifiedKinds {
		if u.kind == kind {
			goMethod = u.goMethod
		}
	}
	o := &op{
		id: "unified." + c.family + "." + c.name + "." + goMethod, method: method, path: path,
		documented: map[string]string{}, responses: map[string]S{}, sources: sources,
		family: c.family, kind: kind, collectionPath: c.base(),
	}
	o.goName = o.id
	o.assumed = []string{"2025-09"} // no page shows the Unified API on 2025-09
	for _, s := range sources {
		if s.(S)["kind"] == "page" {
			o.documented["2024-03"] = s.(S)["ref"].(string)
		}
	}
	model := ref("unified." + c.goType)
	o.params = append(o.params, connectionParams()...)
	for _, m := range placeholder.FindAllStringSubmatch(path, -1) {
		o.params = append(o.params, S{"name": m[1], "in": "path", "required": true, "schema": str()})
	}
	switch kind {
	case "list":
		o.params = append(o.params, pagingParams()...)
		o.responses["200"] = obj(
			p(c.list, with(arr(model), "description", "the page (2024-03 guides; also 2023-12 as alloytest answers)")),
			p("data", with(arr(model), "description", "the page, as the 1.1.0 pagination guide shows it")),
			p("pageInfo", with(obj(p("hasNext", boolean()), p("nextCursor", with(str(), "nullable", true))), "x-alloy-until", "2024-03")),
		)
		o.goRoot = "/" + c.list
		o.extra = S{"x-alloy-filters": "any documented field as field, fieldContains, fieldNotEquals, fieldMin or fieldMax"}
	case "count":
		o.responses["200"] = obj(req("count", integer()))
		o.goRoot = "/count" // Count returns the number itself
		o.sources = append(o.sources, S{"kind": "sdk", "ref": "alloy-node 3.3.0 test/uapi/*.test.mjs",
			"note": "no page documents a count's response; Alloy's SDK reads {count}"})
	case "get":
		o.responses["200"] = obj(p(c.single, model))
		o.goRoot = "/" + c.single
	case "create", "update":
		o.body = with(model, "x-alloy-note", "the record itself, without the properties Alloy sets (readOnly), plus remoteFields")
		if req := asList(asMap(asMap(models[c.model])["create"])["required"]); kind == "create" && len(req) > 0 {
			o.body = S{"allOf": []any{model}, "required": req,
				"x-alloy-source": []any{asMap(asMap(models[c.model])["create"])["source"]}}
		}
		o.bodyRequired = true
		o.responses["200"] = obj(p(c.single, model))
		o.goRoot = "/" + c.single
	case "delete":
		o.responses["200"] = obj(p("code", with(anyValue(), "x-alloy-note", "present; its value is never checked")))
		o.sources = append(o.sources, S{"kind": "sdk", "ref": "alloy-node test/uapi/accounting.test.mjs, test/accounting.test.mjs",
			"note": "no page documents a delete's response; Alloy's accounting tests expect an object with a code key (expect(data).toHaveProperty(\"code\")), the commerce and CRM tests only that something is answered"})
	}
	if _, ok := models[c.model]; !ok {
		log.Fatalf("uapi-models.json has no %s", c.model)
	}
	return o
}

// platformOp is a non-model Unified operation (users, connections,
// forward, metadata, webhooks).
func platformOp(name, method, path string, sources []any, models map[string]any) *op {
	o := &op{method: method, path: path, documented: map[string]string{}, responses: map[string]S{}, sources: sources,
		assumed: []string{"2025-09"}}
	for _, s := range sources {
		if s.(S)["kind"] == "page" {
			o.documented["2024-03"] = s.(S)["ref"].(string)
		}
	}
	for _, m := range placeholder.FindAllStringSubmatch(path, -1) {
		o.params = append(o.params, S{"name": m[1], "in": "path", "required": true, "schema": str()})
	}
	user := obj(p("userId", str()), p("username", str()), p("fullName", str()))
	userBody := obj(p("username", str()), p("fullName", str()))
	sub := ref("unified.Subscription")
	switch name {
	case "uapiCreateUser":
		o.id, o.body, o.bodyRequired = "unified.Users.Create", userBody, true
		o.responses["200"] = obj(p("userId", str()))
	case "uapiListUsers":
		o.id = "unified.Users.List"
		o.responses["200"] = obj(p("data", arr(user)))
		o.goRoot = "/data"
	case "uapiGetUser":
		o.id = "unified.Users.Get"
		o.responses["200"] = user
	case "uapiUpdateUser":
		o.id, o.body, o.bodyRequired = "unified.Users.Update", userBody, true
		o.responses["200"] = user
	case "uapiDeleteUser":
		o.id = "unified.Users.Delete"
		o.responses["200"] = obj(p("success", boolean()))
	case "deleteConnection":
		o.id = "unified.Connections.Delete"
		o.responses["200"] = obj(p("success", boolean()))
	case "forward":
		o.id = "unified.Passthrough.Do"
		o.params = append(o.params, connectionParams()...)
		o.body = obj(req("method", str()), p("endpoint", str()), p("path", with(str(), "x-alloy-contested", true)),
			p("body", with(S{"type": "string", "nullable": true}, "description", "stringified JSON")),
			p("query", with(freeObject("query parameters for the provider"), "nullable", true, "x-alloy-nullable", "inference: the SDK sends null when there are none")),
			p("extraHeaders", with(S{"type": "string", "nullable": true}, "description", "stringified JSON")))
		o.bodyRequired = true
		o.responses["200"] = with(anyValue(), "x-alloy-open", "the provider's answer, passed through")
		o.extra = S{"x-alloy-conflicts": []any{"the examples use endpoint, the parameter list says path (https://docs-uapi.runalloy.com/docs/passthrough-apis-requests)"}}
	case "listOperations":
		o.id = "unified.Metadata.ListOperations"
		o.params = append(o.params, queryParam("app", true, "the app, e.g. shopify"))
		o.responses["200"] = obj(p("operations", S{"type": "object", "additionalProperties": arr(str())}))
		o.goRoot = "/operations"
	case "listFields":
		o.id = "unified.Metadata.ListFields"
		o.params = append(o.params, queryParam("app", true, "the app, e.g. shopify"), queryParam("operation", true, "e.g. listCustomers"))
		o.responses["200"] = obj(p("fields", with(anyValue(), "x-alloy-open", "the page's response is cut off")))
		o.goRoot = "/fields"
	case "createSubscription":
		o.id = "unified.Webhooks.Create"
		o.params = append(o.params, webhookConnectionParams()...)
		o.body = obj(req("address", with(str(), "format", "uri")), p("topic", arr(str())),
			p("scope", with(str(), "x-alloy-until", "2024-03", "description", "one topic, as the older webhooks guide sends it")))
		o.bodyRequired = true
		o.responses["200"] = obj(p("subscription", sub))
		o.goRoot = "/subscription"
	case "listSubscriptions":
		o.id = "unified.Webhooks.List"
		o.params = append(o.params, webhookConnectionParams()...)
		o.responses["200"] = obj(p("subscriptions", arr(sub)))
		o.goRoot = "/subscriptions"
	case "getSubscription":
		o.id = "unified.Webhooks.Get"
		o.params = append(o.params, webhookConnectionParams()...)
		o.responses["200"] = obj(p("subscription", sub))
		o.goRoot = "/subscription"
	case "deleteSubscription":
		o.id = "unified.Webhooks.Delete"
		o.params = append(o.params, webhookConnectionParams()...)
		o.responses["200"] = obj(p("success", boolean()))
	default:
		return nil
	}
	o.goName = o.id
	return o
}

// componentSchemas builds the Unified models: the properties Alloy's pages
// document (uapi-models.json: model tables, endpoint schemas and create
// bodies), then, where the pages are silent, the properties Alloy's own
// SDKs expect (uapi-sdk-models.json: alloy-node's tests and docs, each
// with its file), then the version rules for the sync timestamps, then the
// type of every property (modelTypes: the page's type, or why another),
// with the nested structures as schemas of their own (nestedSchemas).
func componentSchemas(models, sdk map[string]any) S {
	out := S{
		"Error": obj(p("message", str()), p("code", S{"x-alloy-note": "a string or a number"}),
			p("error", with(anyValue(), "description", "some gateways answer {error} instead of {message}"))),
	}
	for _, c := range unifiedCollections {
		m := models[c.model].(map[string]any)
		sch := S{"type": "object", "properties": S{}, "x-alloy-model": c.model}
		props := sch["properties"].(S)
		for name, pv := range asMap(m["properties"]) {
			props[name] = convert(pv)
		}
		create := asMap(m["create"])
		for name, pv := range asMap(create["body"]) {
			if _, ok := props[name]; !ok && isName(name) {
				props[name] = with(convert(pv), "x-alloy-basis", "create body")
			}
		}
		for name, pv := range asMap(create["fields_seen"]) {
			if _, ok := props[name]; !ok && isName(name) {
				props[name] = with(seenType(pv), "x-alloy-basis", "create example", "x-alloy-source", []any{create["source"]})
			}
		}
		if req := asList(create["required"]); len(req) > 0 {
			sch["x-alloy-create-required"] = req
		}
		for name, pv := range asMap(asMap(sdk[c.model])["properties"]) {
			if _, ok := props[name]; !ok && isName(name) && !notEvidence(asMap(pv)) {
				props[name] = sdkProp(asMap(pv))
			}
		}
		props["remoteFields"] = with(freeObject("fields of the remote app that the common model does not support"),
			"description", "An object containing remote fields that are not supported by the common model (create-contact-1).",
			"x-alloy-write-only", true)
		for _, name := range []string{"id", "remoteId"} {
			// Every record the Unified API answers has Alloy's id and the
			// remote app's (the common model); a model no page shows (CRM
			// users) still has routes that take {id}.
			if _, ok := props[name]; !ok {
				props[name] = with(inferred(str(), idText+"; every common model has id and remoteId, and this collection's get, update and delete routes take an id"),
					"x-alloy-basis", "common model")
			}
		}
		syncRules(c, props)
		applyTypes("unified."+c.goType, props, modelTypes[c.goType])
		for name, ps := range props {
			pv := ps.(S)
			if readOnly[name] {
				pv["readOnly"] = true
			}
			if name != "id" {
				nullable(pv)
			}
		}
		if st, _ := m["status"].(string); st != "" {
			sch["x-alloy-status"] = st
		}
		if srcs := asList(m["sources"]); len(srcs) > 0 {
			sch["x-alloy-source"] = srcs
		}
		out["unified."+c.goType] = sch
	}
	w := models["platform/webhook-subscriptions"].(map[string]any)
	sub := S{"type": "object", "properties": S{}, "x-alloy-model": "platform/webhook-subscriptions"}
	for name, pv := range w["properties"].(map[string]any) {
		sub["properties"].(S)[name] = convert(pv)
	}
	out["unified.Subscription"] = sub
	for name, sch := range nestedSchemas() {
		for _, ps := range sch.(S)["properties"].(S) {
			nullable(ps.(S))
		}
		out[name] = sch
	}
	for name, sch := range out {
		checkTyped(name, "", sch.(S))
	}
	return out
}

// nullable marks a property nullable: no page says so, but Alloy's
// examples show null (or "") where the remote app has no value, and the
// common model names every property.
func nullable(pv S) {
	if pv["nullable"] == nil {
		pv["nullable"] = true
		pv["x-alloy-nullable"] = "inferred: Alloy's examples show null where the remote app has no value, and the common model always names every property"
	}
}

// checkTyped stops the generator at a model property without a type: every
// property of a Unified model says what JSON it holds.
func checkTyped(model, path string, sch S) {
	if !strings.HasPrefix(model, "unified.") {
		return
	}
	for name, ps := range asMap(sch["properties"]) {
		pv := ps.(S)
		at := path + name
		switch {
		case pv["$ref"] != nil, pv["allOf"] != nil:
		case pv["type"] == nil:
			log.Fatalf("%s.%s has no type", model, at)
		case pv["type"] == "array":
			items := asMap(pv["items"])
			if items["$ref"] == nil && items["type"] == nil {
				log.Fatalf("%s.%s[] has no type", model, at)
			}
			checkTyped(model, at+"[].", items)
		case pv["type"] == "object":
			checkTyped(model, at+".", pv)
		}
	}
}

// notEvidence reports whether uapi-sdk-models.json records a property as
// no evidence at all (a product's price: only in commented-out lines).
func notEvidence(m map[string]any) bool {
	role, _ := m["role"].(string)
	return strings.HasPrefix(role, "NOT evidence")
}

// typeKeys are the keys of a property schema that say what JSON it holds.
var typeKeys = []string{"type", "format", "items", "properties", "anyOf", "oneOf", "allOf", "$ref", "additionalProperties"}

// applyTypes gives the model's properties the types of modelTypes: each
// entry replaces what the compiled sources say about the type (and keeps
// the description and sources). An entry names a property the sources
// name, so a typo stops the generator.
func applyTypes(model string, props S, types S) {
	for name, ts := range types {
		t := ts.(S)
		cur, ok := props[name].(S)
		if !ok {
			log.Fatalf("%s has no property %s to type", model, name)
		}
		for _, k := range typeKeys {
			delete(cur, k)
		}
		if _, ok := t["enum"]; ok {
			delete(cur, "enum")
		}
		for k, v := range t {
			if k == "x-alloy-conflicts" || k == "x-alloy-source" {
				cur[k] = append(asList(cur[k]), asList(v)...)
				continue
			}
			cur[k] = v
		}
		props[name] = cur
	}
}

// readOnly are the properties Alloy sets: the record's ids and its sync
// timestamps. A create or update that sends one fails validation; the SDK
// leaves them out of what it writes.
var readOnly = map[string]bool{
	"id": true, "remoteId": true, "createdAt": true, "updatedAt": true, "remoteCreatedAt": true,
	"remoteUpdatedAt": true, "remoteDeleted": true, "createdTimestamp": true, "updatedTimestamp": true,
}

// syncRules bounds the sync timestamps by version. The docs-uapi pages
// (2024-03) show createdAt, updatedAt, remoteCreatedAt, remoteUpdatedAt and
// remoteDeleted; the older docs.runalloy.com pages (2023-12) show
// createdTimestamp and updatedTimestamp in Unix seconds (orders; the
// customers page says milliseconds). A model whose 2024-03 page shows the
// new fields has them from 2024-03 on and the Unix ones before; a model no
// page shows keeps the Unix ones on every version, as Alloy's SDK tests
// (the 2024-03 accounting test included) expect them.
func syncRules(c *collection, props S) {
	newer := false
	for _, name := range []string{"createdAt", "updatedAt", "remoteCreatedAt", "remoteUpdatedAt", "remoteDeleted"} {
		if pv, ok := props[name].(S); ok {
			pv["x-alloy-since"] = "2024-03"
			if name != "remoteDeleted" {
				pv["type"], pv["format"] = "string", "date-time" // DateTime: "2023-11-19T17:00:17.000Z"
			}
			newer = true
		}
	}
	unit := "seconds"
	if c.model == "commerce/customers" {
		unit = "milliseconds"
	}
	for _, name := range []string{"createdTimestamp", "updatedTimestamp"} {
		pv, ok := props[name].(S)
		if !ok {
			pv = S{"type": "integer", "x-alloy-basis": "older-generation pages",
				"x-alloy-source": []any{"https://docs.runalloy.com/reference/orders (Unix seconds)", "alloy-node test/*.test.mjs"}}
			props[name] = pv
		}
		pv["x-alloy-unit"] = unit
		if pv["type"] == nil {
			pv["type"] = "integer" // a Unix time: the pages type it Number and show whole numbers
			pv["x-alloy-type-basis"] = "inferred: Alloy's SDK tests assert presence only; the older pages type it Number, e.g. 1589865701"
		}
		if newer {
			pv["x-alloy-until"] = "2024-03"
		}
	}
}

// sdkProp is a property seen only in Alloy's SDKs: named, and typed only
// where a request sent a value of a clear type (the tests assert presence,
// not type).
func sdkProp(m map[string]any) S {
	var srcs []any
	srcs = append(srcs, asList(m["sources"])...)
	srcs = append(srcs, asList(m["request_sources"])...)
	out := S{"x-alloy-basis": "sdk", "x-alloy-source": srcs}
	seen, _ := m["request_type_seen"].(string)
	if seen == "" {
		seen, _ = m["type_seen"].(string)
	}
	switch low := strings.ToLower(seen); {
	case strings.HasPrefix(low, "string"):
		out["type"] = "string"
	case strings.HasPrefix(low, "number"), strings.HasPrefix(low, "integer"):
		out["type"] = "number"
	case strings.HasPrefix(low, "boolean"):
		out["type"] = "boolean"
	case strings.HasPrefix(low, "array"):
		out["type"] = "array"
		out["items"] = anyValue()
	case strings.HasPrefix(low, "object"):
		out["type"] = "object"
	default:
		out["x-alloy-evidence"] = "Alloy's SDK tests assert this property's presence, not its type"
	}
	if note, _ := m["note"].(string); note != "" {
		out["x-alloy-sdk-note"] = note
	}
	return out
}

// seenType types a create example's field from its words.
func seenType(v any) S {
	if m, ok := v.(map[string]any); ok {
		return convert(m)
	}
	t, _ := v.(string)
	typ, _ := mapType(t)
	if typ == "" {
		return anyValue()
	}
	out := S{"type": typ}
	if typ == "array" {
		out["items"] = itemsFor(t)
	}
	return out
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// Pages and SDK files the types below come from.
const (
	pgOrders          = "https://docs-uapi.runalloy.com/reference/orders"
	pgOrdersOld       = "https://docs.runalloy.com/reference/orders"
	pgGetOrder        = "https://docs.runalloy.com/reference/unified-api/get-order"
	pgProducts        = "https://docs-uapi.runalloy.com/reference/products"
	pgVariants        = "https://docs-uapi.runalloy.com/reference/product-variants"
	pgVariantsOld     = "https://docs.runalloy.com/reference/product-variants"
	pgFulfillments    = "https://docs-uapi.runalloy.com/reference/fulfillments"
	pgCreateAccount   = "https://docs.runalloy.com/reference/unified-api/create-account"
	pgInvoices        = "https://docs-uapi.runalloy.com/reference/invoices"
	pgRetrieveInvoice = "https://docs.runalloy.com/reference/unified-api/retrieve-invoice"
	pgBill            = "https://docs-uapi.runalloy.com/reference/bill"
	pgSalesOrder      = "https://docs-uapi.runalloy.com/reference/sales-order"
	pgRetrievePayment = "https://alloy-docs.netlify.app/reference/unified-api/retrieve-payment"
	pgCreatePayment   = "https://docs.runalloy.com/reference/unified-api/create-payment"
	pgContacts        = "https://docs-uapi.runalloy.com/reference/contacts-1"
	pgCRMAccounts     = "https://docs-uapi.runalloy.com/reference/accounts-1"
	pgCreateAccount1  = "https://docs.runalloy.com/reference/unified-api/create-account-1"
	pgCreateContact1  = "https://docs.runalloy.com/reference/unified-api/create-contact-1"
	pgAccountingSDK   = "https://docs-uapi.runalloy.com/docs/accounting-sdk"
	pgOrderGuide      = "https://docs-uapi.runalloy.com/docs/order-fulfillment-updates"
	sdkAccounting     = "alloy-automation/alloy-node:test/uapi/accounting.test.mjs"
	sdkAccountingOld  = "alloy-automation/alloy-node:test/accounting.test.mjs"
	sdkCommerce       = "alloy-automation/alloy-node:test/commerce.test.mjs"
	sdkCRM            = "alloy-automation/alloy-node:test/crm.test.mjs"
)

// Reasons shared by several inferred types.
const (
	idText      = "an id: every id a page types is a String"
	sdkText     = "Alloy's SDK tests assert the property's presence only; text, as the model's other names and statuses"
	acctMoney   = "an accounting amount: the accounting pages type totalAmount, balance and exchangeRate Number"
	dateLikeSO  = "a date, as the sales-order page types issueDate and deliveryDate (Format: YYYY-MM-DD)"
	idsLikeRest = "ids: the example shows []; the other accounting models carry trackingCategoryIds as string[]"
)

// modelTypes gives each model property the type its page gives it where
// the compiled sources lose it (a truncated table, an example's null, an
// untyped endpoint schema), records the other pages' word where they
// disagree (x-alloy-conflicts), and says why where no page types it
// (x-alloy-type-basis). Nested structures refer to nestedSchemas.
var modelTypes = map[string]S{
	"Order": {
		"totalShipping": contested(decimal("string"), "both orders pages type it String but describe \"A number field\" (UAPI_MODELS conflict 5); list-orders filters it as float"),
		"totalDiscount": decimal("string"),
		"totalTax":      decimal("string"),
		"totalPrice":    decimal("string"),
		"lineItems":     many("unified.OrderLineItem"),
		"customer":      one("unified.OrderCustomer"),
		"billingAddress": contested(with(one("unified.OrderAddress"), "x-alloy-type-basis",
			"alloy-node asserts billingAddress on every order and sends it as {address1, city, countryCode, firstName, lastName, phone, region, postalCode} ("+sdkCommerce+")"),
			"no page names billingAddress (UAPI_MODELS conflict 31)"),
		"shippingAddress": contested(with(one("unified.OrderAddress"), "x-alloy-type-basis",
			"named in prose only ("+pgOrderGuide+"); alloy-node sends it as billingAddress's shape in an update ("+sdkCommerce+")"),
			"absent from the get-order schema (UAPI_MODELS conflict 31)"),
	},
	"Product": {
		"images":   many("unified.ProductImage"),
		"variants": contested(many("unified.ProductVariant"), "the products page nests variants with createdTimestamp/updatedTimestamp while the product has remoteCreatedAt (UAPI_MODELS conflict 3)"),
	},
	"Variant": {
		"price":        decimal("string"),
		"optionValues": many("unified.OptionValue"),
		"inventory":    one("unified.Inventory"),
		"weight": contested(one("unified.Weight"),
			"the 2024-03 example ("+pgVariants+") is an array of {value, unit} in kg, g, oz and lb (UAPI_MODELS conflict 4); both variants pages type weight Object and alloy-node sends an object"),
	},
	"Fulfillment": {
		"lineItems": many("unified.FulfillmentLineItem"),
	},
	"CompanyInfo": {
		"id":                  inferred(str(), idText),
		"remoteId":            inferred(str(), idText),
		"companyName":         inferred(str(), sdkText),
		"companyLegalName":    inferred(str(), sdkText),
		"taxNumber":           inferred(str(), sdkText),
		"currency":            inferred(str(), "a currency code, as on every accounting page"),
		"fiscalYearEndMonth":  inferred(integer(), "a month number"),
		"fiscalYearEndDay":    inferred(integer(), "a day of the month"),
		"companyUrls":         inferred(strs(), "URLs"),
		"companyAddresses":    inferred(many("unified.AccountingAddress"), "the accounting family's address (AccountingAddress on the sales-order page)"),
		"companyPhoneNumbers": inferred(many("unified.PhoneNumber"), "the accounting family's phone number"),
	},
	"Account": {
		"currentBalance":  contested(decimal("number"), "String in the create-account body ("+pgCreateAccount+"; UAPI_MODELS conflict 17): the model page types it Number"),
		"accountNumber":   inferred(str(), "null in the page's example; numbers that are codes are String on the accounting pages (invoiceNumber, salesOrderNumber)"),
		"parentAccountId": inferred(str(), idText),
		"companyId":       inferred(str(), "null in the page's example; String on the invoices, tax-rate and accounting-item pages"),
	},
	"AccountingCustomer": {
		"id":             inferred(str(), idText),
		"remoteId":       inferred(str(), idText),
		"email":          inferred(str(), sdkText),
		"taxNumber":      inferred(str(), sdkText),
		"customerStatus": inferred(str(), sdkText),
		"currency":       inferred(str(), "a currency code, as on every accounting page"),
		"companyId":      inferred(str(), "String on the invoices, tax-rate and accounting-item pages"),
		"addresses":      many("unified.AccountingAddress"),
		"phoneNumbers":   many("unified.PhoneNumber"),
	},
	"Vendor": {
		"id":           inferred(str(), idText),
		"remoteId":     inferred(str(), idText),
		"email":        inferred(str(), sdkText),
		"taxNumber":    inferred(str(), sdkText),
		"currency":     inferred(str(), "a currency code, as on every accounting page"),
		"companyId":    inferred(str(), "String on the invoices, tax-rate and accounting-item pages"),
		"addresses":    many("unified.AccountingAddress"),
		"phoneNumbers": many("unified.PhoneNumber"),
	},
	"TaxRate": {
		"totalTaxRate":     decimal("number"),
		"effectiveTaxRate": decimal("number"),
	},
	"TrackingCategory": {
		"id":                     inferred(str(), idText),
		"remoteId":               inferred(str(), idText),
		"trackingCategoryName":   inferred(str(), sdkText),
		"trackingCategoryStatus": inferred(str(), sdkText),
		"trackingCategoryType":   inferred(str(), sdkText),
		"parentCategoryId":       inferred(str(), idText),
		"companyId":              inferred(str(), "String on the invoices, tax-rate and accounting-item pages"),
	},
	"Item": {
		"unitPrice":     decimal("number"),
		"purchasePrice": decimal("number"),
		"qtyOnHand":     decimal("number"),
	},
	"PurchaseOrder": {
		"id":                  inferred(str(), idText),
		"remoteId":            inferred(str(), idText),
		"purchaseOrderStatus": inferred(str(), sdkText),
		"poStatus": with(inferred(str(), sdkText), "x-alloy-alternative-of", "purchaseOrderStatus",
			"description", "purchaseOrderStatus as the 2023-06-era alloy-node test names it ("+sdkAccountingOld+"); the 2024-03-era test asserts purchaseOrderStatus"),
		"poNumber": with(inferred(str(), "purchaseOrderNumber's type"), "x-alloy-alternative-of", "purchaseOrderNumber",
			"description", "purchaseOrderNumber as the 2023-06-era alloy-node test names it ("+sdkAccountingOld+"); the 2024-03-era test asserts purchaseOrderNumber"),
		"issueDate":           inferred(date(), dateLikeSO),
		"deliveryDate":        inferred(date(), dateLikeSO),
		"deliveryAddress":     inferred(one("unified.AccountingAddress"), "the sales-order page types its deliveryAddress AccountingAddress"),
		"memo":                inferred(str(), "String on the invoices and bill pages"),
		"companyId":           inferred(str(), "String on the invoices, tax-rate and accounting-item pages"),
		"currency":            inferred(str(), "a currency code, as on every accounting page"),
		"totalAmount":         inferred(decimal("number"), acctMoney),
		"exchangeRate":        inferred(decimal("number"), acctMoney),
		"lineItems":           many("unified.PurchaseOrderLineItem"),
		"trackingCategoryIds": inferred(strs(), "ids"),
	},
	"Bill": {
		"billNumber": contested(num(),
			"alloy-node sends billNumber \"PLDT-001\", a string ("+sdkAccounting+"); invoiceNumber and salesOrderNumber are String (UAPI_MODELS conflict 16)"),
		"companyId": contested(num(),
			"String on the invoices, tax-rate and accounting-item pages (UAPI_MODELS conflict 15)"),
		"billStatus":         inferred(str(), "null in the page's example; a status, String as invoiceStatus's siblings"),
		"issueDate":          date(),
		"dueDate":            date(),
		"paidOnDate":         date(),
		"exchangeRate":       decimal("number"),
		"totalDiscount":      inferred(decimal("string"), "null in the page's example; retrieve-invoice types the invoice's totalDiscount string, and a bill has the invoice's keys ("+sdkAccounting+")"),
		"subTotal":           inferred(decimal("string"), "null in the page's example; retrieve-invoice types the invoice's subTotal string, and a bill has the invoice's keys ("+sdkAccounting+")"),
		"totalTaxAmount":     inferred(decimal("number"), "null in the page's example; the sales-order example shows totalTaxAmount 1"),
		"totalAmount":        decimal("number"),
		"balance":            decimal("number"),
		"trackingCategories": inferred(strs(), idsLikeRest),
		"purchaseOrders":     inferred(strs(), idsLikeRest),
		"lineItems":          many("unified.BillLineItem"),
	},
	"Invoice": {
		"issueDate":          contested(date(), "integer (Default value: 0) in the retrieve-invoice schema ("+pgRetrieveInvoice+"; UAPI_MODELS conflict 14)"),
		"dueDate":            contested(date(), "integer (Default value: 0) in the retrieve-invoice schema ("+pgRetrieveInvoice+"; UAPI_MODELS conflict 14)"),
		"paidOnDate":         date(),
		"invoiceStatus":      inferred(str(), "untyped in the retrieve-invoice schema, null in the example; a status"),
		"exchangeRate":       inferred(decimal("number"), "untyped in the retrieve-invoice schema; the example shows 1"),
		"totalDiscount":      decimal("string"),
		"subTotal":           decimal("string"),
		"totalTaxAmount":     inferred(decimal("number"), "untyped in the retrieve-invoice schema, null in the example; the sales-order example shows totalTaxAmount 1"),
		"totalAmount":        decimal("number"),
		"balance":            decimal("number"),
		"trackingCategories": inferred(strs(), idsLikeRest),
		"purchaseOrders":     inferred(strs(), idsLikeRest),
		"lineItems":          many("unified.InvoiceLineItem"),
	},
	"Payment": {
		"transactionDate":     contested(date(), "the retrieve-payment example shows \"2022-09-01T00:00:00.000Z\" ("+pgRetrievePayment+"; UAPI_MODELS conflict 19); create-payment and list-payments say Format: YYYY-MM-DD"),
		"exchangeRate":        contested(decimal("number"), "string in the create-payment body ("+pgCreatePayment+"; UAPI_MODELS conflict 18); the retrieve-payment example shows 1 and list-payments filters it as float"),
		"totalAmount":         decimal("number"),
		"companyId":           inferred(str(), "null in the example; String on the invoices, tax-rate and accounting-item pages"),
		"trackingCategoryIds": inferred(strs(), "ids; the example shows []"),
	},
	"SalesOrder": {
		"salesOrderStatus":    contested(str(), "the page's example shows \"Open\", outside the enum it lists (UAPI_MODELS conflict 20)"),
		"issueDate":           date(),
		"deliveryDate":        date(),
		"paidOnDate":          inferred(date(), "null in the page's example; Date on the invoices and bill pages"),
		"deliveryAddress":     one("unified.AccountingAddress"),
		"memo":                inferred(str(), "null in the page's example; String on the invoices and bill pages"),
		"companyId":           inferred(str(), "null in the page's example; String on the invoices, tax-rate and accounting-item pages"),
		"totalAmount":         decimal("number"),
		"totalTaxAmount":      decimal("number"),
		"exchangeRate":        decimal("number"),
		"lineItems":           many("unified.SalesOrderLineItem"),
		"trackingCategoryIds": inferred(strs(), "ids; the example shows []"),
	},
	"CRMAccount": {
		"numberOfEmployees": with(integer(), "x-alloy-type-basis", "int32 in the create-account-1 body ("+pgCreateAccount1+"); the model page says Number"),
		"addresses":         many("unified.CRMAddress"),
		"phoneNumbers":      many("unified.PhoneNumber"),
		"lastActivityAt":    dateTime(),
	},
	"Contact": {
		"addresses":      many("unified.CRMAddress"),
		"emailAddresses": many("unified.EmailAddress"),
		"phoneNumbers":   many("unified.PhoneNumber"),
		"lastActivityAt": dateTime(),
	},
	"Lead": {
		"id":             inferred(str(), idText),
		"remoteId":       inferred(str(), idText),
		"addresses":      many("unified.CRMAddress"),
		"emailAddresses": many("unified.EmailAddress"),
		"phoneNumbers":   many("unified.PhoneNumber"),
	},
	"Note": {
		"id":              inferred(str(), idText),
		"remoteId":        inferred(str(), idText),
		"noteOwner":       inferred(str(), "an id or a name, as a lead's leadOwner (String in create-lead)"),
		"noteAccount":     inferred(str(), idText+"; alloy-node sends noteContact as a contact's id"),
		"noteOpportunity": inferred(str(), idText+"; alloy-node sends noteContact as a contact's id"),
	},
	"Task": {
		"id":              inferred(str(), idText),
		"remoteId":        inferred(str(), idText),
		"taskOwner":       inferred(str(), "an id or a name, as a lead's leadOwner (String in create-lead)"),
		"taskOpportunity": inferred(str(), idText),
		"taskStatus":      inferred(str(), sdkText),
		"dueDate":         inferred(date(), "a date, as an opportunity's closeDate, which alloy-node sends as \"2023-11-17\""),
		"completedDate":   inferred(date(), "a date, as an opportunity's closeDate, which alloy-node sends as \"2023-11-17\""),
	},
	"Opportunity": {
		"id":                     inferred(str(), idText),
		"remoteId":               inferred(str(), idText),
		"opportunityDescription": inferred(str(), sdkText),
		"opportunityOwner":       inferred(str(), "an id or a name, as a lead's leadOwner (String in create-lead)"),
		"opportunityAccount":     inferred(str(), idText),
		"opportunityStatus":      inferred(str(), sdkText),
		"amount":                 inferred(decimal("number"), "the SDK docs send 5000, 5000.0 and 7000"),
		"closeDate":              inferred(date(), "alloy-node sends \"2023-11-17\" ("+sdkCRM+")"),
		"lastActivityAt":         inferred(dateTime(), "ISO 8601 with an offset on the CRM accounts and contacts pages"),
	},
}

// nestedSchemas are the structures nested in the Unified models, one
// schema each, named as the SDK's Go types.
func nestedSchemas() S {
	s := func(name string) prop { return p(name, str()) }
	crm := []any{pgContacts, pgCRMAccounts, pgCreateContact1}
	return S{
		"unified.OrderAddress": component("An order's billing or shipping address, as alloy-node sends and reads it; no page documents its fields.",
			[]any{sdkCommerce},
			s("firstName"), s("lastName"), s("address1"), s("city"), s("region"), s("postalCode"), s("countryCode"), s("phone")),
		"unified.OrderCustomer": component("The buyer as the order records it (get-order).", []any{pgGetOrder, pgOrders},
			s("customerId"), s("firstName"), s("lastName"), s("phone"), s("email")),
		"unified.OrderLineItem": component("One line of an order (get-order).", []any{pgGetOrder, pgOrders, pgOrdersOld},
			p("quantity", decimal("integer")), s("productId"), p("price", decimal("string")), p("unitCost", decimal("string")),
			s("currency"), s("variantId"), s("title"), s("sku")),
		"unified.ProductImage": component("An image of a product (the products page's example).", []any{pgProducts},
			p("src", with(str(), "description", "the image's URL"))),
		"unified.ProductVariant": component("A variant as the products page nests it: with createdTimestamp and updatedTimestamp (Unix seconds) on every version.",
			[]any{pgProducts},
			s("id"), s("remoteId"), p("createdTimestamp", with(num(), "x-alloy-unit", "seconds")), p("updatedTimestamp", with(num(), "x-alloy-unit", "seconds")),
			s("productId"), s("title"), p("price", decimal("string")), s("sku"),
			p("optionValues", many("unified.OptionValue")), p("inventory", one("unified.Inventory")), p("weight", one("unified.Weight"))),
		"unified.OptionValue": component("A variant's option (Option Value Object).", []any{pgVariantsOld, pgVariants},
			s("name"), s("value")),
		"unified.Inventory": component("A variant's inventory (Inventory Object).", []any{pgVariantsOld, pgVariants},
			p("totalCount", with(integer(), "x-alloy-type-basis", "Number on the page; a count of units, whole in every example (93, 50)"))),
		"unified.Weight": component("A variant's weight (Weight Object).", []any{pgVariantsOld, pgVariants},
			p("value", decimal("number")), s("unit")),
		"unified.FulfillmentLineItem": component("A line of an order that a fulfillment ships (Fulfillment Line Item Object; price, variantId, title and sku from the example).",
			[]any{pgFulfillments, "https://alloy-docs.netlify.app/reference/unified-api/get-fulfillment"},
			p("quantity", decimal("number")), s("productId"), s("lineItemId"), p("price", decimal("string")), s("variantId"), s("title"), s("sku")),
		"unified.AccountingAddress": with(component("An address in the accounting models (AccountingAddress on the sales-order page). Its postal field is zipCode, where the CRM address has postalCode: the accounting SDK docs send addressType, street1, zipCode and country, and alloy-node asserts these 8 keys on vendors.",
			[]any{pgAccountingSDK, pgSalesOrder, sdkAccounting, sdkAccountingOld},
			s("addressType"), s("street1"), s("street2"), s("city"), s("state"), s("country"), s("countrySubdivision"), s("zipCode")),
			"x-alloy-model", "shared/accounting-address",
			"x-alloy-conflicts", []any{"the CRM address names its postal code postalCode (UAPI_MODELS conflict 25)"}),
		"unified.CRMAddress": with(component("An address in the CRM models (the create-contact-1 and create-account-1 bodies).", crm,
			s("addressType"), s("street1"), s("street2"), s("city"), s("state"), s("countrySubdivision"), s("country"), s("postalCode")),
			"x-alloy-model", "shared/crm-address",
			"x-alloy-conflicts", []any{"the accounting address names its postal code zipCode (UAPI_MODELS conflict 25)"}),
		"unified.PhoneNumber": with(component("A phone number, the same in the CRM and accounting models.", append(crm, pgAccountingSDK),
			s("phoneNumberType"), s("phoneNumber")),
			"x-alloy-model", "shared/crm-phone-number", "x-alloy-also-model", "shared/accounting-phone-number"),
		"unified.EmailAddress": with(component("An email address in the CRM models.", crm,
			s("emailAddressType"), s("emailAddress")),
			"x-alloy-model", "shared/crm-email-address"),
		"unified.InvoiceLineItem": component("One line of an invoice (the retrieve-invoice schema's 13 fields).", []any{pgRetrieveInvoice, pgInvoices},
			s("id"), s("remoteId"), s("description"),
			p("unitPrice", inferred(decimal("number"), "untyped in the retrieve-invoice schema; "+acctMoney)),
			p("quantity", inferred(decimal("number"), "untyped in the retrieve-invoice schema; the sales-order example's line quantity is 1")),
			p("totalAmount", decimal("number")), s("currency"),
			p("exchangeRate", inferred(decimal("number"), "untyped in the retrieve-invoice schema; the invoice's exchangeRate is 1")),
			s("accountingItemId"), s("accountId"), s("trackingCategoryId"), p("trackingCategoryIds", strs()), s("companyId")),
		"unified.BillLineItem": component("One line of a bill: the bill page's example (totalAmount, accountId, remoteId) and alloy-node's create body (description).",
			[]any{pgBill, sdkAccounting},
			s("remoteId"), s("description"), p("totalAmount", decimal("number")), s("accountId")),
		"unified.SalesOrderLineItem": component("One line of a sales order (the sales-order page's example).", []any{pgSalesOrder, sdkAccounting},
			s("id"),
			p("remoteId", contested(num(), "the line's remoteId is 1, a number, where every record's remoteId is a String (UAPI_MODELS conflict 21)")),
			s("description"), p("unitPrice", decimal("number")), p("quantity", decimal("number")), s("accountingItemId"), s("accountId"),
			s("trackingCategoryId"), p("taxAmount", inferred(decimal("number"), "null in the example; "+acctMoney)), p("totalAmount", decimal("number")),
			s("currency"), p("trackingCategoryIds", strs())),
		"unified.PurchaseOrderLineItem": component("One line of a purchase order, as alloy-node asserts it (12 keys; totalLineAmount where the other lines say totalAmount).",
			[]any{sdkAccounting},
			s("id"), s("remoteId"), s("description"), p("unitPrice", decimal("number")), p("quantity", decimal("number")), s("accountingItemId"),
			s("accountId"), s("trackingCategoryId"), p("taxAmount", decimal("number")), p("totalLineAmount", decimal("number")), s("currency"),
			p("trackingCategoryIds", strs())),
	}
}
