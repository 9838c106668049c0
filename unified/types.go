package unified

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/internal/timeparse"
)

// Record holds what every unified model carries. Models embed it.
//
// Alloy stamps its records in two ways, by version. From 2024-03 on (the
// docs-uapi pages) a record has createdAt and updatedAt (when Alloy synced
// it into its cache), remoteCreatedAt and remoteUpdatedAt (when the remote
// app created and last changed it) and remoteDeleted; on 2023-12, and on
// the models no 2024-03 page shows, it has createdTimestamp and
// updatedTimestamp, Unix numbers (seconds on the orders page, milliseconds
// on the customers page: Timestamp reads both). Alloy sets all of them: a
// create or update never sends them, nor the ids.
type Record struct {
	ID       string `json:"id,omitempty"`       // Alloy's id
	RemoteID string `json:"remoteId,omitempty"` // the remote app's id

	CreatedAt       Timestamp `json:"createdAt,omitzero"`       // synced into Alloy's cache (2024-03)
	UpdatedAt       Timestamp `json:"updatedAt,omitzero"`       // last synced (2024-03)
	RemoteCreatedAt Timestamp `json:"remoteCreatedAt,omitzero"` // created in the remote app (2024-03)
	RemoteUpdatedAt Timestamp `json:"remoteUpdatedAt,omitzero"` // last changed in the remote app (2024-03)
	RemoteDeleted   bool      `json:"remoteDeleted,omitempty"`  // deleted in the remote app (2024-03)

	CreatedTimestamp Timestamp `json:"createdTimestamp,omitzero"` // 2023-12: Unix seconds or milliseconds
	UpdatedTimestamp Timestamp `json:"updatedTimestamp,omitzero"` // 2023-12: Unix seconds or milliseconds

	// RemoteFields are fields of the remote app that the common model does
	// not support, sent on create and update: "The keys are the names of the
	// fields of the corresponding resource in the remote app, and the values
	// can be strings, numbers, arrays or objects" (create-contact-1).
	RemoteFields map[string]any `json:"remoteFields,omitempty"`

	// Raw is the whole object as Alloy sent it, including fields this
	// model does not name. It is not sent on create or update.
	Raw json.RawMessage `json:"-"`
}

// setRaw keeps b, which the caller hands over: it must not be changed or
// reused afterwards.
func (r *Record) setRaw(b []byte) { r.Raw = b }

// rawSetter is implemented by every model through Record.
type rawSetter interface{ setRaw([]byte) }

// Decimal is a number kept as its decimal text, so money never passes
// through float64: "129.50" stays "129.50". It decodes a JSON number or a
// numeric string, whichever Alloy sends.
//
// It is sent in the JSON type its field's page gives it. Alloy's pages type
// commerce prices and totals as strings (an order's totalPrice "1000.00", a
// variant's price "25.00") and accounting amounts as numbers (an invoice's
// totalAmount 100): a model field tagged decimal:"string" is sent as a JSON
// string, any other Decimal as a JSON number. The value is the same text
// either way, so code that sets or reads a Decimal never deals with the
// difference; the tag is where the contract's type lives in Go, and a test
// holds every tag to the contract.
type Decimal string

// UnmarshalJSON accepts a number or a string; null and anything else give "".
func (d *Decimal) UnmarshalJSON(b []byte) error {
	*d = Decimal(scalarText(b))
	return nil
}

// MarshalJSON writes a valid number as a JSON number, anything else as a
// string, and "" as null. A model writes its decimal:"string" fields as
// strings instead.
func (d Decimal) MarshalJSON() ([]byte, error) { return numberOrString(string(d)) }

// IsZero reports whether d is empty, for omitzero.
func (d Decimal) IsZero() bool { return d == "" }

// Float returns d as a float64, for display or rough arithmetic only.
func (d Decimal) Float() (float64, error) { return strconv.ParseFloat(string(d), 64) }

// Code is an identifier or a document number that a page types as a Number
// where the same kind of field is a String elsewhere: a bill's billNumber
// and companyId, a sales order line's remoteId. It reads a JSON number or
// string and keeps the text; it is sent as a JSON number when it is one
// ("1001", as the page types it) and as a string otherwise ("PLDT-001",
// which Alloy's own SDK sends as a billNumber).
type Code string

// UnmarshalJSON accepts a number or a string; null and anything else give "".
func (c *Code) UnmarshalJSON(b []byte) error {
	*c = Code(scalarText(b))
	return nil
}

// MarshalJSON writes a number as a JSON number, other text as a string, and
// "" as null.
func (c Code) MarshalJSON() ([]byte, error) { return numberOrString(string(c)) }

// IsZero reports whether c is empty, for omitzero.
func (c Code) IsZero() bool { return c == "" }

// scalarText is the text of a JSON string or number; "" for null and for
// anything else, so that one odd value never fails a whole page.
func scalarText(b []byte) string {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return ""
	case b[0] == '"':
		var s string
		if json.Unmarshal(b, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	case isNumber(string(b)):
		return string(b)
	}
	return ""
}

func numberOrString(s string) ([]byte, error) {
	switch {
	case s == "":
		return []byte("null"), nil
	case isNumber(s):
		return []byte(s), nil
	}
	return json.Marshal(s)
}

// isNumber reports whether s is a JSON number literal.
func isNumber(s string) bool {
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Valid([]byte(s))
}

// Timestamp is alloy.Timestamp: a time read leniently (RFC 3339 with or
// without a zone and a fraction, a date, or Unix seconds or milliseconds
// told apart by magnitude; anything else is the zero time), sent as RFC
// 3339 with milliseconds. The zero Timestamp is left out of request bodies.
type Timestamp = alloy.Timestamp

// Date is a calendar date, as Alloy's pages type an invoice's issueDate or
// a payment's transactionDate ("Format: YYYY-MM-DD"). It reads whatever
// Timestamp reads and keeps the date the value names in its own zone
// ("2022-09-01T00:00:00.000Z" is 2022-09-01); it holds midnight UTC and is
// sent as "YYYY-MM-DD". The zero Date is left out of request bodies.
type Date struct{ time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// UnmarshalJSON never fails.
func (d *Date) UnmarshalJSON(b []byte) error {
	t, ok := timeparse.JSON(b)
	if !ok {
		d.Time = time.Time{}
		return nil
	}
	*d = NewDate(t.Date())
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null when zero.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string { return d.Format(time.DateOnly) }

// Ref points at another record. Alloy sends references as an id string or
// as an object with an id; both decode, and Raw keeps the object.
type Ref struct {
	ID  string
	Raw json.RawMessage // the reference as sent
}

// UnmarshalJSON accepts "id" or {"id": ...}.
func (r *Ref) UnmarshalJSON(b []byte) error {
	*r = Ref{}
	if json.Unmarshal(b, &r.ID) == nil {
		return nil
	}
	var obj struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(b, &obj) == nil {
		r.ID, r.Raw = obj.ID, bytes.Clone(b)
	}
	return nil
}

// MarshalJSON sends the id.
func (r Ref) MarshalJSON() ([]byte, error) { return json.Marshal(r.ID) }

// IsZero reports whether the reference is empty, for omitzero.
func (r Ref) IsZero() bool { return r.ID == "" }

// PhoneNumber is a phone number of a CRM or accounting record; both
// families document the same two fields.
type PhoneNumber struct {
	PhoneNumber     string `json:"phoneNumber,omitempty"`
	PhoneNumberType string `json:"phoneNumberType,omitempty"` // e.g. "main", "mobile" (CRM), "MOBILE" (accounting)
}

// marshalModel encodes v, a model's method-less copy, as Alloy's pages type
// it: encoding/json's form, with the fields tagged decimal:"string" as JSON
// strings. Models with such fields (and nested structures with them) call
// it from their MarshalJSON.
func marshalModel(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	quoted := stringDecimals(reflect.TypeOf(v))
	if err != nil || len(quoted) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for _, name := range quoted {
		if raw, ok := m[name]; ok && isNumber(string(raw)) {
			m[name], _ = json.Marshal(string(raw))
		}
	}
	return json.Marshal(m)
}

var decimalTags sync.Map // reflect.Type -> []string

// stringDecimals returns the wire names of t's fields (its embedded
// structs' included) tagged decimal:"string".
func stringDecimals(t reflect.Type) []string {
	if v, ok := decimalTags.Load(t); ok {
		return v.([]string)
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, stringDecimals(f.Type)...)
			continue
		}
		if f.Tag.Get("decimal") == "string" {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	decimalTags.Store(t, out)
	return out
}

// unmarshalModel decodes b into v, a model's method-less copy, then fills a
// field tagged wire:"otherName" from otherName when b lacks the field's
// own name: the spelling an older version or SDK used.
func unmarshalModel(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	rv := reflect.ValueOf(v).Elem()
	var m map[string]json.RawMessage
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		alias := f.Tag.Get("wire")
		if alias == "" {
			continue
		}
		if m == nil {
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if _, ok := m[name]; ok {
			continue
		}
		for _, a := range strings.Split(alias, ",") {
			if raw, ok := m[a]; ok {
				if err := json.Unmarshal(raw, rv.Field(i).Addr().Interface()); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}
