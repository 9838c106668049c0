// Package timeparse reads the timestamps Alloy sends, leniently, for the
// root package and unified alike. Alloy's pages use several forms for the
// same kind of field: RFC 3339 with or without a zone and a fraction
// ("2023-11-19T17:00:17.000Z", "2022-11-16T19:55:58+08:00"), dates
// ("2023-10-10"), and Unix numbers whose unit the pages disagree on
// (seconds on the orders page, milliseconds on the customers page).
//
// Unix numbers are told apart by magnitude:
//
//	|n| < 1e11   seconds       (up to the year 5138)
//	|n| < 1e14   milliseconds  (1973-03-03 to 5138)
//	|n| < 1e17   microseconds
//	otherwise    nanoseconds
//
// so a time after 1973 reads right in either of Alloy's units. A number
// with a fraction is seconds. A numeric string reads as the number. Anything
// else (null, "", a typo) is not a time: JSON and String report false and
// the caller keeps the zero time, so one odd field never fails a response.
package timeparse

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// Boundaries of the magnitude rule.
const (
	MaxSeconds = 1e11 // below: seconds
	MaxMillis  = 1e14 // below: milliseconds
	MaxMicros  = 1e17 // below: microseconds; above: nanoseconds
)

// layouts are the string forms read, most specific first. Forms without a
// zone are UTC.
var layouts = []string{
	time.RFC3339Nano,                // 2023-11-19T17:00:17.000Z, 2022-11-16T19:55:58+08:00
	"2006-01-02T15:04:05.999999999", // no zone
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	time.DateOnly, // 2023-10-10
}

// JSON reads a JSON value: a string in one of the forms above, or a number.
func JSON(raw []byte) (time.Time, bool) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null":
		return time.Time{}, false
	case s[0] == '"':
		var str string
		if json.Unmarshal(raw, &str) != nil {
			return time.Time{}, false
		}
		return String(str)
	}
	return number(s)
}

// String reads a timestamp written as text.
func String(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return number(s)
}

// number reads a Unix number, its unit told by its magnitude.
func number(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Unix(n), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= MaxSeconds {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// Unix reads n as seconds, milliseconds, microseconds or nanoseconds by its
// magnitude (see the package doc).
func Unix(n int64) time.Time {
	a := n
	if a < 0 {
		a = -a
	}
	switch {
	case a < MaxSeconds:
		return time.Unix(n, 0).UTC()
	case a < MaxMillis:
		return time.UnixMilli(n).UTC()
	case a < MaxMicros:
		return time.UnixMicro(n).UTC()
	}
	return time.Unix(0, n).UTC()
}
