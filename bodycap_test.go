package alloy

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endless is a body of unbounded length that counts what is read of it.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.read += int64(len(p))
	return len(p), nil
}

func (e *endless) Close() error { return nil }

// TestReadCappedStaysWithinTheCap: whatever the body's size, readCapped
// reads at most limit+1 bytes and its buffer never holds more capacity than
// limit+1, for limits on and off the doubling steps.
func TestReadCappedStaysWithinTheCap(t *testing.T) {
	t.Parallel()
	for _, limit := range []int64{0, 1, 511, 4 << 10, 64 << 10, 1<<20 + 3, 32 << 20} {
		body := &endless{}
		b, over, err := readCapped(nil, body, limit)
		require.NoError(t, err)
		assert.True(t, over, "limit %d", limit)
		assert.Equal(t, limit+1, int64(len(b)))
		assert.LessOrEqual(t, body.read, limit+1, "bytes read, limit %d", limit)
		assert.LessOrEqual(t, int64(cap(b)), limit+1, "buffer capacity, limit %d", limit)
	}
}

// TestReadCappedExactFit: a body that exactly fills a buffer sized for it
// (from Content-Length) costs no second allocation, and the limit itself is
// not "over".
func TestReadCappedExactFit(t *testing.T) {
	t.Parallel()
	b, over, err := readCapped(make([]byte, 0, 10), strings.NewReader("0123456789"), 10)
	require.NoError(t, err)
	assert.False(t, over)
	assert.Equal(t, "0123456789", string(b))
	assert.Equal(t, 10, cap(b), "no growth")

	b, over, err = readCapped(nil, strings.NewReader("0123456789A"), 10)
	require.NoError(t, err)
	assert.True(t, over)
	assert.Len(t, b, 11)
}

// TestHostileBodyIsReadOnlyToTheCap, end to end: a success with an endless
// body, and one that announces a Content-Length over the cap, end in
// ErrResponseTooLarge having read at most the cap plus one byte (and nothing
// for the announced one); an endless error body is read to 64 KiB.
func TestHostileBodyIsReadOnlyToTheCap(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	var body *endless
	var status int
	var contentLength int64
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		body = &endless{}
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: body, ContentLength: contentLength, Request: r}, nil
	})
	c, err := NewClient(testKey, WithBaseURL(testRoot), WithHTTPClient(&http.Client{Transport: rt}),
		WithMaxResponseBytes(limit), WithMaxRetries(0))
	require.NoError(t, err)

	status, contentLength = 200, -1
	_, err = c.Users.Get(context.Background(), "u1")
	require.ErrorIs(t, err, ErrResponseTooLarge)
	assert.LessOrEqual(t, body.read, int64(limit+1))

	status, contentLength = 200, 5<<30
	_, err = c.Users.Get(context.Background(), "u1")
	require.ErrorIs(t, err, ErrResponseTooLarge)
	assert.Contains(t, err.Error(), "Content-Length 5368709120")
	assert.Zero(t, body.read, "an announced oversize body is not read")

	status, contentLength = 500, -1
	_, err = c.Users.Get(context.Background(), "u1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, apiErr.Body, maxErrorBody)
	assert.LessOrEqual(t, body.read, int64(maxErrorBody+1))
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

var _ io.ReadCloser = (*endless)(nil)
