package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/alloysdk/alloy-go/unified"
	"github.com/spf13/cobra"
)

// A Unified API collection, as the unified package declares it: a field of
// one of unified.Client's families (Commerce, Accounting, CRM) whose type
// is one of its generic resources (Resource, CRUDResource, ReadResource),
// or a method of a family that returns one for a parent record (nested
// collections: Commerce.Variants(productID)). The collections, their
// names and the verbs each supports are found by reflection, so that a
// collection added to the SDK is a command here with no edit.
type collection struct {
	name   string // e.g. "commerce/customers", "accounting/purchase-orders"
	family string // the family's field in unified.Client, e.g. "Commerce"
	member string // the collection's field (or, nested, method) in the family
	nested bool
	parent string       // nested: the flag naming the parent record, e.g. "product"
	typ    reflect.Type // e.g. *unified.CRUDResource[unified.Customer]
	elem   reflect.Type // the record type, e.g. unified.Customer
}

// parentFlags names the parent flag of each nested collection, by its
// method in the family. The SDK's method takes the parent's id but its
// name is not visible to reflection; a test checks this covers every
// nested collection and matches the contract's routes.
var parentFlags = map[string]string{"Variants": "product", "Fulfillments": "order"}

// collectionVerbs maps the CLI's verbs to the resource methods behind them.
var collectionVerbs = []struct{ verb, method string }{
	{"list", "List"}, {"get", "Get"}, {"create", "Create"}, {"update", "Update"}, {"delete", "Delete"}, {"count", "Count"},
}

// unifiedCollections finds the collections of unified.Client.
func unifiedCollections() []collection {
	var out []collection
	client := reflect.TypeFor[unified.Client]()
	for i := range client.NumField() {
		f := client.Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer || f.Type.Elem().Kind() != reflect.Struct {
			continue
		}
		fam := f.Type.Elem()
		for j := range fam.NumField() {
			m := fam.Field(j)
			if elem, ok := resourceElem(m.Type); ok && m.IsExported() {
				out = append(out, collection{name: kebab(f.Name) + "/" + kebab(m.Name), family: f.Name, member: m.Name, typ: m.Type, elem: elem})
			}
		}
		for j := range f.Type.NumMethod() {
			m := f.Type.Method(j) // m.Type's first input is the receiver
			if m.Type.NumIn() != 2 || m.Type.In(1).Kind() != reflect.String || m.Type.NumOut() != 1 {
				continue
			}
			if elem, ok := resourceElem(m.Type.Out(0)); ok {
				parent := parentFlags[m.Name]
				if parent == "" {
					parent = "parent"
				}
				out = append(out, collection{name: kebab(f.Name) + "/" + kebab(m.Name), family: f.Name, member: m.Name, nested: true,
					parent: parent, typ: m.Type.Out(0), elem: elem})
			}
		}
	}
	return out
}

// resourceElem reports whether t is one of unified's resources (it lists,
// iterates and gets), and the record type it holds.
func resourceElem(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Pointer {
		return nil, false
	}
	get, ok := t.MethodByName("Get")
	_, lists := t.MethodByName("List")
	_, iterates := t.MethodByName("ListIter")
	if !ok || !lists || !iterates || get.Type.NumOut() != 2 || get.Type.Out(0).Kind() != reflect.Pointer {
		return nil, false
	}
	return get.Type.Out(0).Elem(), true
}

// kebab turns a Go name into the API's path style: PurchaseOrders is
// purchase-orders, CRM crm, CompanyInfo company-info.
func kebab(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 && (unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1]) || i+1 < len(r) && unicode.IsLower(r[i+1])) {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// can reports whether the collection supports a method (List, Create...).
func (col collection) can(method string) bool {
	_, ok := col.typ.MethodByName(method)
	return ok
}

// resource returns the collection's resource on u, for a nested one under
// the parent record parentID.
func (col collection) resource(u *unified.Client, parentID string) reflect.Value {
	fam := reflect.ValueOf(u).Elem().FieldByName(col.family)
	if col.nested {
		return fam.MethodByName(col.member).Call([]reflect.Value{reflect.ValueOf(parentID)})[0]
	}
	return fam.Elem().FieldByName(col.member)
}

// errOf returns the error a reflected call returned.
func errOf(v reflect.Value) error {
	if v.IsNil() {
		return nil
	}
	return v.Interface().(error)
}

// recordCall is one call on a collection: the resource, the connection
// and the context; its methods call the resource's by reflection.
type recordCall struct {
	ctx  context.Context
	r    reflect.Value
	conn string
}

func (rc recordCall) call(method string, in ...any) []reflect.Value {
	args := []reflect.Value{reflect.ValueOf(rc.ctx), reflect.ValueOf(rc.conn)}
	for _, a := range in {
		args = append(args, reflect.ValueOf(a))
	}
	return rc.r.MethodByName(method).Call(args)
}

// page is one page of a list, its records as any.
type page struct {
	items      []any
	hasNext    bool
	nextCursor string
	pageNumber int
}

func (rc recordCall) list(params *unified.ListParams) (*page, error) {
	out := rc.call("List", params)
	if err := errOf(out[1]); err != nil {
		return nil, err
	}
	p := out[0].Elem()
	items := p.FieldByName("Items")
	res := &page{hasNext: p.FieldByName("HasNext").Bool(), nextCursor: p.FieldByName("NextCursor").String(),
		pageNumber: int(p.FieldByName("PageNumber").Int())}
	for i := range items.Len() {
		res.items = append(res.items, items.Index(i).Addr().Interface())
	}
	return res, nil
}

// each walks every record from params on, through ListIter, until fn
// returns false.
func (rc recordCall) each(params *unified.ListParams, fn func(rec any) bool) error {
	seq := rc.call("ListIter", params)[0]
	var failed error
	yield := reflect.MakeFunc(seq.Type().In(0), func(in []reflect.Value) []reflect.Value {
		if err := errOf(in[1]); err != nil {
			failed = err
			return []reflect.Value{reflect.ValueOf(false)}
		}
		rec := reflect.New(in[0].Type())
		rec.Elem().Set(in[0])
		return []reflect.Value{reflect.ValueOf(fn(rec.Interface()))}
	})
	seq.Call([]reflect.Value{yield})
	return failed
}

func (rc recordCall) get(id string) (any, error) {
	out := rc.call("Get", id)
	return out[0].Interface(), errOf(out[1])
}

func (rc recordCall) create(rec any) (any, error) {
	out := rc.call("Create", rec)
	return out[0].Interface(), errOf(out[1])
}

func (rc recordCall) update(id string, rec any) (any, error) {
	out := rc.call("Update", id, rec)
	return out[0].Interface(), errOf(out[1])
}

func (rc recordCall) delete(id string) error {
	return errOf(rc.call("Delete", id)[0])
}

func (rc recordCall) count(filters []unified.Filter) (int, error) {
	out := rc.call("Count", filters)
	return int(out[0].Int()), errOf(out[1])
}

// collectionFlags are the flags every verb of a collection takes.
type collectionFlags struct {
	col        collection
	connection string
	parentID   string
}

func (f *collectionFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.connection, "connection", "", "the connection `id` (the user's credential for the app) (required)")
	if f.col.nested {
		cmd.Flags().StringVar(&f.parentID, f.col.parent, "", "the "+f.col.parent+" `id` the records belong to (required)")
	}
}

func (x *cli) records(f *collectionFlags) (recordCall, error) {
	switch {
	case f.connection == "":
		return recordCall{}, usagef("--connection is required")
	case f.col.nested && f.parentID == "":
		return recordCall{}, usagef("--%s is required", f.col.parent)
	}
	c, err := x.api()
	if err != nil {
		return recordCall{}, err
	}
	u, err := unified.New(c)
	if err != nil {
		return recordCall{}, err
	}
	return recordCall{ctx: x.ctx, r: f.col.resource(u, f.parentID), conn: f.connection}, nil
}

// filterList is the repeatable --filter of list and count.
type filterList []unified.Filter

func (l *filterList) String() string { return "" }
func (l *filterList) Type() string   { return "field<op>value" }

// filterOps are the operators of --filter, longest first.
var filterOps = []struct{ sym, op string }{{"!=", "NotEquals"}, {">=", "Min"}, {"<=", "Max"}, {"~", "Contains"}, {"=", ""}}

func (l *filterList) Set(s string) error {
	end := strings.IndexFunc(s, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.') })
	if end <= 0 {
		return fmt.Errorf("%q is not field=value (or !=, ~, >=, <=)", s)
	}
	for _, o := range filterOps {
		if strings.HasPrefix(s[end:], o.sym) {
			*l = append(*l, unified.Filter{Field: s[:end], Op: o.op, Value: s[end+len(o.sym):]})
			return nil
		}
	}
	return fmt.Errorf("%q is not field=value (or !=, ~, >=, <=)", s)
}

const filterHelp = "a condition `field<op>value`: = equals, != differs, ~ contains, >= at least, <= at most; repeat, all must match"

// collectionCommand is "alloy unified <collection>" with the verbs its
// resource supports.
func (x *cli) collectionCommand(col collection) *cobra.Command {
	in := ""
	if col.nested {
		in = fmt.Sprintf(" --%s ID", col.parent)
	}
	model := col.elem.Name()
	var verbs []*cobra.Command
	newFlags := func(cmd *cobra.Command) *collectionFlags {
		f := &collectionFlags{col: col}
		f.register(cmd)
		return f
	}
	file := "cmd/alloy/testdata/unified/" + strings.ReplaceAll(col.name, "/", "-") + ".json"
	ex := func(verb, rest string) string {
		s := "alloy unified " + col.name + " " + verb + rest + ` --connection "$CONN"`
		if col.nested {
			s += fmt.Sprintf(` --%s "$%s"`, col.parent, strings.ToUpper(col.parent))
		}
		return s
	}

	if col.can("List") {
		cmd := &cobra.Command{
			Use: "list --connection ID" + in + " [--filter F ...] [--page-size N] [--page N | --cursor C | --all]", Short: "list " + col.name + " records, a page or all", Args: none,
			Long: `
Lists one page of records (--page-size, then --page or --cursor for the
next; the command says on stderr how to get it), or with --all every record,
page after page as they arrive (--max bounds them). --filter narrows them.`,
			Example: examples(ex("list", ""), ex("list", " --all --jsonl"), ex("list", " --filter "+firstStringField(col.elem)+"~a --page-size 10")),
		}
		f := newFlags(cmd)
		var filters filterList
		cmd.Flags().Var(&filters, "filter", filterHelp)
		size := cmd.Flags().Int("page-size", 0, "records per `page`, at most 100; 0 for Alloy's default (50)")
		pageNumber := cmd.Flags().Int("page", 0, "the page `number` to show (page-number paging), from 1")
		cursor := cmd.Flags().String("cursor", "", "the `cursor` of the page to show (cursor paging)")
		all := cmd.Flags().Bool("all", false, "every record, page after page")
		maxRecords := cmd.Flags().Int("max", 0, "with --all, stop after `N` records; 0 for every one")
		cmd.RunE = func(cmd *cobra.Command, _ []string) error {
			switch {
			case *size < 0 || *size > 100:
				return usagef("--page-size must be from 1 to 100")
			case *pageNumber < 0 || *maxRecords < 0:
				return usagef("--page and --max must not be negative")
			case *all && (*pageNumber > 0 || *cursor != ""):
				return usagef("--all walks every page: leave out --page and --cursor")
			case *maxRecords > 0 && !*all:
				return usagef("--max goes with --all")
			}
			rc, err := x.records(f)
			if err != nil {
				return err
			}
			params := &unified.ListParams{PageSize: *size, PageNumber: *pageNumber, Cursor: *cursor, Filters: filters}
			if *all {
				return x.streamRecords(rc, params, col, *maxRecords)
			}
			p, err := rc.list(params)
			if err != nil {
				return err
			}
			if err := x.emit(p.items, func(t *table) { recordsTable(t, col, p.items) }); err != nil {
				return err
			}
			if p.hasNext {
				next := "--page " + strconv.Itoa(max(p.pageNumber, 1)+1)
				if p.nextCursor != "" {
					next = "--cursor " + p.nextCursor
				}
				x.errorf("%s: more records: add %s for the next page, or --all", x.path, next)
			}
			return nil
		}
		verbs = append(verbs, cmd, x.exportCommand(col, newFlags, ex))
	}

	if col.can("Get") {
		cmd := &cobra.Command{
			Use: "get <id> --connection ID" + in, Short: "show one " + col.name + " record", Args: one("<id>"),
			Example: examples(ex("get", ` "$RECORD"`)),
		}
		f := newFlags(cmd)
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			rc, err := x.records(f)
			if err != nil {
				return err
			}
			rec, err := rc.get(args[0])
			if err != nil {
				return err
			}
			return x.emitRecord(rec)
		}
		verbs = append(verbs, cmd)
	}

	if col.can("Create") {
		cmd := &cobra.Command{
			Use: "create --connection ID" + in + " --data JSON", Short: "create a " + col.name + " record", Args: none,
			Long: fmt.Sprintf(`
Creates a record from --data, a JSON object in the fields of unified.%s
(text, @file or - for stdin), and prints it as stored. A field the model
does not have is refused (nothing is sent); read-only fields (id,
timestamps) are left out. Not retried on 5xx or timeouts, which could
create it twice.`, model),
			Example: examples(ex("create", " --data @"+file)),
		}
		f := newFlags(cmd)
		data := cmd.Flags().String("data", "", "the record, a JSON `object`: text, @file or - (stdin) (required)")
		cmd.RunE = func(cmd *cobra.Command, _ []string) error {
			rec, err := x.recordData(col, *data)
			if err != nil {
				return err
			}
			rc, err := x.records(f)
			if err != nil {
				return err
			}
			out, err := rc.create(rec)
			if err != nil {
				return err
			}
			return x.emitRecord(out)
		}
		verbs = append(verbs, cmd)
	}

	if col.can("Update") {
		cmd := &cobra.Command{
			Use: "update <id> --connection ID" + in + " --data JSON", Short: "change a " + col.name + " record", Args: one("<id>"),
			Long: fmt.Sprintf(`
Sends --data, a JSON object in the fields of unified.%s (text, @file or -
for stdin), as the record's new fields, and prints it as stored. A field
the model does not have is refused (nothing is sent).`, model),
			Example: examples(ex("update", ` "$RECORD" --data @`+file)),
		}
		f := newFlags(cmd)
		data := cmd.Flags().String("data", "", "the fields, a JSON `object`: text, @file or - (stdin) (required)")
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			rec, err := x.recordData(col, *data)
			if err != nil {
				return err
			}
			rc, err := x.records(f)
			if err != nil {
				return err
			}
			out, err := rc.update(args[0], rec)
			if err != nil {
				return err
			}
			return x.emitRecord(out)
		}
		verbs = append(verbs, cmd)
	}

	if col.can("Delete") {
		cmd := destructiveCommand(&cobra.Command{
			Use: "delete <id> --connection ID" + in, Short: "delete a " + col.name + " record (in the app too)", Args: one("<id>"),
			Example: examples(ex("delete", ` "$RECORD" --yes`)),
		})
		f := newFlags(cmd)
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			rc, err := x.records(f)
			if err != nil {
				return err
			}
			if err := x.confirm(cmd, fmt.Sprintf("delete %s record %s of connection %s", col.name, args[0], f.connection)); err != nil {
				return err
			}
			if err := rc.delete(args[0]); err != nil {
				return err
			}
			return x.done(map[string]any{"collection": col.name, "id": args[0], "deleted": true}, "Deleted %s record %s.", col.name, args[0])
		}
		verbs = append(verbs, cmd)
	}

	if col.can("Count") {
		cmd := &cobra.Command{
			Use: "count --connection ID" + in + " [--filter F ...]", Short: "count " + col.name + " records", Args: none,
			Example: examples(ex("count", "")),
		}
		f := newFlags(cmd)
		var filters filterList
		cmd.Flags().Var(&filters, "filter", filterHelp)
		cmd.RunE = func(cmd *cobra.Command, _ []string) error {
			rc, err := x.records(f)
			if err != nil {
				return err
			}
			n, err := rc.count(filters)
			if err != nil {
				return err
			}
			return x.emit(map[string]int{"count": n}, func(t *table) { t.row(strconv.Itoa(n)) })
		}
		verbs = append(verbs, cmd)
	}

	long := fmt.Sprintf("Records of the Unified API's %s collection (unified.%s), through a connection: --connection names it.", col.name, model)
	if col.nested {
		long += fmt.Sprintf(" They belong to one %s: --%s names it.", col.parent, col.parent)
	}
	short := verbList(verbs) + " " + strings.SplitN(col.name, "/", 2)[1]
	if col.nested {
		short += " of " + article(col.parent) + " " + col.parent
	}
	g := x.group(col.name, short, long, verbs...)
	g.GroupID = strings.SplitN(col.name, "/", 2)[0]
	return g
}

// article is "an" before a vowel, else "a".
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

func verbList(cmds []*cobra.Command) string {
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name())
	}
	return strings.Join(names, ", ")
}

// recordData decodes --data into a new record of the collection's model,
// refusing fields the model does not have.
func (x *cli) recordData(col collection, src string) (any, error) {
	b, err := x.jsonSource(src, "--data")
	if err != nil {
		return nil, err
	}
	rec := reflect.New(col.elem)
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(rec.Interface()); err != nil {
		return nil, usagef("--data is not a unified.%s: %v", col.elem.Name(), strings.TrimPrefix(err.Error(), "json: "))
	}
	if d.More() {
		return nil, usagef("--data must be one JSON object")
	}
	return rec.Interface(), nil
}

// streamRecords prints every record from params on as it arrives.
func (x *cli) streamRecords(rc recordCall, params *unified.ListParams, col collection, maxRecords int) error {
	var all []any
	cols := summaryFields(col.elem)
	widths := []int{24, 24}
	header := []string{"ID", "REMOTE ID"}
	for _, c := range cols {
		widths = append(widths, 20)
		header = append(header, c.header)
	}
	out := &stream{w: x.stdout, widths: widths, redact: x.g.redact}
	n := 0
	var werr error
	err := rc.each(params, func(rec any) bool {
		switch {
		case x.g.json:
			all = append(all, rec)
		case x.g.jsonl:
			werr = x.writeJSON(rec, false)
		default:
			if n == 0 {
				out.row(header...)
			}
			out.row(recordCells(rec, cols)...)
		}
		n++
		return werr == nil && (maxRecords == 0 || n < maxRecords)
	})
	if err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	switch {
	case x.g.json:
		return x.writeJSON(emptyList(all), true)
	case n == 0 && !x.g.jsonl:
		out.row(header...)
	}
	return nil
}

// emitRecord prints one record: every field, in the model's order.
func (x *cli) emitRecord(rec any) error {
	return x.emit(rec, func(t *table) {
		b, err := json.Marshal(rec)
		if err != nil {
			t.row(fmt.Sprint(rec))
			return
		}
		for _, kv := range orderedFields(b) {
			t.row(kv[0], kv[1])
		}
	})
}

// orderedFields returns a JSON object's fields in order, each value as
// text (strings bare, the rest as compact JSON).
func orderedFields(b []byte) [][2]string {
	d := json.NewDecoder(bytes.NewReader(b))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out [][2]string
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return out
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return out
		}
		out = append(out, [2]string{fmt.Sprint(k), cellText(v)})
	}
	return out
}

func cellText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	if string(v) == "null" {
		return ""
	}
	return compactJSON(v)
}

// A summary column of a record table.
type summaryField struct{ name, header string }

// summaryFields are the first three text fields a model declares beyond
// the common ones (id, remote id): the columns of a list.
func summaryFields(t reflect.Type) []summaryField {
	var out []summaryField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous || !f.IsExported() || f.Type.Kind() != reflect.String {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, summaryField{name, strings.ToUpper(strings.ReplaceAll(kebab(name), "-", " "))})
		if len(out) == 3 {
			break
		}
	}
	return out
}

func firstStringField(t reflect.Type) string {
	if f := summaryFields(t); len(f) > 0 {
		return f[0].name
	}
	return "remoteId"
}

func recordCells(rec any, cols []summaryField) []string {
	b, _ := json.Marshal(rec)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	cells := []string{cellText(m["id"]), cellText(m["remoteId"])}
	for _, c := range cols {
		cells = append(cells, cellText(m[c.name]))
	}
	return cells
}

func recordsTable(t *table, col collection, items []any) {
	cols := summaryFields(col.elem)
	header := []string{"ID", "REMOTE ID"}
	for _, c := range cols {
		header = append(header, c.header)
	}
	t.row(header...)
	for _, rec := range items {
		t.row(recordCells(rec, cols)...)
	}
}
