package timeparse

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestJSON(t *testing.T) {
	cases := []struct {
		name, in string
		want     time.Time
		ok       bool
	}{
		// The pages' own examples.
		{"orders page, Unix seconds (docs.runalloy.com/reference/orders)", `1589865701`, utc("2020-05-19T05:21:41Z"), true},
		{"variants page, Unix seconds (docs.runalloy.com/reference/product-variants)", `1618321872`, utc("2021-04-13T13:51:12Z"), true},
		{"customers page, 12 digits read as milliseconds (docs.runalloy.com/reference/customers)", `168301151200`, utc("1975-05-02T22:19:11.2Z"), true},
		{"docs-uapi, ISO with milliseconds", `"2023-11-19T17:00:17.000Z"`, utc("2023-11-19T17:00:17Z"), true},
		{"CRM lastActivityAt with an offset", `"2022-11-16T19:55:58+08:00"`, utc("2022-11-16T11:55:58Z"), true},
		{"invoice date only", `"2023-10-10"`, utc("2023-10-10T00:00:00Z"), true},
		// Other forms.
		{"no zone is UTC", `"2024-03-01T08:30:00"`, utc("2024-03-01T08:30:00Z"), true},
		{"no zone, fraction", `"2024-03-01T08:30:00.25"`, utc("2024-03-01T08:30:00.25Z"), true},
		{"space separator", `"2024-03-01 08:30:00"`, utc("2024-03-01T08:30:00Z"), true},
		{"milliseconds", `1710000000123`, utc("2024-03-09T16:00:00.123Z"), true},
		{"microseconds", `1710000000123456`, utc("2024-03-09T16:00:00.123456Z"), true},
		{"nanoseconds", `1710000000123456789`, utc("2024-03-09T16:00:00.123456789Z"), true},
		{"numeric string", `"1589865701"`, utc("2020-05-19T05:21:41Z"), true},
		{"fractional seconds", `1589865701.5`, utc("2020-05-19T05:21:41.5Z"), true},
		{"zero is the epoch", `0`, time.Unix(0, 0).UTC(), true},
		// Not times.
		{"null", `null`, time.Time{}, false},
		{"empty string", `""`, time.Time{}, false},
		{"typo", `"2023-13-45"`, time.Time{}, false},
		{"boolean", `true`, time.Time{}, false},
		{"object", `{"seconds":1}`, time.Time{}, false},
		{"huge float", `1e300`, time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := JSON([]byte(tc.in))
			assert.Equal(t, tc.ok, ok)
			assert.True(t, tc.want.Equal(got), "got %v, want %v", got, tc.want)
		})
	}
}

// TestMagnitudeBoundaries checks the unit on each side of each boundary.
func TestMagnitudeBoundaries(t *testing.T) {
	cases := []struct {
		n    int64
		want time.Time
	}{
		{MaxSeconds - 1, time.Unix(MaxSeconds-1, 0)},
		{MaxSeconds, time.UnixMilli(MaxSeconds)},
		{MaxMillis - 1, time.UnixMilli(MaxMillis - 1)},
		{MaxMillis, time.UnixMicro(MaxMillis)},
		{MaxMicros - 1, time.UnixMicro(MaxMicros - 1)},
		{MaxMicros, time.Unix(0, MaxMicros)},
		{-(MaxSeconds - 1), time.Unix(-(MaxSeconds - 1), 0)},
		{-MaxSeconds, time.UnixMilli(-MaxSeconds)},
	}
	for _, tc := range cases {
		got := Unix(tc.n)
		assert.True(t, tc.want.Equal(got), "%d: got %v, want %v", tc.n, got, tc.want)
		assert.Equal(t, time.UTC, got.Location())
	}
	assert.Equal(t, 5138, Unix(MaxSeconds-1).Year(), "seconds reach the year 5138")
	assert.Equal(t, 1973, Unix(MaxSeconds).Year(), "milliseconds start in 1973")
}

func FuzzJSONNeverPanics(f *testing.F) {
	for _, s := range []string{`1589865701`, `"2023-11-19T17:00:17.000Z"`, `-9223372036854775808`, `"-1e400"`, `1.5`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := JSON([]byte(s)); !ok && !got.IsZero() {
			t.Fatalf("%q: not a time but %v", s, got)
		}
	})
}
