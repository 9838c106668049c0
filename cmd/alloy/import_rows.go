package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/errs"
)

// The files alloy users import reads: CSV with a header row, or JSON Lines.

// userRow is one row of an import file.
type userRow struct {
	row    int // the row's number among the file's rows, from 1 (a CSV header is not a row)
	line   int // the line of the file it starts on, from 1
	params alloy.UserCreateParams
	bad    string // why the row cannot be sent; empty for a good row
}

// rowReader reads an import file row by row.
type rowReader interface {
	// next returns the next row, a bad one included, or io.EOF after the
	// last; another error is the file's, and ends the reading.
	next() (userRow, error)
}

// Import file formats.
const (
	formatCSV   = "csv"
	formatJSONL = "jsonl"
)

// detectFormat chooses the format of an import file: by its extension
// (.csv; .jsonl, .ndjson or .json), else by its first byte other than
// space: { is JSON Lines, anything else CSV.
func detectFormat(path string, head []byte) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return formatCSV
	case ".jsonl", ".ndjson", ".json":
		return formatJSONL
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return formatJSONL
	}
	return formatCSV
}

var utf8BOM = []byte("\xef\xbb\xbf")

// newRowReader reads r, in format. A CSV file's header is read here: a
// header that names no username column, or a column that is not a user
// field, is a usage error.
func newRowReader(r io.Reader, format string) (rowReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM)) // a spreadsheet's byte order mark
	}
	if format == formatJSONL {
		return &jsonlRows{r: br}, nil
	}
	return newCSVRows(br)
}

// csvRows reads CSV: a header row naming the columns (username, required,
// and fullName; matched without regard to case, spaces, - and _), then a
// user per row. Cells are trimmed of surrounding spaces.
type csvRows struct {
	r              *csv.Reader
	width          int
	username, full int // column indexes; full is -1 when absent
	row            int
}

// csvColumns maps a header cell, lower case without spaces, - and _, to
// the user field it names.
var csvColumns = map[string]string{"username": "username", "fullname": "fullName"}

func newCSVRows(r io.Reader) (*csvRows, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a row of another width is a bad row, not the end
	cr.ReuseRecord = true
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, configf("the file is empty: a CSV file starts with a header row naming its columns, e.g. username,fullName")
	case err != nil:
		return nil, configf("the CSV header row: %v", err)
	}
	c := &csvRows{r: cr, width: len(header), username: -1, full: -1}
	for i, h := range header {
		key := strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '_' {
				return -1
			}
			return r
		}, strings.ToLower(strings.TrimSpace(h)))
		field, ok := csvColumns[key]
		idx := &c.username
		if field == "fullName" {
			idx = &c.full
		}
		switch {
		case !ok:
			return nil, configf("CSV column %q is not a user field: the columns are username (required) and fullName", h)
		case *idx >= 0:
			return nil, configf("CSV column %q appears twice", field)
		}
		*idx = i
	}
	if c.username < 0 {
		return nil, configf("the CSV header has no username column: the columns are username (required) and fullName")
	}
	return c, nil
}

func (c *csvRows) next() (userRow, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return userRow{}, io.EOF
	}
	var parse *csv.ParseError
	if errors.As(err, &parse) {
		c.row++
		return userRow{row: c.row, line: parse.StartLine, bad: fmt.Sprintf("not CSV: %v (line %d, column %d)", parse.Err, parse.Line, parse.Column)}, nil
	}
	if err != nil {
		return userRow{}, err
	}
	c.row++
	line, _ := c.r.FieldPos(0)
	cell := func(i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	r := userRow{row: c.row, line: line, params: alloy.UserCreateParams{Username: cell(c.username), FullName: cell(c.full)}}
	if len(rec) != c.width {
		r.bad = fmt.Sprintf("%d fields where the header has %d", len(rec), c.width)
	}
	return r, nil
}

// maxJSONLine bounds a line of a JSON Lines file.
const maxJSONLine = 1 << 20

// jsonlRows reads JSON Lines: a JSON object per line, with the fields of
// alloy.UserCreateParams (username, fullName) and no others. Blank lines
// are not rows.
type jsonlRows struct {
	r         *bufio.Reader
	line, row int
	eof       bool
}

func (j *jsonlRows) next() (userRow, error) {
	for {
		if j.eof {
			return userRow{}, io.EOF
		}
		b, tooLong, err := j.readLine()
		if err != nil {
			return userRow{}, err
		}
		if len(b) == 0 && !tooLong && j.eof {
			return userRow{}, io.EOF
		}
		j.line++
		if !tooLong && len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		j.row++
		r := userRow{row: j.row, line: j.line}
		if tooLong {
			r.bad = fmt.Sprintf("the line is longer than %d bytes", maxJSONLine)
			return r, nil
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields()
		if err := d.Decode(&r.params); err != nil {
			r.params = alloy.UserCreateParams{}
			r.bad = "not a JSON object of username and fullName: " + strings.TrimPrefix(err.Error(), "json: ")
		} else if _, err := d.Token(); !errors.Is(err, io.EOF) {
			r.bad = "more than one JSON value on the line"
		}
		return r, nil
	}
}

// readLine returns the next line without its end; tooLong reports a line
// over maxJSONLine, whose bytes are skipped. At the end of the file it
// sets j.eof and returns what the last line held.
func (j *jsonlRows) readLine() (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		part, err := j.r.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(part) > maxJSONLine+2 { // the line end does not count
				tooLong, buf = true, nil
			} else {
				buf = append(buf, part...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			j.eof = true
		case err != nil:
			return nil, false, err
		}
		return bytes.TrimRight(buf, "\r\n"), tooLong, nil
	}
}

// checkRow finds what makes a parsed row unsendable: what the SDK would
// refuse (UserCreateParams.Validate), or a username an earlier row of the
// file already holds (sent twice at once, two creates could race).
func checkRow(r *userRow, firstRow map[string]int) {
	if r.bad != "" {
		return
	}
	if err := r.params.Validate(); err != nil {
		var arg *errs.ArgError
		if errors.As(err, &arg) {
			r.bad = arg.Reason
		} else {
			r.bad = err.Error()
		}
		return
	}
	if first, ok := firstRow[r.params.Username]; ok {
		r.bad = fmt.Sprintf("username already on row %d", first)
		return
	}
	firstRow[r.params.Username] = r.row
}

// scanImportFile reads the whole file once before anything is sent: it
// checks the CSV header, counts the rows (for the progress's total) and
// hashes the bytes (to know the file a checkpoint was made from). Rows
// are not kept.
func scanImportFile(path, format string) (rows int, sum string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", configf("%v", err)
	}
	defer f.Close()
	h := sha256.New()
	rr, err := newRowReader(io.TeeReader(f, h), format)
	if err != nil {
		return 0, "", err
	}
	for {
		_, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, "", fmt.Errorf("read %s: %w", path, err)
		}
		rows++
	}
	if _, err := io.Copy(h, f); err != nil { // what the reader left unread
		return 0, "", fmt.Errorf("read %s: %w", path, err)
	}
	return rows, hex.EncodeToString(h.Sum(nil)), nil
}
