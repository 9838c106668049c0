package alloy

import (
	"context"
	"errors"
	"fmt"
	"github.com/alloysdk/alloy-go/internal/redact"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sentinels = []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrValidation, ErrRateLimited, ErrServer}

func TestErrorSentinels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		want   error // nil: matches no sentinel
	}{
		{400, ErrBadRequest}, {401, ErrUnauthorized}, {403, ErrForbidden}, {404, ErrNotFound},
		{409, ErrConflict}, {422, ErrValidation}, {429, ErrRateLimited},
		{500, ErrServer}, {501, ErrServer}, {502, ErrServer}, {503, ErrServer}, {599, ErrServer},
		{302, nil}, {405, nil}, {410, nil},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			// through the real pipeline, not a hand-built *Error; WithRetries(0)
			// keeps 429/5xx to one attempt
			h := newHarness(t)
			h.on("GET", testRoot+"/users/u1", jsonResp(tc.status, `{"message":"m"}`))
			_, err := h.c.Users.Get(context.Background(), "u1", WithRetries(0))
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			for _, s := range sentinels {
				assert.Equal(t, s == tc.want, errors.Is(err, s), "errors.Is(%d, %v)", tc.status, s)
			}
			assert.False(t, errors.Is(err, ErrInvalidArgument))
		})
	}
}

func TestErrorMessageAndFields(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		body     string
		header   http.Header
		wantMsg  string
		wantCode string
		wantID   string
	}{
		{"message", `{"message":"User not found"}`, nil, "User not found", "", ""},
		{"error string", `{"error":"Invalid connectionId","status_code":400}`, nil, "Invalid connectionId", "", ""},
		{"error object", `{"error":{"message":"nested"}}`, nil, "nested", "", ""},
		{"message beats error", `{"message":"m","error":"e","code":"E42"}`, nil, "m", "E42", ""},
		{"numeric code", `{"message":"m","code":1001}`, nil, "m", "1001", ""},
		{"non-string message", `{"message":{"a":1}}`, nil, "Not Found", "", ""},
		{"raw text", "upstream   exploded\n", nil, "upstream exploded", "", ""},
		{"empty body", "", nil, "Not Found", "", ""},
		{"empty object", "{}", nil, "Not Found", "", ""},
		{"other object", `{"detail":"x"}`, nil, `{"detail":"x"}`, "", ""},
		{"request id", `{"message":"m"}`, http.Header{"X-Request-Id": {"req_123"}}, "m", "", "req_123"},
		{"request-id", `{"message":"m"}`, http.Header{"Request-Id": {"r-9"}}, "m", "", "r-9"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newError("GET", "/users/u1", 404, tc.header, []byte(tc.body), 1, redact.New())
			assert.Equal(t, tc.wantMsg, e.Message)
			assert.Equal(t, tc.wantCode, e.Code)
			assert.Equal(t, tc.wantID, e.RequestID)
			assert.Equal(t, []byte(tc.body), e.Body)
		})
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	e := &Error{StatusCode: 429, Message: "slow down", Code: "RL", RequestID: "r1", Method: "POST", Path: "/users", Attempts: 4, RetryAfter: 30 * time.Second}
	assert.Equal(t, "alloy: POST /users: 429 Too Many Requests: slow down (code RL) [request id r1] after 4 attempts, retry after 30s", e.Error())
	e = &Error{StatusCode: 404, Message: "Not Found", Method: "GET", Path: "/users/x", Attempts: 1}
	assert.Equal(t, "alloy: GET /users/x: 404 Not Found", e.Error())
}

func TestErrorBodyIsCappedAndMessageClipped(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", maxErrorBody+100)
	e := newError("GET", "/x", 500, nil, []byte(big), 1, redact.New())
	assert.Len(t, e.Body, maxErrorBody)
	assert.LessOrEqual(t, len(e.Message), 512+len("…"))
	assert.True(t, strings.HasSuffix(e.Message, "…"))
	// clipping never splits a UTF-8 sequence
	e = newError("GET", "/x", 500, nil, []byte(strings.Repeat("é", 400)), 1, redact.New())
	assert.True(t, strings.HasSuffix(e.Message, "é…"), e.Message)
}

func TestErrorFromPipelineHasEveryField(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("DELETE", testRoot+"/users/u1", func(r *http.Request) (*http.Response, error) {
		resp, _ := jsonResp(404, `{"message":"User not found","code":"USER_NOT_FOUND"}`)(r)
		resp.Header.Set("X-Request-Id", "req_77")
		return resp, nil
	})
	err := h.c.Users.Delete(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, &Error{
		StatusCode: 404, Message: "User not found", Code: "USER_NOT_FOUND", RequestID: "req_77",
		Method: "DELETE", Route: "/users/{userId}", Path: "/users/u1", Attempts: 1,
		Body:       []byte(`{"message":"User not found","code":"USER_NOT_FOUND"}`),
		idempotent: true, // a DELETE
	}, apiErr)
	assert.Equal(t, "alloy: DELETE /users/{userId}: 404 Not Found: User not found (code USER_NOT_FOUND) [request id req_77]", err.Error(), "the route, not the id")
}

func TestTransportErrorDoesNotRepeatTheURL(t *testing.T) {
	t.Parallel()
	cause := &url.Error{Op: "Get", URL: "https://api.alloy.test/headless/oauthUrl?userId=u1&shopSubdomain=x", Err: errors.New("connection reset by peer")}
	e := &TransportError{Method: "GET", Path: "/headless/oauthUrl", Attempts: 2, Err: cause}
	assert.Equal(t, "alloy: GET /headless/oauthUrl: connection reset by peer (after 2 attempts)", e.Error())
	var ue *url.Error
	assert.ErrorAs(t, e, &ue, "the *url.Error is still reachable")
}

func TestTransportErrorUnwraps(t *testing.T) {
	t.Parallel()
	cause := errors.New("boom")
	e := &TransportError{Method: "GET", Path: "/users", Attempts: 3, Err: cause}
	assert.ErrorIs(t, e, cause)
	assert.Equal(t, "alloy: GET /users: boom (after 3 attempts)", e.Error())
	e.Attempts = 1
	assert.Equal(t, "alloy: GET /users: boom", e.Error())
}

func TestInvalidArgumentMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, err := h.c.Users.Get(context.Background(), "")
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Equal(t, "alloy: GET /users/{userId}: invalid argument: userId is empty", err.Error())
	_, err = h.c.Users.Create(context.Background(), UserCreateParams{})
	assert.Equal(t, "alloy: create user: invalid argument: username is required", err.Error())
}
