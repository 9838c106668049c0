package alloyotel

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/alloysdk/alloy-go"
	"github.com/stretchr/testify/assert"
)

// TestErrorType: each kind of failure maps to its error.type, wrapped as
// the SDK and net/http wrap it; the answer's status wins over the context
// that ended while waiting to retry it; anything else is "_OTHER".
func TestErrorType(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	transport := func(err error) error {
		return &alloy.TransportError{Method: "GET", Path: "/users/u1", Attempts: 1,
			Err: &url.Error{Op: "Get", URL: "https://production.runalloy.com/users/u1", Err: err}}
	}
	opErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
	}
	tests := []struct {
		ctx  context.Context
		err  error
		want string
	}{
		{nil, &alloy.Error{StatusCode: 404}, "404"},
		{canceled, fmt.Errorf("%w; stopped waiting to retry: %w", &alloy.Error{StatusCode: 503}, context.Canceled), "503"},
		{canceled, transport(context.Canceled), "context.Canceled"},
		{nil, transport(context.Canceled), "context.Canceled"},
		{nil, transport(&net.OpError{Op: "dial", Err: timeoutError{}}), "timeout"},
		{nil, errors.New("net/http: request canceled"), "timeout"},
		{nil, transport(opErr(syscall.ECONNREFUSED)), "connection_refused"},
		{nil, transport(opErr(syscall.ECONNRESET)), "connection_reset"},
		{nil, transport(opErr(syscall.EPIPE)), "connection_reset"},
		{nil, transport(&net.DNSError{Err: "no such host", Name: "production.runalloy.com", IsNotFound: true}), "dns"},
		{nil, transport(x509.UnknownAuthorityError{}), "tls"},
		{nil, transport(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "production.runalloy.com"}), "tls"},
		{nil, fmt.Errorf("alloy: GET /users: %w (limit 1 bytes)", alloy.ErrResponseTooLarge), "response_too_large"},
		{nil, fmt.Errorf("alloy: GET /users: decode response: %w", &json.SyntaxError{}), "malformed_response"},
		{nil, errors.New("something else"), "_OTHER"},
	}
	for _, tt := range tests {
		ctx := tt.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		assert.Equal(t, tt.want, errorType(ctx, tt.err), "%v", tt.err)
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
