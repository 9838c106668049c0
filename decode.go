package alloy

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/alloysdk/alloy-go/internal/timeparse"
	"github.com/alloysdk/alloy-go/internal/transport"
)

// lenientTime decodes a timestamp with internal/timeparse (RFC 3339, dates,
// or Unix seconds or milliseconds told apart by magnitude); anything else
// (null, "", a typo) is the zero time, so one odd timestamp never fails a
// whole response.
type lenientTime time.Time

func (t *lenientTime) UnmarshalJSON(b []byte) error {
	*t = lenientTime(parseTime(b))
	return nil
}

// parseTime reads a JSON timestamp leniently; the zero time when it is none.
func parseTime(raw json.RawMessage) time.Time {
	t, _ := timeparse.JSON(raw)
	return t
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
