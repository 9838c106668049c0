package webhook

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	sigHost   = "hooks.acme.example"
	sigTarget = "/hooks/alloy?tenant=acme&x=%2F"
	// sigBody is pretty-printed, so the raw and compacted forms differ.
	sigBody = "{\n  \"userId\": \"u_1\",\n  \"credentialId\": \"cred_9\"\n}"
)

var sigEncodings = []struct {
	name string
	enc  func([]byte) string
}{
	{"hex", hex.EncodeToString},
	{"HEX", func(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }},
	{"base64", base64.StdEncoding.EncodeToString},
	{"base64 unpadded", base64.RawStdEncoding.EncodeToString},
	{"base64url", base64.URLEncoding.EncodeToString},
	{"base64url unpadded", base64.RawURLEncoding.EncodeToString},
}

func compactBody(t testing.TB, b string) string {
	t.Helper()
	out, ok := jsStringify([]byte(b))
	require.True(t, ok)
	return string(out)
}

// TestVerifyAcceptedForms signs every documented reading and checks that
// each verifies.
func TestVerifyAcceptedForms(t *testing.T) {
	t.Parallel()
	v := NewVerifier(&SharedTestKey().PublicKey)
	compact := compactBody(t, sigBody)
	require.NotEqual(t, sigBody, compact)

	targets := map[string]string{
		"path+query":   sigTarget,
		"absolute URL": "https://" + sigHost + sigTarget,
	}
	bodies := map[string]string{"raw body": sigBody, "compacted body": compact}
	for tName, target := range targets {
		for bName, body := range bodies {
			for _, pss := range []bool{false, true} {
				for _, prefix := range []string{"POST", "post", ""} {
					msg := prefix + target + body
					sig := signWith(t, []byte(msg), pss)
					for _, enc := range sigEncodings {
						name := fmt.Sprintf("%s/%s/pss=%v/prefix=%q/%s", tName, bName, pss, prefix, enc.name)
						t.Run(name, func(t *testing.T) {
							r := newRequest("POST", sigHost, sigTarget, true, sigBody)
							r.Header.Set(SignatureHeader, enc.enc(sig))
							assert.NoError(t, v.Verify(r, []byte(sigBody)))
						})
					}
				}
			}
		}
	}
	for _, body := range []string{sigBody, compact} {
		for _, pss := range []bool{false, true} {
			t.Run(fmt.Sprintf("body alone/pss=%v/%d", pss, len(body)), func(t *testing.T) {
				r := newRequest("POST", sigHost, sigTarget, true, sigBody)
				r.Header.Set(SignatureHeader, hex.EncodeToString(signWith(t, []byte(body), pss)))
				assert.NoError(t, v.Verify(r, []byte(sigBody)))
			})
		}
	}
}

func TestVerifyURLForms(t *testing.T) {
	t.Parallel()
	v := NewVerifier(&SharedTestKey().PublicKey)
	body := `{"userId":"u_1"}`
	sign := func(msg string) string { return hex.EncodeToString(signWith(t, []byte(msg), false)) }

	t.Run("https from X-Forwarded-Proto behind a TLS proxy", func(t *testing.T) {
		r := newRequest("POST", sigHost, "/hooks/alloy", false, body)
		r.Header.Set("X-Forwarded-Proto", "https, http")
		r.Header.Set(SignatureHeader, sign("POSThttps://"+sigHost+"/hooks/alloy"+body))
		assert.NoError(t, v.Verify(r, []byte(body)))
	})
	t.Run("https without any hint is still tried", func(t *testing.T) {
		r := newRequest("POST", sigHost, "/hooks/alloy", false, body)
		r.Header.Set(SignatureHeader, sign("POSThttps://"+sigHost+"/hooks/alloy"+body))
		assert.NoError(t, v.Verify(r, []byte(body)))
	})
	t.Run("http", func(t *testing.T) {
		r := newRequest("POST", sigHost+":8080", "/hooks/alloy", false, body)
		r.Header.Set(SignatureHeader, sign("POSThttp://"+sigHost+":8080/hooks/alloy"+body))
		assert.NoError(t, v.Verify(r, []byte(body)))
	})
	t.Run("X-Forwarded-Host", func(t *testing.T) {
		r := newRequest("POST", "internal:8080", "/hooks/alloy", false, body)
		r.Header.Set("X-Forwarded-Host", sigHost)
		r.Header.Set(SignatureHeader, sign("POSThttps://"+sigHost+"/hooks/alloy"+body))
		assert.NoError(t, v.Verify(r, []byte(body)))
	})
	t.Run("request target as received", func(t *testing.T) {
		// r.URL.RequestURI() re-escapes; r.RequestURI is the raw target.
		r := newRequest("POST", sigHost, "/hooks/café?q=1", false, body)
		require.Equal(t, "/hooks/caf%C3%A9?q=1", r.URL.RequestURI())
		r.Header.Set(SignatureHeader, sign("POST/hooks/café?q=1"+body))
		assert.NoError(t, v.Verify(r, []byte(body)))
		r.Header.Set(SignatureHeader, sign("POSThttp://"+sigHost+"/hooks/caf%C3%A9?q=1"+body))
		assert.NoError(t, v.Verify(r, []byte(body)))
	})
	t.Run("JSON.stringify form of a re-formatted body", func(t *testing.T) {
		// Only whitespace and escapes differ, so every decoder reads the
		// same; see TestVerifyBindsEvent for the changes that do not verify.
		sent := `{"1": 0, "2": 0, "name": "Caf\u00e9 \/ shop", "amount": 10, "big": 1e+21}`
		r := newRequest("POST", sigHost, "/hooks/alloy", true, sent)
		r.Header.Set(SignatureHeader, sign(`POST/hooks/alloy{"1":0,"2":0,"name":"Café / shop","amount":10,"big":1e+21}`))
		assert.NoError(t, v.Verify(r, []byte(sent)))
	})
	t.Run("several header values", func(t *testing.T) {
		r := newRequest("POST", sigHost, "/hooks/alloy", true, body)
		r.Header.Add(SignatureHeader, "garbage")
		r.Header.Add(SignatureHeader, "  "+sign("POST/hooks/alloy"+body)+"\t")
		assert.NoError(t, v.Verify(r, []byte(body)))
	})
	t.Run("empty body", func(t *testing.T) {
		r := newRequest("POST", sigHost, "/hooks/alloy", true, "")
		r.Header.Set(SignatureHeader, sign("POST/hooks/alloy"))
		assert.NoError(t, v.Verify(r, nil))
	})
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	v := NewVerifier(&SharedTestKey().PublicKey)
	body := `{"userId":"u_1","credentialId":"cred_9"}`
	good := signWith(t, []byte("POST/hooks/alloy"+body), false)
	goodPSS := signWith(t, []byte("POST/hooks/alloy"+body), true)
	nodeKey, err := ParsePublicKey(readTestdata(t, "node_public_key.pem"))
	require.NoError(t, err)

	tests := []struct {
		name, target, body string
		method             string
		sig                []string // header values; nil: no header
		verifier           *Verifier
		want               error
	}{
		{name: "wrong key", sig: []string{hex.EncodeToString(good)}, verifier: NewVerifier(nodeKey), want: ErrBadSignature},
		{name: "tampered body", body: `{"userId":"u_2","credentialId":"cred_9"}`, sig: []string{hex.EncodeToString(good)}, want: ErrBadSignature},
		{name: "tampered body, PSS", body: `{"userId":"u_1","credentialId":"cred_8"}`, sig: []string{base64.StdEncoding.EncodeToString(goodPSS)}, want: ErrBadSignature},
		{name: "tampered path", target: "/hooks/alloy2", sig: []string{hex.EncodeToString(good)}, want: ErrBadSignature},
		{name: "added query", target: "/hooks/alloy?x=1", sig: []string{hex.EncodeToString(good)}, want: ErrBadSignature},
		{name: "other method", method: "PUT", sig: []string{hex.EncodeToString(good)}, want: ErrBadSignature},
		{name: "bad encoding", sig: []string{"not a signature!"}, want: ErrBadSignature},
		{name: "hex of the wrong length", sig: []string{hex.EncodeToString(good[:255])}, want: ErrBadSignature},
		{name: "truncated hex", sig: []string{hex.EncodeToString(good)[:511]}, want: ErrBadSignature},
		{name: "truncated base64", sig: []string{base64.StdEncoding.EncodeToString(good)[:300]}, want: ErrBadSignature},
		{name: "flipped bit", sig: []string{hex.EncodeToString(append([]byte{good[0] ^ 1}, good[1:]...))}, want: ErrBadSignature},
		{name: "huge header", sig: []string{strings.Repeat("a", 1<<16)}, want: ErrBadSignature},
		{name: "empty header", sig: []string{""}, want: ErrNoSignature},
		{name: "blank headers", sig: []string{"  ", "\t"}, want: ErrNoSignature},
		{name: "no header", want: ErrNoSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, b, method, ver := "/hooks/alloy", body, "POST", v
			if tt.target != "" {
				target = tt.target
			}
			if tt.body != "" {
				b = tt.body
			}
			if tt.method != "" {
				method = tt.method
			}
			if tt.verifier != nil {
				ver = tt.verifier
			}
			r := newRequest(method, sigHost, target, true, b)
			for _, s := range tt.sig {
				r.Header.Add(SignatureHeader, s)
			}
			err := ver.Verify(r, []byte(b))
			require.ErrorIs(t, err, tt.want)
			if tt.want == ErrBadSignature {
				assert.NotErrorIs(t, err, ErrNoSignature)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "alloy: webhook: "), err.Error())
			assert.NotContains(t, err.Error(), "u_1")
			for _, s := range tt.sig {
				if len(s) > 8 {
					assert.NotContains(t, err.Error(), s)
				}
			}
		})
	}
}

func TestVerifyBadVerifier(t *testing.T) {
	t.Parallel()
	r := newRequest("POST", sigHost, "/hooks/alloy", true, "{}")
	r.Header.Set(SignatureHeader, "ab")
	for _, v := range []*Verifier{nil, NewVerifier(nil), NewVerifier(&rsa.PublicKey{})} {
		err := v.Verify(r, nil)
		require.Error(t, err)
		assert.NotErrorIs(t, err, ErrBadSignature)
		assert.NotErrorIs(t, err, ErrNoSignature)
	}
	assert.Error(t, NewVerifier(&SharedTestKey().PublicKey).Verify(nil, nil))
}

// TestCandidates pins the messages tried, in order, for a typical request
// and for one where every variant differs.
func TestCandidates(t *testing.T) {
	t.Parallel()
	strs := func(cs []candidate) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.String()
		}
		return out
	}
	r := newRequest("POST", sigHost, "/hooks/alloy", true, `{"a":1}`)
	assert.Equal(t, []string{
		// The documented readings first.
		`POST/hooks/alloy{"a":1}`,
		`posthttps://hooks.acme.example/hooks/alloy{"a":1}`,
		`{"a":1}`,
		// Then the other combinations.
		`post/hooks/alloy{"a":1}`,
		`/hooks/alloy{"a":1}`,
		`POSThttps://hooks.acme.example/hooks/alloy{"a":1}`,
		`https://hooks.acme.example/hooks/alloy{"a":1}`,
		`POSThttp://hooks.acme.example/hooks/alloy{"a":1}`,
		`posthttp://hooks.acme.example/hooks/alloy{"a":1}`,
		`http://hooks.acme.example/hooks/alloy{"a":1}`,
	}, strs(candidates(r, []byte(`{"a":1}`))))

	// Every variant differs: two path forms, two hosts, three bodies.
	r = newRequest("POST", "internal", "/é?q", false, "")
	r.Header.Set("X-Forwarded-Host", "pub.example")
	r.Header.Set("X-Forwarded-Proto", "https")
	body := `{ "a": "\u00e9" }`
	cs := strs(candidates(r, []byte(body)))
	targets := 2 + 2*2*2 // path forms + hosts × schemes × path forms
	assert.Len(t, cs, (targets*3+1)*3)
	assert.Equal(t, []string{
		`POST/é?q{ "a": "\u00e9" }`, `POST/é?q{"a":"\u00e9"}`, `POST/é?q{"a":"é"}`,
		`posthttps://internal/é?q{ "a": "\u00e9" }`, `posthttps://internal/é?q{"a":"\u00e9"}`, `posthttps://internal/é?q{"a":"é"}`,
		`{ "a": "\u00e9" }`, `{"a":"\u00e9"}`, `{"a":"é"}`,
		`post/é?q{ "a": "\u00e9" }`,
	}, cs[:10])
	assert.Equal(t, `POST/%C3%A9?q{ "a": "\u00e9" }`, cs[15])
	assert.Equal(t, `POSThttps://internal/é?q{ "a": "\u00e9" }`, cs[24])
	assert.Contains(t, cs, `POSThttps://pub.example/é?q{"a":"é"}`)
	assert.Contains(t, cs, `posthttp://internal/%C3%A9?q{ "a": "\u00e9" }`)
	assert.Equal(t, `http://pub.example/%C3%A9?q{"a":"é"}`, cs[len(cs)-1])
	seen := map[string]bool{}
	for _, c := range cs {
		assert.False(t, seen[c], "duplicate %q", c)
		seen[c] = true
	}

	// A body JSON.stringify would change beyond its spelling has two
	// forms only; one without whitespace or escapes has one.
	r = newRequest("POST", sigHost, "/hooks/alloy", true, "")
	assert.Equal(t, []string{`POST/hooks/alloy{ "a": 1.0 }`, `POST/hooks/alloy{"a":1.0}`}, strs(candidates(r, []byte(`{ "a": 1.0 }`)))[:2])
	assert.Len(t, candidates(r, []byte(`{ "a": 1.0 }`)), 20)
	assert.Len(t, candidates(r, []byte(`{"a":"\n"}`)), 10)
}

// TestVerifyNodeSignatures checks signatures made by Node's crypto.sign
// over the message Alloy's documented snippet verifies
// (testdata/node_signatures.json, made by testdata/node_signatures.js with
// a throwaway key whose public half is node_public_key.pem). The cases
// marked not to verify are what the Verifier gives up: bodies whose
// JSON.stringify form changes a number literal.
func TestVerifyNodeSignatures(t *testing.T) {
	t.Parallel()
	pub, err := ParsePublicKey(readTestdata(t, "node_public_key.pem"))
	require.NoError(t, err)
	var cases []struct {
		Name, Method, Target, Host, Body, Signature string
		TLS, Verifies                               bool
	}
	require.NoError(t, json.Unmarshal(readTestdata(t, "node_signatures.json"), &cases))
	require.Len(t, cases, 5)
	v := NewVerifier(pub)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			r := newRequest(c.Method, c.Host, c.Target, c.TLS, c.Body)
			r.Header.Set(SignatureHeader, c.Signature)
			if !c.Verifies {
				assert.ErrorIs(t, v.Verify(r, []byte(c.Body)), ErrBadSignature)
				// The signature is Node's over the JSON.stringify form.
				sig, err := hex.DecodeString(c.Signature)
				require.NoError(t, err)
				js, ok := jsStringify([]byte(c.Body))
				require.True(t, ok)
				d := sha256.Sum256([]byte(c.Method + c.Target + string(js)))
				assert.NoError(t, rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig))
				return
			}
			assert.NoError(t, v.Verify(r, []byte(c.Body)))
			tampered := strings.Replace(c.Body, "u_1", "u_2", 1)
			require.NotEqual(t, c.Body, tampered)
			assert.ErrorIs(t, v.Verify(r, []byte(tampered)), ErrBadSignature)
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	t.Parallel()
	pub := &SharedTestKey().PublicKey
	pkixDER, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "alloy test"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<31, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, SharedTestKey())
	require.NoError(t, err)
	enc := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }

	for name, in := range map[string][]byte{
		"PKIX":                  enc("PUBLIC KEY", pkixDER),
		"PKCS#1":                enc("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(pub)),
		"certificate":           enc("CERTIFICATE", der),
		"after another block":   append(enc("EC PARAMETERS", []byte{6, 8, 42}), enc("PUBLIC KEY", pkixDER)...),
		"with surrounding text": append(append([]byte("Alloy public key\n"), enc("PUBLIC KEY", pkixDER)...), "\n-- end\n"...),
	} {
		got, err := ParsePublicKey(in)
		require.NoError(t, err, name)
		assert.True(t, pub.Equal(got), name)
	}

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)
	for name, in := range map[string][]byte{
		"empty":         nil,
		"not PEM":       []byte("hello"),
		"private key":   enc("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(SharedTestKey())),
		"ECDSA key":     enc("PUBLIC KEY", ecDER),
		"corrupt PKIX":  enc("PUBLIC KEY", pkixDER[:20]),
		"corrupt PKCS1": enc("RSA PUBLIC KEY", []byte{1, 2, 3}),
		"corrupt cert":  enc("CERTIFICATE", []byte{1, 2, 3}),
	} {
		got, err := ParsePublicKey(in)
		assert.Nil(t, got, name)
		require.Error(t, err, name)
		assert.True(t, strings.HasPrefix(err.Error(), "alloy: webhook: parse public key: "), err.Error())
	}
}

func TestJSStringify(t *testing.T) {
	t.Parallel()
	var vectors []struct{ In, Out string }
	require.NoError(t, json.Unmarshal(readTestdata(t, "jsstringify.json"), &vectors))
	require.NotEmpty(t, vectors)
	for _, v := range vectors {
		got, ok := jsStringify([]byte(v.In))
		require.True(t, ok, v.In)
		assert.Equal(t, v.Out, string(got), v.In)
	}
	for _, bad := range []string{``, `{`, `{"a":1}{"b":2}`, `1 2`, `{"a":}`, "\"\xff", `[1,]`} {
		_, ok := jsStringify([]byte(bad))
		assert.False(t, ok, bad)
	}
}

func BenchmarkVerifyBadSignature(b *testing.B) {
	v := NewVerifier(&SharedTestKey().PublicKey)
	body := []byte(`{"userId":"u_1","credentialId":"cred_9"}`)
	r := newRequest("POST", sigHost, "/hooks/alloy", true, string(body))
	d := sha256.Sum256([]byte("something else"))
	sig, _ := rsa.SignPKCS1v15(nil, SharedTestKey(), crypto.SHA256, d[:])
	r.Header.Set(SignatureHeader, hex.EncodeToString(sig))
	for b.Loop() {
		_ = v.Verify(r, body)
	}
}
