package alloy

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/alloysdk/alloy-go/internal/transport"
)

// lenientTime decodes an RFC 3339 string or Unix milliseconds, and anything
// else (null, "", a typo) as the zero time, so one odd timestamp never fails
// a whole response.
type lenientTime time.Time

func (t *lenientTime) UnmarshalJSON(b []byte) error {
	*t = lenientTime(parseTime(b))
	return nil
}

// parseTime reads a JSON timestamp leniently: an RFC 3339 string (with or
// without fractional seconds) or Unix milliseconds. Anything else is zero.
func parseTime(raw json.RawMessage) time.Time {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t
		}
		return time.Time{}
	}
	var ms int64
	if json.Unmarshal(raw, &ms) == nil && ms > 0 {
		return time.UnixMilli(ms).UTC()
	}
	return time.Time{}
}

// parseRetryAfter reads a Retry-After header relative to now.
func parseRetryAfter(h http.Header) (time.Duration, bool) {
	return transport.RetryAfter(h, time.Now())
}
