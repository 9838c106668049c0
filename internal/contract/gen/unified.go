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
// create-customer; and Alloy's Node SDK 3.3.0, a 2024-03 client, sends
// connectionId on every call. The contract follows the endpoint pages'
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
				"https://docs.runalloy.com/reference/unified-api/create-contact-1",
				"https://docs-uapi.runalloy.com/docs/pagination"},
			"x-alloy-conflicts": []any{
				"https://docs.runalloy.com/reference/unified-api/get-account-1 and create-customer name connectionId",
				"alloy-node 3.3.0 sends connectionId on every /one/ call"}},
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
// with its file), then the version rules for the sync timestamps.
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
			if _, ok := props[name]; !ok && isName(name) {
				props[name] = sdkProp(asMap(pv))
			}
		}
		props["remoteFields"] = with(freeObject("fields of the remote app that the common model does not support"),
			"description", "An object containing remote fields that are not supported by the common model (create-contact-1).",
			"x-alloy-write-only", true)
		syncRules(c, props)
		for name, ps := range props {
			pv := ps.(S)
			if readOnly[name] {
				pv["readOnly"] = true
			}
			if name != "id" && pv["nullable"] == nil {
				pv["nullable"] = true
				pv["x-alloy-nullable"] = "inferred: Alloy's examples show null where the remote app has no value, and the common model always names every property"
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
	for name, fields := range decimals {
		props := out["unified."+name].(S)["properties"].(S)
		for _, f := range fields {
			props := props
			if parent, child, nested := strings.Cut(f, "."); nested {
				items, _ := props[parent].(S)["items"].(S)
				if items == nil || items["properties"] == nil {
					continue // the page shows no items to type
				}
				props, f = items["properties"].(S), child
			}
			cur, _ := props[f].(S)
			d := S{"anyOf": []any{str(), num()}, "x-alloy-contested": true,
				"x-alloy-note": "money or a quantity: decimal text; pages type it String (e.g. \"25.00\") or Number, and the SDK's unified.Decimal reads both and sends a number (tightened in the next issue)"}
			if cur == nil {
				d["x-alloy-basis"] = "sdk"
			}
			for _, k := range []string{"description", "x-alloy-basis", "x-alloy-source", "x-alloy-doc-type", "nullable", "x-alloy-nullable", "readOnly"} {
				if v, ok := cur[k]; ok {
					d[k] = v
				}
			}
			props[f] = d
		}
	}
	return out
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
		out["x-alloy-note"] = "Alloy's SDK tests assert this property's presence, not its type"
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

// decimals are the model fields the SDK reads as unified.Decimal.
var decimals = map[string][]string{
	"Order":       {"totalShipping", "totalDiscount", "totalTax", "totalPrice", "lineItems.price", "lineItems.quantity", "lineItems.unitCost"},
	"Product":     {"price"},
	"Variant":     {"price", "inventory", "weight"},
	"Account":     {"currentBalance"},
	"TaxRate":     {"totalTaxRate", "effectiveTaxRate"},
	"Item":        {"unitPrice", "purchasePrice", "qtyOnHand"},
	"Bill":        {"totalAmount", "exchangeRate"},
	"Invoice":     {"exchangeRate", "totalDiscount", "subTotal", "totalTaxAmount", "totalAmount", "balance"},
	"Payment":     {"exchangeRate", "totalAmount"},
	"SalesOrder":  {"totalAmount", "totalTaxAmount", "exchangeRate"},
	"Opportunity": {"amount"},
}
