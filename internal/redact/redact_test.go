package redact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const key = "sk_live_Zq81mWc4TtP0aXr9"

const jwtTok = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ1MSJ9.c2lnbmF0dXJl"

// jsonEscapeAll writes s as \uXXXX escapes, as a hostile server might.
func jsonEscapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

func TestBytes(t *testing.T) {
	r := New(key)
	cases := []struct {
		name string
		in   string
		cut  bool
		want string
	}{
		{"nothing", `{"message":"no such user"}`, false, `{"message":"no such user"}`},
		{"plain key", `{"message":"bad key ` + key + `"}`, false, `{"message":"bad key [REDACTED]"}`},
		{"key twice", key + key, false, `[REDACTED]`},
		{"one escape", `{"message":"sk\u005flive_Zq81mWc4TtP0aXr9 denied"}`, false, `{"message":"[REDACTED] denied"}`},
		{"all escaped", `"` + jsonEscapeAll(key) + `"`, false, `"[REDACTED]"`},
		{"percent", `<a href="/x?k=sk%5Flive%5FZq81mWc4TtP0aXr9">`, false, `<a href="/x?k=[REDACTED]">`},
		{"html entity", `<p>sk&#95;live&#x5f;Zq81mWc4TtP0aXr9</p>`, false, `<p>[REDACTED]</p>`},
		{"jwt", `token ` + jwtTok + ` expired`, false, `token [REDACTED JWT] expired`},
		{"escaped jwt", `"` + strings.ReplaceAll(jwtTok, ".", `\u002e`) + `"`, false, `"[REDACTED JWT]"`},
		{"bearer other", `Authorization: Bearer abc.DEF-123/+= ok`, false, `Authorization: Bearer [REDACTED] ok`},
		{"bearer key", `bearer ` + key, false, `bearer [REDACTED]`},
		{"key head at cut", `padding sk_live_Zq8`, true, `padding [REDACTED]`},
		{"short head at cut stays", `padding sk_live`, true, `padding sk_live`},
		{"head not at a cut stays", `padding sk_live_Zq8`, false, `padding sk_live_Zq8`},
		{"escaped head at cut", `x sk\u005flive_Z`, true, `x [REDACTED]`},
		{"jwt head at cut", `x eyJhbGciOiJIUzI1`, true, `x [REDACTED JWT]`},
		{"jwt two parts at cut", `x eyJhbGciOiJIUzI1NiJ9.eyJ1c2`, true, `x [REDACTED JWT]`},
		{"lone eyJ stays", `eyJ alone`, true, `eyJ alone`},
		{"bad escapes stay", `\u12 %zz &#; &#x; \q`, false, `\u12 %zz &#; &#x; \q`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, string(r.Bytes([]byte(tc.in), tc.cut)))
			assert.Equal(t, tc.want, r.String(tc.in, tc.cut))
		})
	}
}

func TestBytesReturnsInputWhenClean(t *testing.T) {
	in := []byte(`{"message":"fine %41"}`)
	out := New(key).Bytes(in, true)
	assert.Same(t, &in[0], &out[0])
}

func TestURL(t *testing.T) {
	r := New(key)
	assert.Equal(t, "https://h.example/a/b", r.URL("https://user:pw@h.example/a/b?token="+key+"#frag"))
	assert.Equal(t, "https://h.example/[REDACTED]/x", r.URL("https://h.example/"+key+"/x"))
	assert.Equal(t, "[unparsable URL]", r.URL("http://[::1"))
}

func TestErr(t *testing.T) {
	r := New(key)
	assert.NoError(t, r.Err(nil))

	clean := errors.New("connection reset")
	assert.Same(t, clean, r.Err(clean))

	inner := fmt.Errorf("failed to parse Location header %q: %w", "http://[::1/"+key, context.DeadlineExceeded)
	ue := &url.Error{Op: "Get", URL: "http://127.0.0.1:1/users?apiKey=" + key, Err: inner}
	got := r.Err(ue)
	require.IsType(t, &url.Error{}, got)
	assert.NotContains(t, got.Error(), key)
	assert.NotContains(t, fmt.Sprintf("%+v %#v", got, got), key)
	assert.Equal(t, "http://127.0.0.1:1/users", got.(*url.Error).URL)
	assert.ErrorIs(t, got, context.DeadlineExceeded, "Is still answers for the original")
	assert.True(t, got.(*url.Error).Timeout(), "a timeout stays a timeout")
	for e := error(got); e != nil; e = errors.Unwrap(e) {
		assert.NotContains(t, e.Error(), key)
		assert.NotContains(t, fmt.Sprintf("%+v", e), key)
	}
}

func FuzzBytesNeverLeaks(f *testing.F) {
	f.Add("x", 0, 0)
	f.Add(`"\u0073k_live"`, 3, 5)
	f.Fuzz(func(t *testing.T, filler string, at, mode int) {
		if len(filler) > 256 {
			return
		}
		at = abs(at) % (len(filler) + 1)
		var secret string
		switch abs(mode) % 3 {
		case 0:
			secret = key
		case 1:
			secret = jsonEscapeAll(key)
		default:
			secret = url.PathEscape(strings.ReplaceAll(key, "_", "%5F"))
		}
		in := filler[:at] + " " + secret + " " + filler[at:]
		out := New(key).String(in, false)
		if strings.Contains(out, key) {
			t.Fatalf("key survived in %q", out)
		}
		// A cut anywhere inside the secret leaves no head of 8 or more.
		raw := filler[:at] + " " + key
		for cut := len(raw) - len(key) + MinFragment; cut < len(raw); cut++ {
			out := New(key).String(raw[:cut], true)
			if strings.Contains(out, key[:MinFragment]) {
				t.Fatalf("head survived the cut in %q", out)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
