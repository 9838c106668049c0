package alloy

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDoSendsTheExactRequest checks the raw call in every API version: the
// route and escaped path values on the version's base, the query, the JSON
// body and its content type, the key and version headers, and the decoded
// answer.
func TestDoSendsTheExactRequest(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v.version, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, WithAPIVersion(v.version))
			h.on("POST", v.base+"/users/a%20b%2Fc/widgets?kind=x&n=1", jsonResp(200, `{"data":{"id":"w1","n":2}}`))
			var out struct {
				Data struct {
					ID string `json:"id"`
					N  int    `json:"n"`
				} `json:"data"`
			}
			err := h.c.Do(context.Background(), Request{
				Method:     http.MethodPost,
				Route:      "/users/{userId}/widgets",
				PathValues: []string{"a b/c"},
				Query:      url.Values{"kind": {"x"}, "n": {"1"}},
				Body:       map[string]any{"name": "w"},
			}, &out)
			require.NoError(t, err)
			assert.Equal(t, "w1", out.Data.ID)
			assert.Equal(t, 2, out.Data.N)
			r := h.only()
			assert.Equal(t, "POST", r.Method)
			assert.Equal(t, v.base+"/users/a%20b%2Fc/widgets?kind=x&n=1", r.URL)
			assert.JSONEq(t, `{"name":"w"}`, string(r.Body))
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.Equal(t, "Bearer "+testKey, r.Header.Get("Authorization"))
			assert.Equal(t, v.version, r.Header.Get("X-Api-Version"))
		})
	}
}

// TestDoKeepsTheBodyAsSent decodes into a *json.RawMessage, and sends a
// json.RawMessage body unchanged, and a nil out discards the answer.
func TestDoKeepsTheBodyAsSent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const answer = `{"data": [1, 2.50, "x"]}`
	h.on("PUT", testRoot+"/things/t1", jsonResp(200, answer))
	var raw json.RawMessage
	err := h.c.Do(context.Background(), Request{Method: "PUT", Route: "/things/{id}", PathValues: []string{"t1"}, Body: json.RawMessage(`{"a":1.50}`)}, &raw)
	require.NoError(t, err)
	assert.Equal(t, answer, string(raw))
	assert.Equal(t, `{"a":1.50}`, string(h.only().Body))

	require.NoError(t, h.c.Do(context.Background(), Request{Method: "PUT", Route: "/things/{id}", PathValues: []string{"t1"}}, nil))
	assert.Empty(t, h.requests()[1].Body)
}

// TestDoRetriesByMethod answers 503 then 200 and counts what was sent: GET,
// PUT and DELETE are retried, POST and PATCH are not (and say the outcome is
// unknown) unless made with WithIdempotent.
func TestDoRetriesByMethod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method     string
		idempotent bool
		attempts   int
	}{
		{"GET", false, 2}, {"PUT", false, 2}, {"DELETE", false, 2},
		{"POST", false, 1}, {"PATCH", false, 1}, {"POST", true, 2}, {"PATCH", true, 2},
	}
	for _, tc := range cases {
		name := tc.method
		if tc.idempotent {
			name += "/WithIdempotent"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			n := 0
			h.on(tc.method, testRoot+"/things", func(*http.Request) (*http.Response, error) {
				n++
				if n == 1 {
					return jsonResp(503, `{"message":"busy"}`)(nil)
				}
				return jsonResp(200, `{}`)(nil)
			})
			var opts []RequestOption
			if tc.idempotent {
				opts = append(opts, WithIdempotent())
			}
			err := h.c.Do(context.Background(), Request{Method: tc.method, Route: "/things"}, nil, opts...)
			assert.Len(t, h.requests(), tc.attempts)
			if tc.attempts == 1 {
				var apiErr *Error
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 503, apiErr.StatusCode)
				assert.ErrorIs(t, err, ErrOutcomeUnknown)
			} else {
				require.NoError(t, err)
			}
		})
	}
}

// TestDoErrorsAreTypedAndRedacted: an error answer is an *Error matching its
// sentinel, named by method and path, with the API key taken out of its
// message and body.
func TestDoErrorsAreTypedAndRedacted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/things/t1", jsonResp(422, `{"message":"bad key `+testKey+`"}`))
	err := h.c.Do(context.Background(), Request{Method: "GET", Route: "/things/{id}", PathValues: []string{"t1"}}, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrValidation)
	assert.Equal(t, "GET", apiErr.Method)
	assert.Equal(t, "/things/t1", apiErr.Path)
	assert.NotContains(t, err.Error(), testKey)
	assert.NotContains(t, string(apiErr.Body), testKey)
	assert.Contains(t, err.Error(), "bad key")
}

// TestDoRefusesBadRequests: each malformed Request is an ErrInvalidArgument
// and nothing is sent.
func TestDoRefusesBadRequests(t *testing.T) {
	t.Parallel()
	cases := map[string]Request{
		"no method":                {Route: "/users"},
		"lower-case method":        {Method: "get", Route: "/users"},
		"unknown method":           {Method: "TRACE", Route: "/users"},
		"relative route":           {Method: "GET", Route: "users"},
		"absolute URL":             {Method: "GET", Route: "https://evil.example/users"},
		"query in route":           {Method: "GET", Route: "/users?x=1"},
		"fragment in route":        {Method: "GET", Route: "/users#x"},
		"dot-dot segment":          {Method: "GET", Route: "/users/../admin"},
		"escaped route":            {Method: "GET", Route: "/users/%2e%2e"},
		"control character":        {Method: "GET", Route: "/users\n"},
		"too few values":           {Method: "GET", Route: "/users/{userId}"},
		"too many values":          {Method: "GET", Route: "/users", PathValues: []string{"u1"}},
		"half a placeholder":       {Method: "GET", Route: "/users/x{userId}", PathValues: []string{"u1"}},
		"empty value":              {Method: "GET", Route: "/users/{userId}", PathValues: []string{""}},
		"dot-dot value":            {Method: "GET", Route: "/users/{userId}", PathValues: []string{".."}},
		"value with a newline":     {Method: "GET", Route: "/users/{userId}", PathValues: []string{"a\nb"}},
		"body that cannot be JSON": {Method: "POST", Route: "/users", Body: func() {}},
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			err := h.c.Do(context.Background(), r, nil)
			require.Error(t, err)
			if name == "body that cannot be JSON" {
				var ute *json.UnsupportedTypeError
				assert.ErrorAs(t, err, &ute)
			} else {
				assert.ErrorIs(t, err, ErrInvalidArgument)
			}
			assert.Zero(t, h.mt.GetTotalCallCount())
		})
	}
	h := newHarness(t)
	err := h.c.Do(context.Background(), Request{Method: "GET", Route: "/users"}, nil, WithHeader("Authorization", "x"))
	assert.ErrorIs(t, err, ErrInvalidArgument)
	//lint:ignore SA1012 a nil context is the bad input under test
	err = h.c.Do(nil, Request{Method: "GET", Route: "/users"}, nil) //nolint:staticcheck
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Zero(t, h.mt.GetTotalCallCount())
	assert.False(t, errors.Is(err, ErrNotFound))
	assert.False(t, strings.Contains(err.Error(), testKey))
}

// TestWithResponseInto: the status, headers, request id and attempts of
// the last answer reach the caller, for successes and error answers; a
// call that got no answer leaves the Response as it was.
func TestWithResponseInto(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	n := 0
	h.on("GET", testRoot+"/users/u1", func(*http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return jsonResp(503, `{}`)(nil)
		}
		resp, _ := jsonResp(200, `{"data":{"userId":"u1"}}`)(nil)
		resp.Header.Set("X-Request-Id", "req_9 "+testKey)
		resp.Header.Set("X-Ratelimit-Remaining", "41")
		return resp, nil
	})
	var r Response
	_, err := h.c.Users.Get(context.Background(), "u1", WithResponseInto(&r))
	require.NoError(t, err)
	assert.Equal(t, 200, r.StatusCode)
	assert.Equal(t, "41", r.Header.Get("X-Ratelimit-Remaining"))
	assert.Equal(t, "req_9 [REDACTED]", r.RequestID)
	assert.Equal(t, 2, r.Attempts)

	h.on("DELETE", testRoot+"/users/u2", jsonResp(409, `{"message":"busy"}`))
	r = Response{}
	err = h.c.Users.Delete(context.Background(), "u2", WithResponseInto(&r))
	require.ErrorIs(t, err, ErrConflict)
	assert.Equal(t, 409, r.StatusCode)
	assert.Equal(t, 1, r.Attempts)

	r = Response{StatusCode: -1}
	_, err = h.c.Users.Get(context.Background(), "", WithResponseInto(&r))
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Equal(t, Response{StatusCode: -1}, r, "no answer, nothing written")
}

// TestDoRefusesABodyHoldingSecretData: SecretData encodes its values as
// "[REDACTED]", so a body holding one, at any depth, would store a bogus
// secret: Do refuses it and sends nothing. The same values in a plain map
// go out as they are.
func TestDoRefusesABodyHoldingSecretData(t *testing.T) {
	t.Parallel()
	secret := SecretData{"apiKey": "REAL-SECRET-VALUE"}
	for name, body := range map[string]any{
		"alone":                   secret,
		"in a map":                map[string]any{"type": "x", "data": secret},
		"in a struct":             ConnectorCredentialCreateParams{Data: secret},
		"behind a pointer":        &struct{ Data *SecretData }{&secret},
		"in a slice of any":       []any{1, map[string]any{"data": secret}},
		"in an unexported field?": struct{ data SecretData }{secret}, // not encoded: allowed
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.on("POST", testRoot+"/credentials", jsonResp(200, `{}`))
			err := h.c.Do(context.Background(), Request{Method: http.MethodPost, Route: "/credentials", Body: body}, nil)
			if name == "in an unexported field?" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidArgument)
			assert.Contains(t, err.Error(), "SecretData")
			assert.NotContains(t, err.Error(), "REAL-SECRET-VALUE")
			assert.Empty(t, h.requests(), "nothing sent")
		})
	}
	h := newHarness(t)
	h.on("POST", testRoot+"/credentials", jsonResp(200, `{}`))
	require.NoError(t, h.c.Do(context.Background(), Request{Method: http.MethodPost, Route: "/credentials",
		Body: map[string]any{"data": map[string]any(secret)}}, nil))
	assert.JSONEq(t, `{"data":{"apiKey":"REAL-SECRET-VALUE"}}`, string(h.only().Body))
}
