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
	"unicode/utf16"
	"unicode/utf8"
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
	out, _, ok = jsEncode(b)
	return out, ok
}

// jsRespelled returns JSON.stringify(JSON.parse(b)) only when it is b
// spelled differently and nothing else: every JSON decoder reads the same
// values from both, numbers compared as their literal text. That holds
// when b is valid UTF-8 with no escaped lone surrogate (which Go and
// JavaScript decode differently), every number literal is already written
// as JavaScript prints it (not 1e2, 1.0, -0, or an integer beyond 2^53 that
// JavaScript rounds), no object repeats a key (decoders keep the first or
// the last) and members already come in JavaScript's order (a decoder that
// reads "01" and "1" as the same map key keeps the later one). What may
// differ is whitespace and the spelling of string escapes (\u00e9 for é,
// \/ for /). ok is false otherwise, or when b is not a single JSON value.
func jsRespelled(b []byte) (out []byte, ok bool) {
	if !utf8.Valid(b) {
		return nil, false
	}
	out, exact, ok := jsEncode(b)
	if !ok || !exact {
		return nil, false
	}
	if _, ok := respell(b); !ok { // an escaped lone surrogate
		return nil, false
	}
	return out, true
}

// jsEncode is jsStringify; exact reports whether the re-encoding kept
// every number literal as written, every member in place and no repeated
// key.
func jsEncode(b []byte) (out []byte, exact, ok bool) {
	if !json.Valid(b) {
		return nil, false, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	e := &jsEncoder{dec: dec, exact: true}
	out, err := e.value(make([]byte, 0, len(b)))
	if err != nil {
		return nil, false, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, false
	}
	return out, e.exact, true
}

// jsEncoder re-encodes the tokens of dec; exact turns false at the first
// change other than whitespace or a string escape.
type jsEncoder struct {
	dec   *json.Decoder
	exact bool
}

// jsMember is an object member with its value already encoded.
type jsMember struct {
	key   string
	value []byte
}

// value appends the next value of e.dec, encoded as JSON.stringify would.
func (e *jsEncoder) value(out []byte) ([]byte, error) {
	tok, err := e.dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			out = append(out, '[')
			for n := 0; e.dec.More(); n++ {
				if n > 0 {
					out = append(out, ',')
				}
				if out, err = e.value(out); err != nil {
					return nil, err
				}
			}
			if _, err := e.dec.Token(); err != nil { // ]
				return nil, err
			}
			return append(out, ']'), nil
		}
		if v != '{' {
			return nil, errors.New("unexpected delimiter")
		}
		var members []jsMember
		at := map[string]int{}
		for e.dec.More() {
			kt, err := e.dec.Token()
			if err != nil {
				return nil, err
			}
			key, isString := kt.(string)
			if !isString {
				return nil, errors.New("object key is not a string")
			}
			val, err := e.value(nil)
			if err != nil {
				return nil, err
			}
			if i, dup := at[key]; dup {
				members[i].value = val
				e.exact = false
				continue
			}
			at[key] = len(members)
			members = append(members, jsMember{key, val})
		}
		if _, err := e.dec.Token(); err != nil { // }
			return nil, err
		}
		if !slices.IsSortedFunc(members, jsMemberOrder) {
			slices.SortStableFunc(members, jsMemberOrder)
			e.exact = false
		}
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
		start := len(out)
		out = appendJSNumber(out, string(v))
		if string(out[start:]) != string(v) {
			e.exact = false
		}
		return out, nil
	case bool:
		return strconv.AppendBool(out, v), nil
	case nil:
		return append(out, "null"...), nil
	}
	return nil, errors.New("unexpected token")
}

// jsMemberOrder is JavaScript's property order: array indexes first,
// ascending, then the other keys as they came.
func jsMemberOrder(a, b jsMember) int {
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
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		out = appendJSByte(out, s[i])
	}
	return append(out, '"')
}

// appendJSByte appends the byte c of a string as appendJSString does.
func appendJSByte(out []byte, c byte) []byte {
	const hexDigits = "0123456789abcdef"
	switch c {
	case '"':
		return append(out, '\\', '"')
	case '\\':
		return append(out, '\\', '\\')
	case '\b':
		return append(out, '\\', 'b')
	case '\f':
		return append(out, '\\', 'f')
	case '\n':
		return append(out, '\\', 'n')
	case '\r':
		return append(out, '\\', 'r')
	case '\t':
		return append(out, '\\', 't')
	}
	if c < 0x20 {
		return append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(out, c)
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

// compactJSON drops the whitespace outside strings. For valid JSON it is
// json.Compact, several times faster and without validating: use it only
// with a separate check that b is valid JSON. It returns b itself when b
// has no whitespace at all.
func compactJSON(b []byte) []byte {
	if !bytes.ContainsAny(b, " \t\r\n") {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case jsonSpace[c]:
			i++
		case c == '"':
			end := stringEnd(b, i)
			out = append(out, b[i:end]...)
			i = end
		default: // a run of numbers, literals and punctuation
			j := i + 1
			for j < len(b) && !jsonSpace[b[j]] && b[j] != '"' {
				j++
			}
			out = append(out, b[i:j]...)
			i = j
		}
	}
	return out
}

// jsonSpace marks the bytes JSON allows as whitespace.
var jsonSpace = [256]bool{' ': true, '\t': true, '\r': true, '\n': true}

// stringEnd returns the index just past the string that opens at b[i],
// or len(b) when it is not closed.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '"':
			return j + 1
		case '\\':
			j++ // the escaped character
		}
	}
	return len(b)
}

// respell rewrites the string escapes of the JSON text b as
// JSON.stringify writes the characters they stand for, and leaves every
// other byte as it is: for a document jsRespelled accepts,
// respell(compactJSON(b)) is its result, at the cost of one pass. It
// returns b itself when b has no escape; ok is false when an escape is
// invalid or a lone surrogate.
func respell(b []byte) (out []byte, ok bool) {
	i := bytes.IndexByte(b, '\\')
	if i < 0 {
		return b, true
	}
	out = make([]byte, 0, len(b))
	last := 0
	for {
		r, width := unescape(b, i)
		if r < 0 {
			return nil, false
		}
		out = append(out, b[last:i]...)
		out = appendJSRune(out, r)
		i += width
		last = i
		k := bytes.IndexByte(b[i:], '\\')
		if k < 0 {
			break
		}
		i += k
	}
	return append(out, b[last:]...), true
}

// unescape decodes the escape at b[i] (a backslash), a surrogate pair as
// one character; r is -1 for an invalid escape or a lone surrogate.
func unescape(b []byte, i int) (r rune, width int) {
	if i+1 >= len(b) {
		return -1, 0
	}
	switch c := b[i+1]; c {
	case '"', '\\', '/':
		return rune(c), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
	default:
		return -1, 0
	}
	r, ok := hex4(b, i+2)
	switch {
	case !ok:
		return -1, 0
	case utf16.IsSurrogate(r):
		if i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
			if lo, ok := hex4(b, i+8); ok {
				if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
					return pair, 12
				}
			}
		}
		return -1, 0
	}
	return r, 6
}

// hex4 decodes the four hex digits at b[i:i+4].
func hex4(b []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// appendJSRune appends r as JSON.stringify writes it inside a string (see
// appendJSString).
func appendJSRune(out []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		return appendJSByte(out, byte(r))
	}
	return utf8.AppendRune(out, r)
}
