package alloy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// timeoutErr is a net.Error that timed out, as a dial or read deadline gives.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestOutcomeUnknownAndIsRetryable walks every answer the SDK turns into an
// error — every status class, and every transport cause — for a
// non-idempotent call (Users.Create, a POST), the same POST made with
// WithIdempotent, and an idempotent one (Users.Get), and checks
// errors.Is(err, ErrOutcomeUnknown) and IsRetryable.
func TestOutcomeUnknownAndIsRetryable(t *testing.T) {
	t.Parallel()
	status := func(code int) httpmock.Responder { return jsonResp(code, `{"message":"x"}`) }
	fail := func(err error) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) { return nil, err }
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	type want struct{ unknown, retryable bool }
	cases := []struct {
		name     string
		answer   httpmock.Responder
		sentinel error // the status sentinel the error matches, if any
		post     want  // Users.Create
		idemPost want  // Users.Create with WithIdempotent
		get      want  // Users.Get
	}{
		{"400", status(400), ErrBadRequest, want{}, want{}, want{}},
		{"401", status(401), ErrUnauthorized, want{}, want{}, want{}},
		{"403", status(403), ErrForbidden, want{}, want{}, want{}},
		{"404", status(404), ErrNotFound, want{}, want{}, want{}},
		{"409", status(409), ErrConflict, want{}, want{}, want{}},
		{"422", status(422), ErrValidation, want{}, want{}, want{}},
		{"408", status(408), nil, want{true, false}, want{false, true}, want{false, true}},
		{"2xx not JSON", jsonResp(200, `<html>`), nil, want{true, false}, want{}, want{}},
		{"429", status(429), ErrRateLimited, want{false, true}, want{false, true}, want{false, true}},
		{"500", status(500), ErrServer, want{true, false}, want{false, true}, want{false, true}},
		{"503", status(503), ErrServer, want{true, false}, want{false, true}, want{false, true}},
		{"refused", fail(refused), nil, want{false, true}, want{false, true}, want{false, true}},
		{"timeout", fail(timeoutErr{}), nil, want{true, false}, want{false, true}, want{false, true}},
		{"connection lost (EOF)", fail(io.ErrUnexpectedEOF), nil, want{true, false}, want{false, true}, want{false, true}},
	}
	calls := map[string]func(ctx context.Context, c *Client) error{
		"post": func(ctx context.Context, c *Client) error {
			_, err := c.Users.Create(ctx, UserCreateParams{Username: "a@example.com"})
			return err
		},
		"idempotent post": func(ctx context.Context, c *Client) error {
			_, err := c.Users.Create(ctx, UserCreateParams{Username: "a@example.com"}, WithIdempotent())
			return err
		},
		"get": func(ctx context.Context, c *Client) error { _, err := c.Users.Get(ctx, "u1"); return err },
	}
	for _, tc := range cases {
		for kind, w := range map[string]want{"post": tc.post, "idempotent post": tc.idemPost, "get": tc.get} {
			t.Run(tc.name+"/"+kind, func(t *testing.T) {
				h := newHarness(t, WithMaxRetries(0))
				h.mt.RegisterNoResponder(tc.answer)
				err := calls[kind](context.Background(), h.c)
				if !assert.Error(t, err) {
					return
				}
				if tc.sentinel != nil {
					assert.ErrorIs(t, err, tc.sentinel)
				}
				assert.Equal(t, w.unknown, errors.Is(err, ErrOutcomeUnknown), "ErrOutcomeUnknown")
				assert.Equal(t, w.retryable, IsRetryable(err), "IsRetryable")
			})
		}
	}
}

// TestRetryableOfCallerAndSDKErrors: the caller's own cancellation,
// client-side refusals and a context that ended before sending.
func TestRetryableOfCallerAndSDKErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithMaxRetries(0))
	h.mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) { return nil, context.Canceled })

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.c.Users.Create(ctx, UserCreateParams{Username: "a"})
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, errors.Is(err, ErrOutcomeUnknown), "nothing was sent")
	assert.False(t, IsRetryable(err), "the caller cancelled")

	dctx, dcancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer dcancel()
	_, err = h.c.Users.Create(dctx, UserCreateParams{Username: "a"})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, errors.Is(err, ErrOutcomeUnknown), "nothing was sent")
	assert.True(t, IsRetryable(err), "a deadline that ended before sending: try again with time")

	_, err = h.c.Users.Get(context.Background(), "")
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.False(t, IsRetryable(err))
	assert.False(t, IsRetryable(nil))
	assert.False(t, IsRetryable(errors.New("other")))

	v, _ := NewClient(testKey, WithAPIVersion("2023-12"), WithBaseURL(testRoot), WithHTTPClient(&http.Client{Transport: h.mt}))
	_, err = v.Logs.List(context.Background(), LogListParams{})
	assert.ErrorIs(t, err, ErrUnsupportedVersion)
	assert.False(t, IsRetryable(err))
	assert.Zero(t, h.mt.GetTotalCallCount())
}

// TestPostFollowsNoRedirect: a POST answered with a same-origin redirect is
// sent once and the redirect comes back as an error whose outcome is
// unknown: a 307 or 308 would send the body again, and the GET of a 303
// that fails (here: the server closed) was retried as a refused
// connection, sending the POST again. A GET still follows one.
func TestPostFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	for _, code := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			var posts, gets atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == http.MethodPost:
					posts.Add(1)
					w.Header().Set("Location", "/users/elsewhere")
					w.WriteHeader(code)
				case r.URL.Path == "/users/moved":
					gets.Add(1)
					w.Header().Set("Location", "/users/elsewhere")
					w.WriteHeader(code)
				default:
					gets.Add(1)
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, `{"userId":"u1","username":"a@example.com"}`)
				}
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient("sk_test", WithBaseURL(srv.URL), WithRetryWait(time.Millisecond, time.Millisecond))
			require.NoError(t, err)
			_, err = c.Users.Create(context.Background(), UserCreateParams{Username: "a@example.com"})
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, code, apiErr.StatusCode)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.False(t, IsRetryable(err))
			assert.Equal(t, int32(1), posts.Load(), "sent once")
			assert.Equal(t, int32(0), gets.Load(), "the redirect not followed")

			u, err := c.Users.Get(context.Background(), "moved")
			require.NoError(t, err, "a GET follows a same-origin redirect")
			assert.Equal(t, "u1", u.ID)
		})
	}
}
