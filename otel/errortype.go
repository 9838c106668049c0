package alloyotel

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"

	"github.com/alloysdk/alloy-go"
)

// Values of error.type besides status codes.
const (
	errCanceled          = "context.Canceled"
	errDeadline          = "context.DeadlineExceeded"
	errTimeout           = "timeout"
	errConnRefused       = "connection_refused"
	errConnReset         = "connection_reset"
	errConnClosed        = "connection_closed"
	errDNS               = "dns"
	errTLS               = "tls"
	errResponseTooLarge  = "response_too_large"
	errMalformedResponse = "malformed_response"
	errOther             = "_OTHER"
)

// errorType returns the error.type of a call or attempt that failed with
// err within ctx: an *alloy.Error's status code ("404"), as HTTP semantic
// conventions say; the context's error when it ended; else one of a few
// kinds of failure without an answer, or "_OTHER". It never returns text
// taken from the error, so its values are few.
func errorType(ctx context.Context, err error) string {
	var (
		apiErr   *alloy.Error
		dnsErr   *net.DNSError
		netErr   net.Error
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
		certErr  *tls.CertificateVerificationError
		alert    tls.AlertError
		record   tls.RecordHeaderError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &apiErr):
		// First: an answer that arrived is what the call ended with, even
		// when the context then ended while waiting to retry it.
		return strconv.Itoa(apiErr.StatusCode)
	case errors.Is(ctx.Err(), context.Canceled), errors.Is(err, context.Canceled):
		return errCanceled
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return errDeadline
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		// A deadline that is not the call's: a dial timeout, or the
		// Timeout of the caller's http.Client (WithHTTPClient).
		return errTimeout
	case errors.Is(err, alloy.ErrResponseTooLarge):
		return errResponseTooLarge
	case errors.As(err, &dnsErr):
		return errDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return errConnRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return errConnReset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errConnClosed
	case errors.As(err, &certErr), errors.As(err, &alert), errors.As(err, &record),
		errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return errTLS
	case errors.As(err, &syntax), errors.As(err, &typ):
		return errMalformedResponse
	case err.Error() == errRequestCanceled:
		return errTimeout
	}
	return errOther
}

// errRequestCanceled is the text of net/http's unexported error for an
// attempt cancelled by http.Client.Timeout, as an attempt middleware sees
// it (the client wraps it in an error with Timeout() only above the
// transport).
const errRequestCanceled = "net/http: request canceled"
