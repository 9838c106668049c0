package alloy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeleteIsNotReportedFailedWhenItWorked: a 404 on a retry of a DELETE
// whose earlier attempt may have acted (a 5xx, a 408, a connection lost
// after sending) counts as success; a 404 on the first attempt, or after
// failures the server cannot have acted on (429, refused connection), is
// ErrNotFound.
func TestDeleteIsNotReportedFailedWhenItWorked(t *testing.T) {
	t.Parallel()
	reset := func(*http.Request) (*http.Response, error) { return nil, io.ErrUnexpectedEOF }
	refused := func(*http.Request) (*http.Response, error) { return nil, refusedErr }
	cases := []struct {
		name     string
		answers  []httpmock.Responder
		notFound bool
	}{
		{"503 then 404", []httpmock.Responder{jsonResp(503, `{}`), jsonResp(404, `{"message":"User not found"}`)}, false},
		{"502, 429, then 404", []httpmock.Responder{jsonResp(502, `{}`), jsonResp(429, `{}`), jsonResp(404, `{}`)}, false},
		{"408 then 404", []httpmock.Responder{jsonResp(408, `{}`), jsonResp(404, `{}`)}, false},
		{"connection lost then 404", []httpmock.Responder{reset, jsonResp(404, `{}`)}, false},
		{"404 at once", []httpmock.Responder{jsonResp(404, `{"message":"User not found"}`)}, true},
		{"429 then 404", []httpmock.Responder{jsonResp(429, `{}`), jsonResp(404, `{}`)}, true},
		{"refused then 404", []httpmock.Responder{refused, jsonResp(404, `{}`)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.on("DELETE", testRoot+"/users/u1", seq(tc.answers...))
			err := h.c.Users.Delete(context.Background(), "u1")
			assert.Equal(t, len(tc.answers), h.mt.GetTotalCallCount())
			if tc.notFound {
				require.ErrorIs(t, err, ErrNotFound)
				return
			}
			require.NoError(t, err)
		})
	}
}

// TestOnly404IsForgiven: after an ambiguous attempt, any other final
// failure is still reported, and a GET's 404 is never forgiven.
func TestOnly404IsForgiven(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithMaxRetries(1))
	h.on("DELETE", testRoot+"/users/u1", seq(jsonResp(503, `{}`), jsonResp(403, `{}`)))
	require.ErrorIs(t, h.c.Users.Delete(context.Background(), "u1"), ErrForbidden)

	h = newHarness(t, WithMaxRetries(1))
	h.on("GET", testRoot+"/users/u1", seq(jsonResp(503, `{}`), jsonResp(404, `{}`)))
	_, err := h.c.Users.Get(context.Background(), "u1")
	require.ErrorIs(t, err, ErrNotFound)

	h = newHarness(t, WithMaxRetries(1))
	h.on("PUT", testRoot+"/users/u1", seq(jsonResp(503, `{}`), jsonResp(404, `{}`)))
	_, err = h.c.Users.Update(context.Background(), "u1", UserUpdateParams{FullName: Ptr("x")})
	require.True(t, errors.Is(err, ErrNotFound))
}
