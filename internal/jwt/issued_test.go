package jwt

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestIssuedAt(t *testing.T) {
	cases := []struct {
		name  string
		token string
		want  time.Time
		ok    bool
	}{
		{"integer iat", tok(`{"iat":1736846400,"exp":1736848200}`), time.Unix(1736846400, 0).UTC(), true},
		{"fractional iat", tok(`{"iat":1736846400.25}`), time.Unix(1736846400, 25e7).UTC(), true},
		{"no iat", tok(`{"exp":1736850000}`), time.Time{}, false},
		{"iat as string", tok(`{"iat":"1736846400"}`), time.Time{}, false},
		{"iat in milliseconds", tok(`{"iat":1736846400000}`), time.Time{}, false},
		{"zero iat", tok(`{"iat":0}`), time.Time{}, false},
		{"payload not json", tok(`nope`), time.Time{}, false},
		{"two parts", "a.b", time.Time{}, false},
		{"four parts", "a.b.c.d", time.Time{}, false},
		{"oversized", tok(`{"iat":1736846400,"pad":"` + strings.Repeat("x", maxLen) + `"}`), time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := IssuedAt(tc.token)
			assert.Equal(t, tc.ok, ok)
			assert.True(t, tc.want.Equal(got), "got %v want %v", got, tc.want)
		})
	}
}

// FuzzIssuedAt: no token makes IssuedAt panic, and a reported time is in
// range.
func FuzzIssuedAt(f *testing.F) {
	for _, seed := range []string{
		tok(`{"iat":1736846400,"exp":1736848200}`), tok(`{"iat":"1"}`), tok(`{"iat":1e300}`), tok(`{"iat":-1}`),
		"a.b.c", "..", "", "x." + strings.Repeat("A", 100) + ".y",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		iat, ok := IssuedAt(token)
		if ok && (iat.Year() < 1970 || iat.Year() > 9999) {
			t.Fatalf("iat %v out of range for %q", iat, token)
		}
		if !ok && !iat.IsZero() {
			t.Fatalf("not ok but iat %v", iat)
		}
	})
}
