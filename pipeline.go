package alloy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/alloysdk/alloy-go/internal/redact"
	"github.com/alloysdk/alloy-go/internal/transport"
)

// call describes one API call for send.
type call struct {
	op     string   // the contract's operation, by its Go name, e.g. "Users.Get"; empty for Client.Do
	method string   // from the contract unless Client.Do sets it
	route  string   // path template, e.g. "/users/{userId}"
	path   []string // values for the route's placeholders, in order
	query  url.Values
	params []param // query parameters checked and added by build
	body   any     // JSON-encoded when non-nil
	out    any     // JSON-decoded into when non-nil and the body is not empty
	raw    *rawResponse
}

// param is a query parameter a method names: build refuses a required one
// that is blank, and any with a control character, and adds the rest that
// are set. The methods declare theirs with required and optional instead
// of checking and encoding each by hand.
type param struct {
	name, value string
	required    bool
}

// required is a query parameter the call cannot go without, e.g. the userId
// of GET /workflows?userId=.
func required(name, value string) param { return param{name, value, true} }

// optional is a query parameter sent only when set.
func optional(name, value string) param { return param{name, value, false} }

// rawResponse receives a successful response's status and body as sent,
// for calls that hand a third party's answer back unchanged.
type rawResponse struct {
	status int
	body   []byte
}

// outbound is a call built into a request, with what the later stages
// report it by.
type outbound struct {
	req  transport.Request
	path string    // the expanded path, without host or query: errors name it
	op   string    // the operation, for middleware
	resp *Response // WithResponseInto's, or nil

	// meta is the last answer's metadata, kept when resp is set or call
	// middleware runs (wantMeta); answered says an answer arrived.
	meta     Response
	wantMeta bool
	answered bool
}

// answer records an answer's metadata when it is wanted.
func (c *Client) answer(ob *outbound, status int, h http.Header, attempts int) {
	if !ob.wantMeta {
		return
	}
	ob.meta = Response{StatusCode: status, Header: redactHeader(h, c.red), RequestID: requestID(h, c.red), Attempts: attempts}
	ob.answered = true
}

// redactHeader returns h, or a copy of it with the secrets in its values
// redacted when it has any (a server that echoes the key in a header).
func redactHeader(h http.Header, red *redact.Redactor) http.Header {
	var out http.Header
	for k, vs := range h {
		for i, v := range vs {
			if r := red.String(v, false); r != v {
				if out == nil {
					out = h.Clone()
				}
				out[k][i] = r
			}
		}
	}
	if out == nil {
		return h
	}
	return out
}

// send is the one request pipeline, in three stages: build validates the
// call and turns it into a request; execute sends it through the retrying
// transport within the client timeout; read caps, checks and decodes the
// answer. Each maps its failures to the SDK's error types. Call
// middleware wraps execute and read.
func (c *Client) send(ctx context.Context, k call, opts []RequestOption) error {
	var ob outbound
	if err := c.build(ctx, &k, opts, &ob); err != nil {
		return err
	}
	ctx, dc := c.bound(ctx)
	defer c.deadlines.stop(dc)
	mws := c.cfg.callMiddleware
	ob.wantMeta = ob.resp != nil || len(mws) > 0
	var err error
	if len(mws) == 0 {
		err = c.exchange(ctx, &ob, k.out, k.raw)
	} else {
		err = c.exchangeWithin(ctx, mws, &ob, k.out, k.raw)
	}
	if ob.resp != nil && ob.answered {
		*ob.resp = ob.meta
	}
	return err
}

// exchangeWithin runs exchange inside the call middleware.
func (c *Client) exchangeWithin(ctx context.Context, mws []CallMiddleware, in *outbound, out any, raw *rawResponse) error {
	ob := new(outbound) // the middleware's closures keep it
	*ob = *in
	defer func() { *in = *ob }()
	info := CallInfo{Operation: ob.op, Method: ob.req.Method, Route: ob.req.Route, APIVersion: c.cfg.version}
	var called atomic.Bool
	_, err := chainCalls(mws, info, func(ctx context.Context) (*Response, error) {
		if called.Swap(true) && !ob.req.Idempotent {
			// Middleware that calls next again would send the call again:
			// not for one that is not idempotent.
			return nil, invalidArg(ob.req.Method+" "+ob.req.Route, "call middleware called next twice; a call that is not idempotent is sent once (WithIdempotent allows more)")
		}
		err := c.exchange(ctx, ob, out, raw)
		if !ob.answered {
			return nil, err
		}
		meta := ob.meta
		return &meta, err
	})(ctx)
	return err
}

// exchange runs execute and read, within WithMaxInFlight's bound.
func (c *Client) exchange(ctx context.Context, ob *outbound, out any, raw *rawResponse) error {
	if c.inFlight != nil {
		if err := c.inFlight.acquire(ctx); err != nil {
			return &TransportError{Method: ob.req.Method, Route: ob.req.Route, Path: ob.path, Err: err} // nothing sent
		}
		defer c.inFlight.release()
	}
	var start time.Time
	if ob.wantMeta {
		start = time.Now()
		defer func() { ob.meta.Duration = time.Since(start) }()
	}
	resp, stats, err := c.execute(ctx, ob)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return c.read(resp, stats, ob, out, raw)
}

// build resolves the call's route for the client's API version, applies
// and checks the call options, expands and escapes the path, encodes the
// query and the body, and sets the headers, into ob. It sends nothing;
// every error is an ErrInvalidArgument, ErrUnsupportedVersion, an encoding
// error, or the context's own (as a *TransportError with no attempts).
func (c *Client) build(ctx context.Context, k *call, opts []RequestOption, ob *outbound) error {
	if k.method == "" {
		o, err := ops.Lookup(k.op, ops.Effective(c.cfg.version))
		if err != nil {
			return err // an *ops.UnsupportedError: ErrUnsupportedVersion
		}
		k.method, k.route = o.Method, o.Path
	}
	cc := callConfig{maxRetries: -1, idempotent: k.method != http.MethodPost && k.method != http.MethodPatch}
	if len(opts) > 0 {
		cc = applyOptions(cc, opts)
	}
	if err := cc.check(); err != nil {
		return invalidArg(k.where(), "%s", err.Error())
	}
	// The URL in one buffer: base, path, query. The path, which errors
	// name, is a slice of it.
	var b strings.Builder
	b.Grow(len(c.base) + len(k.route) + 48)
	b.WriteString(c.base)
	if err := appendRoute(&b, k.route, k.path); err != nil {
		return invalidArg(k.where(), "%s", err.Error())
	}
	pathEnd := b.Len()
	if err := appendQuery(&b, k.query, k.params); err != nil {
		return invalidArg(k.where(), "%s", err.Error())
	}
	u := b.String()
	path := u[len(c.base):pathEnd]
	if ctx == nil {
		return invalidArg(k.where(), "context is nil")
	}
	if err := ctx.Err(); err != nil {
		return &TransportError{Method: k.method, Route: k.route, Path: path, Err: err} // nothing sent
	}
	var body []byte
	if k.body != nil {
		if holdsSecretData(k.body) {
			return invalidArg(k.where(), "the body holds an alloy.SecretData, which encodes its values as \"[REDACTED]\": put the values in the body as a map[string]any (SecretData is for the params of the SDK's credential calls)")
		}
		var err error
		if body, err = json.Marshal(k.body); err != nil {
			return fmt.Errorf("alloy: %s: encode request body: %w", k.where(), err)
		}
	}
	// The client's headers are shared by every call and never changed: the
	// transport copies them into each request.
	header := c.cfg.header
	if body != nil {
		header = c.cfg.jsonHeader
	}
	if cc.header != nil {
		header = header.Clone()
		for key, vs := range cc.header {
			header[http.CanonicalHeaderKey(key)] = vs
		}
	}
	op := k.op
	if op == "" {
		op = k.where()
	}
	*ob = outbound{
		req: transport.Request{
			Method:     k.method,
			URL:        u,
			Route:      k.route,
			Header:     header,
			Body:       body,
			Idempotent: cc.idempotent,
			MaxRetries: cc.maxRetries,
		},
		path: path,
		op:   op,
		resp: cc.resp,
	}
	return nil
}

// where names the call in argument errors: "METHOD /route/{template}".
func (k *call) where() string { return k.method + " " + k.route }

// applyOptions applies a call's options to cc. It is not inlined, so that
// only calls given options pay for the copy of cc their functions write to
// on the heap.
//
//go:noinline
func applyOptions(cc callConfig, opts []RequestOption) callConfig {
	for _, o := range opts {
		if o != nil {
			o(&cc)
		}
	}
	return cc
}

// execute sends ob through the retrying transport. On failure it returns
// the last answer as an *Error when the context ended while waiting to
// retry it, and a *TransportError otherwise.
func (c *Client) execute(ctx context.Context, ob *outbound) (*http.Response, transport.Stats, error) {
	resp, stats, err := c.tr.Do(ctx, &ob.req)
	if err == nil {
		return resp, stats, nil
	}
	if last := stats.Last; last != nil && ctx.Err() != nil {
		c.answer(ob, last.StatusCode, last.Header, stats.Attempts)
		apiErr := newError(ob.req.Method, ob.path, last.StatusCode, last.Header, last.Body, stats.Attempts, c.red)
		apiErr.Route, apiErr.idempotent = ob.req.Route, ob.req.Idempotent
		return nil, stats, fmt.Errorf("%w; stopped waiting to retry: %w", apiErr, ctx.Err())
	}
	return nil, stats, &TransportError{Method: ob.req.Method, Route: ob.req.Route, Path: ob.path, Attempts: stats.Attempts, Err: c.red.Err(err),
		idempotent: ob.req.Idempotent, sent: stats.Attempts > 0 && !transport.Refused(err)}
}

// read turns the answer into the call's result: an *Error for a non-2xx
// status (its body capped at 64 KiB), ErrResponseTooLarge past the client's
// cap, a *TransportError for a body cut short, and otherwise the body
// JSON-decoded into out (when out is non-nil and the body is not blank)
// and kept as sent in raw (when raw is non-nil). A
// 404 to a retried DELETE whose earlier attempt may have acted is success.
func (c *Client) read(resp *http.Response, stats transport.Stats, ob *outbound, out any, raw *rawResponse) error {
	method, route := ob.req.Method, ob.req.Route
	c.answer(ob, resp.StatusCode, resp.Header, stats.Attempts)
	if resp.StatusCode == http.StatusNotFound && method == http.MethodDelete && stats.MayHaveActed {
		// An earlier attempt of this DELETE may have taken effect (a 5xx or
		// a lost connection after sending); a 404 on its retry then most
		// likely means it did. The caller wanted the resource gone, and it is.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	}
	bp := c.bufPool.Get().(*[]byte)
	defer c.putBuffer(bp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// An error is reported whatever its body's size: only its head is kept.
		body, _, _ := readCapped((*bp)[:0], resp.Body, maxErrorBody)
		*bp = body
		apiErr := newError(method, ob.path, resp.StatusCode, resp.Header, bytes.Clone(body[:min(len(body), maxErrorBody)]), stats.Attempts, c.red)
		apiErr.Route, apiErr.idempotent = route, ob.req.Idempotent
		return apiErr
	}
	limit := c.cfg.maxResponseBytes
	applied := !ob.req.Idempotent // a 2xx not read: the server acted
	if resp.ContentLength > limit {
		return &readError{fmt.Errorf("alloy: %s %s: %w (limit %d bytes, Content-Length %d)", method, route, ErrResponseTooLarge, limit, resp.ContentLength), applied}
	}
	buf := (*bp)[:0]
	if resp.ContentLength > int64(cap(buf)) {
		buf = make([]byte, 0, resp.ContentLength)
	}
	buf, over, rerr := readCapped(buf, resp.Body, limit)
	*bp = buf
	if over {
		return &readError{fmt.Errorf("alloy: %s %s: %w (limit %d bytes)", method, route, ErrResponseTooLarge, limit), applied}
	}
	if rerr != nil {
		// The server answered 2xx and the body was cut: it acted.
		return &TransportError{Method: method, Route: route, Path: ob.path, Attempts: stats.Attempts, Err: c.red.Err(rerr),
			idempotent: ob.req.Idempotent, sent: true}
	}
	if raw != nil {
		raw.status, raw.body = resp.StatusCode, bytes.Clone(buf)
	}
	if out == nil || len(bytes.TrimSpace(buf)) == 0 {
		return nil
	}
	if err := json.Unmarshal(buf, out); err != nil {
		return &readError{fmt.Errorf("alloy: %s %s: decode response: %w", method, route, err), applied}
	}
	return nil
}

// appendQuery appends q with ps added (see addParams) to b as a query
// string, "?" first, sorted by key as url.Values.Encode sorts it; nothing
// when there is no value.
func appendQuery(b *strings.Builder, q url.Values, ps []param) error {
	if len(q) == 0 {
		// The usual case, one parameter (?userId=): no map, no sorting.
		var one *param
		for i := range ps {
			p := &ps[i]
			if err := p.check(); err != nil {
				return err
			}
			if p.value == "" {
				continue
			}
			if one != nil && one.name != p.name {
				return appendEncoded(b, q, ps)
			}
			one = p
		}
		if one != nil {
			b.WriteByte('?')
			b.WriteString(url.QueryEscape(one.name))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(one.value))
		}
		return nil
	}
	return appendEncoded(b, q, ps)
}

// appendEncoded is appendQuery's general case.
func appendEncoded(b *strings.Builder, q url.Values, ps []param) error {
	if len(ps) > 0 {
		var err error
		if q, err = addParams(q, ps); err != nil {
			return err
		}
	}
	if len(q) > 0 {
		b.WriteByte('?')
		b.WriteString(q.Encode())
	}
	return nil
}

// addParams returns q (copied, when it has values already) with ps added.
func addParams(q url.Values, ps []param) (url.Values, error) {
	if q == nil {
		q = make(url.Values, len(ps))
	} else {
		q = maps.Clone(q)
	}
	for _, p := range ps {
		if err := p.check(); err != nil {
			return nil, err
		}
		if p.value != "" {
			q.Set(p.name, p.value)
		}
	}
	return q, nil
}

// check refuses a required parameter that is blank, and any with a
// control character.
func (p *param) check() error {
	switch {
	case p.required && strings.TrimSpace(p.value) == "":
		return fmt.Errorf("%s is empty", p.name)
	case strings.ContainsFunc(p.value, isControl):
		return fmt.Errorf("%s contains a control character", p.name)
	}
	return nil
}

// requireFields returns an ErrInvalidArgument for op naming the first of
// the (name, value) pairs whose value is blank: the body fields a method
// cannot send without.
func requireFields(op string, nameValues ...string) error {
	for i := 0; i+1 < len(nameValues); i += 2 {
		if strings.TrimSpace(nameValues[i+1]) == "" {
			return invalidArg(op, "%s is empty", nameValues[i])
		}
	}
	return nil
}

// readCapped appends r's bytes to b until EOF or until more than limit
// bytes have been read; over reports the latter. It reads at most limit+1
// bytes, and grows b by doubling but never beyond limit+1 bytes of
// capacity (unlike bytes.Buffer.ReadFrom, which doubles past any cap), so a
// hostile body costs at most the cap, whatever its size.
func readCapped(b []byte, r io.Reader, limit int64) (_ []byte, over bool, err error) {
	limit = min(limit, math.MaxInt-1)
	for {
		if len(b) == cap(b) {
			// Full: probe for the end before growing, so a body that
			// exactly fills the buffer (e.g. sized by Content-Length) costs
			// no second allocation.
			var one [1]byte
			n, err := io.ReadFull(r, one[:])
			if n == 0 {
				if err == io.EOF {
					err = nil
				}
				return b, false, err
			}
			grown := int(min(max(2*int64(cap(b)), 4<<10), limit+1))
			if grown <= len(b) {
				return append(b, one[0]), true, nil
			}
			b = append(make([]byte, 0, grown), b...)
			b = append(b, one[0])
		}
		room := min(cap(b), int(limit+1))
		n, err := r.Read(b[len(b):room])
		b = b[:len(b)+n]
		switch {
		case int64(len(b)) > limit:
			return b, true, nil
		case err == io.EOF:
			return b, false, nil
		case err != nil:
			return b, false, err
		}
	}
}

// putBuffer returns a read buffer to the pool unless a huge response made
// it too large to be worth keeping.
func (c *Client) putBuffer(bp *[]byte) {
	if cap(*bp) <= 1<<20 {
		*bp = (*bp)[:0]
		c.bufPool.Put(bp)
	}
}

// expandRoute substitutes each {placeholder} of route with the next value,
// path-escaped so that any id stays exactly one segment.
func expandRoute(route string, values []string) (string, error) {
	var b strings.Builder
	b.Grow(len(route) + 32)
	if err := appendRoute(&b, route, values); err != nil {
		return "", err
	}
	return b.String(), nil
}

// appendRoute appends route to b with its placeholders expanded (see
// expandRoute).
func appendRoute(b *strings.Builder, route string, values []string) error {
	i := 0
	for {
		open := strings.IndexByte(route, '{')
		if open < 0 {
			b.WriteString(route)
			return nil
		}
		end := strings.IndexByte(route[open:], '}')
		name := route[open+1 : open+end]
		if i >= len(values) {
			return fmt.Errorf("%s is missing", name)
		}
		if err := checkID(name, values[i]); err != nil {
			return err
		}
		b.WriteString(route[:open])
		b.WriteString(url.PathEscape(values[i]))
		route = route[open+end+1:]
		i++
	}
}

// checkID rejects ids that are empty, that a server or proxy would read as
// a relative path ("." and ".."), or that contain control characters.
func checkID(name, v string) error {
	switch {
	case strings.TrimSpace(v) == "":
		return fmt.Errorf("%s is empty", name)
	case v == "." || v == "..":
		return fmt.Errorf("%s %q is not a valid id", name, v)
	case strings.ContainsFunc(v, isControl):
		return fmt.Errorf("%s contains a control character", name)
	}
	return nil
}
