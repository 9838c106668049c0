package alloy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

func fakeJWT(claims string) string {
	return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".c2lnbmF0dXJl"
}

// TestTokensCreateOnEveryVersion: the route comes from the contract; the
// query differs by addressing style, so this is not an apiCase.
func TestTokensCreateOnEveryVersion(t *testing.T) {
	t.Parallel()
	tok := fakeJWT(`{"userId":"u1","exp":1893456000}`)
	want := &UserToken{Token: tok, ExpiresAt: time.Unix(1893456000, 0).UTC()}
	for _, v := range versions {
		t.Run(v.version, func(t *testing.T) {
			h := newHarness(t, WithAPIVersion(v.version))
			o, err := ops.Lookup("Tokens.Create", ops.Effective(v.version))
			require.NoError(t, err)
			path, err := expandRoute(o.Path, []string{"u/1"})
			require.NoError(t, err)
			url := v.base + path
			if v.version >= ops.FirstHeaderVersion {
				url += "?userId=u%2F1" // the 2025-09 reference repeats the id as a query parameter
			}
			h.on(o.Method, url, jsonResp(200, `{"token":"`+tok+`"}`))
			got, err := h.c.Tokens.Create(context.Background(), "u/1")
			require.NoError(t, err)
			assert.Equal(t, want, got)
			r := h.only()
			assert.Equal(t, o.Method, r.Method)
			assert.Equal(t, url, r.URL)
			assert.Equal(t, v.version, r.Header.Get("X-Api-Version"))
			assert.Empty(t, r.Body)
		})
	}
}

func TestTokensCreateFixtureWithoutExpFallsBackTo30Minutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/users/u1/token?userId=u1", jsonResp(200, readFixture(t, "token.json")))
	before := time.Now()
	got, err := h.c.Tokens.Create(context.Background(), "u1")
	require.NoError(t, err)
	assert.WithinDuration(t, before.Add(30*time.Minute), got.ExpiresAt, 5*time.Second)
	assert.Contains(t, got.Token, "eyJ")
}

func TestTokensCreateEmptyTokenIsAnError(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/users/u1/token?userId=u1", jsonResp(200, `{"token":""}`))
	got, err := h.c.Tokens.Create(context.Background(), "u1")
	assert.Nil(t, got)
	assert.ErrorContains(t, err, "no token")
}

func TestTokensCreateUnknownUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/users/nobody/token?userId=nobody", jsonResp(404, `{"message":"User not found"}`))
	_, err := h.c.Tokens.Create(context.Background(), "nobody")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestUserTokenNeverPrintsToken(t *testing.T) {
	t.Parallel()
	tok := UserToken{Token: fakeJWT(`{"exp":1893456000}`), ExpiresAt: time.Unix(1893456000, 0).UTC()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T%v"} {
		for _, v := range []any{tok, &tok, []UserToken{tok}, map[string]*UserToken{"a": &tok}} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, tok.Token, "%s of %T", verb, v)
			assert.NotContains(t, out, "c2lnbmF0dXJl", "%s of %T", verb, v)
		}
	}
	assert.Equal(t, "alloy.UserToken{Token: [REDACTED], ExpiresAt: 2030-01-01T00:00:00Z}", fmt.Sprint(tok))

	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l.Debug("minted", "token", tok, "ptr", &tok)
	assert.NotContains(t, buf.String(), tok.Token)
	assert.Contains(t, buf.String(), `"token":"[REDACTED]"`)

	// JSON carries the token: that is how it reaches the frontend.
	b, err := json.Marshal(tok)
	require.NoError(t, err)
	assert.JSONEq(t, `{"token":"`+tok.Token+`","expiresAt":"2030-01-01T00:00:00Z"}`, string(b))
}
