package alloy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/alloysdk/alloy-go/internal/jwt"
)

// TokensService mints user JWTs for Alloy's frontend SDK (Alloy.setToken).
type TokensService service

// tokenFallbackLifetime is assumed when a token carries no readable exp:
// Alloy documents "at most 30 minutes".
const tokenFallbackLifetime = 30 * time.Minute

// UserToken is a short-lived JWT scoped to one user, to hand to the browser.
//
// Printing a UserToken (or a pointer to one) with fmt, any verb, or logging
// it with slog shows the expiry but never the token. JSON encoding does
// include the token, as that is how it is handed to a frontend.
type UserToken struct {
	Token     string    `json:"token"`     // the JWT, for Alloy.setToken in the browser
	ExpiresAt time.Time `json:"expiresAt"` // from the JWT's exp claim, else 30 minutes after minting
}

// String describes the token without revealing it.
func (t UserToken) String() string {
	return "alloy.UserToken{Token: [REDACTED], ExpiresAt: " + t.ExpiresAt.Format(time.RFC3339) + "}"
}

// GoString is String, so %#v does not reveal the token either.
func (t UserToken) GoString() string { return t.String() }

// Format prints String for every verb.
func (t UserToken) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, t.String()) }

// LogValue logs the expiry only.
func (t UserToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token", "[REDACTED]"), slog.Time("expires_at", t.ExpiresAt))
}

// Create mints a JWT for a user (id or username). GET /users/{userId}/token
//
// ExpiresAt is read from the token's exp claim without verifying the token;
// when it has none, it is 30 minutes from now. Mint a token for each
// frontend session rather than storing it for long.
func (s *TokensService) Create(ctx context.Context, userID string, opts ...RequestOption) (*UserToken, error) {
	var ps []param
	if s.client.headerVersioned() {
		// The 2025-09 reference also lists userId as a query parameter.
		ps = []param{required("userId", userID)}
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := s.client.send(ctx, call{op: "Tokens.Create", path: []string{userID}, params: ps, out: &out}, opts); err != nil {
		return nil, err
	}
	if out.Token == "" {
		return nil, fmt.Errorf("alloy: GET /users/{userId}/token: response has no token")
	}
	exp, ok := jwt.Expiry(out.Token)
	if !ok {
		exp = time.Now().Add(tokenFallbackLifetime)
	}
	return &UserToken{Token: out.Token, ExpiresAt: exp}, nil
}
