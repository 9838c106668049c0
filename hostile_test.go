package alloy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alloysdk/alloy-go/internal/hostile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileKey is distinctive, so that its first 8 characters appearing
// anywhere is a leak.
const hostileKey = "sk_live_Zq81mWc4TtP0aXr9"

// errorSurface is everything a caller, a logger or a panic might print of
// an error: its text under every fmt verb, every error in its chain, and
// every field of the SDK's error types.
func errorSurface(err error) []string {
	var out []string
	var walk func(e error)
	walk = func(e error) {
		if e == nil {
			return
		}
		out = append(out, e.Error(), fmt.Sprintf("%v|%+v|%#v|%s|%q", e, e, e, e, e))
		var apiErr *Error
		if ae, ok := e.(*Error); ok {
			apiErr = ae
			out = append(out, string(apiErr.Body), apiErr.Message, apiErr.Code, apiErr.RequestID, fmt.Sprintf("%+v|%#v", *apiErr, *apiErr))
		}
		if te, ok := e.(*TransportError); ok {
			out = append(out, fmt.Sprintf("%+v|%#v", *te, *te))
		}
		if ue, ok := e.(*url.Error); ok {
			out = append(out, ue.URL, fmt.Sprintf("%+v|%#v", *ue, *ue))
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner)
			}
		}
	}
	walk(err)
	return out
}

// TestHostileServersLeakNothing runs the SDK against every server of
// internal/hostile, each echoing the API key or a JWT somewhere a client
// might copy from, with a debug logger on, and checks that no secret (nor
// the first 8 characters of the key) reaches the error, its chain, its
// fields under any fmt verb, or the log.
func TestHostileServersLeakNothing(t *testing.T) {
	t.Parallel()
	for _, sc := range hostile.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			srv := httptest.NewServer(sc.Handler)
			defer srv.Close()
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := NewClient(hostileKey, WithBaseURL(srv.URL), WithLogger(logger), WithMaxRetries(1), WithRetryWait(0, 0))
			require.NoError(t, err)

			var errs []error
			_, err = c.Users.Get(context.Background(), "u1")
			errs = append(errs, err)
			_, err = c.Users.Create(context.Background(), UserCreateParams{Username: "a@example.com"})
			errs = append(errs, err)
			err = c.Users.Delete(context.Background(), "u1")
			errs = append(errs, err)

			var printed []string
			for _, err := range errs {
				require.Error(t, err)
				printed = append(printed, errorSurface(err)...)
			}
			logger.Debug("errors", "get", errs[0], "create", errs[1])
			printed = append(printed, logs.String())
			for name, secret := range hostile.Secrets(hostileKey) {
				for _, p := range printed {
					if strings.Contains(p, secret) {
						t.Errorf("%s leaked in: %.300s", name, p[max(0, strings.Index(p, secret)-150):])
						break
					}
				}
			}
		})
	}
}

// TestRedactionKeepsTheRestOfTheError checks that redaction replaces the
// secret and nothing else: the message, request id and status stay usable.
func TestRedactionKeepsTheRestOfTheError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req_7 "+r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"message":"key sk\u005f%s is revoked","code":"E_KEY"}`, strings.TrimPrefix(hostileKey, "sk_"))
	}))
	defer srv.Close()
	c, err := NewClient(hostileKey, WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "key [REDACTED] is revoked", apiErr.Message)
	assert.Equal(t, "E_KEY", apiErr.Code)
	assert.Equal(t, "req_7 Bearer [REDACTED]", apiErr.RequestID)
	assert.Equal(t, `{"message":"key [REDACTED] is revoked","code":"E_KEY"}`, string(apiErr.Body))
	assert.ErrorIs(t, err, ErrUnauthorized)
}

// TestTransportErrorOfARedirectIsRedacted: a same-origin redirect that
// ends in a dropped connection still matches its cause with errors.Is and
// errors.As, while its URL shows neither the query nor the key in the path.
func TestTransportErrorOfARedirectIsRedacted(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(hostile.Scenarios()[len(hostile.Scenarios())-1].Handler)
	defer srv.Close()
	c, err := NewClient(hostileKey, WithBaseURL(srv.URL), WithMaxRetries(0))
	require.NoError(t, err)
	_, err = c.Users.Get(context.Background(), "u1")
	var te *TransportError
	require.ErrorAs(t, err, &te)
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, srv.URL+"/hostile/[REDACTED]", ue.URL)
	assert.Equal(t, "/users/u1", te.Path)
}

// TestContextEndDuringRetryWaitIsRedacted covers the one other place a
// response body reaches an error: the failed attempt kept while waiting to
// retry, reported when the caller's context ends during the wait.
func TestContextEndDuringRetryWaitIsRedacted(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, `{"message":"busy for %s"}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	c, err := NewClient(hostileKey, WithBaseURL(srv.URL), WithMaxRetries(3))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	c.tr.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err = c.Users.Get(ctx, "u1")
	require.ErrorIs(t, err, context.Canceled)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "busy for Bearer [REDACTED]", apiErr.Message)
	for _, p := range errorSurface(err) {
		assert.NotContains(t, p, hostileKey)
	}
	assert.False(t, errors.Is(err, ErrNotFound))
}
