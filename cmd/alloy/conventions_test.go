package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// binDir holds the alloy binary alloyBinary builds; TestMain removes it.
var binDir string

// buildBinary builds the alloy command into binDir, once.
var buildBinary = sync.OnceValues(func() (string, error) {
	path := filepath.Join(binDir, "alloy")
	out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return path, nil
})

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "alloy-bin-")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// alloyBinary builds the alloy command once per test run and returns its
// path, for the tests that need a process of their own (signals, shells).
func alloyBinary(t *testing.T) string {
	t.Helper()
	path, err := buildBinary()
	require.NoError(t, err)
	return path
}

func TestVersion(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"--version"}, {"-v"}} {
		out := h.ok(args...)
		assert.Regexp(t, `^alloy \S+ \(github.com/alloysdk/alloy-go, SDK \d+\.\d+\.\d+, .*go1\.\d+\S* `+runtime.GOOS+`/`+runtime.GOARCH+`\)\n$`, out)
		assert.Contains(t, out, runtime.Version())
	}
	// The built binary knows its module from its build information: a
	// checkout gives "(devel)", or, since Go 1.24 stamps versions from the
	// repository, a pseudo-version such as v0.0.0-20261130071550-66e551eb4262
	// (+dirty with local changes), with the commit.
	out, err := exec.Command(alloyBinary(t), "--version").Output()
	require.NoError(t, err)
	assert.Regexp(t, `^alloy (\(devel\)|v\d+\.\d+\.\d+\S*) \(github.com/alloysdk/alloy-go, SDK `, string(out))
}

func TestCompletionScriptsLoad(t *testing.T) {
	t.Parallel()
	bin := alloyBinary(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", `source <("$ALLOY" completion bash) && complete -p alloy`)
	cmd.Env = append(os.Environ(), "ALLOY="+bin)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Regexp(t, `^complete .*-F __start_alloy alloy\n$`, string(out))

	// and the completion it drives: the shell asks alloy __complete
	out, err = exec.Command(bin, "__complete", "unified", "commerce/").Output()
	require.NoError(t, err)
	for _, c := range []string{"commerce/customers", "commerce/orders", "commerce/variants"} {
		assert.Contains(t, string(out), c+"\t")
	}
	out, err = exec.Command(bin, "__complete", "users", "delete", "x", "--y").Output()
	require.NoError(t, err)
	assert.Contains(t, string(out), "--yes\t")

	for _, shell := range []string{"zsh", "fish", "powershell"} {
		out, err := exec.Command(bin, "completion", shell).Output()
		require.NoError(t, err, shell)
		assert.Contains(t, string(out), "alloy", shell)
		assert.Greater(t, len(out), 1000, shell)
	}
}

// TestExitCodes runs one command per exit status.
func TestExitCodes(t *testing.T) {
	h := newHarness(t)
	h.user("ops@northwind.example", "")
	assert.Equal(t, 0, h.run("users", "get", "ops@northwind.example").code)
	assert.Equal(t, 1, h.run("users", "get", "nobody@example.com").code, "404")
	assert.Equal(t, 2, h.run("users", "get").code, "usage")

	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"message": "nope"}`))
		}))
		h.env["ALLOY_BASE_URL"] = refuse.URL
		r := h.run("users", "list")
		refuse.Close()
		assert.Equal(t, 4, r.code, "HTTP %d", status)
		assert.Contains(t, r.stderr, "the API refused the key")
	}
}

// TestACreateThatMayHaveBeenAppliedSaysSo: a create answered 503 after the
// server made the user exits 1 and says the request may have been applied;
// a failed read does not say it.
func TestACreateThatMayHaveBeenAppliedSaysSo(t *testing.T) {
	h := newHarness(t)
	h.srv.InjectFault(alloytest.FaultRule{Method: "POST", Path: "/users", Times: 1, Fault: alloytest.Fault{Status: 503, AfterHandler: true}})
	r := h.run("users", "create", "--username", "z@example.com")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "the request may have been applied")
	assert.Len(t, h.srv.Users(), 1, "it was")

	r = h.run("users", "get", "nobody@example.com")
	assert.Equal(t, 1, r.code)
	assert.NotContains(t, r.stderr, "may have been applied")
}

// TestInterruptExits130: a call cancelled by SIGINT ends with 130 (and
// SIGTERM with 143), in process and as a real process.
func TestInterruptExits130(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 4)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	env := map[string]string{"ALLOY_BASE_URL": hang.URL, "ALLOY_API_KEY": "sk_test_0123456789"}

	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		ctx, cancel := context.WithCancelCause(context.Background())
		var stderr bytes.Buffer
		done := make(chan int, 1)
		go func() {
			done <- runContext(ctx, []string{"logs", "list"}, strings.NewReader(""), io.Discard, &stderr, func(k string) string { return env[k] })
		}()
		<-arrived
		cancel(interrupted{tc.sig})
		select {
		case code := <-done:
			assert.Equal(t, tc.code, code)
			assert.Equal(t, "alloy logs list: interrupted\n", stderr.String())
		case <-time.After(10 * time.Second):
			t.Fatal("not interrupted")
		}
	}

	cmd := exec.Command(alloyBinary(t), "users", "list")
	cmd.Env = append(os.Environ(), "ALLOY_BASE_URL="+hang.URL, "ALLOY_API_KEY=sk_test_0123456789")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	<-arrived
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "%v", err)
	assert.Equal(t, 130, exit.ExitCode())
	assert.Equal(t, "alloy users list: interrupted\n", stderr.String())
}

// ptyRun runs alloy in process with stdin and stderr on a pseudo-terminal
// (stdout a buffer). answer, when not empty, is typed once the terminal
// shows prompt. It returns the exit status, stdout, and what the terminal
// showed.
func ptyRun(t *testing.T, env map[string]string, prompt, answer string, args ...string) (int, string, string) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	defer ptmx.Close()
	var stdout bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- runContext(context.Background(), args, tty, &stdout, tty, func(k string) string { return env[k] })
		tty.Close()
	}()
	var screen strings.Builder
	r := bufio.NewReader(ptmx)
	typed := answer == ""
	buf := make([]byte, 256)
	for {
		n, err := r.Read(buf)
		screen.Write(buf[:n])
		if !typed && strings.Contains(screen.String(), prompt) {
			_, _ = ptmx.Write([]byte(answer))
			typed = true
		}
		if err != nil {
			break
		}
	}
	select {
	case code := <-done:
		return code, stdout.String(), screen.String()
	case <-time.After(10 * time.Second):
		t.Fatal("alloy did not end")
		return -1, "", ""
	}
}

func TestConfirmationOnATerminal(t *testing.T) {
	h := newHarness(t)
	h.user("ops@northwind.example", "")
	h.user("it@contoso.example", "")

	// declined: nothing is sent
	before := len(h.srv.Requests())
	code, stdout, screen := ptyRun(t, h.env, "[y/N] ", "n\n", "users", "delete", "ops@northwind.example")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, screen, "alloy: delete user ops@northwind.example in production ("+h.srv.URL+")? [y/N] ")
	assert.Contains(t, screen, "alloy users delete: not confirmed: nothing was sent")
	assert.Len(t, h.srv.Requests(), before)
	assert.Len(t, h.srv.Users(), 2)

	// confirmed
	code, stdout, _ = ptyRun(t, h.env, "[y/N] ", "yes\n", "users", "delete", "ops@northwind.example")
	assert.Equal(t, 0, code)
	assert.Equal(t, "Deleted user ops@northwind.example.\n", stdout)
	assert.Len(t, h.srv.Users(), 1)

	// --yes asks nothing, terminal or not
	code, stdout, screen = ptyRun(t, h.env, "", "", "users", "delete", "it@contoso.example", "--yes")
	assert.Equal(t, 0, code)
	assert.NotContains(t, screen, "[y/N]")
	assert.Equal(t, "Deleted user it@contoso.example.\n", stdout)

	// every destructive command asks, and without a terminal refuses
	_, paths := commandTree(t)
	root, _ := commandTree(t)
	n := 0
	for _, p := range paths {
		c, _, err := root.Find(p)
		require.NoError(t, err)
		if c.Annotations[destructive] == "" {
			continue
		}
		n++
		assert.NotNil(t, c.Flags().Lookup("yes"), "%v", p)
	}
	assert.Equal(t, 29, n, "users delete, delete-logs; credentials delete; workflows deactivate, deactivate-all, delete; unified users, connections and webhooks delete; 20 collections delete")
}

func TestConfirmationWithoutATerminal(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	require.NoError(t, h.srv.InstallWorkflow(u.ID, paidOrderWorkflow))
	conn, err := h.srv.Connect(u.ID, "shopify")
	require.NoError(t, err)
	for _, args := range [][]string{
		{"users", "delete", u.ID},
		{"users", "delete-logs", u.ID},
		{"workflows", "deactivate", paidOrderWorkflow, "--user", u.ID},
		{"workflows", "deactivate-all", "--user", u.ID},
		{"workflows", "delete", paidOrderWorkflow, "--user", u.ID},
		{"credentials", "delete", conn, "--user", u.ID},
		{"unified", "commerce/customers", "delete", "cus_1", "--connection", conn},
		{"unified", "connections", "delete", conn},
	} {
		before := len(h.srv.Requests())
		r := h.runStdin("y\n", args...) // an answer on a pipe is not a confirmation
		assert.Equal(t, 2, r.code, "%v", args)
		assert.Contains(t, r.stderr, "needs confirmation: stdin is not a terminal, so add --yes (nothing was sent)")
		assert.Len(t, h.srv.Requests(), before, "nothing sent: %v", args)
	}
	assert.Equal(t, 0, h.run("workflows", "deactivate", paidOrderWorkflow, "--user", u.ID, "--yes").code)
	assert.Equal(t, 0, h.run("unified", "connections", "delete", conn, "-y").code)
}

func TestProductionNoticeOnlyOnATerminalAndRemoteHost(t *testing.T) {
	t.Parallel()
	srv := alloytest.NewServer()
	t.Cleanup(srv.Close)
	const notice = "alloy: note: this acts on the production environment (https://api.example.invalid)"
	remote := map[string]string{"ALLOY_BASE_URL": "https://api.example.invalid", "ALLOY_API_KEY": "sk_test_0123456789"}

	// remote production on a terminal: said once, before anything is sent
	// (here nothing is: the id is refused)
	code, _, screen := ptyRun(t, remote, "", "", "users", "get", "..")
	assert.Equal(t, 2, code)
	assert.Equal(t, 1, strings.Count(screen, notice), screen)

	// not a terminal: silent
	var stderr bytes.Buffer
	code = runContext(context.Background(), []string{"users", "get", ".."}, strings.NewReader(""), io.Discard, &stderr, func(k string) string { return remote[k] })
	assert.Equal(t, 2, code)
	assert.NotContains(t, stderr.String(), "production environment")

	// development, or a loopback alloy mock: silent on a terminal too
	dev := map[string]string{"ALLOY_BASE_URL": "https://api.example.invalid", "ALLOY_API_KEY": "sk_test_0123456789", "ALLOY_ENVIRONMENT": "development"}
	_, _, screen = ptyRun(t, dev, "", "", "users", "get", "..")
	assert.NotContains(t, screen, "production environment")
	mock := map[string]string{"ALLOY_BASE_URL": srv.URL, "ALLOY_API_KEY": srv.APIKey}
	code, _, screen = ptyRun(t, mock, "", "", "users", "list")
	assert.Equal(t, 0, code)
	assert.NotContains(t, screen, "production environment")
}

// TestOldSpellingsStillWork runs each hidden alias of 0.1 and checks it
// does what its replacement does, with a notice on stderr.
func TestOldSpellingsStillWork(t *testing.T) {
	h := newHarness(t)
	u := h.user("ops@northwind.example", "")
	require.NoError(t, h.srv.InstallWorkflow(u.ID, paidOrderWorkflow))
	cred := h.ok("credentials", "create", "--user", u.ID, "--type", "bigcommerce", "--data", "storeHash=a", "--data", "accessToken=b", "--json")
	var created map[string]string
	require.NoError(t, jsonUnmarshal(cred, &created))

	for _, tc := range []struct {
		old, now []string
		notice   string
	}{
		{[]string{"token", u.ID, "--json"}, []string{"tokens", "create", "--user", u.ID, "--json"}, `"alloy token <user>"`},
		{[]string{"install-url", u.ID, bigcommerceIntegr}, []string{"integrations", "install-link", bigcommerceIntegr, "--user", u.ID}, `"alloy install-url <user> <integrationId>"`},
		{[]string{"apps"}, []string{"apps", "list"}, `"alloy apps"`},
		{[]string{"credentials", "list", u.ID}, []string{"credentials", "list", "--user", u.ID}, `"alloy credentials list <user>"`},
		{[]string{"integrations", "list", u.ID}, []string{"integrations", "list", "--user", u.ID}, `"alloy integrations list <user>"`},
		{[]string{"integrations", "get", u.ID, bigcommerceIntegr}, []string{"integrations", "get", bigcommerceIntegr, "--user", u.ID}, `"alloy integrations get <user> <integrationId>"`},
		{[]string{"workflows", "list", u.ID}, []string{"workflows", "list", "--user", u.ID}, `"alloy workflows list <user>"`},
		{[]string{"workflows", "activate", "--user", u.ID, "--id", paidOrderWorkflow}, []string{"workflows", "activate", paidOrderWorkflow, "--user", u.ID}, `"alloy workflows activate --id <workflowId>"`},
		{[]string{"logs", "--max", "5"}, []string{"logs", "list", "--max", "5"}, `"alloy logs"`},
		{[]string{"logs", "--workflow", paidOrderWorkflow}, []string{"logs", "executions", paidOrderWorkflow}, `"alloy logs --workflow <id>"`},
	} {
		want := h.ok(tc.now...)
		r := h.run(tc.old...)
		require.Equal(t, 0, r.code, "%v: %s", tc.old, r.stderr)
		if tc.old[0] == "token" {
			assert.Equal(t, strings.Count(want, "expiresAt"), strings.Count(r.stdout, "expiresAt"))
		} else {
			assert.Equal(t, want, r.stdout, "%v", tc.old)
		}
		assert.Equal(t, "alloy: "+tc.notice+" is deprecated and goes in the next release: use "+quoted(tc.now, u.ID)+"\n", r.stderr)
	}

	r := h.run("oauth-url", "--user", u.ID, "--app", "hubspot")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "/oauth/hubspot/authorize?")
	assert.Contains(t, r.stderr, `use "alloy credentials oauth-url <app> --user <user>"`)
	r = h.run("events", "run", "--user", u.ID, "--event", "Invoice Paid")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, `use "alloy events run <event>"`)
	r = h.run("credentials", "create", u.ID, "--type", "bigcommerce", "--data", "storeHash=a", "--data", "accessToken=b")
	assert.Equal(t, 0, r.code, r.stderr)
	r = h.run("credentials", "delete", u.ID, created["credentialId"], "--yes")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, `use "alloy credentials delete <credentialId> --user <user>"`)
}

// quoted is the replacement a notice names: the new spelling with <user>
// and ids as placeholders.
func quoted(now []string, user string) string {
	var out []string
	for _, w := range now {
		switch {
		case w == user:
			w = "<user>"
		case w == bigcommerceIntegr:
			w = "<integrationId>"
		case w == paidOrderWorkflow && now[0] == "workflows":
			w = "<workflowId>"
		case w == paidOrderWorkflow:
			w = "<id>"
		case w == "--json" || w == "--max" || w == "5":
			continue
		}
		out = append(out, w)
	}
	return `"alloy ` + strings.Join(out, " ") + `"`
}
