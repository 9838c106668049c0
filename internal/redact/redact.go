// Package redact removes secrets from values the SDK takes from HTTP
// responses (bodies, headers, redirect URLs, transport error texts) before
// they reach an error, a log line or a caller-visible field.
//
// What is removed: every occurrence of a known secret (the client's API key),
// anything shaped like a JWT, and the credential after a "Bearer" scheme
// word. Each is looked for in the raw text and in its decoded form (JSON
// string escapes such as \u005f, percent-escapes such as %5F and HTML
// numeric character references such as &#95;), so an echo the server
// escaped is found too, and the raw bytes behind it are replaced. When the
// text was cut at a size cap, a trailing fragment of 8 or more characters
// that begins a secret, or begins a JWT, is removed as well: the cut must not
// leave a secret's head behind.
package redact

import (
	"bytes"
	"errors"
	"net"
	"net/url"
	"regexp"
	"slices"
	"unicode/utf8"
)

// Markers put in place of what was removed.
const (
	Marker    = "[REDACTED]"
	JWTMarker = "[REDACTED JWT]"
)

// MinFragment is the shortest head of a secret that is removed at a cut.
const MinFragment = 8

var (
	// jwt matches a JWT: a base64url JSON header, a payload and an optional
	// signature.
	jwt = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?`)
	// jwtHead matches what is left of a JWT cut at the end of a text.
	jwtHead = regexp.MustCompile(`eyJ[A-Za-z0-9_.-]{5,}$`)
	// bearer matches an Authorization-style credential; group 1 is the
	// credential itself.
	bearer = regexp.MustCompile(`(?i)\bbearer[ \t]+([A-Za-z0-9._~+/=-]+)`)
)

// Redactor removes a fixed set of secrets plus JWTs and bearer credentials.
// The zero value removes only JWTs and bearer credentials. It is safe for
// concurrent use.
type Redactor struct {
	secrets [][]byte
}

// New returns a Redactor for the given secrets; empty ones are ignored.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if s != "" {
			r.secrets = append(r.secrets, []byte(s))
		}
	}
	return r
}

// span is a range of the decoded view to remove, and what to put instead.
type span struct {
	start, end int
	marker     string
}

// Bytes returns b with every secret removed. cut says that b was truncated
// at a cap, so a secret may have been cut in two at its end. When nothing is
// found, b itself is returned; otherwise a new slice.
func (r *Redactor) Bytes(b []byte, cut bool) []byte {
	if len(b) == 0 {
		return b
	}
	v := decode(b)
	var spans []span
	for _, s := range r.secrets {
		for i := 0; ; {
			j := bytes.Index(v.text[i:], s)
			if j < 0 {
				break
			}
			spans = append(spans, span{i + j, i + j + len(s), Marker})
			i += j + len(s)
		}
		if cut {
			if k := headAtEnd(v.text, s); k > 0 {
				spans = append(spans, span{len(v.text) - k, len(v.text), Marker})
			}
		}
	}
	for _, m := range jwt.FindAllIndex(v.text, -1) {
		spans = append(spans, span{m[0], m[1], JWTMarker})
	}
	if cut {
		if m := jwtHead.FindIndex(v.text); m != nil {
			spans = append(spans, span{m[0], m[1], JWTMarker})
		}
	}
	for _, m := range bearer.FindAllSubmatchIndex(v.text, -1) {
		spans = append(spans, span{m[2], m[3], Marker})
	}
	if len(spans) == 0 {
		return b
	}
	return v.replace(b, merge(spans))
}

// String is Bytes for a string.
func (r *Redactor) String(s string, cut bool) string {
	if s == "" {
		return s
	}
	out := r.Bytes([]byte(s), cut)
	return string(out)
}

// URL reduces a URL to scheme://host/path, without userinfo, query or
// fragment, with secrets removed from what is left. A URL that does not
// parse is replaced by a placeholder.
func (r *Redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	shown := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return r.String(shown.String(), false)
}

// Err returns err with secrets removed from its text. A *url.Error keeps its
// type and Op, with its URL reduced by URL and its cause redacted; any other
// error whose text holds a secret is replaced by one with the redacted text
// that still matches what the original matched with errors.Is, but does not
// unwrap to it (the original would reveal the secret). An error whose text
// holds no secret is returned unchanged.
func (r *Redactor) Err(err error) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: r.URL(ue.URL), Err: r.Err(ue.Err)}
	}
	msg := err.Error()
	if red := r.String(msg, false); red != msg {
		return &redactedError{msg: red, cause: err}
	}
	return err
}

// redactedError stands in for an error whose text held a secret.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }

// Is matches what the original error matched (e.g. context.DeadlineExceeded,
// io.ErrUnexpectedEOF), without exposing it through Unwrap.
func (e *redactedError) Is(target error) bool { return errors.Is(e.cause, target) }

// Timeout reports whether the original error was a timeout, so that a
// *url.Error around this one still answers Timeout correctly.
func (e *redactedError) Timeout() bool {
	var ne net.Error
	return errors.As(e.cause, &ne) && ne.Timeout()
}

// headAtEnd returns the length of the longest head of s, at least
// MinFragment bytes long, that text ends with; 0 when there is none.
func headAtEnd(text, s []byte) int {
	for k := min(len(s)-1, len(text)); k >= MinFragment; k-- {
		if bytes.HasSuffix(text, s[:k]) {
			return k
		}
	}
	return 0
}

// merge sorts spans and joins those that overlap or touch; a merged span
// keeps the first marker.
func merge(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// view is the decoded form of a raw text, with where each decoded byte came
// from: decoded bytes [i, i+1) stem from raw bytes [from[i], to[i]).
type view struct {
	text     []byte
	from, to []int // nil when text is the raw text itself
}

// replace writes raw with the raw bytes behind each span replaced by its
// marker. spans are sorted and disjoint.
func (v view) replace(raw []byte, spans []span) []byte {
	out := make([]byte, 0, len(raw))
	prev := 0
	for _, s := range spans {
		start, end := s.start, s.end
		if v.from != nil {
			start, end = v.from[s.start], v.to[s.end-1]
		}
		if start < prev {
			start = prev
		}
		out = append(out, raw[prev:start]...)
		out = append(out, s.marker...)
		prev = max(prev, end)
	}
	return append(out, raw[prev:]...)
}

// decode undoes JSON string escapes, percent-escapes and HTML numeric
// character references. A text with none of them is its own view.
func decode(raw []byte) view {
	if bytes.IndexByte(raw, '\\') < 0 && bytes.IndexByte(raw, '%') < 0 && !bytes.Contains(raw, []byte("&#")) {
		return view{text: raw}
	}
	v := view{text: make([]byte, 0, len(raw)), from: make([]int, 0, len(raw)), to: make([]int, 0, len(raw))}
	emit := func(p []byte, from, to int) {
		for _, c := range p {
			v.text = append(v.text, c)
			v.from = append(v.from, from)
			v.to = append(v.to, to)
		}
	}
	var rb [utf8.UTFMax]byte
	for i := 0; i < len(raw); {
		if r, n := unescape(raw[i:]); n > 0 {
			emit(rb[:utf8.EncodeRune(rb[:], r)], i, i+n)
			i += n
			continue
		}
		emit(raw[i:i+1], i, i+1)
		i++
	}
	return v
}

// unescape decodes one escape at the start of b, returning the rune and the
// raw length, or n == 0 when b does not start with one.
func unescape(b []byte) (r rune, n int) {
	switch {
	case len(b) >= 2 && b[0] == '\\':
		switch b[1] {
		case '"', '\\', '/', '\'':
			return rune(b[1]), 2
		case 'b':
			return '\b', 2
		case 'f':
			return '\f', 2
		case 'n':
			return '\n', 2
		case 'r':
			return '\r', 2
		case 't':
			return '\t', 2
		case 'u':
			r, ok := hex(b[2:], 4)
			if !ok {
				return 0, 0
			}
			if r >= 0xD800 && r < 0xDC00 && len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
				if lo, ok := hex(b[8:], 4); ok && lo >= 0xDC00 && lo < 0xE000 {
					return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 12
				}
			}
			return r, 6
		}
	case len(b) >= 3 && b[0] == '%':
		if r, ok := hex(b[1:], 2); ok {
			return r, 3
		}
	case len(b) >= 4 && b[0] == '&' && b[1] == '#':
		end := bytes.IndexByte(b[:min(len(b), 12)], ';')
		if end < 0 {
			return 0, 0
		}
		digits := b[2:end]
		if len(digits) > 1 && (digits[0] == 'x' || digits[0] == 'X') {
			if r, ok := hex(digits[1:], len(digits)-1); ok {
				return r, end + 1
			}
			return 0, 0
		}
		var r rune
		for _, c := range digits {
			if c < '0' || c > '9' || r > utf8.MaxRune {
				return 0, 0
			}
			r = r*10 + rune(c-'0')
		}
		if len(digits) > 0 && r <= utf8.MaxRune {
			return r, end + 1
		}
	}
	return 0, 0
}

// hex reads n hex digits at the start of b.
func hex(b []byte, n int) (rune, bool) {
	if len(b) < n || n == 0 {
		return 0, false
	}
	var r rune
	for _, c := range b[:n] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
