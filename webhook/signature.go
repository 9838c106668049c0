package webhook

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// SignatureHeader is the header in which Alloy sends its RSA signature.
const SignatureHeader = "X-Alloy-Signature"

// PublicKeyURL is where Alloy publishes the PEM public key that verifies
// X-Alloy-Signature. Download it once, check it, and pin it (for example
// embed it in the binary); this package never fetches it.
const PublicKeyURL = "https://cdn.runalloy.com/security/alloy_public_key.pem"

var (
	// ErrNoSignature is returned by Verify when the request has no
	// X-Alloy-Signature header, or only an empty one.
	ErrNoSignature = errors.New("alloy: webhook: no X-Alloy-Signature header")
	// ErrBadSignature is matched by the error Verify returns when the
	// header is not a signature by the key, in any of the forms tried, of
	// this request.
	ErrBadSignature = errors.New("alloy: webhook: bad signature")
)

// maxSignatureValues caps how many X-Alloy-Signature headers are tried.
const maxSignatureValues = 4

// ParsePublicKey decodes the first PEM block holding an RSA public key:
// "PUBLIC KEY" (PKIX, what openssl and Node write), "RSA PUBLIC KEY" (PKCS #1) or
// "CERTIFICATE" (its key). Other blocks are skipped.
func ParsePublicKey(pemData []byte) (*rsa.PublicKey, error) {
	rest := pemData
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("alloy: webhook: parse public key: no PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE PEM block")
		}
		var key any
		var err error
		switch block.Type {
		case "PUBLIC KEY":
			key, err = x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			key, err = x509.ParsePKCS1PublicKey(block.Bytes)
		case "CERTIFICATE":
			var cert *x509.Certificate
			if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
				key = cert.PublicKey
			}
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("alloy: webhook: parse public key: %s: %w", block.Type, err)
		}
		pub, ok := key.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("alloy: webhook: parse public key: %s holds a %T, not an RSA key", block.Type, key)
		}
		return pub, nil
	}
}

// Verifier checks X-Alloy-Signature against a pinned RSA public key. It is
// safe for concurrent use.
//
// Verification is best-effort. Alloy's documentation (the page
// "RSA Header Signature" and its earlier versions) says the signature is
// RSA over the SHA-256 of method + URL + body, but its versions decode the
// header as hex or as base64, verify with PKCS #1 v1.5 or with PSS, and
// show the message only as Node.js code: request.method + request.url +
// JSON.stringify(request.data || request.params). Whether "url" is the
// path or the absolute URL, and whether the body is the bytes sent or a
// re-serialisation, depends on code Alloy does not publish. Alloy promises
// the header for Custom API blocks and data streaming only; whether it
// signs credential-expiration and Unified forwarding deliveries is not
// documented.
//
// Verify therefore accepts the request when any of these verifies:
//
// Signature: each X-Alloy-Signature value (up to 4), trimmed, decoded as
// hex, then as base64 (standard and URL alphabets, padded or not); only
// decodings as long as the key's modulus are tried.
//
// Padding: PKCS #1 v1.5, then PSS with the salt length read from the
// signature; SHA-256 in both.
//
// Message: prefix + target + body, for every combination, in this order:
//   - target: the request target as received (r.RequestURI, which is
//     Express's request.url) and r.URL.RequestURI() when it differs; then
//     the absolute URL scheme://host + that path and query, host being
//     r.Host and then X-Forwarded-Host, scheme being https when r.TLS is
//     set or X-Forwarded-Proto says so (else http) and then the other one;
//   - prefix: the method as received ("POST", as documented), the method
//     in lower case ("post", as a Node HTTP client such as axios holds it),
//     and no method;
//   - body: the raw bytes; json.Compact of them; and the body as
//     JSON.stringify(JSON.parse(body)) writes it, when that is a mere
//     re-spelling (below); each only when it is valid JSON and differs
//     from the forms before it.
//
// Finally the body alone, in each of its forms.
//
// # A signature binds what the callbacks read
//
// Events are decoded from the bytes received, not from the form that
// verified, and number literals reach callbacks as written (an id stays
// the text it was). So a form other than the raw bytes is tried only when
// every JSON decoder reads from it what it reads from the body: the
// compacted form differs by whitespace only; the JSON.stringify form is
// tried only when, besides whitespace, it differs from the body in the
// spelling of string escapes alone (\u00e9 for é, \/ for /). A body where
// JSON.stringify would change anything else verifies only over its own
// bytes or its compacted form: a number literal JavaScript prints another
// way (1e2 for 100, 1.0, -0, an integer beyond 2^53 such as
// 9007199254740993, which JavaScript reads as 9007199254740992), a
// repeated key (decoders keep the first value or the last), members out of
// JavaScript's order (array-index keys first: a decoder that reads "01"
// and "1" as one map key keeps the later), an escaped lone surrogate or
// bytes that are not UTF-8 (Go reads U+FFFD where JavaScript does not).
// Otherwise a signature over {"amount":100} would verify a delivery of
// {"amount":1e2}, and a callback would see a literal Alloy never signed.
//

// Because the weakest accepted form decides, a request passes if its body
// was ever signed by Alloy for any URL. And since every Alloy customer can
// make Alloy send signed requests (a Custom API block), a valid signature
// proves that a request came through Alloy, not that it concerns your
// account: use Verify as one layer, with Alloy's egress IP allow-list and
// a check through the API before acting on an event.
//
// A request with a bad signature costs two RSA verifications and one
// SHA-256 pass over the body per message: 10 messages for a typical
// request (one target form, one host, a body already compact), at most 93
// (3 prefixes × 10 targets × 3 bodies, plus 3); bound the body size
// (Handler does).
type Verifier struct {
	pub *rsa.PublicKey
}

// NewVerifier returns a Verifier for Alloy's public key (see PublicKeyURL
// and ParsePublicKey).
func NewVerifier(pub *rsa.PublicKey) *Verifier {
	return &Verifier{pub: pub}
}

// Verify reports whether the X-Alloy-Signature of r is a signature by the
// Verifier's key of r with body (the raw body bytes, which the caller has
// read from r.Body). It returns nil on success, ErrNoSignature when the
// header is missing or empty, and an error matching ErrBadSignature when
// no form verifies; see Verifier for the forms tried. The error never
// contains the signature or the body.
func (v *Verifier) Verify(r *http.Request, body []byte) error {
	if v == nil || v.pub == nil || v.pub.N == nil {
		return errors.New("alloy: webhook: verifier has no public key")
	}
	if r == nil {
		return errors.New("alloy: webhook: verify: nil request")
	}
	sigs, present := v.signatures(r.Header)
	if !present {
		return ErrNoSignature
	}
	if len(sigs) == 0 {
		return fmt.Errorf("%w: %s is not hex or base64 of a %d-byte RSA signature", ErrBadSignature, SignatureHeader, v.pub.Size())
	}
	pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto, Hash: crypto.SHA256}
	for _, c := range candidates(r, body) {
		digest := c.digest()
		// crypto/rsa compares the recovered encoding in constant time;
		// nothing secret is compared here.
		for _, sig := range sigs {
			if rsa.VerifyPKCS1v15(v.pub, crypto.SHA256, digest, sig) == nil {
				return nil
			}
		}
		for _, sig := range sigs {
			if rsa.VerifyPSS(v.pub, crypto.SHA256, digest, sig, pss) == nil {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: no signed form of the request matches", ErrBadSignature)
}

// signatures decodes every X-Alloy-Signature value into the distinct
// byte strings of the key's size; present is false when no value is
// non-blank.
func (v *Verifier) signatures(h http.Header) (sigs [][]byte, present bool) {
	size := v.pub.Size()
	values := h.Values(SignatureHeader)
	if len(values) > maxSignatureValues {
		values = values[:maxSignatureValues]
	}
	add := func(b []byte, err error) {
		if err != nil || len(b) != size {
			return
		}
		for _, s := range sigs {
			if bytes.Equal(s, b) {
				return
			}
		}
		sigs = append(sigs, b)
	}
	for _, s := range values {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		present = true
		if len(s) > 4*size { // longer than any encoding of size bytes
			continue
		}
		if len(s) == 2*size {
			add(hex.DecodeString(s))
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			add(enc.DecodeString(s))
		}
	}
	return sigs, present
}

// candidate is one reading of the signed message: prefix + target + body.
type candidate struct {
	prefix, target string
	body           []byte
}

func (c candidate) digest() []byte {
	h := sha256.New()
	h.Write([]byte(c.prefix))
	h.Write([]byte(c.target))
	h.Write(c.body)
	return h.Sum(nil)
}

// String is the message, for tests.
func (c candidate) String() string { return c.prefix + c.target + string(c.body) }

// candidates lists the messages Verify tries, in order, without
// duplicates; see Verifier.
func candidates(r *http.Request, body []byte) []candidate {
	bodies := [][]byte{body}
	addBody := func(b []byte) {
		for _, have := range bodies {
			if bytes.Equal(have, b) {
				return
			}
		}
		bodies = append(bodies, b)
	}
	if json.Valid(body) {
		var buf bytes.Buffer
		if json.Compact(&buf, body) == nil {
			addBody(buf.Bytes())
		}
		if s, ok := jsRespelled(body); ok {
			addBody(s)
		}
	}

	var targets []string
	addTarget := func(t string) {
		if t != "" && !slices.Contains(targets, t) {
			targets = append(targets, t)
		}
	}
	var paths []string // path-and-query forms
	if strings.HasPrefix(r.RequestURI, "/") {
		paths = append(paths, r.RequestURI)
	}
	if r.URL != nil {
		if p := r.URL.RequestURI(); strings.HasPrefix(p, "/") && !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	for _, p := range paths {
		addTarget(p)
	}
	for _, host := range hosts(r) {
		for _, scheme := range schemes(r) {
			for _, p := range paths {
				addTarget(scheme + "://" + host + p)
			}
		}
	}
	if strings.Contains(r.RequestURI, "://") { // absolute-form request target
		addTarget(r.RequestURI)
	}

	var prefixes []string
	for _, p := range []string{r.Method, strings.ToLower(r.Method), ""} {
		if !slices.Contains(prefixes, p) {
			prefixes = append(prefixes, p)
		}
	}

	out := make([]candidate, 0, len(targets)*len(prefixes)*len(bodies)+len(bodies))
	for _, t := range targets {
		for _, p := range prefixes {
			for _, b := range bodies {
				out = append(out, candidate{prefix: p, target: t, body: b})
			}
		}
	}
	for _, b := range bodies {
		out = append(out, candidate{body: b})
	}
	return out
}

// schemes is the request's scheme, then the other of http and https.
func schemes(r *http.Request) []string {
	primary := "http"
	switch {
	case r.TLS != nil:
		primary = "https"
	case strings.EqualFold(firstValue(r.Header.Get("X-Forwarded-Proto")), "https"):
		primary = "https"
	case r.URL != nil && strings.EqualFold(r.URL.Scheme, "https"):
		primary = "https"
	}
	if primary == "https" {
		return []string{"https", "http"}
	}
	return []string{"http", "https"}
}

// hosts is r.Host (else r.URL.Host), then X-Forwarded-Host.
func hosts(r *http.Request) []string {
	var out []string
	add := func(h string) {
		if h != "" && !strings.ContainsAny(h, "/?#@ \t\r\n") && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	if r.Host != "" {
		add(r.Host)
	} else if r.URL != nil {
		add(r.URL.Host)
	}
	add(firstValue(r.Header.Get("X-Forwarded-Host")))
	return out
}

// firstValue is the first element of a comma-separated header, trimmed.
func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}
