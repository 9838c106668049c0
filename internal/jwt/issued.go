package jwt

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// IssuedAt returns the token's "iat" claim: when the issuer minted it, by the
// issuer's clock. With Expiry it gives the lifetime the issuer granted
// (exp - iat), which no clock skew distorts. It reports false under the same
// conditions as Expiry, for iat instead of exp.
func IssuedAt(token string) (time.Time, bool) {
	payload, ok := payloadOf(token)
	if !ok {
		return time.Time{}, false
	}
	var claims struct {
		Iat numericDate `json:"iat"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || !claims.Iat.ok {
		return time.Time{}, false
	}
	iat := claims.Iat.v
	if math.IsNaN(iat) || iat <= 0 || iat > 253402300799 { // 9999-12-31T23:59:59Z
		return time.Time{}, false
	}
	sec, frac := math.Modf(iat)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// payloadOf returns the decoded middle segment of a three-part token.
func payloadOf(token string) ([]byte, bool) {
	if len(token) > maxLen {
		return nil, false
	}
	first := strings.IndexByte(token, '.')
	if first < 0 {
		return nil, false
	}
	rest := token[first+1:]
	second := strings.IndexByte(rest, '.')
	if second < 0 || strings.IndexByte(rest[second+1:], '.') >= 0 {
		return nil, false
	}
	return decodeSegment(rest[:second])
}
