package unified

import (
	"bytes"
	"encoding/json"
	"github.com/alloysdk/alloy-go/internal/timeparse"
	"strconv"
	"strings"
	"time"
)

// Record holds what every unified model carries. Models embed it.
type Record struct {
	ID               string          `json:"id,omitempty"`       // Alloy's id
	RemoteID         string          `json:"remoteId,omitempty"` // the provider's id
	CreatedTimestamp Timestamp       `json:"createdTimestamp,omitzero"`
	UpdatedTimestamp Timestamp       `json:"updatedTimestamp,omitzero"`
	RemoteData       json.RawMessage `json:"remoteData,omitempty"` // the provider's own record, when sent
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
// numeric string and encodes as a JSON number.
type Decimal string

// UnmarshalJSON accepts a number or a string; null and anything else give "".
func (d *Decimal) UnmarshalJSON(b []byte) error {
	*d = ""
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == 'n' {
		return nil
	}
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) == nil {
			*d = Decimal(strings.TrimSpace(s))
		}
		return nil
	}
	*d = Decimal(b)
	return nil
}

// MarshalJSON writes a valid number as a JSON number, anything else as a
// string, and "" as null.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	if isNumber(string(d)) {
		return []byte(d), nil
	}
	return json.Marshal(string(d))
}

// IsZero reports whether d is empty, for omitzero.
func (d Decimal) IsZero() bool { return d == "" }

// Float returns d as a float64, for display or rough arithmetic only.
func (d Decimal) Float() (float64, error) { return strconv.ParseFloat(string(d), 64) }

// isNumber reports whether s is a JSON number literal.
func isNumber(s string) bool {
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Valid([]byte(s))
}

// Timestamp is a time decoded leniently, as the root package decodes its
// own: RFC 3339 with or without a zone and a fraction, a date (YYYY-MM-DD),
// or a Unix number read as seconds below 1e11 and as milliseconds up to
// 1e14 (so 2023-12's createdTimestamp in seconds and the customers page's
// milliseconds both read right); anything else gives the zero time instead
// of failing a whole page. The zero Timestamp is left out of request bodies.
type Timestamp struct{ time.Time }

// UnmarshalJSON never fails.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	t.Time, _ = timeparse.JSON(b)
	return nil
}

// MarshalJSON writes RFC 3339 with milliseconds, or null when zero.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
}

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

// Address is a postal address.
type Address struct {
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	Company     string `json:"company,omitempty"`
	Address1    string `json:"address1,omitempty"`
	Address2    string `json:"address2,omitempty"`
	City        string `json:"city,omitempty"`
	Region      string `json:"region,omitempty"`
	PostalCode  string `json:"postalCode,omitempty"`
	Country     string `json:"country,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	Phone       string `json:"phone,omitempty"`
	AddressType string `json:"addressType,omitempty"`
}
