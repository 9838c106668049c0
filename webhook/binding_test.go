package webhook

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerifyBindsEvent: a delivery whose JSON.stringify form is what Alloy
// signed, but which a decoder reads differently from it, does not verify,
// in any signature form; before, the re-serialised form let it through
// and the callback saw a literal Alloy never signed.
func TestVerifyBindsEvent(t *testing.T) {
	t.Parallel()
	v := NewVerifier(&SharedTestKey().PublicKey)
	tests := []struct{ name, signed, received string }{
		{"1e2 delivered for a signed 100", `{"userId":"u_1","credentialId":100}`, `{"userId":"u_1","credentialId":1e2}`},
		{"an id beyond 2^53 delivered for its neighbour", `{"userId":"u_1","credentialId":9007199254740992}`, `{"userId":"u_1","credentialId":9007199254740993}`},
		{"1E2", `{"userId":"u_1","credentialId":100}`, `{"userId":"u_1","credentialId":1E2}`},
		{"trailing zeros", `{"userId":"u_1","credentialId":100}`, `{"userId":"u_1","credentialId":100.0}`},
		{"-0 for 0", `{"userId":"u_1","credentialId":0}`, `{"userId":"u_1","credentialId":-0}`},
		{"an overflow for null", `{"userId":"u_1","credentialId":null}`, `{"userId":"u_1","credentialId":1e400}`},
		{"whitespace as well", `{"userId":"u_1","credentialId":100}`, "{\n  \"userId\": \"u_1\",\n  \"credentialId\": 1e2\n}"},
		{"a repeated key", `{"userId":"u_1"}`, `{"userId":"u_evil","userId":"u_1"}`},
		{"members out of JavaScript's order", `{"1":"b","01":"a","userId":"u_1"}`, `{"01":"a","1":"b","userId":"u_1"}`},
		{"an escaped lone surrogate", "{\"userId\":\"u_1\uFFFD\"}", `{"userId":"u_1\ud800"}`},
		{"bytes that are not UTF-8", "{\"userId\":\"u_1\uFFFD\"}", "{\"userId\":\"u_1\xff\"}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js, ok := jsStringify([]byte(tt.received))
			require.True(t, ok)
			require.Equal(t, tt.signed, string(js), "the signed body is the delivery's JSON.stringify form")
			for _, msg := range []string{"POST/hooks/alloy" + tt.signed, tt.signed} {
				for _, pss := range []bool{false, true} {
					r := newRequest("POST", sigHost, "/hooks/alloy", true, tt.received)
					r.Header.Set(SignatureHeader, base64.StdEncoding.EncodeToString(signWith(t, []byte(msg), pss)))
					assert.ErrorIs(t, v.Verify(r, []byte(tt.received)), ErrBadSignature, "%s, pss=%v", msg, pss)
				}
			}
		})
	}

	// The other way round was already refused: a body JavaScript cannot
	// produce is signed over its own bytes, and a neighbour differs.
	r := newRequest("POST", sigHost, "/hooks/alloy", true, "")
	r.Header.Set(SignatureHeader, hex.EncodeToString(signWith(t, []byte(`POST/hooks/alloy{"userId":"u_1","credentialId":9007199254740993}`), false)))
	assert.ErrorIs(t, v.Verify(r, []byte(`{"userId":"u_1","credentialId":9007199254740992}`)), ErrBadSignature)
}

// TestVerifyAcceptsRespelledBodies: whitespace and the spelling of string
// escapes may differ from the signed form, since every decoder reads the
// same from both.
func TestVerifyAcceptsRespelledBodies(t *testing.T) {
	t.Parallel()
	v := NewVerifier(&SharedTestKey().PublicKey)
	tests := []struct{ name, signed, received string }{
		{"indented", `{"userId":"u_1","credentialId":100}`, "{\n  \"userId\": \"u_1\",\n  \"credentialId\": 100\n}\n"},
		{"escapes", `{"userId":"Café / 😀 A \u001f \n \u0001","n":1}`, `{"userId":"Caf\u00e9 \/ \ud83d\ude00 \u0041 \u001F \u000a \u0001","n":1}`},
		{"escapes and whitespace", `{"userId":"Café","credentialId":"c/9"}`, `{ "userId" : "Caf\u00E9", "credentialId" : "c\/9" }`},
		{"numbers as JavaScript prints them", `{"userId":"\"","a":1e+21,"b":1e-7,"c":-1.5,"d":0.000001,"e":9007199254740991}`, `{"userId":"\u0022","a":1e+21,"b":1e-7,"c":-1.5,"d":0.000001,"e":9007199254740991}`},
		{"array-index keys already first", `{"0":1,"1":[2,"/"],"b":3,"a":"é"}`, `{"0":1,"1":[2,"\/"],"b":3,"a":"\u00e9"}`},
		{"an escaped U+FFFD", "{\"userId\":\"u_1\uFFFD\"}", `{"userId":"u_1\uFFFD"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js, ok := jsStringify([]byte(tt.received))
			require.True(t, ok)
			require.Equal(t, tt.signed, string(js))
			for _, msg := range []string{
				"POST/hooks/alloy" + tt.signed,
				"posthttps://" + sigHost + "/hooks/alloy" + tt.signed,
				tt.signed,
				"http://" + sigHost + "/hooks/alloy" + tt.signed,
			} {
				for _, pss := range []bool{false, true} {
					r := newRequest("POST", sigHost, "/hooks/alloy", true, tt.received)
					r.Header.Set(SignatureHeader, hex.EncodeToString(signWith(t, []byte(msg), pss)))
					assert.NoError(t, v.Verify(r, []byte(tt.received)), "%s, pss=%v", msg, pss)
				}
			}
		})
	}
}

// TestHandlerSignatureBindsEvent: through Handler, the forged literal
// never reaches the callback.
func TestHandlerSignatureBindsEvent(t *testing.T) {
	t.Parallel()
	var got []*CredentialExpiredEvent
	h := mustHandler(t, WithVerifier(NewVerifier(&SharedTestKey().PublicKey)),
		OnCredentialExpired(func(_ context.Context, e *CredentialExpiredEvent) error {
			got = append(got, e)
			return nil
		}))
	signed := `{"userId":"u_1","credentialId":100}`
	sig := hex.EncodeToString(signWith(t, []byte("POST/hooks/alloy"+signed), false))

	w := serve(h, post(`{"userId":"u_1","credentialId":1e2}`, SignatureHeader, sig))
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Empty(t, got, "the callback ran with the forged literal")

	w = serve(h, post("{\n  \"userId\": \"u_1\",\n  \"credentialId\": 100\n}", SignatureHeader, sig))
	assert.Equal(t, http.StatusOK, w.Code)
	require.Len(t, got, 1)
	assert.Equal(t, "100", got[0].CredentialID)
}
