package transport

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"999999999999", 24 * time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Sunday, 22-Nov-26 10:00:30 GMT", 30 * time.Second, true}, // RFC 850, also allowed
		{"soon", 0, false},
	}
	for _, tc := range cases {
		got, ok := RetryAfter(http.Header{"Retry-After": {tc.value}}, now)
		assert.Equal(t, tc.ok, ok, tc.value)
		assert.Equal(t, tc.want, got, tc.value)
	}
}

func TestBackoffIsExponentialJitteredAndCapped(t *testing.T) {
	tr := New(Config{WaitMin: 100 * time.Millisecond, WaitMax: time.Second})
	for attempt := 1; attempt <= 8; attempt++ {
		base := min(100*time.Millisecond<<(attempt-1), time.Second)
		for range 200 {
			w := tr.backoff(attempt)
			if w < base/2 || w > base {
				t.Fatalf("attempt %d: wait %s outside [%s, %s]", attempt, w, base/2, base)
			}
		}
	}
	assert.Zero(t, New(Config{}).backoff(3), "zero waits stay zero")
}

func TestPermanentErrors(t *testing.T) {
	wrap := func(err error) error { return &url.Error{Op: "Get", URL: "https://x", Err: err} }
	assert.True(t, permanent(wrap(x509.UnknownAuthorityError{})))
	assert.True(t, permanent(wrap(x509.HostnameError{Host: "x"})))
	assert.True(t, permanent(wrap(errors.New(`unsupported protocol scheme "ftp"`))))
	assert.True(t, permanent(wrap(errors.New("stopped after 10 redirects"))))
	assert.False(t, permanent(wrap(errors.New("connection reset by peer"))))
	// an http.Client.Timeout is per attempt: retryable for idempotent calls.
	// (The caller's own context ending is checked before permanent is asked.)
	assert.False(t, permanent(wrap(context.DeadlineExceeded)))
}

func TestErrorKindNeverEchoesTheURL(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://x.example/users/secret-id?token=abc", Err: fmt.Errorf("weird")}
	assert.Equal(t, "transport error", errorKind(err))
	assert.Equal(t, "deadline exceeded", errorKind(context.DeadlineExceeded))
	assert.Equal(t, "canceled", errorKind(context.Canceled))
}

func TestGiveUp(t *testing.T) {
	resp := &http.Response{StatusCode: 503, Body: http.NoBody}
	got, err := giveUp(resp, nil, 3)
	assert.Same(t, resp, got, "an intact response is passed through")
	assert.NoError(t, err)
	cause := errors.New("reset")
	got, err = giveUp(resp, cause, 3)
	assert.Nil(t, got)
	assert.Same(t, cause, err, "the cause is not rewrapped")
}

func TestSameOriginRedirects(t *testing.T) {
	req := func(u string) *http.Request { r, _ := http.NewRequest("GET", u, nil); return r }
	via := []*http.Request{req("https://api.example/users")}
	policy := sameOrigin(nil)
	assert.NoError(t, policy(req("https://api.example/v2/users"), via))
	assert.ErrorIs(t, policy(req("http://api.example/users"), via), http.ErrUseLastResponse, "https to http")
	assert.ErrorIs(t, policy(req("https://evil.example/users"), via), http.ErrUseLastResponse, "another host")
	assert.ErrorIs(t, policy(req("https://api.example:8443/users"), via), http.ErrUseLastResponse, "another port")
	ten := make([]*http.Request, 10)
	for i := range ten {
		ten[i] = via[0]
	}
	assert.EqualError(t, policy(req("https://api.example/x"), ten), "stopped after 10 redirects")
	called := false
	custom := sameOrigin(func(*http.Request, []*http.Request) error { called = true; return nil })
	assert.NoError(t, custom(req("https://api.example/x"), via))
	assert.True(t, called, "the caller's policy decides within the origin")
	assert.ErrorIs(t, custom(req("https://evil.example/x"), via), http.ErrUseLastResponse)
}
