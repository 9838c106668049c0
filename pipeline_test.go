package alloy

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/transport"
)

// The three stages of send are tested here one by one; the tests of every
// method and of Do test them together.

func stageClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(testKey, append([]Option{WithBaseURL(testRoot)}, opts...)...)
	require.NoError(t, err)
	return c
}

// built runs c.build into a new outbound.
func built(c *Client, ctx context.Context, k call, opts []RequestOption) (*outbound, error) {
	ob := new(outbound)
	if err := c.build(ctx, &k, opts, ob); err != nil {
		return nil, err
	}
	return ob, nil
}

// TestBuildResolvesEscapesAndEncodes: build turns a call into the exact
// request, and shares the client's headers when it adds none.
func TestBuildResolvesEscapesAndEncodes(t *testing.T) {
	t.Parallel()
	c := stageClient(t, WithAPIVersion("2024-03"))

	ob, err := built(c, context.Background(), call{op: "Users.Get", path: []string{"a/b c"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, "GET", ob.req.Method)
	assert.Equal(t, testRoot+"/2024-03/users/a%2Fb%20c", ob.req.URL)
	assert.Equal(t, "/users/{userId}", ob.req.Route)
	assert.Equal(t, "/users/a%2Fb%20c", ob.path)
	assert.Equal(t, "Users.Get", ob.op)
	assert.True(t, ob.req.Idempotent)
	assert.Equal(t, -1, ob.req.MaxRetries, "the client's budget")
	assert.Nil(t, ob.req.Body)
	assert.Equal(t, reflect.ValueOf(c.cfg.header).Pointer(), reflect.ValueOf(ob.req.Header).Pointer(),
		"a call that adds no header shares the client's")

	ob, err = built(c, context.Background(), call{op: "Users.Create", body: map[string]string{"username": "a"},
		query: url.Values{"b": {"2"}, "a": {"1 1"}}}, []RequestOption{WithHeader("X-Trace", "t"), WithRetries(3)})
	require.NoError(t, err)
	assert.Equal(t, "POST", ob.req.Method)
	assert.Equal(t, testRoot+"/2024-03/users?a=1+1&b=2", ob.req.URL, "sorted and escaped")
	assert.JSONEq(t, `{"username":"a"}`, string(ob.req.Body))
	assert.Equal(t, "application/json", ob.req.Header.Get("Content-Type"))
	assert.Equal(t, "t", ob.req.Header.Get("X-Trace"))
	assert.False(t, ob.req.Idempotent)
	assert.Equal(t, 3, ob.req.MaxRetries)
	assert.Empty(t, c.cfg.header.Get("Content-Type"), "the client's headers are not changed")
	assert.Empty(t, c.cfg.header.Get("X-Trace"))

	ob, err = built(c, context.Background(), call{op: "Users.Create"}, []RequestOption{WithIdempotent()})
	require.NoError(t, err)
	assert.True(t, ob.req.Idempotent)
}

// TestBuildRefusesWithoutSending: every failure of build is typed, and no
// transport is involved.
func TestBuildRefusesWithoutSending(t *testing.T) {
	t.Parallel()
	c := stageClient(t, WithAPIVersion("2023-12"))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		k    call
		opts []RequestOption
		want error
	}{
		{"operation not in the version", context.Background(), call{op: "Connectors.Execute", path: []string{"c", "a"}}, nil, ErrUnsupportedVersion},
		{"empty id", context.Background(), call{op: "Users.Get", path: []string{" "}}, nil, ErrInvalidArgument},
		{"missing id", context.Background(), call{op: "Users.Get"}, nil, ErrInvalidArgument},
		{"bad header", context.Background(), call{op: "Users.Get", path: []string{"u"}}, []RequestOption{WithHeader("X", "a\nb")}, ErrInvalidArgument},
		{"nil context", nil, call{op: "Users.Get", path: []string{"u"}}, nil, ErrInvalidArgument},
		{"cancelled context", cancelled, call{op: "Users.Get", path: []string{"u"}}, nil, context.Canceled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ob, err := built(c, tc.ctx, tc.k, tc.opts)
			assert.Nil(t, ob)
			require.ErrorIs(t, err, tc.want)
			assert.NotErrorIs(t, err, ErrOutcomeUnknown)
			assert.False(t, IsRetryable(err))
		})
	}
}

// TestExecuteMapsTransportFailures: a transport failure is a
// *TransportError with the attempts made; a context that ends while
// waiting to retry an error answer gives that answer as an *Error, wrapped
// with the context's error.
func TestExecuteMapsTransportFailures(t *testing.T) {
	t.Parallel()
	lost := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, io.ErrUnexpectedEOF })
	c := stageClient(t, WithHTTPClient(&http.Client{Transport: lost}), WithMaxRetries(2), WithRetryWait(time.Millisecond, time.Millisecond))
	ob, err := built(c, context.Background(), call{op: "Users.Get", path: []string{"u1"}}, nil)
	require.NoError(t, err)
	resp, stats, err := c.execute(context.Background(), ob)
	assert.Nil(t, resp)
	assert.Equal(t, 3, stats.Attempts)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 3, te.Attempts)
	assert.Equal(t, "/users/u1", te.Path)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)

	busy := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {"2"}}, Body: io.NopCloser(strings.NewReader(`{"message":"busy"}`)), Request: r}, nil
	})
	c = stageClient(t, WithHTTPClient(&http.Client{Transport: busy}))
	ob, err = built(c, context.Background(), call{op: "Users.Get", path: []string{"u1"}}, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	c.tr.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, _, err = c.execute(ctx, ob)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, 2*time.Second, apiErr.RetryAfter)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestReadTurnsAnswersIntoResults drives read with answers built by hand.
func TestReadTurnsAnswersIntoResults(t *testing.T) {
	t.Parallel()
	c := stageClient(t, WithMaxResponseBytes(64))
	answer := func(status int, body io.Reader, length int64) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(body), ContentLength: length}
	}
	get := &outbound{req: transport.Request{Method: "GET", Route: "/users/{userId}", Idempotent: true}, path: "/users/u1"}
	post := &outbound{req: transport.Request{Method: "POST", Route: "/users"}, path: "/users"}
	del := &outbound{req: transport.Request{Method: "DELETE", Route: "/users/{userId}", Idempotent: true}, path: "/users/u1"}

	var out struct{ N int }
	var raw rawResponse
	require.NoError(t, c.read(answer(201, strings.NewReader(`{"N":7}`), -1), transport.Stats{Attempts: 1}, post, &out, &raw))
	assert.Equal(t, 7, out.N)
	assert.Equal(t, 201, raw.status)
	assert.Equal(t, `{"N":7}`, string(raw.body))

	require.NoError(t, c.read(answer(204, strings.NewReader("  \n"), -1), transport.Stats{Attempts: 1}, get, &out, nil), "a blank body decodes to nothing")

	err := c.read(answer(404, strings.NewReader(`{"message":"no"}`), -1), transport.Stats{Attempts: 2}, get, &out, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.Equal(t, 2, apiErr.Attempts)
	assert.Equal(t, `{"message":"no"}`, string(apiErr.Body))

	require.NoError(t, c.read(answer(404, strings.NewReader(`{}`), -1), transport.Stats{Attempts: 2, MayHaveActed: true}, del, nil, nil),
		"a DELETE retried after it may have acted is done when the retry finds nothing")
	require.ErrorIs(t, c.read(answer(404, strings.NewReader(`{}`), -1), transport.Stats{Attempts: 2}, del, nil, nil), ErrNotFound,
		"a DELETE retried after a 429 or a refused connection cannot have acted")

	err = c.read(answer(500, strings.NewReader(`{}`), -1), transport.Stats{Attempts: 1}, post, nil, nil)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)

	unread := &failingReader{}
	err = c.read(answer(200, unread, 65), transport.Stats{Attempts: 1}, get, &out, nil)
	assert.ErrorIs(t, err, ErrResponseTooLarge)
	assert.False(t, unread.read, "a Content-Length past the cap is refused unread")
	assert.ErrorIs(t, c.read(answer(200, strings.NewReader(strings.Repeat(" ", 65)), -1), transport.Stats{}, get, &out, nil), ErrResponseTooLarge)

	err = c.read(answer(200, io.MultiReader(strings.NewReader(`{"N":`), &failingReader{err: io.ErrUnexpectedEOF}), -1), transport.Stats{Attempts: 1}, post, &out, nil)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, ErrOutcomeUnknown, "a POST answered 2xx and cut off has acted")

	err = c.read(answer(200, strings.NewReader(`{"N":"x"}`), -1), transport.Stats{Attempts: 1}, get, &out, nil)
	var ute *json.UnmarshalTypeError
	assert.ErrorAs(t, err, &ute)
	assert.Contains(t, err.Error(), "GET /users/{userId}: decode response")
}

// failingReader records that it was read and fails.
type failingReader struct {
	read bool
	err  error
}

func (r *failingReader) Read([]byte) (int, error) {
	r.read = true
	if r.err != nil {
		return 0, r.err
	}
	return 0, errors.New("read")
}

// TestAppendQueryIsEncode: the query build writes is url.Values.Encode of
// the call's query with its parameters set, fast path or not, and refuses
// what addParams refuses.
func TestAppendQueryIsEncode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		q    url.Values
		ps   []param
	}{
		{"nothing", nil, nil},
		{"one required", nil, []param{required("userId", "u 1/ä&=")}},
		{"one set of two", nil, []param{optional("b", ""), required("a", "1")}},
		{"none set", nil, []param{optional("a", ""), optional("b", "")}},
		{"two, sorted", nil, []param{required("userId", "u1"), optional("cursor", "c+d")}},
		{"the same name twice: the last wins", nil, []param{optional("a", "1"), optional("a", "2")}},
		{"query only", url.Values{"b": {"2"}, "a": {"1 1", "x"}}, nil},
		{"query of one", url.Values{"k": {"v/w"}}, nil},
		{"query and params", url.Values{"b": {"2"}}, []param{required("a", "1"), optional("b", "3")}},
		{"blank required", nil, []param{required("userId", " ")}},
		{"control character", nil, []param{optional("a", "1"), optional("b", "x\ny")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := "", error(nil)
			if q, err := addParams(tc.q, tc.ps); err != nil {
				wantErr = err
			} else if len(q) > 0 {
				want = "?" + q.Encode()
			}
			var b strings.Builder
			err := appendQuery(&b, tc.q, tc.ps)
			if wantErr != nil {
				assert.EqualError(t, err, wantErr.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, want, b.String())
		})
	}
}
