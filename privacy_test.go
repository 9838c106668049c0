package alloy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// privacyJWT is shaped like a user token.
const privacyJWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNlY3JldA"

// secretHolders are every exported type that can hold the API key, a user
// token or a credential's secret data, each holding "SECRET-…" values.
// jsonShowsSecret marks the one that promises to encode its secret as
// JSON: UserToken, which is JSON-encoded to hand it to a frontend.
func secretHolders(t *testing.T) []struct {
	name            string
	v               any
	jsonShowsSecret bool
} {
	c, err := NewClient("SECRET-api-key-0123456789", WithBaseURL(testRoot))
	require.NoError(t, err)
	return []struct {
		name            string
		v               any
		jsonShowsSecret bool
	}{
		{"Client", c, false},
		{"CredentialCreateParams", CredentialCreateParams{Type: "netsuite", Data: SecretData{"consumerSecret": "SECRET-consumer", "tokenSecret": "SECRET-" + privacyJWT}}, false},
		{"ConnectorCredentialCreateParams", ConnectorCredentialCreateParams{UserID: "u1", AuthenticationType: "apiKey", Data: SecretData{"apiKey": "SECRET-provider-key"}}, false},
		{"SecretData", SecretData{"password": "SECRET-password", "nested": map[string]any{"k": "SECRET-nested"}}, false},
		{"UserToken", UserToken{Token: privacyJWT}, true},
		{"InstallLink", InstallLink{url: "https://app.runalloy.com/embedded-install?integrationId=i1&token=" + privacyJWT}, false},
		{"InstallLink with the token elsewhere", InstallLink{url: "https://app.runalloy.com/install?integrationId=i1&t=" + privacyJWT + "#" + privacyJWT}, false},
	}
}

// leaks returns the secret parts s shows.
func leaks(s string) []string {
	var out []string
	for _, secret := range []string{"SECRET", privacyJWT, "c2lnbmF0dXJlLXNlY3JldA"} {
		if strings.Contains(s, secret) {
			out = append(out, secret)
		}
	}
	return out
}

// TestNothingSecretPrintsOrLogs: every type that can hold a secret shows
// none of it through any fmt verb, slog's text and JSON handlers, alone,
// by pointer and as a field of the caller's own struct (for JSON, but for
// UserToken, whose JSON form is how it reaches a browser).
func TestNothingSecretPrintsOrLogs(t *testing.T) {
	t.Parallel()
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3v"}
	for _, h := range secretHolders(t) {
		t.Run(h.name, func(t *testing.T) {
			t.Parallel()
			ptr := pointerTo(h.v)
			wrapped := struct {
				Field any
				Ptr   any
			}{h.v, ptr}
			for _, v := range []any{h.v, ptr, wrapped} {
				for _, verb := range verbs {
					assert.Empty(t, leaks(fmt.Sprintf(verb, v)), "%s with %s", h.name, verb)
				}
				assert.Empty(t, leaks(fmt.Sprint(v)))
				assert.Empty(t, leaks(fmt.Sprintln(v)))
			}
			for _, v := range []any{h.v, ptr} {
				var text, js bytes.Buffer
				slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", v, slog.Group("g", "v", v))
				slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", v, slog.Group("g", "v", v))
				assert.Empty(t, leaks(text.String()), "slog text: %s", text.String())
				assert.Empty(t, leaks(js.String()), "slog JSON: %s", js.String())
			}
			var text bytes.Buffer
			slog.New(slog.NewTextHandler(&text, nil)).Info("m", "wrapped", wrapped)
			assert.Empty(t, leaks(text.String()), "slog text, inside a struct: %s", text.String())
			b, err := json.Marshal(wrapped)
			require.NoError(t, err)
			if h.jsonShowsSecret {
				assert.NotEmpty(t, leaks(string(b)), "documented: JSON carries it")
			} else {
				assert.Empty(t, leaks(string(b)), "encoding/json, inside a struct: %s", b)
				var js bytes.Buffer
				slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "wrapped", wrapped)
				assert.Empty(t, leaks(js.String()), "slog JSON, inside a struct: %s", js.String())
			}
		})
	}
}

// pointerTo returns a pointer to a copy of v (v itself when it is one).
func pointerTo(v any) any {
	switch x := v.(type) {
	case *Client:
		return x
	case CredentialCreateParams:
		return &x
	case ConnectorCredentialCreateParams:
		return &x
	case SecretData:
		return &x
	case UserToken:
		return &x
	case InstallLink:
		return &x
	}
	panic(fmt.Sprintf("pointerTo: %T", v))
}

// TestSecretsStillReachAlloy: the redaction is for printing; the requests
// carry the values.
func TestSecretsStillReachAlloy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithAPIVersion("2025-09"))
	h.on("POST", testRoot+"/headless/credentials", jsonResp(200, `{"credentialId":"c1"}`))
	h.on("POST", testRoot+"/connectors/shopify/credentials", jsonResp(200, `{"credentialId":"c2"}`))
	_, err := h.c.Credentials.Create(context.Background(), "u1", CredentialCreateParams{Type: "netsuite", Data: SecretData{"consumerSecret": "s3cr3t"}})
	require.NoError(t, err)
	_, err = h.c.Connectors.CreateCredential(context.Background(), "shopify", ConnectorCredentialCreateParams{UserID: "u1", AuthenticationType: "apiKey", Data: SecretData{"apiKey": "k3y"}})
	require.NoError(t, err)
	reqs := h.requests()
	require.Len(t, reqs, 2)
	assert.JSONEq(t, `{"userId":"u1","credential":{"type":"netsuite","data":{"consumerSecret":"s3cr3t"}}}`, string(reqs[0].Body))
	assert.JSONEq(t, `{"userId":"u1","authenticationType":"apiKey","data":{"apiKey":"k3y"}}`, string(reqs[1].Body))
	assert.Equal(t, http.MethodPost, reqs[1].Method)
}

// TestInstallLinkGivesTheWholeURL: URL is the link as Alloy sent it;
// printing shows where it goes, not the token.
func TestInstallLinkGivesTheWholeURL(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const link = "https://app.runalloy.com/embedded-install?integrationId=i1&token=" + privacyJWT
	h.on("GET", testRoot+"/users/u1/integrations/i1/install-url", jsonResp(200, `{"url":"`+link+`"}`))
	got, err := h.c.Integrations.GetInstallLink(context.Background(), "u1", "i1")
	require.NoError(t, err)
	assert.Equal(t, link, got.URL())
	assert.Equal(t, "https://app.runalloy.com/embedded-install?integrationId=i1&token=[REDACTED]", got.String())
	assert.Equal(t, got.String(), fmt.Sprintf("%v", got))
}

// TestErrorsNameRoutesNotIDs: an error's text names the route template,
// never the username in the path, which stays in Path.
func TestErrorsNameRoutesNotIDs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithMaxRetries(0))
	h.on("GET", testRoot+"/users/ops@northwind.example", jsonResp(404, `{"message":"not found"}`))
	h.on("DELETE", testRoot+"/users/ops@northwind.example", func(*http.Request) (*http.Response, error) { return nil, refusedErr })
	_, err := h.c.Users.Get(context.Background(), "ops@northwind.example")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "ops@northwind.example")
	assert.Contains(t, err.Error(), "GET /users/{userId}")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "/users/ops@northwind.example", apiErr.Path)
	assert.Equal(t, "/users/{userId}", apiErr.Route)

	err = h.c.Users.Delete(context.Background(), "ops@northwind.example")
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.NotContains(t, err.Error(), "ops@northwind.example")
	assert.Equal(t, "/users/{userId}", te.Route)
	assert.Equal(t, "/users/ops@northwind.example", te.Path)
}

// TestInstallLinkHidesTokensWhateverTheirName: a token travels under
// other names too (t, jwt, code, an escaped "token", inside a redirect
// value): every query value but the integration's id is hidden.
func TestInstallLinkHidesTokensWhateverTheirName(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"t=opaque123", "jwt=opaque123", "code=opaque123", "access_key=opaque123", "%74oken=opaque123",
		"redirect=https%3A%2F%2Fx.example%2F%3Ftoken%3Dopaque123"} {
		l := &InstallLink{url: "https://app.runalloy.com/embedded-install?integrationId=i1&" + q}
		assert.NotContains(t, l.String(), "opaque123", q)
		assert.Contains(t, l.String(), "integrationId=i1", q)
		assert.Contains(t, l.URL(), "opaque123", q)
	}
}
