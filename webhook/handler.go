package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"time"

	"github.com/alloysdk/alloy-go/internal/errs"
)

// DefaultMaxBodyBytes is the body limit of NewHandler's handler unless WithMaxBodyBytes
// sets another.
const DefaultMaxBodyBytes = 1 << 20

// DefaultReadTimeout bounds how long the handler reads a body unless
// WithReadTimeout sets another.
const DefaultReadTimeout = 10 * time.Second

// kind is the kind of event a request carries.
type kind int

const (
	kindCredentialExpired kind = iota + 1
	kindErrorStream
	kindUnified
)

func (k kind) String() string {
	switch k {
	case kindCredentialExpired:
		return "credential_expired"
	case kindErrorStream:
		return "error_stream"
	case kindUnified:
		return "unified"
	}
	return "unknown"
}

// HandlerOption configures NewHandler. A bad value makes NewHandler fail
// with an error matching alloy.ErrInvalidArgument.
type HandlerOption func(*handler) error

// WithVerifier makes the handler check X-Alloy-Signature on every request and
// answer 401 when it is missing or does not verify. Without it nothing is
// checked. Set it only on an endpoint whose deliveries Alloy signs: Alloy
// documents the signature for Custom API blocks and data streaming, not
// for credential-expiration or Unified forwarding (see Verifier). v must
// not be nil: leave the option out to check nothing.
func WithVerifier(v *Verifier) HandlerOption {
	return func(h *handler) error {
		if v == nil {
			return errors.New("verifier is nil (leave WithVerifier out to check no signature)")
		}
		h.verifier = v
		return nil
	}
}

// WithMaxBodyBytes sets the largest body accepted, DefaultMaxBodyBytes
// (1 MiB) when n is 0; a larger body gets 413. n must not be negative.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(h *handler) error {
		switch {
		case n < 0:
			return fmt.Errorf("max body bytes %d is negative", n)
		case n == 0:
			n = DefaultMaxBodyBytes
		}
		h.maxBody = n
		return nil
	}
}

// WithReadTimeout bounds how long the handler spends reading a body, counted
// from when it starts: DefaultReadTimeout (10 s) when d is 0, and never
// longer than the http.Server's ReadTimeout when that is shorter. A body
// not received in time (a client that sends slowly or stalls) gets 408,
// over HTTP/1 with the connection closed, and no callback runs. The bound
// is the connection's read deadline (http.ResponseController's
// SetReadDeadline), lifted once the body is read, so it never cuts a
// callback short. When the ResponseWriter does not support read deadlines
// (a wrapper without an Unwrap method), the handler still answers 408 after d
// but cannot interrupt the read itself, which holds the connection until
// the client stops: set http.Server's ReadTimeout as well. d must not be
// negative.
func WithReadTimeout(d time.Duration) HandlerOption {
	return func(h *handler) error {
		switch {
		case d < 0:
			return fmt.Errorf("read timeout %s is negative", d)
		case d == 0:
			d = DefaultReadTimeout
		}
		h.readTimeout = d
		return nil
	}
}

// WithLogger logs rejected requests, callback errors and recovered panics
// (with the stack) to l. It never logs a body or a signature. Without it
// the handler logs nothing, as with a nil l.
func WithLogger(l *slog.Logger) HandlerOption {
	return func(h *handler) error { h.log = l; return nil }
}

// OnCredentialExpired sets the callback for credential-expiration events.
func OnCredentialExpired(fn func(ctx context.Context, e *CredentialExpiredEvent) error) HandlerOption {
	return func(h *handler) error { return setCallback(&h.onCredentialExpired, fn, "OnCredentialExpired") }
}

// OnErrorStream sets the callback for workflow error-streaming events.
func OnErrorStream(fn func(ctx context.Context, e *ErrorStreamEvent) error) HandlerOption {
	return func(h *handler) error { return setCallback(&h.onErrorStream, fn, "OnErrorStream") }
}

// OnUnified sets the callback for Unified API forwarded events.
func OnUnified(fn func(ctx context.Context, e *UnifiedEvent) error) HandlerOption {
	return func(h *handler) error { return setCallback(&h.onUnified, fn, "OnUnified") }
}

// setCallback sets a callback that must not be nil.
func setCallback[F any](dst *F, fn F, name string) error {
	if reflect.ValueOf(fn).IsNil() {
		return fmt.Errorf("%s: callback is nil", name)
	}
	*dst = fn
	return nil
}

type handler struct {
	verifier            *Verifier
	maxBody             int64
	readTimeout         time.Duration
	log                 *slog.Logger
	onCredentialExpired func(context.Context, *CredentialExpiredEvent) error
	onErrorStream       func(context.Context, *ErrorStreamEvent) error
	onUnified           func(context.Context, *UnifiedEvent) error
}

// NewHandler returns an http.Handler that receives Alloy webhooks and
// passes each event to the callback set for its kind. It is safe for
// concurrent use; callbacks run on the request's goroutine with its
// context. A bad option value (a negative size or timeout, a nil verifier
// or callback) is an error matching alloy.ErrInvalidArgument; a nil option
// is skipped.
//
// A request is routed by the first rule that matches:
//
//  1. an X-Alloy-WorkflowId or X-Alloy-ExecutionUuid header: error stream
//     (any body);
//  2. a body that is not a JSON object: 400;
//  3. a top-level "topic" or "scope", or an "event" containing "/": Unified
//     (an envelope may carry a credentialId, so this precedes rule 4);
//  4. a body ParseCredentialExpired accepts: credential expired, unless
//     only OnUnified is set, since Unified models such as
//     connection/created carry ids too;
//  5. any other JSON object: a Unified bare model (Topic empty), which is
//     what Alloy's documentation describes; 422 when OnUnified is not set.
//
// Routing is a heuristic because Alloy's bodies carry no event type: where
// possible give each kind its own URL and handler.
//
// Status codes: 405 (with Allow: POST) for any method but POST; 413 for a
// body over the limit (WithMaxBodyBytes); 408 for a body not received
// within the read timeout (WithReadTimeout); 401 when WithVerifier is set
// and the signature is missing or bad; 400 for a body that is not the
// event it looks like; 404 for a kind that has no callback, so that a
// misconfigured endpoint shows up as failed deliveries in Alloy rather
// than events silently lost; 500 when the callback returns an error or
// panics (the panic is recovered, http.ErrAbortHandler excepted), so that
// Alloy may deliver again; 200 with {"ok":true} only after the callback
// returned nil. The content type is not checked, as Alloy does not
// document it. Responses are small JSON objects that never echo the body,
// the signature or a callback's error.
func NewHandler(opts ...HandlerOption) (http.Handler, error) {
	h := &handler{maxBody: DefaultMaxBodyBytes, readTimeout: DefaultReadTimeout}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(h); err != nil {
			return nil, errs.Invalid("webhook handler", "%s", err.Error())
		}
	}
	return h, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reply(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	body, status := h.readBody(w, r)
	switch status {
	case http.StatusRequestEntityTooLarge:
		h.reject(w, r, status, "body too large", 0)
		return
	case http.StatusBadRequest:
		h.reject(w, r, status, "body unreadable", 0)
		return
	case http.StatusRequestTimeout:
		if r.ProtoMajor < 2 {
			w.Header().Set("Connection", "close") // the rest of the body is still on the wire
		}
		h.reject(w, r, status, "body not received in time", 0)
		return
	}
	if h.verifier != nil {
		if err := h.verifier.Verify(r, body); err != nil {
			if errors.Is(err, ErrNoSignature) || errors.Is(err, ErrBadSignature) {
				h.reject(w, r, http.StatusUnauthorized, "invalid or missing signature", 0)
				return
			}
			h.logError(r, "alloy webhook: verifier failed", 0, err)
			h.reply(w, http.StatusInternalServerError, "cannot verify signature")
			return
		}
	}

	k, call, status, msg := h.route(r, body)
	if status != 0 {
		h.reject(w, r, status, msg, k)
		return
	}
	if err := h.invoke(r, k, call); err != nil {
		h.reply(w, http.StatusInternalServerError, "event not processed")
		return
	}
	h.reply(w, http.StatusOK, "")
}

// readBody reads at most maxBody bytes within the read timeout; status is
// 413 above the limit, 408 when time runs out and 400 when the body cannot
// be read.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, int) {
	if r.ContentLength > h.maxBody {
		return nil, http.StatusRequestEntityTooLarge
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, 0
	}
	d := h.readTimeout
	if srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok && srv.ReadTimeout > 0 && srv.ReadTimeout < d {
		d = srv.ReadTimeout
	}
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(d)) == nil {
		body, status := h.read(w, r)
		// The deadline is for the body only: lift it before the callback
		// runs (net/http also clears it once the body is read to its end).
		_ = rc.SetReadDeadline(time.Time{})
		return body, status
	}
	// No read deadline: wait for the read for at most d. The read goes on
	// until the client or the server ends it; nothing uses its result.
	type result struct {
		body   []byte
		status int
	}
	done := make(chan result, 1)
	go func() {
		body, status := h.read(nil, r)
		done <- result{body, status}
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case res := <-done:
		return res.body, res.status
	case <-timer.C:
		return nil, http.StatusRequestTimeout
	}
}

// read reads the body up to the limit; w, when not nil, is told of a body
// over it, so that the server closes the connection.
func (h *handler) read(w http.ResponseWriter, r *http.Request) ([]byte, int) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return nil, http.StatusRequestEntityTooLarge
		case errors.Is(err, os.ErrDeadlineExceeded):
			return nil, http.StatusRequestTimeout
		}
		return nil, http.StatusBadRequest
	}
	return body, 0
}

// route classifies the request (see NewHandler) and binds the callback.
// status is non-zero when the request is to be rejected with msg.
func (h *handler) route(r *http.Request, body []byte) (k kind, call func(context.Context) error, status int, msg string) {
	if r.Header.Get(HeaderWorkflowID) != "" || r.Header.Get(HeaderExecutionUUID) != "" {
		k = kindErrorStream
		e, err := ParseErrorStream(r.Header, body)
		switch {
		case err != nil:
			return k, nil, http.StatusBadRequest, err.Error()
		case h.onErrorStream == nil:
			return k, nil, http.StatusNotFound, "no handler for error_stream events"
		}
		return k, func(ctx context.Context) error { return h.onErrorStream(ctx, e) }, 0, ""
	}
	root, ok := parseObject(body)
	if !ok {
		return 0, nil, http.StatusBadRequest, "body is not a JSON object"
	}
	explicitUnified := topicText(root.get("topic")) != "" || topicText(root.get("scope")) != "" ||
		strings.Contains(topicText(root.get("event")), "/")
	if !explicitUnified && (h.onCredentialExpired != nil || h.onUnified == nil) {
		if e, err := ParseCredentialExpired(body); err == nil {
			k = kindCredentialExpired
			if h.onCredentialExpired == nil {
				return k, nil, http.StatusNotFound, "no handler for credential_expired events"
			}
			return k, func(ctx context.Context) error { return h.onCredentialExpired(ctx, e) }, 0, ""
		}
	}
	k = kindUnified
	if h.onUnified == nil {
		if explicitUnified {
			return k, nil, http.StatusNotFound, "no handler for unified events"
		}
		return 0, nil, http.StatusUnprocessableEntity, "not a recognised Alloy event"
	}
	e, err := ParseUnified(body)
	if err != nil {
		return k, nil, http.StatusBadRequest, err.Error()
	}
	return k, func(ctx context.Context) error { return h.onUnified(ctx, e) }, 0, ""
}

// invoke runs call, turning a panic into an error; http.ErrAbortHandler
// is re-raised, as net/http expects.
func (h *handler) invoke(r *http.Request, k kind, call func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = fmt.Errorf("alloy: webhook: %s callback panicked", k)
			if h.log != nil {
				h.log.ErrorContext(r.Context(), "alloy webhook: callback panicked",
					slog.String("kind", k.String()), slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			}
		}
	}()
	if err = call(r.Context()); err != nil {
		h.logError(r, "alloy webhook: callback failed", k, err)
	}
	return err
}

func (h *handler) reject(w http.ResponseWriter, r *http.Request, status int, msg string, k kind) {
	if h.log != nil {
		h.log.WarnContext(r.Context(), "alloy webhook: request rejected",
			slog.Int("status", status), slog.String("reason", msg), slog.String("kind", k.String()))
	}
	h.reply(w, status, msg)
}

func (h *handler) logError(r *http.Request, msg string, k kind, err error) {
	if h.log != nil {
		h.log.ErrorContext(r.Context(), msg, slog.String("kind", k.String()), slog.Any("error", err))
	}
}

// reply writes {"ok":true} for 2xx and {"error":msg} otherwise; msg is
// always one of this file's fixed texts or a Parse error, which never
// quotes the body.
func (h *handler) reply(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if status >= 200 && status < 300 {
		io.WriteString(w, `{"ok":true}`+"\n")
		return
	}
	io.WriteString(w, `{"error":`+quote(msg)+`}`+"\n")
}

// quote renders s as a JSON string.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
