package alloy

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/alloysdk/alloy-go/internal/redact"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSecretHygiene runs a client through successes, server errors that echo
// its key and a JWT, transport failures and bad input, with a debug logger,
// and checks that neither secret appears in any error string, any fmt verb
// of errors, the client or tokens, or the log.
func TestSecretHygiene(t *testing.T) {
	t.Parallel()
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"userId":"u1","exp":1900000000}`))
	jwt := "eyJhbGciOiJIUzI1NiJ9." + claims + ".c2lnbmF0dXJlLXNlY3JldA"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		switch r.URL.Path {
		case "/users/u1/token":
			_, _ = fmt.Fprintf(w, `{"token":%q}`, jwt)
		case "/users/echo":
			w.Header().Set("X-Echo", auth) // a gateway that reflects headers
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprintf(w, `{"message":"bad credentials %s for token %s"}`, auth, jwt)
		case "/users/text":
			w.WriteHeader(http.StatusBadGateway)
			_, _ = fmt.Fprintf(w, "<html>upstream said %s / %s</html>", auth, jwt)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = fmt.Fprintf(w, `{"error":{"message":"no route for key %s"}}`, strings.TrimPrefix(auth, "Bearer "))
		}
	}))
	defer srv.Close()

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := NewClient(testKey, WithBaseURL(srv.URL), WithLogger(logger), WithMaxRetries(1), WithRetryWait(1, 1))
	require.NoError(t, err)
	ctx := context.Background()

	tok, err := c.Tokens.Create(ctx, "u1")
	require.NoError(t, err)
	var errs []error
	for _, id := range []string{"echo", "text", "missing"} {
		_, err := c.Users.Get(ctx, id)
		require.Error(t, err)
		errs = append(errs, err)
	}
	_, err = c.Users.Get(ctx, "bad\r\nid")
	require.ErrorIs(t, err, ErrInvalidArgument)
	errs = append(errs, err)
	dead, err := NewClient(testKey, WithBaseURL("http://127.0.0.1:1"), WithLogger(logger), WithMaxRetries(0))
	require.NoError(t, err)
	_, err = dead.Users.Get(ctx, "u1")
	var te *TransportError
	require.ErrorAs(t, err, &te)
	errs = append(errs, err)
	_, err = NewClient(testKey, WithBaseURL("http://user:"+testKey+"@example.com"))
	require.ErrorIs(t, err, ErrInvalidArgument)
	errs = append(errs, err)

	var printed []string
	for _, e := range errs {
		printed = append(printed, e.Error(), fmt.Sprintf("%v|%+v|%#v|%s|%q", e, e, e, e, e))
		var apiErr *Error
		if errors.As(e, &apiErr) {
			printed = append(printed, string(apiErr.Body), apiErr.Message, fmt.Sprintf("%+v %#v", *apiErr, *apiErr))
		}
	}
	for _, v := range []any{c, tok, *tok} {
		printed = append(printed, fmt.Sprintf("%v|%+v|%#v|%s", v, v, v, v))
	}
	logger.Debug("values", "client", c, "token", tok, "error", errs[0])
	printed = append(printed, logs.String())

	secrets := map[string]string{"API key": testKey, "JWT": jwt, "JWT signature": "c2lnbmF0dXJlLXNlY3JldA"}
	for _, p := range printed {
		for name, secret := range secrets {
			if strings.Contains(p, secret) {
				t.Errorf("%s leaked in: %s", name, p)
			}
		}
	}
	assert.Contains(t, errs[0].Error(), "[REDACTED]", "the echo is visible as redacted")
	assert.Contains(t, logs.String(), "route=/users/{userId}", "the log names the route, not the id")
	assert.Equal(t, jwt, tok.Token, "the token itself is still there for the frontend")
}

func TestJWTsAreRedactedFromErrorBodies(t *testing.T) {
	t.Parallel()
	e := newError("GET", "/x", 400, nil, []byte(`{"message":"token eyJhbGciOi.eyJzdWIiOjF9.abc expired; eyJ alone stays"}`), 1, redact.New(testKey))
	assert.Equal(t, "token [REDACTED JWT] expired; eyJ alone stays", e.Message)
	assert.NotContains(t, string(e.Body), "eyJhbGciOi.eyJzdWIiOjF9")
}
