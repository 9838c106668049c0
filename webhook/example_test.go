package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/alloysdk/alloy-go/webhook"
)

func ExampleNewHandler() {
	h, err := webhook.NewHandler(
		webhook.OnCredentialExpired(func(ctx context.Context, e *webhook.CredentialExpiredEvent) error {
			// Confirm with c.Credentials.List(ctx, e.UserID), then ask the user to reconnect.
			fmt.Printf("user %s must reconnect %q (%s)\n", e.UserID, e.CredentialName, e.CredentialID)
			return nil
		}),
		webhook.OnErrorStream(func(ctx context.Context, e *webhook.ErrorStreamEvent) error {
			fmt.Printf("workflow %s failed in block %q\n", e.WorkflowID, e.BlockName)
			return nil
		}),
	)
	if err != nil {
		panic(err)
	}

	body := `{"data":{"userId":"u_1","credential":{"credentialId":"cred_9","name":"Shopify - acme"}}}`
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/hooks/alloy", strings.NewReader(body)))
	fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))

	r := httptest.NewRequest(http.MethodPost, "/hooks/alloy", strings.NewReader("401 Unauthorized"))
	r.Header.Set("X-Alloy-WorkflowId", "wf_1")
	r.Header.Set("X-Alloy-BlockName", "Create Order")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code)

	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/hooks/alloy", strings.NewReader(`{"topic":"commerce/orders"}`)))
	fmt.Println(w.Code, "(no OnUnified callback)")
	// Output:
	// user u_1 must reconnect "Shopify - acme" (cred_9)
	// 200 {"ok":true}
	// workflow wf_1 failed in block "Create Order"
	// 200
	// 404 (no OnUnified callback)
}

func ExampleDecodeModel() {
	type order struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	e, err := webhook.ParseUnified([]byte(`{"topic":"commerce/orders","connectionId":"conn_1","data":{"id":"o_1","status":"paid"}}`))
	if err != nil {
		panic(err)
	}
	o, err := webhook.DecodeModel[order](e) // or a unified package model
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Topic, e.ConnectionID, o.ID, o.Status)
	// Output: commerce/orders conn_1 o_1 paid
}

func ExampleParseCredentialExpired() {
	for _, body := range []string{
		`{"userId":"u_1","userEmail":"ops@acme.example","credentialId":"cred_9","credentialName":"Shopify"}`,
		`{"user":{"id":"u_1","email":"ops@acme.example"},"credential":{"id":"cred_9","name":"Shopify"}}`,
		`{"foo":"bar"}`,
	} {
		e, err := webhook.ParseCredentialExpired([]byte(body))
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(e.UserID, e.UserEmail, e.CredentialID, e.CredentialName)
	}
	// Output:
	// u_1 ops@acme.example cred_9 Shopify
	// u_1 ops@acme.example cred_9 Shopify
	// alloy: webhook: credential expired: body names neither a userId nor a credentialId
}

func ExampleNewVerifier() {
	// Download webhook.PublicKeyURL once, check it, and ship it with the
	// service; this file is a test key.
	pemBytes, err := os.ReadFile("testdata/node_public_key.pem")
	if err != nil {
		panic(err)
	}
	pub, err := webhook.ParsePublicKey(pemBytes)
	if err != nil {
		panic(err)
	}
	h, err := webhook.NewHandler(
		webhook.WithVerifier(webhook.NewVerifier(pub)),
		webhook.OnErrorStream(func(ctx context.Context, e *webhook.ErrorStreamEvent) error { return nil }),
	)
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/hooks/alloy", strings.NewReader(`{"message":"x"}`))
	r.Header.Set("X-Alloy-WorkflowId", "wf_1") // but no X-Alloy-Signature
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	// Output: 401 {"error":"invalid or missing signature"}
}
