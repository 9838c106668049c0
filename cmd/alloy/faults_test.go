package main

import (
	"testing"
	"time"

	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	type F = alloytest.Fault
	type R = alloytest.FaultRule
	for _, tc := range []struct {
		spec string
		want []R
	}{
		{"", nil},
		{" ; ", nil},
		{"GET /users/*=503x2", []R{{Method: "GET", Path: "/users/*", Times: 2, Fault: F{Status: 503}}}},
		{"*=drop@0.03", []R{{Rate: 0.03, Fault: F{Drop: true}}}},
		{"POST /users=429:retry-after=1", []R{{Method: "POST", Path: "/users", Fault: F{Status: 429, RetryAfter: "1"}}}},
		{"GET /users/*=503x2; *=drop@0.03; POST /users=429:retry-after=1", []R{
			{Method: "GET", Path: "/users/*", Times: 2, Fault: F{Status: 503}},
			{Rate: 0.03, Fault: F{Drop: true}},
			{Method: "POST", Path: "/users", Fault: F{Status: 429, RetryAfter: "1"}},
		}},
		{"post /users = 503 : after x1", []R{{Method: "POST", Path: "/users", Times: 1, Fault: F{Status: 503, AfterHandler: true}}}},
		{"GET *=latency=250ms", []R{{Method: "GET", Fault: F{Latency: 250 * time.Millisecond}}}},
		{"/users=truncate@0.5", []R{{Path: "/users", Rate: 0.5, Fault: F{Truncate: true}}}},
		{"/users=malformed", []R{{Path: "/users", Fault: F{Malformed: true}}}},
		{"/users=oversize=40000000x3@1", []R{{Path: "/users", Times: 3, Rate: 1, Fault: F{Oversize: 40000000}}}},
		{"/users=502:content-type=text/html", []R{{Path: "/users", Fault: F{Status: 502, ContentType: "text/html"}}}},
		{"/users=content-type=text/plain:latency=1s", []R{{Path: "/users", Fault: F{ContentType: "text/plain", Latency: time.Second}}}},
	} {
		got, err := parseFaults(tc.spec)
		require.NoError(t, err, tc.spec)
		assert.Equal(t, tc.want, got, tc.spec)
	}
}

func TestParseFaultsErrors(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]string{
		"GET /users":                     `fault rule 1 "GET /users": want [METHOD] PATH=FAULT, e.g. "GET /users/*=503"`,
		"*=drop; GTE /users=503":         `fault rule 2 "GTE /users=503": "GTE" is not an HTTP method`,
		"GET /users extra=503":           `fault rule 1 "GET /users extra=503": want [METHOD] PATH before "=", e.g. "GET /users/*"`,
		"users=503":                      `fault rule 1 "users=503": path "users" must start with / (or be * for any path)`,
		"/users/[=503":                   `fault rule 1 "/users/[=503": path "/users/[" is not a valid pattern`,
		"/users=":                        `fault rule 1 "/users=": no fault after =`,
		"/users=200":                     `fault rule 1 "/users=200": status 200 is not between 400 and 599`,
		"/users=503x0":                   `fault rule 1 "/users=503x0": x0: times must be a whole number from 1`,
		"/users=503@1.5":                 `fault rule 1 "/users=503@1.5": @1.5: rate must be a number above 0, at most 1`,
		"/users=503@0":                   `fault rule 1 "/users=503@0": @0: rate must be a number above 0, at most 1`,
		"/users=explode":                 `fault rule 1 "/users=explode": unknown fault "explode" (want a status, drop, truncate, malformed, oversize=, latency=, retry-after=, content-type= or after)`,
		"/users=drop=1":                  `fault rule 1 "/users=drop=1": drop takes no value`,
		"/users=503:drop":                `fault rule 1 "/users=503:drop": give one of a status, drop, truncate, malformed and oversize`,
		"/users=retry-after=2":           `fault rule 1 "/users=retry-after=2": retry-after needs a status, e.g. 429:retry-after=1`,
		"/users=429:retry-after=soon":    `fault rule 1 "/users=429:retry-after=soon": retry-after=soon: want whole seconds`,
		"/users=latency=fast":            `fault rule 1 "/users=latency=fast": latency=fast: want a duration such as 500ms`,
		"/users=oversize=big":            `fault rule 1 "/users=oversize=big": oversize=big: want a number of bytes`,
		"/users=after":                   `fault rule 1 "/users=after": "after" does nothing: add a status, drop, truncate, malformed, oversize= or latency=`,
		"/users=content-type=":           `fault rule 1 "/users=content-type=": content-type= needs a type, e.g. text/html`,
		"GET /users/*=503x2;*=drop@abc":  `fault rule 2 "*=drop@abc": unknown fault "drop@abc" (want a status, drop, truncate, malformed, oversize=, latency=, retry-after=, content-type= or after)`,
		"GET /users/*=503x2;*=drop@0.03": "",
	} {
		_, err := parseFaults(spec)
		if want == "" {
			assert.NoError(t, err, spec)
			continue
		}
		require.Error(t, err, spec)
		assert.Equal(t, want, err.Error(), spec)
	}
}

func TestDescribeRule(t *testing.T) {
	t.Parallel()
	rules, err := parseFaults("GET /users/*=503x2; *=drop@0.03; POST /users=429:retry-after=1:after")
	require.NoError(t, err)
	var got []string
	for _, r := range rules {
		got = append(got, describeRule(r))
	}
	assert.Equal(t, []string{
		"GET /users/*: status 503, next 2",
		"* *: drop the connection, 3% of requests",
		"POST /users: status 429, Retry-After 1, after the request took effect",
	}, got)
}
