package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// emit writes a command's result: with --json as one indented JSON
// document, with --jsonl as one JSON object per line (a slice item by
// item), and otherwise through text, as an aligned table for people.
func (x *cli) emit(v any, text func(t *table)) error {
	switch {
	case x.g.json:
		return x.writeJSON(emptyList(v), true)
	case x.g.jsonl:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice {
			return x.writeJSON(v, false)
		}
		for i := range rv.Len() {
			if err := x.writeJSON(rv.Index(i).Interface(), false); err != nil {
				return err
			}
		}
		return nil
	}
	t := newTable(x.stdout, x.g.redact)
	text(t)
	return t.flush()
}

// scripting reports whether output is JSON.
func (x *cli) scripting() bool { return x.g.json || x.g.jsonl }

// writeJSON writes v as one JSON document (indented) or line.
func (x *cli) writeJSON(v any, indent bool) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // URLs keep their &
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	_, err := io.WriteString(x.stdout, x.g.redact(buf.String()))
	return err
}

// emptyList turns a nil slice into an empty one, so that --json prints []
// rather than null for an empty list.
func emptyList(v any) any {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		return []any{}
	}
	return v
}

// table writes aligned columns.
type table struct {
	out    io.Writer
	buf    bytes.Buffer
	w      *tabwriter.Writer
	redact func(string) string
}

func newTable(w io.Writer, redact func(string) string) *table {
	t := &table{out: w, redact: redact}
	t.w = tabwriter.NewWriter(&t.buf, 0, 4, 2, ' ', 0)
	return t
}

// row writes one row; cells are made safe for a terminal first.
func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = cleanCell(c)
	}
	fmt.Fprintln(t.w, t.redact(strings.Join(cells, "\t")))
}

// blank separates two sections of a table.
func (t *table) blank() { fmt.Fprintln(t.w) }

// flush aligns the rows and writes them without the padding that
// tabwriter leaves after a short last cell.
func (t *table) flush() error {
	if err := t.w.Flush(); err != nil {
		return err
	}
	lines := strings.SplitAfter(t.buf.String(), "\n")
	for i, l := range lines {
		if strings.HasSuffix(l, "\n") {
			lines[i] = strings.TrimRight(l, " \n") + "\n"
		}
	}
	_, err := io.WriteString(t.out, strings.Join(lines, ""))
	return err
}

// cleanCell keeps a value on one line and strips control characters, so
// that text from the API cannot break the table or drive the terminal.
func cleanCell(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// stream writes rows as they arrive, for alloy logs: a tabwriter would
// hold them back to align them, so columns have fixed widths instead.
type stream struct {
	w      io.Writer
	widths []int
	redact func(string) string
}

func (s *stream) row(cells ...string) {
	var b strings.Builder
	for i, c := range cells {
		c = cleanCell(c)
		b.WriteString(c)
		if i < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", max(s.widths[i]-len(c), 0)+2))
		}
	}
	fmt.Fprintln(s.w, s.redact(b.String()))
}

// Cell formatting.

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// when formats a time for people: UTC, to the second; "-" when unknown.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
