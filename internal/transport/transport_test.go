package transport

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
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

// rtFunc is an http.RoundTripper made of a function.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// closeCount is a response body that counts its Close calls.
type closeCount struct {
	io.Reader
	closed int
}

func (c *closeCount) Close() error { c.closed++; return nil }

func TestDoReturnsTheCauseAsNetHTTPGaveIt(t *testing.T) {
	cause := errors.New("reset")
	tr := New(Config{HTTPClient: &http.Client{Transport: rtFunc(func(*http.Request) (*http.Response, error) { return nil, cause })}})
	resp, stats, err := tr.Do(context.Background(), &Request{Method: "GET", URL: "http://api.example/users/u1", MaxRetries: 0, Idempotent: true})
	assert.Nil(t, resp)
	var ue *url.Error
	if assert.ErrorAs(t, err, &ue, "net/http's *url.Error, not rewrapped") {
		assert.Same(t, cause, ue.Err)
	}
	assert.NotContains(t, err.Error(), "giving up")
	assert.Equal(t, 1, stats.Attempts)
}

func TestDoClosesAResponseItDoesNotReturn(t *testing.T) {
	var bodies []*closeCount
	tr := New(Config{MaxRetries: 3, HTTPClient: &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
		b := &closeCount{Reader: strings.NewReader(`{"message":"busy"}`)}
		bodies = append(bodies, b)
		return &http.Response{StatusCode: 503, Header: http.Header{}, Body: b, Request: r}, nil
	})}})
	ctx, cancel := context.WithCancel(context.Background())
	tr.Sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }
	resp, stats, err := tr.Do(ctx, &Request{Method: "GET", URL: "http://api.example/users/u1", MaxRetries: -1, Idempotent: true})
	assert.Nil(t, resp)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, stats.Attempts)
	if assert.NotNil(t, stats.Last, "the 503 it was waiting to retry") {
		assert.Equal(t, 503, stats.Last.StatusCode)
		assert.Equal(t, `{"message":"busy"}`, string(stats.Last.Body))
	}
	if assert.Len(t, bodies, 1) {
		assert.Positive(t, bodies[0].closed, "the body is closed")
	}
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

// TestHeaderSharedOnlyWithNetHTTP: the request's header map is sent as it
// is only through net/http's own Transport without a cookie jar; any other
// RoundTripper gets a copy it may change, concurrently, without changing
// the caller's.
func TestHeaderSharedOnlyWithNetHTTP(t *testing.T) {
	jar, err := cookiejar.New(nil)
	assert.NoError(t, err)
	assert.True(t, New(Config{HTTPClient: &http.Client{Transport: &http.Transport{}}}).shareHeader)
	assert.True(t, New(Config{}).shareHeader, "http.DefaultTransport")
	assert.False(t, New(Config{HTTPClient: &http.Client{Transport: &http.Transport{}, Jar: jar}}).shareHeader, "a jar adds cookies")
	mutating := rtFunc(func(r *http.Request) (*http.Response, error) {
		r.Header.Set("X-Added", "1") // against the RoundTripper contract, and common
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
	})
	tr := New(Config{HTTPClient: &http.Client{Transport: mutating}})
	assert.False(t, tr.shareHeader)
	shared := http.Header{"Accept": {"application/json"}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				resp, _, err := tr.Do(context.Background(), &Request{Method: "GET", URL: "http://api.example/users", Header: shared, Idempotent: true})
				if assert.NoError(t, err) {
					resp.Body.Close()
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, http.Header{"Accept": {"application/json"}}, shared, "the caller's header is unchanged")
}
