package alloy

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/alloysdk/alloy-go/internal/timeparse"
	"github.com/alloysdk/alloy-go/internal/transport"
)

// Timestamp is a time Alloy sent. It reads every form Alloy's pages use:
// RFC 3339 with or without a zone and a fraction, a date (YYYY-MM-DD), or
// a Unix number, read as seconds below 1e11 and as milliseconds up to 1e14
// (internal/timeparse documents the rule); anything else (null, "", a
// typo) reads as the zero time instead of failing a whole response. Like
// go-github's Timestamp it embeds time.Time: t.Before, t.Format and
// t.IsZero work as they are, and t.Time is the time.Time. It encodes as
// RFC 3339 in UTC with milliseconds, or null when zero.
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

// parseRetryAfter reads a Retry-After header relative to now.
func parseRetryAfter(h http.Header) (time.Duration, bool) {
	return transport.RetryAfter(h, time.Now())
}

// jsonObject encodes v, which must encode as a JSON object, for a payload
// field Alloy requires to be one; nil gives {}. Anything else is refused
// before a request is sent.
func jsonObject(op, field string, v any) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage("{}"), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, invalidArg(op, "%s does not encode as JSON: %v", field, err)
	}
	if len(b) == 0 || b[0] != '{' {
		return nil, invalidArg(op, "%s must encode as a JSON object, not %s", field, jsonKind(b))
	}
	return b, nil
}

// jsonKind names the kind of an encoded JSON value without showing it.
func jsonKind(b []byte) string {
	switch {
	case len(b) == 0:
		return "nothing"
	case b[0] == '"':
		return "a string"
	case b[0] == '[':
		return "an array"
	case b[0] == 'n':
		return "null"
	case b[0] == 't' || b[0] == 'f':
		return "a boolean"
	}
	return "a number"
}
