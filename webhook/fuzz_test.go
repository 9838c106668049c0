package webhook

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzBodies = []string{
	credBody,
	`{"data":{"userId":"u_1","credential":{"credentialId":"cred_9","name":"Shopify"}}}`,
	`{"user":{"id":"u_1","email":"e"},"credential":{"id":7,"name":null}}`,
	`{"user_id":"u","credential_id":"c","data":{"user":[],"credential":"x"}}`,
	unifiedBody,
	`{"scope":["commerce/customers"],"credentialId":1,"model":[{"id":"c"}]}`,
	`{"event":"connection/created","payload":null,"record":{"a":{"b":[1,2,{"c":null}]}}}`,
	`{"data":{"id":"o_1"}}`, `{"id":"o_1","data":1}`,
	`{}`, `[]`, `null`, `""`, `0`, ``, ` `, `{"userId":`, `{"a":1}{"b":2}`, "\xff\xfe{}", `{"\u0000":"\ud800"}`,
	`{"userId":"` + strings.Repeat("x", 300) + `"}`,
	strings.Repeat(`{"data":`, 50) + `{"userId":"deep"}` + strings.Repeat(`}`, 50),
	strings.Repeat(`[`, 200) + strings.Repeat(`]`, 200),
}

func FuzzParseCredentialExpired(f *testing.F) {
	for _, b := range fuzzBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := ParseCredentialExpired(body)
		if err != nil {
			if e != nil || !errors.Is(err, ErrInvalidEvent) {
				t.Fatalf("err %v with event %+v", err, e)
			}
			return
		}
		if e.UserID == "" && e.CredentialID == "" {
			t.Fatalf("accepted without ids: %q", body)
		}
		if !json.Valid(e.Raw) {
			t.Fatalf("Raw is not JSON: %q", e.Raw)
		}
		for _, s := range []string{e.UserID, e.UserEmail, e.CredentialID, e.CredentialName} {
			if s != strings.TrimSpace(s) || !utf8.ValidString(s) {
				t.Fatalf("field %q not trimmed or not UTF-8", s)
			}
		}
	})
}

func FuzzParseErrorStream(f *testing.F) {
	f.Add("wf_1", "exec_1", "u_1", "Block", []byte(`{"message":"x"}`))
	f.Add("", "exec_1", "", "", []byte("plain text"))
	f.Add(" ", "\t", "u", "b", []byte(nil))
	f.Add("wf\r\n", "", "\x00", "\xff", []byte(`{"a":`))
	f.Fuzz(func(t *testing.T, workflowID, executionUUID, userID, blockName string, body []byte) {
		h := http.Header{}
		if workflowID != "" {
			h[http.CanonicalHeaderKey(HeaderWorkflowID)] = []string{workflowID}
		}
		if executionUUID != "" {
			h[http.CanonicalHeaderKey(HeaderExecutionUUID)] = []string{executionUUID}
		}
		h[http.CanonicalHeaderKey(HeaderUserID)] = []string{userID}
		h.Set(HeaderBlockName, blockName)
		e, err := ParseErrorStream(h, body)
		wantOK := strings.TrimSpace(h.Get(HeaderWorkflowID)) != "" || strings.TrimSpace(executionUUID) != ""
		if (err == nil) != wantOK {
			t.Fatalf("err %v, want ok=%v", err, wantOK)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidEvent) {
				t.Fatalf("error does not match ErrInvalidEvent: %v", err)
			}
			return
		}
		if !bytes.Equal(e.Body, body) {
			t.Fatalf("body changed")
		}
		if e.IsJSON() != json.Valid(body) {
			t.Fatalf("IsJSON wrong")
		}
		var v any
		_ = e.Decode(&v)
	})
}

func FuzzParseUnified(f *testing.F) {
	for _, b := range fuzzBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := ParseUnified(body)
		if err != nil {
			if e != nil || !errors.Is(err, ErrInvalidEvent) {
				t.Fatalf("err %v with event %+v", err, e)
			}
			return
		}
		if !json.Valid(e.Raw) || !json.Valid(e.Model) {
			t.Fatalf("Raw or Model not JSON: %q / %q", e.Raw, e.Model)
		}
		var v any
		if err := e.Decode(&v); err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if _, err := DecodeModel[json.RawMessage](e); err != nil {
			t.Fatalf("DecodeModel: %v", err)
		}
	})
}

// FuzzHandler feeds arbitrary requests through Handler: it never panics,
// answers with a known status, and never answers 2xx unless a callback
// ran and returned nil.
func FuzzHandler(f *testing.F) {
	for i, b := range fuzzBodies {
		f.Add("POST", "Content-Type", "application/json", []byte(b), uint8(i))
		f.Add("POST", HeaderWorkflowID, "wf_1", []byte(b), uint8(i*7))
	}
	f.Add("GET", "", "", []byte(credBody), uint8(0))
	f.Add("POST", SignatureHeader, "deadbeef", []byte(credBody), uint8(0x80))
	f.Add("POST", HeaderExecutionUUID, " ", []byte("x"), uint8(3))
	f.Add("POST", "X-Forwarded-Host", "a/b", []byte(unifiedBody), uint8(0xff))

	key := &SharedTestKey().PublicKey
	f.Fuzz(func(t *testing.T, method, headerName, headerValue string, body []byte, mode uint8) {
		// mode bits: 0-1 callback outcome (ok, error, panic, ok),
		// 2-4 which callbacks are set, 5 small body limit, 7 verifier.
		var succeeded, failed int
		outcome := func() error {
			switch mode & 3 {
			case 1:
				failed++
				return errors.New("callback error")
			case 2:
				failed++
				panic("callback panic")
			}
			succeeded++
			return nil
		}
		var opts []HandlerOption
		if mode&4 != 0 {
			opts = append(opts, OnCredentialExpired(func(context.Context, *CredentialExpiredEvent) error { return outcome() }))
		}
		if mode&8 != 0 {
			opts = append(opts, OnErrorStream(func(context.Context, *ErrorStreamEvent) error { return outcome() }))
		}
		if mode&16 != 0 {
			opts = append(opts, OnUnified(func(context.Context, *UnifiedEvent) error { return outcome() }))
		}
		if mode&32 != 0 {
			opts = append(opts, WithMaxBodyBytes(64))
		}
		if mode&128 != 0 {
			opts = append(opts, WithVerifier(NewVerifier(key)))
		}
		h := mustHandler(t, opts...)

		r := httptest.NewRequest(http.MethodPost, "https://hooks.acme.example/hooks/alloy", bytes.NewReader(body))
		r.Method = method
		if headerName != "" {
			r.Header[headerName] = []string{headerValue}
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)

		switch w.Code {
		case 200, 400, 401, 404, 405, 413, 422, 500:
		default:
			t.Fatalf("unexpected status %d", w.Code)
		}
		if succeeded+failed > 1 {
			t.Fatalf("%d callbacks ran", succeeded+failed)
		}
		if w.Code >= 200 && w.Code < 300 && succeeded != 1 {
			t.Fatalf("status %d without a successful callback", w.Code)
		}
		if failed == 1 && w.Code != 500 {
			t.Fatalf("failed callback answered %d", w.Code)
		}
		if succeeded == 1 && w.Code != 200 {
			t.Fatalf("successful callback answered %d", w.Code)
		}
		if mode&128 != 0 && w.Code == 200 {
			t.Fatalf("unsigned request accepted")
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("response is not JSON: %q", w.Body.String())
		}
	})
}

// FuzzJSStringify: the re-encoding of any valid JSON is valid, compact and
// stable. (It was checked against Node's JSON.stringify on 3,000 random
// documents when written; testdata/jsstringify.json keeps Node's answers.)
func FuzzJSStringify(f *testing.F) {
	for _, b := range fuzzBodies {
		f.Add([]byte(b))
	}
	f.Add([]byte(`[1.0, 1e21, 1e-7, -0, 5e-324, 1e999, "\u00e9\/\u0001"]`))
	f.Add([]byte(`{"b":1,"2":2,"1":3,"b":4}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, ok := jsStringify(b)
		if ok != json.Valid(b) {
			t.Fatalf("ok=%v for valid=%v", ok, json.Valid(b))
		}
		if !ok {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid output %q", out)
		}
		again, ok := jsStringify(out)
		if !ok || !bytes.Equal(again, out) {
			t.Fatalf("not stable: %q then %q", out, again)
		}
	})
}

// signatureSeeds are bodies whose JSON.stringify form differs from them
// in ways a callback would, or would not, see.
var signatureSeeds = []string{
	`{"userId":"u_1","credentialId":1e2}`,
	`{"userId":"u_1","credentialId":9007199254740993}`,
	`{"userId":"u_1","credentialId":9007199254740992}`,
	`{"a":1.0,"b":-0,"c":1E2,"d":1e400,"e":0.1e1}`,
	`{"userId":"u_evil","userId":"u_1"}`,
	`{"01":"a","1":"b"}`,
	`{"userId":"u_1\ud800"}`,
	"{\"userId\":\"u_1\xff\"}",
	`{ "name": "Caf\u00e9 \/ \ud83d\ude00", "n": 1e+21 }`,
	"{\n  \"userId\": \"u_1\",\n  \"credentialId\": \"cred_9\"\n}",
}

// FuzzSignatureBindsEvent: whatever body is received, if Verify accepts it
// under a signature of "POST/hooks/alloy" + S (or of S alone), a strict
// decoder reads from it what it reads from S (see view): the signature
// binds what callbacks see. S is the body's JSON.stringify form, its
// json.Compact form, the body itself or an unrelated body (mode & 3).
// The forms that change nothing a decoder reads must verify.
func FuzzSignatureBindsEvent(f *testing.F) {
	for i, b := range signatureSeeds {
		for mode := range 4 {
			f.Add([]byte(b), []byte(signatureSeeds[(i+1)%len(signatureSeeds)]), uint8(mode|i<<2))
		}
	}
	v := NewVerifier(&SharedTestKey().PublicKey)
	f.Fuzz(func(t *testing.T, received, other []byte, mode uint8) {
		if len(received) > 4<<10 || len(other) > 4<<10 {
			return // the property does not depend on size; signing does
		}
		signed := received
		switch mode & 3 {
		case 0:
			if s, ok := jsStringify(received); ok {
				signed = s
			}
		case 1:
			var buf bytes.Buffer
			if json.Compact(&buf, received) == nil {
				signed = buf.Bytes()
			}
		case 3:
			signed = other
		}
		msg := "POST/hooks/alloy" + string(signed)
		if mode&4 != 0 {
			msg = string(signed)
		}
		r := newRequest("POST", sigHost, "/hooks/alloy", true, "")
		r.Header.Set(SignatureHeader, hex.EncodeToString(signWith(t, []byte(msg), mode&8 != 0)))
		err := v.Verify(r, received)

		got := view(received)
		same := reflect.DeepEqual(got, view(signed))
		// The body alone is a form too: a body equal to the whole message.
		if err == nil && !same && !reflect.DeepEqual(got, view([]byte(msg))) {
			t.Fatalf("accepted %q under a signature of %q: a callback would read something else", received, msg)
		}
		if err != nil && same && mode&3 != 3 {
			t.Fatalf("rejected %q under a signature of %q, which a decoder reads the same: %v", received, msg, err)
		}
	})
}

// FuzzRespell: compactJSON is json.Compact on valid JSON; jsRespelled
// accepts exactly the documents whose JSON.stringify form a strict
// decoder reads the same (see view), and respell of the compacted body,
// the form Verify hashes, is that form.
func FuzzRespell(f *testing.F) {
	for _, b := range append(slices.Clone(fuzzBodies), signatureSeeds...) {
		f.Add([]byte(b))
	}
	f.Add([]byte(`["\u00e9\/\u0001\u001F\u000a\"\\", "\udc00", "\ud83d", 1e-7]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		compact := compactJSON(b)
		if json.Valid(b) {
			var want bytes.Buffer
			if err := json.Compact(&want, b); err != nil || !bytes.Equal(compact, want.Bytes()) {
				t.Fatalf("compactJSON(%q) = %q, json.Compact: %q", b, compact, want.Bytes())
			}
		}
		js, ok := jsRespelled(b)
		full, valid := jsStringify(b)
		if ok != (valid && reflect.DeepEqual(view(b), view(full))) {
			t.Fatalf("jsRespelled(%q) ok=%v, but JSON.stringify form %q reads the same: %v", b, ok, full, !ok)
		}
		if !ok {
			return
		}
		if !bytes.Equal(js, full) {
			t.Fatalf("jsRespelled(%q) = %q, jsStringify: %q", b, js, full)
		}
		if fast, ok := respell(compact); !ok || !bytes.Equal(fast, js) {
			t.Fatalf("respell(compactJSON(%q)) = %q, %v; want %q", b, fast, ok, js)
		}
	})
}
