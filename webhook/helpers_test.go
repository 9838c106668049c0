package webhook

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// SharedTestKey is the one 2048-bit key of this test binary, generated on
// first use; the external example tests use it too.
var SharedTestKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// signWith signs SHA-256(msg) with the shared key.
func signWith(t testing.TB, msg []byte, pss bool) []byte {
	t.Helper()
	d := sha256.Sum256(msg)
	var sig []byte
	var err error
	if pss {
		sig, err = rsa.SignPSS(rand.Reader, SharedTestKey(), crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	} else {
		sig, err = rsa.SignPKCS1v15(nil, SharedTestKey(), crypto.SHA256, d[:])
	}
	require.NoError(t, err)
	return sig
}

// newRequest builds a request as a server receives it: a path-form
// request target, Host, and TLS when tls is set.
func newRequest(method, host, target string, tls bool, body string) *http.Request {
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, scheme+host+target, rd)
	r.RequestURI = target
	if !tls {
		r.TLS = nil
	}
	return r
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}
