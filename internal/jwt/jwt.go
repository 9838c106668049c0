// Package jwt reads the expiry of a JSON Web Token without verifying it.
// The SDK never trusts a token's claims for anything but deciding how long
// to keep it; the token itself stays opaque.
package jwt

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxLen bounds the work done on a hostile token.
const maxLen = 16 << 10

// Expiry returns the token's "exp" claim. It reports false when the token is
// not a three-part JWT, the payload is not a JSON object, or exp is missing,
// not a number, or outside [1970, 9999].
func Expiry(token string) (time.Time, bool) {
	if len(token) > maxLen {
		return time.Time{}, false
	}
	first := strings.IndexByte(token, '.')
	if first < 0 {
		return time.Time{}, false
	}
	rest := token[first+1:]
	second := strings.IndexByte(rest, '.')
	if second < 0 || strings.IndexByte(rest[second+1:], '.') >= 0 {
		return time.Time{}, false
	}
	payload, ok := decodeSegment(rest[:second])
	if !ok {
		return time.Time{}, false
	}
	var claims struct {
		Exp numericDate `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || !claims.Exp.ok {
		return time.Time{}, false
	}
	exp := claims.Exp.v
	if math.IsNaN(exp) || exp <= 0 || exp > 253402300799 { // 9999-12-31T23:59:59Z
		return time.Time{}, false
	}
	sec, frac := math.Modf(exp)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// numericDate is a JSON number (RFC 7519 NumericDate); a quoted "1" is not.
type numericDate struct {
	v  float64
	ok bool
}

func (n *numericDate) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || (b[0] < '0' || b[0] > '9') && b[0] != '-' {
		return nil // not a number: no expiry
	}
	v, err := strconv.ParseFloat(string(b), 64)
	n.v, n.ok = v, err == nil
	return nil
}

// decodeSegment accepts base64url as the spec says, and, leniently, padded or
// standard-alphabet base64.
func decodeSegment(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}
