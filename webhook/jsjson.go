package webhook

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// jsStringify re-encodes the JSON document b the way Node's
// JSON.stringify(JSON.parse(b)) would, so that a signature Alloy made over
// its own serialisation can be checked against bytes a proxy or sender
// re-formatted: no whitespace; members in JavaScript property order
// (array-index keys such as "0" or "12" first, ascending, then the others
// as they came; a repeated key keeps its first place and its last value);
// numbers as JavaScript prints a double (1.0 → 1, 1e2 → 100, 1e21 →
// 1e+21, overflow → null); strings with only the escapes JavaScript makes
// (\u00e9 → é, \/ → /). Lone surrogates are not reproduced (Go decodes
// them as U+FFFD). ok is false when b is not a single JSON value.
func jsStringify(b []byte) (out []byte, ok bool) {
	if !json.Valid(b) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	out, err := jsValue(dec, make([]byte, 0, len(b)))
	if err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return out, true
}

// jsMember is an object member with its value already encoded.
type jsMember struct {
	key   string
	value []byte
}

// jsValue appends the next value of dec, encoded as JSON.stringify would.
func jsValue(dec *json.Decoder, out []byte) ([]byte, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			out = append(out, '[')
			for n := 0; dec.More(); n++ {
				if n > 0 {
					out = append(out, ',')
				}
				if out, err = jsValue(dec, out); err != nil {
					return nil, err
				}
			}
			if _, err := dec.Token(); err != nil { // ]
				return nil, err
			}
			return append(out, ']'), nil
		}
		if v != '{' {
			return nil, errors.New("unexpected delimiter")
		}
		var members []jsMember
		at := map[string]int{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, isString := kt.(string)
			if !isString {
				return nil, errors.New("object key is not a string")
			}
			val, err := jsValue(dec, nil)
			if err != nil {
				return nil, err
			}
			if i, dup := at[key]; dup {
				members[i].value = val
				continue
			}
			at[key] = len(members)
			members = append(members, jsMember{key, val})
		}
		if _, err := dec.Token(); err != nil { // }
			return nil, err
		}
		slices.SortStableFunc(members, func(a, b jsMember) int {
			ai, aIndex := arrayIndex(a.key)
			bi, bIndex := arrayIndex(b.key)
			switch {
			case aIndex && bIndex:
				return cmp.Compare(ai, bi)
			case aIndex:
				return -1
			case bIndex:
				return 1
			}
			return 0
		})
		out = append(out, '{')
		for i, m := range members {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendJSString(out, m.key)
			out = append(out, ':')
			out = append(out, m.value...)
		}
		return append(out, '}'), nil
	case string:
		return appendJSString(out, v), nil
	case json.Number:
		return appendJSNumber(out, string(v)), nil
	case bool:
		return strconv.AppendBool(out, v), nil
	case nil:
		return append(out, "null"...), nil
	}
	return nil, errors.New("unexpected token")
}

// arrayIndex reports whether k is an ECMAScript array index (a canonical
// decimal below 2^32 - 1), which JavaScript orders before other keys.
func arrayIndex(k string) (uint64, bool) {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(k, 10, 64)
	if err != nil || n >= 1<<32-1 {
		return 0, false
	}
	return n, true
}

// appendJSString quotes s as JSON.stringify does: \" \\ \b \f \n \r \t,
// other control characters as \u00xx, everything else as is.
func appendJSString(out []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			out = append(out, '\\', '"')
		case '\\':
			out = append(out, '\\', '\\')
		case '\b':
			out = append(out, '\\', 'b')
		case '\f':
			out = append(out, '\\', 'f')
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
			out = append(out, '\\', 'r')
		case '\t':
			out = append(out, '\\', 't')
		default:
			if c < 0x20 {
				out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			} else {
				out = append(out, c)
			}
		}
	}
	return append(out, '"')
}

// appendJSNumber formats the JSON number lit as JavaScript's
// Number.prototype.toString does for the double it denotes
// (ECMAScript Number::toString, radix 10).
func appendJSNumber(out []byte, lit string) []byte {
	f, err := strconv.ParseFloat(lit, 64) // err is only ErrRange for a valid literal
	if err != nil && !math.IsInf(f, 0) && f != 0 {
		return append(out, lit...)
	}
	if f == 0 {
		return append(out, '0') // -0 and underflow print as 0
	}
	if math.IsInf(f, 0) {
		return append(out, "null"...) // Infinity serialises as null
	}
	if f < 0 {
		out = append(out, '-')
		f = -f
	}
	// Shortest round-trip digits d1.d2...dk and exponent e: f = 0.d1...dk × 10^n, n = e+1.
	sci := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expText, _ := strings.Cut(sci, "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(expText)
	k, n := len(digits), e+1
	switch {
	case k <= n && n <= 21:
		out = append(out, digits...)
		for range n - k {
			out = append(out, '0')
		}
	case 0 < n && n <= 21:
		out = append(out, digits[:n]...)
		out = append(out, '.')
		out = append(out, digits[n:]...)
	case -6 < n && n <= 0:
		out = append(out, '0', '.')
		for range -n {
			out = append(out, '0')
		}
		out = append(out, digits...)
	default:
		out = append(out, digits[0])
		if k > 1 {
			out = append(out, '.')
			out = append(out, digits[1:]...)
		}
		out = append(out, 'e')
		if n-1 >= 0 {
			out = append(out, '+')
		}
		out = strconv.AppendInt(out, int64(n-1), 10)
	}
	return out
}
