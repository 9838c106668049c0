package alloy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEnsurePaths walks Ensure through every answer it reconciles, and
// checks exactly what it sent.
func TestEnsurePaths(t *testing.T) {
	t.Parallel()
	const name = "ops@northwind.example"
	found := jsonResp(200, `{"userId":"u1","username":"`+name+`"}`)
	missing := jsonResp(404, `{"message":"User not found"}`)
	created := jsonResp(200, `{"userId":"u9"}`)
	cases := []struct {
		name     string
		get      []httpmock.Responder // answers to the reads, in order
		post     []httpmock.Responder // answers to the creates, in order
		wantID   string
		created  bool
		wantErr  error
		sent     []string // METHOD of every request, in order
		maxRetry int
	}{
		{"exists", seqOf(found), nil, "u1", false, nil, []string{"GET"}, 3},
		{"new", seqOf(missing), seqOf(created), "u9", true, nil, []string{"GET", "POST"}, 3},
		{"created meanwhile: 409", seqOf(missing, found), seqOf(jsonResp(409, `{"message":"exists"}`)), "u1", false, nil, []string{"GET", "POST", "GET"}, 3},
		{"duplicate as 400", seqOf(missing, found), seqOf(jsonResp(400, `{"message":"username taken"}`)), "u1", false, nil, []string{"GET", "POST", "GET"}, 3},
		{"applied but answered 503", seqOf(missing, found), seqOf(jsonResp(503, `{}`)), "u1", false, nil, []string{"GET", "POST", "GET"}, 3},
		{"not applied: 503 then nothing there", seqOf(missing, missing), seqOf(jsonResp(503, `{}`), created), "u9", true, nil, []string{"GET", "POST", "GET", "POST"}, 3},
		{"refused: 422 and nothing there", seqOf(missing, missing), seqOf(jsonResp(422, `{"message":"username is not an email"}`)), "", false, ErrValidation, []string{"GET", "POST", "GET"}, 3},
		{"applied but answered 408", seqOf(missing, found), seqOf(jsonResp(408, `{}`)), "u1", false, nil, []string{"GET", "POST", "GET"}, 3},
		{"applied but the answer unreadable", seqOf(missing, found), seqOf(jsonResp(200, `{"userId": "u9", "user`)), "u1", false, nil, []string{"GET", "POST", "GET"}, 3},
		{"applied but redirected", seqOf(missing, found), seqOf(func(r *http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(303, "")
			resp.Header.Set("Location", "/users/u9")
			return resp, nil
		}), "u1", false, nil, []string{"GET", "POST", "GET"}, 3},
		{"the username is another user's id", seqOf(jsonResp(200, `{"userId":"u1","username":"someone@else.example"}`)), seqOf(created), "u9", true, nil, []string{"GET", "POST"}, 3},
		{"out of budget", seqOf(missing, missing, missing), seqOf(jsonResp(503, `{}`), jsonResp(503, `{}`)), "", false, ErrOutcomeUnknown, []string{"GET", "POST", "GET", "POST", "GET"}, 1},
		{"read fails", seqOf(jsonResp(401, `{}`)), nil, "", false, ErrUnauthorized, []string{"GET"}, 3},
		{"create refused for a reason of its own", seqOf(missing), seqOf(jsonResp(403, `{}`)), "", false, ErrForbidden, []string{"GET", "POST"}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, WithMaxRetries(tc.maxRetry))
			// The client's own retries are off for reads in this table, so
			// that each answer is one Ensure step.
			h.on("GET", testRoot+"/users/"+name, tc.get[0])
			if tc.post != nil {
				h.on("POST", testRoot+"/users", tc.post[0])
			}
			u, created, err := h.c.Users.Ensure(context.Background(), UserCreateParams{Username: name}, WithRetries(0))
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, u)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.wantID, u.ID)
				assert.Equal(t, name, u.Username)
			}
			assert.Equal(t, tc.created, created)
			var sent []string
			for _, r := range h.requests() {
				sent = append(sent, r.Method)
				if r.Method == "POST" {
					assert.JSONEq(t, `{"username":"`+name+`"}`, string(r.Body))
				}
			}
			assert.Equal(t, tc.sent, sent)
		})
	}

	h := newHarness(t)
	_, _, err := h.c.Users.Ensure(context.Background(), UserCreateParams{Username: " "})
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Zero(t, h.mt.GetTotalCallCount())
}

// seqOf answers with rs in order (the last one again after that), as one
// responder per route.
func seqOf(rs ...httpmock.Responder) []httpmock.Responder { return []httpmock.Responder{seq(rs...)} }

// TestCreateBatchChunks: 2,500 users go out as 1,000, 1,000 and 500, in
// order, and the invalid users of every chunk are merged; a chunk that
// fails stops the rest and says which users it held.
func TestCreateBatchChunks(t *testing.T) {
	t.Parallel()
	users := make([]UserCreateParams, 2500)
	for i := range users {
		users[i] = UserCreateParams{Username: fmt.Sprintf("u%04d@example.com", i)}
	}
	var sizes []int
	var firsts []string
	answer := func(fail int) httpmock.Responder {
		n := 0
		return func(r *http.Request) (*http.Response, error) {
			n++
			var body struct{ Users []UserCreateParams }
			require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
			sizes = append(sizes, len(body.Users))
			firsts = append(firsts, body.Users[0].Username)
			if n == fail {
				return jsonResp(503, `{}`)(r)
			}
			return jsonResp(200, fmt.Sprintf(`{"message":"success","invalidUsers":[{"username":%q}]}`, body.Users[0].Username))(r)
		}
	}
	h := newHarness(t)
	h.mt.RegisterResponder("POST", testRoot+"/users/batch", answer(0))
	res, err := h.c.Users.CreateBatch(context.Background(), users)
	require.NoError(t, err)
	assert.Equal(t, []int{1000, 1000, 500}, sizes)
	assert.Equal(t, []string{"u0000@example.com", "u1000@example.com", "u2000@example.com"}, firsts)
	assert.Equal(t, []InvalidUser{{Username: "u0000@example.com"}, {Username: "u1000@example.com"}, {Username: "u2000@example.com"}}, res.InvalidUsers)

	sizes, firsts = nil, nil
	h2 := newHarness(t)
	h2.mt.RegisterResponder("POST", testRoot+"/users/batch", answer(2))
	res, err = h2.c.Users.CreateBatch(context.Background(), users)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 1, be.Chunk)
	assert.Equal(t, 1000, be.First)
	assert.Len(t, be.Users, 1000)
	assert.Equal(t, "u1000@example.com", be.Users[0].Username)
	assert.Equal(t, []InvalidUser{{Username: "u0000@example.com"}}, be.Done.InvalidUsers)
	assert.Same(t, be.Done, res)
	assert.ErrorIs(t, err, ErrServer)
	assert.ErrorIs(t, err, ErrOutcomeUnknown, "a chunk that failed after sending may have been applied")
	assert.Equal(t, []int{1000, 1000}, sizes, "the third chunk is not sent")
	assert.NotContains(t, err.Error(), "@example.com", "no usernames in the text")
	assert.Contains(t, err.Error(), "chunk 1 (users 1000 to 1999)")
}
