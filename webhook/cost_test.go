package webhook

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// worstRequest is a request where every variant Verify tries differs: two
// path forms, two hosts, and a body with three forms (raw, compacted,
// re-spelled); sigs are its X-Alloy-Signature values.
func worstRequest(size int, sigs ...string) (*http.Request, []byte) {
	body := bytes.Replace(benchBody(size, true), []byte(`"commerce/orders"`), []byte(`"commerce\/orders"`), 1)
	r := newRequest("POST", sigHost, "/hooks/é", true, "")
	r.Header.Set("X-Forwarded-Host", "pub.example")
	for _, s := range sigs {
		r.Header.Add(SignatureHeader, s)
	}
	return r, body
}

// TestVerifyWorkIsBounded checks the bound the Verifier documents by the
// work done, not by time.
func TestVerifyWorkIsBounded(t *testing.T) {
	t.Parallel()
	v := NewVerifier(&SharedTestKey().PublicKey)
	var foreign, garbage []string
	for i := range maxSignatureValues + 2 {
		foreign = append(foreign, hex.EncodeToString(signWith(t, fmt.Appendf(nil, "POST/hooks/alloy{\"other\":%d}", i), i%2 == 0)))
		g := make([]byte, 256)
		_, _ = rand.Read(g)
		g[0] &= 0x3f // below the modulus
		garbage = append(garbage, hex.EncodeToString(g))
	}

	t.Run("no signature by the key: no hashing, whatever the body", func(t *testing.T) {
		r, body := worstRequest(1<<20, garbage...)
		var work verifyWork
		require.ErrorIs(t, v.verify(r, body, &work), ErrBadSignature)
		assert.Equal(t, verifyWork{publicOps: maxSignatureValues}, work)
	})
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		t.Run(fmt.Sprintf("signatures of other messages, %d KiB", size>>10), func(t *testing.T) {
			r, body := worstRequest(size, foreign...)
			forms := 3
			if size > maxRespelledBody {
				forms = 2 // no JSON.stringify form
			}
			require.Equal(t, 31*forms, len(candidates(r, body)))
			var work verifyWork
			require.ErrorIs(t, v.verify(r, body, &work), ErrBadSignature)
			assert.Equal(t, maxSignatureValues, work.publicOps)
			assert.Zero(t, work.rsaVerifies, "crypto/rsa ran for a message no signature claims")
			assert.LessOrEqual(t, work.hashedBytes, maxHashedBytes)
			if size <= maxRespelledBody {
				assert.Equal(t, 93, work.messages, "every form of a body up to 64 KiB")
			} else {
				assert.GreaterOrEqual(t, work.messages, 3*2, "the documented readings of a 1 MiB body")
			}
		})
	}
}

// TestVerifyBudgetOrder: the documented readings of a 1 MiB body always
// verify; the other forms only while the hashing budget lasts.
func TestVerifyBudgetOrder(t *testing.T) {
	t.Parallel()
	v := NewVerifier(&SharedTestKey().PublicKey)
	for _, size := range []int{1 << 10, 1 << 20} {
		body := benchBody(size, true)
		compact := compactJSON(body)
		require.Less(t, len(compact), len(body))
		for _, b := range [][]byte{body, compact} {
			for _, head := range []string{"POST/hooks/alloy", "posthttps://" + sigHost + "/hooks/alloy", ""} {
				r := newRequest("POST", sigHost, "/hooks/alloy", true, "")
				r.Header.Set(SignatureHeader, hex.EncodeToString(signWith(t, append([]byte(head), b...), true)))
				assert.NoError(t, v.Verify(r, body), "%d bytes, %q", len(body), head)
			}
		}
		// The last form of all: within the budget for 1 KiB, not for 1 MiB.
		r := newRequest("POST", sigHost, "/hooks/alloy", true, "")
		r.Header.Set(SignatureHeader, hex.EncodeToString(signWith(t, append([]byte("http://"+sigHost+"/hooks/alloy"), compact...), false)))
		if size <= maxRespelledBody {
			assert.NoError(t, v.Verify(r, body))
		} else {
			assert.ErrorIs(t, v.Verify(r, body), ErrBadSignature)
		}
	}
	// Every form of a 64 KiB body, the last one included.
	r, body := worstRequest(64 << 10)
	cs := candidates(r, body)
	last := cs[len(cs)-1]
	require.Equal(t, respelledBody, last.form)
	r.Header.Set(SignatureHeader, hex.EncodeToString(signWith(t, []byte(last.String()), false)))
	var work verifyWork
	assert.NoError(t, v.verify(r, body, &work))
	assert.Equal(t, 93, work.messages)
	assert.Equal(t, 1, work.rsaVerifies)
}

// TestClaims: what a signature claims, read with the public key, agrees
// with crypto/rsa for PKCS #1 v1.5 and PSS with any salt length, also for
// a modulus whose length is not a multiple of 8 bits.
func TestClaims(t *testing.T) {
	t.Parallel()
	odd, err := rsa.GenerateKey(rand.Reader, 1025)
	require.NoError(t, err)
	for _, key := range []*rsa.PrivateKey{SharedTestKey(), odd} {
		v := NewVerifier(&key.PublicKey)
		digest := sha256.Sum256([]byte("message"))
		other := sha256.Sum256([]byte("other message"))
		sign := map[string]func() ([]byte, error){
			"PKCS1v15": func() ([]byte, error) { return rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:]) },
		}
		for _, salt := range []int{0, 20, sha256.Size, rsa.PSSSaltLengthAuto} {
			sign[fmt.Sprintf("PSS salt %d", salt)] = func() ([]byte, error) {
				return rsa.SignPSS(rand.Reader, key, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: salt})
			}
		}
		for name, fn := range sign {
			t.Run(fmt.Sprintf("%d bits/%s", key.N.BitLen(), name), func(t *testing.T) {
				sig, err := fn()
				require.NoError(t, err)
				claims := v.claims([][]byte{sig})
				require.Len(t, claims, 1)
				assert.True(t, claims[0].matches(digest[:]))
				assert.False(t, claims[0].matches(other[:]))
				assert.True(t, claims[0].verify(&key.PublicKey, digest[:]))
			})
		}
		garbage := make([]byte, key.Size())
		_, _ = rand.Read(garbage)
		garbage[0] = 0
		aboveModulus := bytes.Repeat([]byte{0xff}, key.Size())
		assert.Empty(t, v.claims([][]byte{garbage, aboveModulus}))
	}
}
