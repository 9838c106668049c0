package alloytest

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// passthrough serves the Embedded API's POST /passthrough?credentialId=,
// for a credential of any user. It answers as the passthrough guide
// documents (https://docs.runalloy.com/embedded/passthrough-api): the
// provider's headers, statusCode and data, where data is the echo of the
// provider call (see proxy) and headers the provider's content type.
func (s *Server) passthrough(w http.ResponseWriter, r *http.Request, _ *request) {
	credentialID := r.URL.Query().Get("credentialId")
	if credentialID == "" {
		writeError(w, http.StatusBadRequest, "credentialId is required")
		return
	}
	var echo bufferedResponse
	s.proxy(&echo, r, "path", func() (*credential, error) {
		return s.st.useCredential(credentialID, "", "Credential not found", nil)
	})
	if echo.status != http.StatusOK {
		echo.flush(w) // Alloy's own refusal
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"headers":    map[string]string{"content-type": "application/json; charset=utf-8"},
		"statusCode": http.StatusOK,
		"data":       json.RawMessage(echo.body.Bytes()),
	})
}

// bufferedResponse keeps what a handler writes, to be wrapped or passed on.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header {
	if b.header == nil {
		b.header = http.Header{}
	}
	return b.header
}

func (b *bufferedResponse) WriteHeader(status int) { b.status = status }

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// flush writes the kept response to w.
func (b *bufferedResponse) flush(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// forward serves the Unified API's POST /one/forward, whose connection is
// named like every /one/ call's and whose provider path is "endpoint".
func (s *Server) forward(w http.ResponseWriter, r *http.Request, req *request) {
	s.proxy(w, r, "endpoint", func() (*credential, error) {
		id, err := connectionParam(r, req)
		if err != nil {
			return nil, err
		}
		return s.st.useCredential(id, "", "Connection not found", nil)
	})
}

// proxy stands in for the provider of a credential: it answers 200 with an
// echo of the call Alloy would have made. pathKey names the provider path
// in the request body and the echo; use resolves the credential and counts
// the API action (useCredential), failing when there is none.
func (s *Server) proxy(w http.ResponseWriter, r *http.Request, pathKey string, use func() (*credential, error)) {
	var in struct {
		Method       string          `json:"method"`
		Path         string          `json:"path"`
		Endpoint     string          `json:"endpoint"`
		Body         json.RawMessage `json:"body"`
		Query        json.RawMessage `json:"query"`
		ExtraHeaders json.RawMessage `json:"extraHeaders"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	path := in.Path
	if pathKey == "endpoint" {
		path = in.Endpoint
	}
	body, bodyOK := embeddedJSON(in.Body)
	headers, headersOK := embeddedJSON(in.ExtraHeaders)
	query := map[string]any{}
	switch {
	case in.Method == "" || path == "":
		writeError(w, http.StatusBadRequest, "method and "+pathKey+" are required")
		return
	case !bodyOK:
		writeError(w, http.StatusBadRequest, "body must be a string holding JSON, or null")
		return
	case !headersOK || !isObject(headers):
		writeError(w, http.StatusBadRequest, "extraHeaders must be a string holding a JSON object, or null")
		return
	case len(in.Query) > 0 && string(in.Query) != "null" && json.Unmarshal(in.Query, &query) != nil:
		writeError(w, http.StatusBadRequest, "query must be an object or null")
		return
	}
	if headers == nil {
		headers = map[string]any{}
	}
	c, err := use()
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"method": in.Method, pathKey: path, "query": query, "headers": headers, "body": body, "credentialType": c.Type,
	})
}

// embeddedJSON decodes a field that holds JSON as text, or is null or
// absent (nil then); ok is false for anything else.
func embeddedJSON(raw json.RawMessage) (v any, ok bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	var text string
	if json.Unmarshal(raw, &text) != nil || json.Unmarshal([]byte(text), &v) != nil {
		return nil, false
	}
	return v, true
}

// isObject reports whether a decoded JSON value is an object or nil.
func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok || v == nil
}

// passthroughHandlers are this file's answers, by the contract's operationId.
func (s *Server) passthroughHandlers() map[string]handler {
	return map[string]handler{
		"Passthrough.Do":         s.passthrough,
		"unified.Passthrough.Do": s.forward,
	}
}
