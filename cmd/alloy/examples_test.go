package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/alloysdk/alloy-go/unified"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An example of the help or the README: the line as written, and where.
type example struct{ where, line string }

// helpExamples returns every example of every visible command's help.
func helpExamples(t *testing.T) []example {
	root, _ := commandTree(t)
	var out []example
	walk(root, func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c.HasParent() {
			return
		}
		for _, l := range strings.Split(c.Example, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, example{c.CommandPath() + " --help", l})
			}
		}
	})
	return out
}

// readmeExamples returns the lines of the sh blocks of the README's
// section on the alloy command.
func readmeExamples(t *testing.T) []example {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	s := string(b)
	start := strings.Index(s, "## The alloy command")
	require.GreaterOrEqual(t, start, 0)
	end := strings.Index(s[start+1:], "\n## ")
	section := s[start : start+1+end]
	var out []example
	in := false
	for _, l := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(l, "```sh"):
			in = true
		case strings.HasPrefix(l, "```"):
			in = false
		case in && strings.TrimSpace(l) != "":
			out = append(out, example{"README.md", strings.TrimSpace(l)})
		}
	}
	return out
}

// alloyPart returns the alloy command of a shell line, with whatever
// feeds its stdin (echo ... | or cat ... |), and without what takes its
// output (| jq ...), the assignment or $( ) around it, redirections and
// the comment after it.
func alloyPart(line string) (string, bool) {
	var quote rune
	start, segStart := -1, 0
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case start < 0 && (r == '|' || r == '('):
			segStart = i + 1
		case start < 0 && strings.HasPrefix(line[i:], "alloy ") && (i == 0 || strings.ContainsRune(" (|", rune(line[i-1]))):
			start = i
		case start >= 0 && strings.ContainsRune("|);&>#", r):
			return strings.TrimSpace(line[feed(line, segStart, start):i]), true
		}
	}
	if start < 0 {
		return "", false
	}
	return strings.TrimSpace(line[feed(line, segStart, start):]), true
}

// feed returns where the command feeding alloy's stdin starts (an echo or
// cat before a pipe), or start.
func feed(line string, segStart, start int) int {
	before := strings.TrimSpace(line[:start])
	if !strings.HasSuffix(before, "|") {
		return start
	}
	i := strings.LastIndexAny(before[:len(before)-1], "(;")
	cmd := strings.TrimSpace(before[i+1:])
	if strings.HasPrefix(cmd, "echo ") || strings.HasPrefix(cmd, "cat ") {
		return i + 1
	}
	return start
}

func TestAlloyPart(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		"alloy users list": "alloy users list",
		"alloy users list --json | jq -r '.[].userId'":                                "alloy users list --json",
		`id=$(alloy users create --username a --json | jq -r .userId)`:                "alloy users create --username a --json",
		`TOKEN=$(alloy tokens create --user u --show-token)`:                          "alloy tokens create --user u --show-token",
		"alloy mock --addr 127.0.0.1:0 --jsonl > mock.json &   # for scripts":         "alloy mock --addr 127.0.0.1:0 --jsonl",
		`alloy logs list --max 0 --jsonl | jq -c 'select(.message == "a|b")'`:         "alloy logs list --max 0 --jsonl",
		`echo '{"a": 1}' | alloy events run "Invoice Paid" --user u --data -`:         `echo '{"a": 1}' | alloy events run "Invoice Paid" --user u --data -`,
		`alloy credentials metadata netsuite   # which properties to give`:            "alloy credentials metadata netsuite",
		`alloy unified x list --filter 'totalPrice>=100' --all`:                       `alloy unified x list --filter 'totalPrice>=100' --all`,
		`pass show netsuite | alloy credentials create --user u --type t --data -`:    "alloy credentials create --user u --type t --data -",
		"go install github.com/alloysdk/alloy-go/cmd/alloy@latest":                    "",
		"export ALLOY_API_KEY=...   # or run 'alloy mock' and use the export line it": "",
	} {
		got, ok := alloyPart(line)
		assert.Equal(t, want != "", ok, line)
		assert.Equal(t, want, got, line)
	}
}

// exampleWorld is a fresh alloytest server in the state the examples
// assume: the seed file's users, a connection per family with sample
// records, a credential, an execution, an installation, a subscription;
// and the shell variables the examples use, naming them.
func exampleWorld(t *testing.T, collection string, completing bool) (*alloytest.Server, map[string]string) {
	t.Helper()
	f, err := os.Open("testdata/seed.json")
	require.NoError(t, err)
	seed, err := alloytest.ReadSeed(f)
	f.Close()
	require.NoError(t, err)
	srv := alloytest.NewServer(seed.Options()...)
	t.Cleanup(srv.Close)
	res, err := srv.LoadSeed(seed)
	require.NoError(t, err)
	ops := res.Users[0].ID
	ctx := context.Background()
	c := srv.Client()
	vars := map[string]string{}
	apps := map[string]string{"commerce": "shopify", "accounting": "netsuite", "crm": "hubspot"}
	conns := map[string]string{}
	for fam, app := range apps {
		conns[fam], err = srv.Connect(ops, app)
		require.NoError(t, err)
	}
	family, _, _ := strings.Cut(collection, "/")
	vars["CONN"] = conns["commerce"]
	if conns[family] != "" {
		vars["CONN"] = conns[family]
	}
	u, err := unified.New(c)
	require.NoError(t, err)
	if p, err := u.Commerce.Products.List(ctx, conns["commerce"], nil); err == nil && len(p.Items) > 0 {
		vars["PRODUCT"] = p.Items[0].ID
	}
	if o, err := u.Commerce.Orders.List(ctx, conns["commerce"], nil); err == nil && len(o.Items) > 0 {
		vars["ORDER"] = o.Items[0].ID
	}
	for _, col := range unifiedCollections() {
		if col.name != collection {
			continue
		}
		parent := map[string]string{"product": vars["PRODUCT"], "order": vars["ORDER"]}[col.parent]
		p, err := recordCall{ctx: ctx, r: col.resource(u, parent), conn: vars["CONN"]}.list(nil)
		require.NoError(t, err)
		require.NotEmpty(t, p.items, "no sample %s record", collection)
		vars["RECORD"] = fmt.Sprint(reflectField(p.items[0], "id"))
	}
	cred, err := c.Credentials.Create(ctx, ops, alloy.CredentialCreateParams{Type: "bigcommerce", Data: map[string]any{"storeHash": "abc", "accessToken": "tok"}})
	require.NoError(t, err)
	vars["CRED"] = cred.ID
	_, err = c.Events.Run(ctx, alloy.EventRunParams{Event: "Invoice Paid", UserID: ops})
	require.NoError(t, err)
	execs := srv.Executions("6712ab3acd56ef7890a1b2d9")
	require.NotEmpty(t, execs)
	vars["EXECUTION"] = execs[0].ID
	form, err := c.Installations.Start(ctx, alloy.InstallationStartParams{UserID: ops, IntegrationID: bigcommerceIntegr})
	require.NoError(t, err)
	vars["INSTALLATION"] = form.InstallationID // started: for complete
	if !completing {
		b, err := os.ReadFile("testdata/answers.json")
		require.NoError(t, err)
		var steps []alloy.InstallationStepAnswer
		require.NoError(t, jsonUnmarshal(string(b), &steps))
		require.NoError(t, c.Installations.Complete(ctx, alloy.InstallationCompleteParams{InstallationID: form.InstallationID, Steps: steps}))
	}
	sub, err := u.Webhooks.Create(ctx, vars["CONN"], unified.SubscriptionCreateParams{Address: "https://hooks.example/alloy", Topics: []string{"commerce/orders"}})
	require.NoError(t, err)
	vars["SUBSCRIPTION"] = sub.ID
	hub, err := c.Connectors.CreateCredential(ctx, "hubspot", alloy.ConnectorCredentialCreateParams{UserID: ops, AuthenticationType: "apiKey", Data: map[string]any{"apiKey": "pat-1"}})
	require.NoError(t, err)
	vars["HUBSPOT_CRED"] = hub.CredentialID
	return srv, vars
}

func reflectField(v any, name string) any {
	b, _ := jsonMarshal(v)
	var m map[string]any
	_ = jsonUnmarshal(string(b), &m)
	return m[name]
}

var collectionInExample = regexp.MustCompile(`alloy unified (\S+/\S+) `)

// TestExamplesRun runs the alloy part of every example of the help and of
// the README's section on the alloy command, as written, from the
// repository root, each on a fresh alloytest server (alloy mock's own
// examples run alloy mock), and checks it succeeds.
func TestExamplesRun(t *testing.T) {
	t.Parallel()
	bin := alloyBinary(t)
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	all := append(helpExamples(t), readmeExamples(t)...)
	require.Greater(t, len(all), 150)
	seen := map[string]bool{}
	ran := 0
	for _, ex := range all {
		part, ok := alloyPart(ex.line)
		if !ok || seen[part] {
			continue
		}
		seen[part] = true
		ran++
		if strings.HasPrefix(part, "alloy mock") {
			runMockExample(t, bin, root, ex, part)
			continue
		}
		collection := ""
		if m := collectionInExample.FindStringSubmatch(part); m != nil {
			collection = m[1]
		}
		srv, vars := exampleWorld(t, collection, strings.Contains(part, "installations complete"))
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", part)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "ALLOY_BASE_URL="+srv.URL, "ALLOY_API_KEY="+srv.APIKey)
		for k, v := range vars {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		assert.NoError(t, err, "%s: %s\nstdout: %s\nstderr: %s", ex.where, part, stdout.String(), stderr.String())
	}
	t.Logf("ran %d distinct examples", ran)
}

// runMockExample runs an alloy mock example until it serves, then stops it
// as Ctrl-C would.
func runMockExample(t *testing.T, bin, root string, ex example, part string) {
	t.Helper()
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", "exec "+part)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	cmd.Stdout = &bytes.Buffer{}
	require.NoError(t, cmd.Start())
	served := make(chan bool, 1)
	var said syncBuffer
	go func() {
		sc := bufio.NewScanner(stderr)
		ok := false
		for sc.Scan() {
			said.Write([]byte(sc.Text() + "\n"))
			if strings.Contains(sc.Text(), "serving; press Ctrl-C to stop") && !ok {
				ok = true
				served <- true
			}
		}
		if !ok {
			served <- false
		}
	}()
	select {
	case ok := <-served:
		assert.True(t, ok, "%s: %s did not serve: %s", ex.where, part, said.String())
	case <-time.After(10 * time.Second):
		t.Errorf("%s: %s did not start", ex.where, part)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	assert.NoError(t, cmd.Wait(), "%s: %s", ex.where, part)
}

// TestWriteUnifiedExampleFiles writes, with ALLOY_WRITE_EXAMPLES=1, the
// records the create and update examples of each collection send: a
// sample record of alloytest in the SDK's model, without the fields Alloy
// sets.
func TestWriteUnifiedExampleFiles(t *testing.T) {
	if os.Getenv("ALLOY_WRITE_EXAMPLES") == "" {
		t.Skip("set ALLOY_WRITE_EXAMPLES=1 to write testdata/unified/*.json")
	}
	for _, col := range unifiedCollections() {
		if !col.can("Create") {
			continue
		}
		srv, vars := exampleWorld(t, col.name, false)
		u, err := unified.New(srv.Client())
		require.NoError(t, err)
		parent := vars[strings.ToUpper(col.parent)]
		rec, err := recordCall{ctx: context.Background(), r: col.resource(u, parent), conn: vars["CONN"]}.get(vars["RECORD"])
		require.NoError(t, err)
		b, err := jsonMarshal(rec)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, jsonUnmarshal(string(b), &m))
		for _, k := range []string{"id", "remoteId", "createdTimestamp", "updatedTimestamp", "createdAt", "updatedAt", "remoteCreatedAt", "remoteUpdatedAt", "remoteDeleted", "remoteData"} {
			delete(m, k)
		}
		out, err := json.MarshalIndent(m, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll("testdata/unified", 0o755))
		require.NoError(t, os.WriteFile("testdata/unified/"+strings.ReplaceAll(col.name, "/", "-")+".json", append(out, '\n'), 0o644))
	}
}
