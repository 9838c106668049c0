package webhook

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
)

// benchBody is a JSON object of at most (and nearly) size bytes: an envelope around
// an array of small records, with many tokens as a real event has;
// indented when pretty is set, so that its compacted form differs.
func benchBody(size int, pretty bool) []byte {
	type record struct {
		ID       string  `json:"id"`
		Number   int     `json:"number"`
		Total    float64 `json:"total"`
		Currency string  `json:"currency"`
		Paid     bool    `json:"paid"`
	}
	marshal := func(n int) []byte {
		recs := make([]record, n)
		for i := range recs {
			recs[i] = record{fmt.Sprintf("o_%d", i), i, float64(i) + 0.5, "EUR", i%2 == 0}
		}
		env := map[string]any{"topic": "commerce/orders", "connectionId": "conn_1", "data": recs}
		if pretty {
			b, _ := json.MarshalIndent(env, "", "  ")
			return b
		}
		b, _ := json.Marshal(env)
		return b
	}
	n := size / 64
	b := marshal(n)
	for len(b) > size {
		n = n * size / len(b)
		b = marshal(n)
	}
	return b
}

// BenchmarkVerifyReject measures the CPU one rejected request costs, for
// bodies of 1 KiB, 64 KiB and 1 MiB:
//   - compact: a compact JSON body, a request with one target form;
//   - indented: the same body indented, so that it has a compacted form;
//   - worst: indented with an escape JSON.stringify spells differently,
//     so that it has three forms, and a request with two path forms, two
//     hosts and four signature values: every variant Verify tries;
//
// each with signatures by the key of another message (what any Alloy
// customer can obtain) or random bytes below the modulus.
func BenchmarkVerifyReject(b *testing.B) {
	v := NewVerifier(&SharedTestKey().PublicKey)
	var foreign, garbage []string
	for i := range maxSignatureValues {
		foreign = append(foreign, hex.EncodeToString(signWith(b, fmt.Appendf(nil, `POST/hooks/alloy{"other":%d}`, i), false)))
		g := make([]byte, SharedTestKey().PublicKey.Size())
		_, _ = rand.Read(g)
		g[0] &= 0x3f // below the modulus, so that it is read with the key
		garbage = append(garbage, hex.EncodeToString(g))
	}
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		for _, shape := range []string{"compact", "indented", "worst"} {
			body := benchBody(size, shape != "compact")
			if shape == "worst" {
				body = bytes.Replace(body, []byte(`"commerce/orders"`), []byte(`"commerce\/orders"`), 1)
			}
			for _, sigName := range []string{"foreign", "garbage"} {
				sigs := map[string][]string{"foreign": foreign, "garbage": garbage}[sigName]
				b.Run(fmt.Sprintf("%dKiB/%s/%s", size>>10, shape, sigName), func(b *testing.B) {
					r := newRequest("POST", sigHost, "/hooks/alloy", true, "")
					r.Header.Set(SignatureHeader, sigs[0])
					if shape == "worst" {
						r = newRequest("POST", sigHost, "/hooks/é", true, "")
						r.Header.Set("X-Forwarded-Host", "pub.example")
						for _, s := range sigs {
							r.Header.Add(SignatureHeader, s)
						}
					}
					b.SetBytes(int64(len(body)))
					for b.Loop() {
						if v.Verify(r, body) == nil {
							b.Fatal("verified")
						}
					}
				})
			}
		}
	}
}
