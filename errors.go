package alloy

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/errs"
	"github.com/alloysdk/alloy-go/internal/redact"
	"github.com/alloysdk/alloy-go/internal/transport"
)

// Sentinel errors. A *Error matches the sentinel of its status class with
// errors.Is, so callers can branch without knowing status codes:
//
//	if errors.Is(err, alloy.ErrNotFound) { ... }
var (
	ErrBadRequest   = errors.New("alloy: bad request")       // 400
	ErrUnauthorized = errors.New("alloy: unauthorized")      // 401: wrong or revoked API key
	ErrForbidden    = errors.New("alloy: forbidden")         // 403
	ErrNotFound     = errors.New("alloy: not found")         // 404
	ErrConflict     = errors.New("alloy: conflict")          // 409
	ErrValidation   = errors.New("alloy: validation failed") // 422
	ErrRateLimited  = errors.New("alloy: rate limited")      // 429
	ErrServer       = errors.New("alloy: server error")      // any 5xx
	// ErrInvalidArgument is matched by every error that a method returns
	// before sending anything because an argument is missing or malformed.
	ErrInvalidArgument = errs.ErrInvalidArgument
	// ErrUnsupportedVersion is matched when a method does not exist in the
	// client's API version; nothing is sent.
	ErrUnsupportedVersion = ops.ErrUnsupported
	// ErrResponseTooLarge is matched when a response body exceeds the limit
	// set with WithMaxResponseBytes.
	ErrResponseTooLarge = errors.New("alloy: response body too large")
	// ErrTooManyPages is yielded by an iterator that has read 10,000 pages
	// without reaching the end: a guard against a server that never says
	// it is done.
	ErrTooManyPages = errors.New("alloy: too many pages")
	// ErrOutcomeUnknown is matched when a call that is not idempotent (a
	// POST without WithIdempotent) may have been applied although it
	// failed: the request was sent and the server answered 5xx, 408 or a
	// redirect (which such a call does not follow), or the connection was
	// lost or timed out before an answer, or a 2xx answer could not be read
	// (cut off, over the size limit, not the JSON expected). Sending it
	// again could apply it twice: check what the server holds first
	// (Users.Ensure does that for creates).
	ErrOutcomeUnknown = errors.New("alloy: outcome unknown: the call may have been applied")
)

// maxErrorBody caps Error.Body.
const maxErrorBody = 64 << 10

// Error is returned for every response with a non-2xx status.
type Error struct {
	StatusCode int    // HTTP status code
	Message    string // the body's "message", else its "error", else the raw text
	Code       string // the body's "code", when present
	RequestID  string // from a request-id response header, when present
	Method     string // HTTP method of the call
	Route      string // the route template, e.g. "/users/{userId}": what Error shows
	// Path is the call's path as sent, escaped, without host or query. It
	// holds the ids the call named, which may be usernames or emails: Error
	// shows Route instead, and so should logs that must not carry them.
	Path       string
	RetryAfter time.Duration // parsed Retry-After of the last response; 0 when absent
	Attempts   int           // how many times the request was sent
	Body       []byte        // the raw response body, capped at 64 KiB

	idempotent bool // the call could be repeated safely (see ErrOutcomeUnknown)
}

// Error returns a one-line description with the method, route template,
// status, message, request id and attempt count. It never contains
// credentials, and names the route, not the ids in the path.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("alloy: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(cmp.Or(e.Route, e.Path))
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if txt := http.StatusText(e.StatusCode); txt != "" {
		b.WriteByte(' ')
		b.WriteString(txt)
	}
	if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Code != "" {
		b.WriteString(" (code ")
		b.WriteString(e.Code)
		b.WriteByte(')')
	}
	if e.RequestID != "" {
		b.WriteString(" [request id ")
		b.WriteString(e.RequestID)
		b.WriteByte(']')
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, ", retry after %s", e.RetryAfter)
	}
	return b.String()
}

// Is matches the sentinel for the status code: ErrBadRequest, ErrUnauthorized,
// ErrForbidden, ErrNotFound, ErrConflict, ErrValidation, ErrRateLimited, or
// ErrServer for any 5xx; and ErrOutcomeUnknown for a 5xx, 408 or 3xx
// answer to a call that is not idempotent (the server may have acted).
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrValidation:
		return e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrOutcomeUnknown:
		return !e.idempotent && (e.StatusCode >= 500 && e.StatusCode <= 599 ||
			e.StatusCode == http.StatusRequestTimeout || e.StatusCode >= 300 && e.StatusCode <= 399)
	}
	return false
}

// readError is an error about a 2xx answer the SDK could not read (over
// the size limit, or not the JSON expected). The server acted: for a call
// that is not idempotent it also matches ErrOutcomeUnknown.
type readError struct {
	err     error
	applied bool // the call is not idempotent
}

func (e *readError) Error() string { return e.err.Error() }

func (e *readError) Unwrap() []error {
	if e.applied {
		return []error{e.err, ErrOutcomeUnknown}
	}
	return []error{e.err}
}

// TransportError is returned when no response was received: the connection
// was refused, reset or timed out, after every retry the policy allowed.
// When a non-idempotent call (a POST) fails this way, the server may or may
// not have acted on it.
type TransportError struct {
	Method   string // HTTP method of the call
	Route    string // the route template, e.g. "/users/{userId}": what Error shows
	Path     string // the call's path as sent, ids included (see Error.Path)
	Attempts int    // how many times the request was sent; 0 if the context had ended before
	Err      error  // the cause, e.g. a *url.Error wrapping a *net.OpError

	idempotent bool // the call could be repeated safely
	sent       bool // the request may have reached the server
}

// Is matches ErrOutcomeUnknown when the call is not idempotent and its
// request may have reached the server (anything but a refused connection,
// or a context that ended before the first attempt).
func (e *TransportError) Is(target error) bool {
	return target == ErrOutcomeUnknown && !e.idempotent && e.sent
}

// Error describes the failure by method and route template, without the
// URL (the cause of a *url.Error is shown without it); it never contains
// credentials or the ids in the path.
func (e *TransportError) Error() string {
	cause := e.Err
	var ue *url.Error
	if errors.As(cause, &ue) && ue.Err != nil {
		cause = ue.Err
	}
	s := "alloy: " + e.Method + " " + cmp.Or(e.Route, e.Path) + ": " + cause.Error()
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// requestIDHeaders are checked in order for a request id.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Correlation-Id"}

// requestID returns the first request-id header's value, redacted.
func requestID(header http.Header, red *redact.Redactor) string {
	for _, h := range requestIDHeaders {
		if v := header.Get(h); v != "" {
			return red.String(v, false)
		}
	}
	return ""
}

// newError builds an *Error from a non-2xx response. Every value taken from
// the response passes red: a server or gateway that echoes the API key, a
// JWT or a bearer credential, raw or escaped, in the body or in a header,
// gets it replaced with [REDACTED] (or [REDACTED JWT]) in Body, Message,
// Code and RequestID. A body longer than the cap is cut, and a secret's head
// left at the cut is removed too.
func newError(method, path string, status int, header http.Header, body []byte, attempts int, red *redact.Redactor) *Error {
	e := &Error{StatusCode: status, Method: method, Path: path, Attempts: attempts}
	cut := len(body) >= maxErrorBody
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	e.Body = red.Bytes(body, cut)
	e.RequestID = requestID(header, red)
	if ra, ok := parseRetryAfter(header); ok {
		e.RetryAfter = ra
	}
	msg, code := errorMessage(e.Body)
	// The body was redacted raw; its decoded text is checked again, since
	// decoding is what an escaped echo relies on.
	e.Message, e.Code = red.String(msg, false), red.String(code, false)
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// errorMessage reads {"message": ...} (then "error", string or {"message"})
// and "code" (string or number) from an error body, else returns the text.
func errorMessage(body []byte) (msg, code string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "", ""
	}
	var doc struct {
		Message json.RawMessage `json:"message"`
		Error   json.RawMessage `json:"error"`
		Code    json.RawMessage `json:"code"`
	}
	if trimmed[0] == '{' && json.Unmarshal(trimmed, &doc) == nil {
		code = scalar(doc.Code)
		if m := scalar(doc.Message); m != "" {
			return clip(m), code
		}
		if m := scalar(doc.Error); m != "" {
			return clip(m), code
		}
		var nested struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(doc.Error, &nested) == nil && nested.Message != "" {
			return clip(nested.Message), code
		}
		if len(doc.Message) > 0 || len(doc.Error) > 0 || len(doc.Code) > 0 || string(trimmed) == "{}" {
			return "", code // known fields but no text: the caller uses the status text
		}
	}
	return clip(string(trimmed)), code
}

// scalar renders a JSON string or number as text; anything else is "".
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// clip keeps error messages to one readable line.
func clip(s string) string {
	const max = 512
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// invalidArg returns an error matching ErrInvalidArgument for op.
func invalidArg(op, format string, args ...any) error { return errs.Invalid(op, format, args...) }

// IsRetryable reports whether err is worth the same call again, later: a
// rate limit (429), a 408, a 5xx or a lost connection or timeout of an
// idempotent call, or a refused connection (the server never saw the
// request). It is false for nil, for everything the caller must change
// first (ErrInvalidArgument, ErrUnsupportedVersion, 400, 401, 403, 404, 409,
// 422, ErrResponseTooLarge), for a call the caller cancelled, and for
// ErrOutcomeUnknown: a call that may have been applied must be checked, not
// repeated. The SDK has already retried what its policy allows; this is for
// the caller's own retry loop or queue.
func IsRetryable(err error) bool {
	switch {
	case err == nil, errors.Is(err, ErrOutcomeUnknown), errors.Is(err, ErrInvalidArgument),
		errors.Is(err, ErrUnsupportedVersion), errors.Is(err, ErrResponseTooLarge), errors.Is(err, context.Canceled):
		return false
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		switch s := apiErr.StatusCode; {
		case s == http.StatusTooManyRequests, s == http.StatusRequestTimeout:
			return true
		case s >= 500 && s <= 599:
			return apiErr.idempotent
		}
		return false
	}
	var te *TransportError
	if errors.As(err, &te) {
		return te.idempotent || !te.sent || transport.Refused(te.Err)
	}
	return false
}
