package jwt

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func tok(payload string) string {
	return "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
}

func TestExpiry(t *testing.T) {
	cases := []struct {
		name  string
		token string
		want  time.Time
		ok    bool
	}{
		{"integer exp", tok(`{"exp":1736850000,"userId":"u"}`), time.Unix(1736850000, 0).UTC(), true},
		{"fractional exp", tok(`{"exp":1736850000.5}`), time.Unix(1736850000, 5e8).UTC(), true},
		{"padded payload", "a." + base64.URLEncoding.EncodeToString([]byte(`{"exp":1700000000}`)) + ".b", time.Unix(1700000000, 0).UTC(), true},
		{"no exp", tok(`{"iat":1736846400}`), time.Time{}, false},
		{"exp as string", tok(`{"exp":"soon"}`), time.Time{}, false},
		{"exp as quoted number", tok(`{"exp":"1736850000"}`), time.Time{}, false},
		{"exp null", tok(`{"exp":null}`), time.Time{}, false},
		{"exp object", tok(`{"exp":{"v":1}}`), time.Time{}, false},
		{"negative exp", tok(`{"exp":-5}`), time.Time{}, false},
		{"huge exp", tok(`{"exp":1e300}`), time.Time{}, false},
		{"payload not json", tok(`not json`), time.Time{}, false},
		{"payload is array", tok(`[1,2]`), time.Time{}, false},
		{"two parts", "a.b", time.Time{}, false},
		{"four parts", "a.b.c.d", time.Time{}, false},
		{"bad base64", "a.!!!.c", time.Time{}, false},
		{"empty", "", time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Expiry(tc.token)
			assert.Equal(t, tc.ok, ok)
			assert.True(t, tc.want.Equal(got), "got %v want %v", got, tc.want)
		})
	}
}

func TestExpiryRejectsOversizedToken(t *testing.T) {
	long := tok(`{"exp":1736850000,"pad":"` + string(make([]byte, maxLen)) + `"}`)
	_, ok := Expiry(long)
	assert.False(t, ok)
}

// FuzzExpiry: no token makes Expiry panic, and a reported expiry is in range.
func FuzzExpiry(f *testing.F) {
	for _, seed := range []string{
		"eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE5MDAwMDAwMDB9.sig", "a.b.c", "..", "", "a.eyJleHAiOiIxIn0.c",
		"x.eyJleHAiOjFlMzAwfQ.y", "x.eyJleHAiOi0xfQ.y", "x.bm90IGpzb24.y", "x." + strings.Repeat("A", 100) + ".y",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		exp, ok := Expiry(token)
		if ok && (exp.Year() < 1970 || exp.Year() > 9999) {
			t.Fatalf("expiry %v out of range for %q", exp, token)
		}
		if !ok && !exp.IsZero() {
			t.Fatalf("not ok but expiry %v", exp)
		}
	})
}
