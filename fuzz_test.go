package alloy

import (
	"encoding/json"
	"github.com/alloysdk/alloy-go/internal/redact"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzErrorBody: any error response becomes an *Error whose text is one
// line, bounded, and never carries the API key, whatever the body says.
func FuzzErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{"message":"User not found"}`, `{"error":"bad"}`, `{"error":{"message":"nested","code":"E1"}}`,
		`{}`, `[]`, `null`, ``, `<html>502</html>`, `{"message":"key ` + testKey + ` is wrong"}`,
		`{"message":` + strings.Repeat(`"x`, 10) + `}`, "\x00\xff", `{"message":123,"code":[1]}`,
	} {
		f.Add(seed, 500)
	}
	f.Fuzz(func(t *testing.T, body string, status int) {
		e := newError(http.MethodGet, "/users/u1", status, http.Header{"X-Request-Id": {"req_1"}}, []byte(body), 1, redact.New(testKey))
		msg := e.Error()
		if strings.Contains(msg, testKey) {
			t.Fatalf("API key in error text: %q", msg)
		}
		if strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("error text spans lines: %q", msg)
		}
		if len(msg) > 2048 {
			t.Fatalf("error text is %d bytes", len(msg))
		}
		_ = e.Is(ErrServer)
	})
}

// FuzzDecodeModels: no response body makes a model decoder panic.
func FuzzDecodeModels(f *testing.F) {
	for _, name := range []string{
		"users_get.json", "users_by_workflow.json", "integrations_list_2025-09.json", "integrations_list_2024-03.json",
		"credentials_list.json", "credential_metadata_list_2025-09.json", "workflow_get_2025-09.json",
		"workflow_logs_2025-09.json", "logs_all_2025-09.json", "installation_start.json", "installations_list.json",
	} {
		b, err := readTestdata(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, name := range []string{"get-detail-usage-user_2025-09.json", "list-user-files_2025-09.json", "edit-installation_2025-09.json"} {
		b, err := readTestdata("embedded-pages/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"data":[{"finished":{"x":1},"startedAt":[],"results":[{"blockId":5}]}]}`))
	f.Add([]byte(`{"headers":{"a":["b",1],"c":null},"statusCode":201,"data":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		targets := []any{
			new(userBody), new(struct{ Data []WorkflowUser }), new(struct{ Data []Integration }),
			new(struct{ Data []Credential }), new(struct{ Data []CredentialMetadata }), new(struct{ Data *Workflow }),
			new(struct{ Data []Execution }), new(LogPage), new(InstallationForm), new(struct{ Data []Installation }),
			new(ExecutionLog), new(Connector), new(ConnectorResource), new(WorkflowError),
			new(struct{ Data *UsageByUser }), new(struct{ Files []File }), new(struct{ Data *Installation }),
		}
		for _, v := range targets {
			_ = json.Unmarshal(b, v)
		}
		_, _ = decodeList[WorkflowError](b, "data", "errors")
		if r := passthroughResponse(200, b); r == nil {
			t.Fatal("no response")
		}
	})
}

// FuzzExpandRoute: any id stays exactly one path segment under the route,
// or is refused.
func FuzzExpandRoute(f *testing.F) {
	for _, seed := range []string{"u1", "a/b", "..", ".", "%2e%2e", "a?b#c", "a b", "\x00", "../../admin", "é", "a%2Fb", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		path, err := expandRoute("/users/{userId}/token", []string{id})
		if err != nil {
			return
		}
		if !strings.HasPrefix(path, "/users/") || !strings.HasSuffix(path, "/token") {
			t.Fatalf("route shape lost: %q", path)
		}
		seg := strings.TrimSuffix(strings.TrimPrefix(path, "/users/"), "/token")
		if strings.ContainsAny(seg, "/?#") || seg == "." || seg == ".." || seg == "" {
			t.Fatalf("id %q became more than one segment: %q", id, path)
		}
		u, perr := url.Parse("https://api.alloy.test" + path)
		if perr != nil {
			t.Fatalf("path does not parse: %q: %v", path, perr)
		}
		if got, _ := url.PathUnescape(seg); got != id {
			t.Fatalf("id %q round-trips as %q", id, got)
		}
		if u.Path != "/users/"+id+"/token" && utf8.ValidString(id) {
			t.Fatalf("server would see path %q for id %q", u.Path, id)
		}
	})
}
