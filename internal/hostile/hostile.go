// Package hostile holds servers that try to make a client leak its secrets:
// they echo the Authorization header they receive, and a user JWT, back in
// every place a client might copy from (bodies, escaped or cut at a cap,
// headers, redirect URLs). The SDK's and the CLI's tests run against the
// same list, so a new way to leak is tested everywhere at once.
package hostile

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// JWT is the user token the servers echo (header {"alg":"HS256"}, payload
// {"userId":"u1","exp":1900000000}, a fake signature).
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ1MSIsImV4cCI6MTkwMDAwMDAwMH0.c2lnbmF0dXJlLXNlY3JldC1oZXJl"

// Secrets returns the strings that must not appear in anything a client
// shows, for an API key: the key, the first 8 characters of the key (what a
// cut would leave), the JWT, its payload (and the payload's first 8
// characters) and its signature.
func Secrets(key string) map[string]string {
	parts := strings.Split(JWT, ".")
	return map[string]string{
		"API key":          key,
		"API key head":     key[:min(8, len(key))],
		"JWT":              JWT,
		"JWT payload":      parts[1],
		"JWT payload head": parts[1][:8],
		"JWT signature":    parts[2],
	}
}

// Scenario is one hostile server.
type Scenario struct {
	Name    string
	Handler http.Handler
}

// errorBodyCap is the SDK's cap on a kept error body (64 KiB); the cut
// scenarios put a secret across it.
const errorBodyCap = 64 << 10

// Scenarios returns every hostile server. Each answers every request it
// gets; paths under /hostile/ serve the second leg of a redirect.
func Scenarios() []Scenario {
	key := func(r *http.Request) string { return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") }
	status := func(code int, contentType, body string, header ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], strings.NewReplacer("KEY", key(r), "AUTH", r.Header.Get("Authorization"), "JWT", JWT).Replace(header[i+1]))
			}
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(code)
			_, _ = fmt.Fprint(w, strings.NewReplacer("KEY", key(r), "AUTH", r.Header.Get("Authorization"), "JWT", JWT).Replace(body))
		}
	}
	echo := func(code int, body func(r *http.Request) string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = fmt.Fprint(w, body(r))
		}
	}
	const js = "application/json"
	return []Scenario{
		{"key in message", status(401, js, `{"message":"bad credentials AUTH"}`)},
		{"key in nested error message", status(404, js, `{"error":{"message":"no route for key KEY"}}`)},
		{"key in code", status(400, js, `{"message":"bad","code":"KEY"}`)},
		{"key JSON-escaped in message", echo(401, func(r *http.Request) string {
			return `{"message":"bad key ` + strings.Replace(key(r), "_", `\u005f`, 1) + `"}`
		})},
		{"key fully JSON-escaped", echo(403, func(r *http.Request) string {
			var b strings.Builder
			for _, c := range key(r) {
				fmt.Fprintf(&b, `\u%04x`, c)
			}
			return `{"message":"` + b.String() + `"}`
		})},
		{"key percent-encoded in an HTML page", echo(502, func(r *http.Request) string {
			return `<html><a href="/retry?k=` + strings.ReplaceAll(url.QueryEscape(key(r)), "_", "%5F") + `">retry</a></html>`
		})},
		{"key as HTML character references", echo(502, func(r *http.Request) string {
			return `<p>` + strings.ReplaceAll(key(r), "_", "&#95;") + `</p>`
		})},
		{"JWT in message", status(400, js, `{"message":"token JWT expired"}`)},
		{"JWT JSON-escaped", status(400, js, `{"message":"token `+strings.ReplaceAll(JWT, ".", `\u002e`)+`"}`)},
		{"key cut by the body cap", echo(500, func(r *http.Request) string {
			k := key(r)
			return strings.Repeat("x", errorBodyCap-len(k)/2) + k + " tail"
		})},
		{"JWT cut by the body cap", status(500, "text/plain", strings.Repeat("y", errorBodyCap-len(JWT)/2)+"JWT tail")},
		{"key in X-Request-Id", status(404, js, `{"message":"nope"}`, "X-Request-Id", "KEY")},
		{"Bearer key in Request-Id", status(404, js, `{"message":"nope"}`, "Request-Id", "AUTH")},
		{"JWT in X-Correlation-Id", status(404, js, `{"message":"nope"}`, "X-Correlation-Id", "JWT")},
		{"percent-encoded key in X-Amzn-Requestid", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Amzn-Requestid", strings.ReplaceAll(key(r), "_", "%5F"))
			w.WriteHeader(http.StatusNotFound)
		})},
		{"unparsable redirect Location", status(302, js, `{}`, "Location", "http://[::1/KEY")},
		{"same-origin redirect to a URL with the key, then a drop", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/hostile/") {
				panic(http.ErrAbortHandler) // close the connection without an answer
			}
			http.Redirect(w, r, "/hostile/"+url.PathEscape(key(r))+"?token="+JWT+"&key="+url.QueryEscape(key(r)), http.StatusFound)
		})},
	}
}
