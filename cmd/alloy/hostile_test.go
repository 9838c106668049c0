package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alloysdk/alloy-go/internal/hostile"
	"github.com/stretchr/testify/assert"
)

// TestHostileServersLeakNothingThroughTheCLI runs alloy against every
// server of internal/hostile (the ones the SDK is tested against), for
// commands that read, create and mint, and checks that neither stdout nor
// stderr carries the API key (nor its first 8 characters) or a JWT.
func TestHostileServersLeakNothingThroughTheCLI(t *testing.T) {
	const key = "sk_live_Zq81mWc4TtP0aXr9"
	commands := [][]string{
		{"users", "get", "u1"},
		{"users", "create", "--username", "a@example.com"},
		{"users", "list", "--json"},
		{"tokens", "create", "--user", "u1"},
		{"integrations", "install-link", "6712ab34cd56ef7890a1b2c3", "--user", "u1"},
		{"token", "u1"},
		{"install-url", "u1", "6712ab34cd56ef7890a1b2c3"},
		{"unified", "commerce/customers", "get", "cus_1", "--connection", "c1"},
	}
	for _, sc := range hostile.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(sc.Handler)
			t.Cleanup(srv.Close)
			env := map[string]string{"ALLOY_BASE_URL": srv.URL, "ALLOY_API_KEY": key}
			for _, args := range commands {
				var stdout, stderr bytes.Buffer
				code := run(append(args, "--retries", "0"), strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
				assert.Contains(t, []int{1, 4}, code, "alloy %v: %s", args, stderr.String())
				out := stdout.String() + stderr.String()
				for name, secret := range hostile.Secrets(key) {
					assert.NotContains(t, out, secret, "alloy %v printed the %s", args, name)
				}
			}
		})
	}
}

// TestCLIRedactsAJWTInData: a JWT that arrives as data (here a user's
// name) is printed only by the commands that show tokens on request.
func TestCLIRedactsAJWTInData(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"userId":"u1","username":"a@example.com","fullName":"` + hostile.JWT + `"}`))
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{"ALLOY_BASE_URL": srv.URL, "ALLOY_API_KEY": "sk_live_Zq81mWc4TtP0aXr9"}
	for _, args := range [][]string{{"users", "get", "u1"}, {"users", "get", "u1", "--json"}} {
		var stdout, stderr bytes.Buffer
		code := run(args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
		assert.Equal(t, 0, code, stderr.String())
		assert.Contains(t, stdout.String(), "[REDACTED JWT]")
		assert.NotContains(t, stdout.String(), hostile.JWT)
	}
}
