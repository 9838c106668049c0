// Package webhook receives the webhooks Alloy sends to an ISV's backend:
// credential-expiration notices, workflow error streaming and Unified API
// forwarded events, with a best-effort check of the X-Alloy-Signature
// header.
//
// Mount a handler with one callback per kind of event you expect:
//
//	h, err := webhook.NewHandler(
//		webhook.OnCredentialExpired(func(ctx context.Context, e *webhook.CredentialExpiredEvent) error {
//			return notifyReconnect(ctx, e.UserID, e.CredentialID)
//		}),
//		webhook.OnUnified(func(ctx context.Context, e *webhook.UnifiedEvent) error {
//			order, err := webhook.DecodeModel[unified.Order](e)
//			...
//		}),
//	)
//	if err != nil {
//		return err // a bad option value
//	}
//	mux.Handle("POST /hooks/alloy", h)
//
// The handler answers 2xx only after a callback has returned nil, and 500
// when it returns an error or panics, so that Alloy can deliver again; it
// bounds a body's size (WithMaxBodyBytes) and the time to read it
// (WithReadTimeout). See NewHandler for every status. The parsers
// (ParseCredentialExpired, ParseErrorStream, ParseUnified) can also be
// used on their own.
//
// # What Alloy documents, and what it does not
//
// Alloy documents the fields of the credential-expiration webhook (userId,
// userEmail, credentialId, credentialName) but not their JSON nesting; the
// error stream's identifying headers but not its body; and, for Unified
// forwarding, only that the body is "the unified model that corresponds to
// the scope", not the envelope. The parsers are therefore lenient: each
// documents the shapes it accepts, and every event keeps the body as sent.
//
// # Signatures are best-effort
//
// Alloy signs outgoing requests with an RSA key and sends the signature in
// X-Alloy-Signature; its public key is published at PublicKeyURL. The
// scheme is only partially documented: the versions of Alloy's own page
// disagree on the encoding (hex or base64) and the padding (PKCS #1 v1.5 or
// PSS), and give the signed string only as Node.js code
// (method + URL + JSON.stringify(body)) whose URL and body forms depend on
// the framework. Alloy guarantees the header only for Custom API blocks
// and data streaming; whether credential-expiration and Unified forwarding
// deliveries are signed is not documented. Verifier therefore tries every
// reading of the documentation (listed on Verifier) and accepts the request
// if any verifies, but only in forms that cannot change what a callback
// reads (a number literal is never re-written: see Verifier), and with a
// bound on its work per request; the handler checks signatures only when given
// WithVerifier. Because every Alloy customer can make Alloy sign requests
// to URLs of their choosing, a valid signature proves that Alloy sent the
// bytes, not that they were meant for you: treat an event as a hint, confirm
// it through the API (for example list the user's credentials before
// acting on an expiry), and allow-list Alloy's egress addresses as well.
package webhook
