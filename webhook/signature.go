package webhook

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
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

// Bounds on the work Verify does per request; see Verifier.
const (
	// maxSignatureValues caps how many X-Alloy-Signature headers are tried.
	maxSignatureValues = 4
	// maxHashedBytes caps the message bytes hashed per request.
	maxHashedBytes = 8 << 20
	// maxRespelledBody is the largest body whose JSON.stringify form is
	// tried.
	maxRespelledBody = 64 << 10
)

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
// Padding: PKCS #1 v1.5, or PSS with the salt length read from the
// signature; SHA-256 in both.
//
// Message: prefix + target + body. The readings Alloy's pages give come
// first: the method as received ("POST", as documented) with the request
// target as received (r.RequestURI, which is Express's request.url); the
// method in lower case ("post", as a Node HTTP client such as axios holds
// it) with the absolute URL (first scheme and host below); the body alone.
// Then every other combination of
//   - target: r.RequestURI and r.URL.RequestURI() when it differs; then
//     the absolute URL scheme://host + that path and query, host being
//     r.Host and then X-Forwarded-Host, scheme being https when r.TLS is
//     set or X-Forwarded-Proto says so (else http) and then the other one;
//     an absolute-form request target as received;
//   - prefix: the method as received, in lower case, and no method.
//
// Each of these with every form of the body: the raw bytes; when the body
// is valid JSON, json.Compact of it; and the body as
// JSON.stringify(JSON.parse(body)) writes it, when that is a mere
// re-spelling (below) of a body of at most 64 KiB.
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
// # Cost
//
// Verify first recovers what each distinct signature signs, with one RSA
// public-key operation each (at most 4), and rejects at once a request
// none of whose signatures is one by the key, whatever its body. Only a
// genuine signature of some other message (any Alloy customer can obtain
// some) leads to hashing: messages are hashed in the order above until
// 8 MiB have been, which covers every form of a body up to 64 KiB and
// the three documented readings of a body up to 1 MiB (the Handler's
// default limit), for request targets of ordinary length. A rejected
// request therefore costs at most 4 RSA public-key operations, two linear
// passes over the body (for its compacted form, and for its re-spelled
// form up to 64 KiB) and SHA-256 over at most 8 MiB. A form that a
// signature claims is then checked (json.Valid, or a JSON.stringify
// re-serialisation of at most 64 KiB) and verified by crypto/rsa, which
// alone decides. Measured on 2 vCPUs: about 50 µs per signature value
// that is not the key's, whatever the body; with a genuine signature of
// another message, 0.6 to 3.5 ms for a 64 KiB body and 7 to 9 ms for
// 1 MiB (BenchmarkVerifyReject).
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
// no form verifies; see Verifier for the forms tried and the work bound.
// The error never contains the signature or the body.
func (v *Verifier) Verify(r *http.Request, body []byte) error {
	return v.verify(r, body, nil)
}

// verifyWork counts what one Verify did, for the tests of its bound.
type verifyWork struct {
	publicOps   int // RSA public-key operations to read the signatures
	messages    int // messages hashed
	hashedBytes int // their total length
	rsaVerifies int // verifications by crypto/rsa
}

func (v *Verifier) verify(r *http.Request, body []byte, work *verifyWork) error {
	if work == nil {
		work = &verifyWork{}
	}
	if v == nil || v.pub == nil || v.pub.N == nil || v.pub.N.Sign() <= 0 || v.pub.E <= 0 {
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
	claims := v.claims(sigs)
	work.publicOps = len(sigs)
	if len(claims) == 0 {
		return fmt.Errorf("%w: %s is not a signature by the key", ErrBadSignature, SignatureHeader)
	}
	for _, c := range candidates(r, body) {
		n := len(c.prefix) + len(c.target) + len(c.body)
		if work.hashedBytes+n > maxHashedBytes {
			break
		}
		work.messages++
		work.hashedBytes += n
		digest := c.digest()
		for _, cl := range claims {
			// crypto/rsa decides; a claim only spares it the candidates
			// that cannot verify.
			if !cl.matches(digest) || !c.standsFor(body) {
				continue
			}
			work.rsaVerifies++
			if cl.verify(v.pub, digest) {
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

// claim is what one signature says about the message it signs, read with
// the public key: the SHA-256 digest of a PKCS #1 v1.5 signature, or the
// hash and salt of a PSS one.
type claim struct {
	sig     []byte
	pkcs1   []byte // the digest; nil when sig is not PKCS #1 v1.5
	pss     bool
	pssHash []byte // H of RFC 8017 9.1.2: SHA-256(8 zero bytes || digest || salt)
	pssSalt []byte
}

// claims keeps the signatures that are a PKCS #1 v1.5 or PSS encoding
// under the key, with what each claims. It is a filter: verify decides.
func (v *Verifier) claims(sigs [][]byte) []claim {
	k := v.pub.Size()
	e := big.NewInt(int64(v.pub.E))
	var out []claim
	for _, sig := range sigs {
		s := new(big.Int).SetBytes(sig)
		if s.Cmp(v.pub.N) >= 0 {
			continue
		}
		em := new(big.Int).Exp(s, e, v.pub.N).FillBytes(make([]byte, k))
		c := claim{sig: sig, pkcs1: pkcs1Digest(em)}
		c.pssHash, c.pssSalt, c.pss = pssParts(em, v.pub.N.BitLen()-1)
		if c.pkcs1 != nil || c.pss {
			out = append(out, c)
		}
	}
	return out
}

// matches reports whether the claim is about a message with this digest.
func (c claim) matches(digest []byte) bool {
	if c.pkcs1 != nil && bytes.Equal(c.pkcs1, digest) {
		return true
	}
	if !c.pss {
		return false
	}
	h := sha256.New()
	h.Write(make([]byte, 8))
	h.Write(digest)
	h.Write(c.pssSalt)
	return bytes.Equal(h.Sum(nil), c.pssHash)
}

// verify checks the signature over digest with crypto/rsa, PKCS #1 v1.5
// then PSS; crypto/rsa compares in constant time, and nothing secret is
// compared here.
func (c claim) verify(pub *rsa.PublicKey, digest []byte) bool {
	if c.pkcs1 != nil && rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, c.sig) == nil {
		return true
	}
	return c.pss && rsa.VerifyPSS(pub, crypto.SHA256, digest, c.sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto, Hash: crypto.SHA256}) == nil
}

// sha256DigestInfo is the DER prefix of a SHA-256 DigestInfo (RFC 8017
// 9.2, note 1).
var sha256DigestInfo = []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}

// pkcs1Digest returns the digest in em when em is an EMSA-PKCS1-v1_5
// encoding of a SHA-256 digest: 00 01 FF...FF 00 DigestInfo digest.
func pkcs1Digest(em []byte) []byte {
	tLen := len(sha256DigestInfo) + sha256.Size
	k := len(em)
	if k < tLen+11 || em[0] != 0 || em[1] != 1 || em[k-tLen-1] != 0 {
		return nil
	}
	for _, b := range em[2 : k-tLen-1] {
		if b != 0xff {
			return nil
		}
	}
	if !bytes.Equal(em[k-tLen:k-sha256.Size], sha256DigestInfo) {
		return nil
	}
	return em[k-sha256.Size:]
}

// pssParts reads an EMSA-PSS encoding with SHA-256 and MGF1-SHA-256 (RFC
// 8017 9.1.2, steps 3 to 10, the salt length found from the 0x01
// delimiter as crypto/rsa's PSSSaltLengthAuto does): H and the salt.
func pssParts(em []byte, emBits int) (h, salt []byte, ok bool) {
	const hLen = sha256.Size
	emLen := (emBits + 7) / 8
	for len(em) > emLen {
		if em[0] != 0 {
			return nil, nil, false
		}
		em = em[1:]
	}
	if emLen < hLen+2 || len(em) != emLen || em[emLen-1] != 0xbc {
		return nil, nil, false
	}
	bitMask := byte(0xff >> (8*emLen - emBits))
	if em[0]&^bitMask != 0 {
		return nil, nil, false
	}
	h = em[emLen-hLen-1 : emLen-1]
	db := bytes.Clone(em[:emLen-hLen-1])
	mgf1XOR(db, h)
	db[0] &= bitMask
	psLen := bytes.IndexByte(db, 0x01)
	if psLen < 0 {
		return nil, nil, false
	}
	for _, b := range db[:psLen] {
		if b != 0 {
			return nil, nil, false
		}
	}
	return h, db[psLen+1:], true
}

// mgf1XOR XORs out with MGF1-SHA-256(seed) (RFC 8017 B.2.1).
func mgf1XOR(out, seed []byte) {
	var counter [4]byte
	for done := 0; done < len(out); {
		h := sha256.New()
		h.Write(seed)
		h.Write(counter[:])
		for _, b := range h.Sum(nil) {
			if done == len(out) {
				break
			}
			out[done] ^= b
			done++
		}
		binary.BigEndian.PutUint32(counter[:], binary.BigEndian.Uint32(counter[:])+1)
	}
}

// candidate is one reading of the signed message: prefix + target + body.
type candidate struct {
	prefix, target string
	body           []byte
	form           bodyForm
}

// bodyForm is how a candidate's body was made from the received one.
type bodyForm int

const (
	// rawBody is the body as received.
	rawBody bodyForm = iota
	// compactedBody is compactJSON of the body, which stands for it only
	// when the body is valid JSON.
	compactedBody
	// respelledBody is respell of the compacted body, which stands for it
	// only when it is what jsRespelled returns.
	respelledBody
)

func (c candidate) digest() []byte {
	h := sha256.New()
	h.Write([]byte(c.prefix))
	h.Write([]byte(c.target))
	h.Write(c.body)
	return h.Sum(nil)
}

// standsFor reports whether the candidate's body may stand for the
// received body (see Verifier); it runs only for a candidate a signature
// claims, so a rejected request never pays for it.
func (c candidate) standsFor(body []byte) bool {
	switch c.form {
	case compactedBody:
		return json.Valid(body)
	case respelledBody:
		s, ok := jsRespelled(body)
		return ok && bytes.Equal(s, c.body)
	}
	return true
}

// String is the message, for tests.
func (c candidate) String() string { return c.prefix + c.target + string(c.body) }

// candidates lists the messages Verify tries, in order, without
// duplicates; see Verifier.
func candidates(r *http.Request, body []byte) []candidate {
	forms := []candidate{{body: body, form: rawBody}}
	compact := compactJSON(body)
	if len(compact) < len(body) {
		forms = append(forms, candidate{body: compact, form: compactedBody})
	}
	if len(body) <= maxRespelledBody {
		if s, ok := respell(compact); ok && !bytes.Equal(s, compact) {
			forms = append(forms, candidate{body: s, form: respelledBody})
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
	var targets []string
	addTarget := func(t string) {
		if t != "" && !slices.Contains(targets, t) {
			targets = append(targets, t)
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

	type head struct{ prefix, target string }
	var heads []head
	addHead := func(prefix, target string) {
		if h := (head{prefix, target}); !slices.Contains(heads, h) {
			heads = append(heads, h)
		}
	}
	// The documented readings first, so that the hashing budget never
	// cuts them for a body the Handler accepts by default.
	if len(paths) > 0 {
		addHead(r.Method, paths[0])
		if hs := hosts(r); len(hs) > 0 {
			addHead(strings.ToLower(r.Method), schemes(r)[0]+"://"+hs[0]+paths[0])
		}
	}
	addHead("", "")
	for _, t := range targets {
		for _, p := range prefixes {
			addHead(p, t)
		}
	}

	out := make([]candidate, 0, len(heads)*len(forms))
	for _, h := range heads {
		for _, f := range forms {
			f.prefix, f.target = h.prefix, h.target
			out = append(out, f)
		}
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
