package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestTokenServerOnAlloytest(t *testing.T) {
	t.Setenv("ALLOY_API_KEY", "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, log.New(&logs, "", 0)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	base := "http://" + ln.Addr().String()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}

	// Not signed in: 401.
	resp, err := browser.Get(base + "/alloy/token")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("token before login: %d", resp.StatusCode)
	}

	// Sign in, then fetch the token twice: the cache hands out the same one.
	if resp, err = browser.Get(base + "/login?user=ada"); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var tokens []string
	for i := 0; i < 2; i++ {
		resp, err := browser.Get(base + "/alloy/token")
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Token, ExpiresAt string }
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(body.Token, "eyJ") || body.ExpiresAt == "" {
			t.Fatalf("token: %d %v %+v", resp.StatusCode, err, body)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("Cache-Control %q", cc)
		}
		tokens = append(tokens, body.Token)
	}
	if tokens[0] != tokens[1] {
		t.Fatal("the second fetch minted a new token instead of reusing the cached one")
	}

	// Alloy tells us a credential expired.
	resp, err = http.Post(base+"/alloy/webhooks", "application/json",
		strings.NewReader(`{"userId":"u1","userEmail":"ada@example.com","credentialId":"c1","credentialName":"Ada's Shopify"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), "credential c1 (Ada's Shopify) of user u1 expired") {
		t.Fatalf("log: %s", logs.String())
	}
	if strings.Contains(logs.String(), tokens[0]) {
		t.Fatal("the token was logged")
	}
}

// TestHTTPServerTimeouts checks the server serve runs: every timeout set,
// the header one first, and room to write after the slowest Alloy call.
func TestHTTPServerTimeouts(t *testing.T) {
	h := http.NewServeMux()
	srv := newHTTPServer(h)
	if srv.Handler != h {
		t.Fatal("the handler is not served")
	}
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if d <= 0 {
			t.Errorf("%s is not set", name)
		}
	}
	if srv.ReadHeaderTimeout > srv.ReadTimeout {
		t.Errorf("ReadHeaderTimeout %v above ReadTimeout %v", srv.ReadHeaderTimeout, srv.ReadTimeout)
	}
	if srv.WriteTimeout <= alloy.DefaultTimeout {
		t.Errorf("WriteTimeout %v cuts off a call that takes alloy.DefaultTimeout (%v)", srv.WriteTimeout, alloy.DefaultTimeout)
	}
}
