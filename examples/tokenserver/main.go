// Command tokenserver is the backend half of embedding Alloy in a web app:
// it hands the signed-in user's Alloy JWT to the browser and receives
// Alloy's webhooks.
//
//	GET  /login?user=NAME  signs in (a fake session cookie) as an Alloy user
//	GET  /alloy/token      the user's JWT, through alloy.TokenHandler and a TokenCache
//	POST /alloy/webhooks   Alloy's webhooks, through webhook.Handler
//	GET  /                 a page showing the browser side (Alloy.setToken)
//
// Without ALLOY_API_KEY it runs on an in-process alloytest server:
//
//	go run ./examples/tokenserver        # then open http://127.0.0.1:8080/login?user=ada
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/webhook"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	if err := serve(ctx, ln, log.Default()); err != nil {
		log.Fatal(err)
	}
}

// serve runs the app on ln until ctx ends.
func serve(ctx context.Context, ln net.Listener, logger *log.Logger) error {
	client, cleanup, err := newClient()
	if err != nil {
		return err
	}
	defer cleanup()
	cache, err := alloy.NewTokenCache(client)
	if err != nil {
		return err
	}
	a := &app{client: client, cache: cache, sessions: map[string]string{}, log: logger}
	routes, err := a.routes()
	if err != nil {
		return err
	}
	srv := newHTTPServer(routes)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	logger.Printf("listening on http://%s (sign in at /login?user=ada)", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHTTPServer is an http.Server fit to face the internet: without
// timeouts, a client that sends its request slowly, or never reads the
// answer, or keeps an idle connection open, holds a connection and a
// goroutine for as long as it likes.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler: h,
		// The request line and headers, then the whole request (a webhook
		// body is at most 256 KiB).
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Writing the answer ends this long after the headers were read.
		// A login or token call waits on Alloy for up to the client's
		// timeout (alloy.DefaultTimeout, retries included), so allow that
		// and some.
		WriteTimeout: alloy.DefaultTimeout + 15*time.Second,
		// A kept-alive connection with no request is closed after this.
		IdleTimeout: 120 * time.Second,
	}
}

// app is your backend: sessions map a cookie to your user, and each of your
// users has an Alloy user.
type app struct {
	client   *alloy.Client
	cache    *alloy.TokenCache
	log      *log.Logger
	mu       sync.Mutex
	sessions map[string]string // session cookie -> Alloy user id
}

func (a *app) routes() (http.Handler, error) {
	hooks, err := webhook.NewHandler(
		webhook.WithMaxBodyBytes(256<<10),
		webhook.OnCredentialExpired(func(ctx context.Context, e *webhook.CredentialExpiredEvent) error {
			// Ask the user to reconnect; never log the event's raw body.
			a.log.Printf("credential %s (%s) of user %s expired: ask them to reconnect", e.CredentialID, e.CredentialName, e.UserID)
			return nil
		}),
	)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", a.login)
	mux.Handle("/alloy/token", alloy.TokenHandler(a.cache, a.currentUser))
	mux.Handle("/alloy/webhooks", hooks)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, page)
	})
	return mux, nil
}

// login signs the browser in as ?user=, creating its Alloy user on first use.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("user")
	if name == "" {
		http.Error(w, "add ?user=NAME", http.StatusBadRequest)
		return
	}
	username := name + "@example.com"
	u, err := a.client.Users.Create(r.Context(), alloy.UserCreateParams{Username: username})
	if errors.Is(err, alloy.ErrConflict) {
		u, err = a.client.Users.Get(r.Context(), username) // Alloy accepts the username as an id
	}
	if err != nil {
		a.log.Printf("login: %v", err)
		http.Error(w, "could not sign in", http.StatusBadGateway)
		return
	}
	session := randomHex(16)
	a.mu.Lock()
	a.sessions[session] = u.ID
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "session", Value: session, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// currentUser resolves the request's session to its Alloy user id.
func (a *app) currentUser(r *http.Request) (string, error) {
	c, err := r.Cookie("session")
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	id, ok := a.sessions[c.Value]
	if !ok {
		return "", errors.New("unknown session")
	}
	return id, nil
}

// page is the browser side: fetch the token, hand it to Alloy's frontend SDK.
const page = `<!doctype html>
<title>Integrations</title>
<script src="https://cdn.runalloy.com/scripts/embedded.js"></script>
<button id="connect">Connect your apps</button>
<script>
  document.getElementById("connect").onclick = async () => {
    const res = await fetch("/alloy/token", { credentials: "same-origin" });
    if (!res.ok) { alert("Please sign in"); return; }
    const { token } = await res.json();
    Alloy.setToken(token);
    Alloy.install({ integrationId: "YOUR_INTEGRATION_ID" });
  };
</script>
`

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newClient uses the real API when a key is set, else an alloytest server.
func newClient() (*alloy.Client, func(), error) {
	if os.Getenv("ALLOY_API_KEY") != "" {
		c, err := alloy.NewClientFromEnv()
		return c, func() {}, err
	}
	srv, err := alloytest.Start()
	if err != nil {
		return nil, nil, err
	}
	return srv.Client(), srv.Close, nil
}
