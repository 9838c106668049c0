package alloytest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// asUserHeader names the user a Connectivity API call acts as.
const asUserHeader = "X-Alloy-Userid"

// connectorHandler acts on the connector named by the route's
// {connectorId}.
type connectorHandler func(w http.ResponseWriter, r *http.Request, req *request, c *ConnectorDef)

// forConnector runs h with the {connectorId} connector resolved, answering
// 404 when there is none. Connectors never change, so the store is not
// locked.
func (s *Server) forConnector(h connectorHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, req *request) {
		i := slices.IndexFunc(s.cfg.connectors, func(c ConnectorDef) bool { return c.ID == req.params["connectorId"] })
		if i < 0 {
			writeError(w, http.StatusNotFound, fmt.Sprintf("Connector %q not found", req.params["connectorId"]))
			return
		}
		h(w, r, req, &s.cfg.connectors[i])
	}
}

// action finds an action of any of c's resources, answering 404 itself
// when there is none.
func (c *ConnectorDef) action(w http.ResponseWriter, id string) (*ActionDef, bool) {
	for i := range c.Resources {
		for j := range c.Resources[i].Actions {
			if a := &c.Resources[i].Actions[j]; a.ID == id {
				return a, true
			}
		}
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("Action %q not found", id))
	return nil, false
}

// owns reports whether a credential is for c: its type is c's id, as an
// app credential's is, or starts with it, as "slack-oauth2" does.
func (c *ConnectorDef) owns(cred *credential) bool {
	return cred.Type == c.ID || strings.HasPrefix(cred.Type, c.ID+"-")
}

func (s *Server) listConnectors(w http.ResponseWriter, _ *http.Request, _ *request) {
	out := make([]map[string]string, 0, len(s.cfg.connectors))
	for _, c := range s.cfg.connectors {
		out = append(out, map[string]string{"id": c.ID, "name": c.Name, "icon": c.Icon})
	}
	writeJSON(w, http.StatusOK, map[string]any{"connectors": out})
}

// getConnector answers one connector as its list item, under "connector"
// (no page shows this answer: see the contract's Connectors.Get).
func (s *Server) getConnector(w http.ResponseWriter, _ *http.Request, _ *request, c *ConnectorDef) {
	writeJSON(w, http.StatusOK, map[string]any{"connector": map[string]string{"id": c.ID, "name": c.Name, "icon": c.Icon}})
}

func (s *Server) connectorResources(w http.ResponseWriter, _ *http.Request, _ *request, c *ConnectorDef) {
	out := make([]map[string]any, 0, len(c.Resources))
	for _, res := range c.Resources {
		actions := make([]map[string]string, 0, len(res.Actions))
		for _, a := range res.Actions {
			actions = append(actions, map[string]string{"id": a.ID, "displayName": a.DisplayName, "description": a.Description})
		}
		out = append(out, map[string]any{"name": res.Name, "actions": actions})
	}
	writeJSON(w, http.StatusOK, map[string]any{"resources": out})
}

func (s *Server) connectorAction(w http.ResponseWriter, _ *http.Request, req *request, c *ConnectorDef) {
	a, ok := c.action(w, req.params["actionId"])
	if !ok {
		return
	}
	params := make([]map[string]any, 0, len(a.Parameters))
	for _, p := range a.Parameters {
		m := map[string]any{"name": p.Name, "in": p.In, "description": p.Description, "required": p.Required}
		if p.Schema != nil {
			m["schema"] = p.Schema
		}
		params = append(params, m)
	}
	out := map[string]any{"id": a.ID, "displayName": a.DisplayName, "description": a.Description, "httpMethod": a.HTTPMethod, "path": a.Path, "parameters": params}
	if a.RequestBody != nil {
		out["requestBody"] = a.RequestBody
	}
	writeJSON(w, http.StatusOK, map[string]any{"action": out})
}

// executeAction stands in for the provider: it checks the credential and
// the required parameters and answers with an echo of the call, counting
// an API action. The credential may be any user's, or only the
// x-alloy-userid user's when that header is sent; the request body is not
// checked against the action's schema.
func (s *Server) executeAction(w http.ResponseWriter, r *http.Request, req *request, c *ConnectorDef) {
	a, ok := c.action(w, req.params["actionId"])
	if !ok {
		return
	}
	var in struct {
		CredentialID      string         `json:"credentialId"`
		RequestBody       any            `json:"requestBody"`
		AdditionalHeaders map[string]any `json:"additionalHeaders"`
		QueryParameters   map[string]any `json:"queryParameters"`
		PathParams        map[string]any `json:"pathParams"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.CredentialID == "" {
		writeError(w, http.StatusBadRequest, "credentialId is required")
		return
	}
	given := map[string]map[string]any{"path": in.PathParams, "query": in.QueryParameters, "header": in.AdditionalHeaders}
	var missingParams []string
	for _, p := range a.Parameters {
		if v := given[p.In][p.Name]; p.Required && (v == nil || v == "") {
			missingParams = append(missingParams, p.Name)
		}
	}
	if len(missingParams) > 0 {
		writeError(w, http.StatusBadRequest, "Missing required parameter(s): "+strings.Join(missingParams, ", "))
		return
	}
	cred, err := s.st.useCredential(in.CredentialID, r.Header.Get(asUserHeader), "Credential not found", func(cred *credential) error {
		if !c.owns(cred) {
			return fail(http.StatusBadRequest, "Credential %q is a %s credential, not a %s one", cred.ID, cred.Type, c.ID)
		}
		return nil
	})
	if err != nil {
		writeFailure(w, err)
		return
	}
	path := a.Path
	for k, v := range in.PathParams {
		path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(fmt.Sprint(v)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "result": map[string]any{
		"connectorId": c.ID, "actionId": a.ID, "credentialId": cred.ID, "method": a.HTTPMethod, "path": path,
		"query": in.QueryParameters, "headers": in.AdditionalHeaders, "body": in.RequestBody,
	}})
}

// connectorCredentials lists the credentials for c of every user, oldest
// user first, or of the x-alloy-userid user only.
func (s *Server) connectorCredentials(w http.ResponseWriter, r *http.Request, _ *request, c *ConnectorDef) {
	creds, err := s.st.credentialsWhere(r.Header.Get(asUserHeader), c.owns)
	if err != nil {
		writeFailure(w, err)
		return
	}
	out := []map[string]string{}
	for _, cred := range creds {
		out = append(out, cred.json())
	}
	writeJSON(w, http.StatusOK, map[string]any{"credentials": out})
}

// createConnectorCredential makes a credential of type
// "<connector>-<authenticationType>": for oauth2 through a link on this
// server that grants when visited and then redirects to redirectUri; for
// any other type at once from data, which must not be empty.
func (s *Server) createConnectorCredential(w http.ResponseWriter, r *http.Request, _ *request, c *ConnectorDef) {
	var in struct {
		UserID             string         `json:"userId"`
		AuthenticationType string         `json:"authenticationType"`
		AuthConfigID       string         `json:"authConfigId"`
		RedirectURI        string         `json:"redirectUri"`
		Data               map[string]any `json:"data"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	oauth := in.AuthenticationType == "oauth2"
	switch {
	case in.AuthenticationType == "":
		writeError(w, http.StatusBadRequest, "authenticationType is required")
		return
	case !slices.Contains(c.AuthTypes, in.AuthenticationType):
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%s does not support authenticationType %q (supported: %s)", c.ID, in.AuthenticationType, strings.Join(c.AuthTypes, ", ")))
		return
	case oauth && !absoluteURL(in.RedirectURI):
		writeError(w, http.StatusBadRequest, "redirectUri must be an absolute http(s) URL for oauth2")
		return
	case !oauth && len(in.Data) == 0:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("data is required for %s", in.AuthenticationType))
		return
	}
	a := &AppDef{Name: c.ID + "-" + in.AuthenticationType, DisplayName: c.Name, OAuth: oauth}
	if oauth {
		link, err := s.oauthLink(in.UserID, grant{app: a, data: map[string]any{}, redirect: in.RedirectURI}, url.Values{})
		if err != nil {
			writeFailure(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"oauthUrl": link})
		return
	}
	cred, err := s.st.addCredential(in.UserID, a, in.Data)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"credentialId": cred.ID})
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// connectorCredentialMetadata describes each of c's AuthTypes: oauth2
// needs a redirectUri, the others a non-empty data object.
func (s *Server) connectorCredentialMetadata(w http.ResponseWriter, _ *http.Request, _ *request, c *ConnectorDef) {
	str := map[string]any{"type": "string"}
	out := make([]map[string]any, 0, len(c.AuthTypes))
	for _, t := range c.AuthTypes {
		props := map[string]any{"userId": str, "authenticationType": map[string]any{"type": "string", "const": t}}
		required := []string{"userId", "authenticationType"}
		sample := map[string]any{"userId": "68aa11bb22cc33dd44ee55ff", "authenticationType": t}
		if t == "oauth2" {
			props["redirectUri"] = map[string]any{"type": "string", "format": "uri"}
			required = append(required, "redirectUri")
			sample["redirectUri"] = "https://app.example.com/oauth/done"
		} else {
			props["data"] = map[string]any{"type": "object", "minProperties": 1}
			required = append(required, "data")
			sample["data"] = map[string]any{t: "sample-" + t}
		}
		out = append(out, map[string]any{
			"authenticationType": t, "authConfigRequired": false,
			"inputSchema": map[string]any{"type": "object", "properties": props, "required": required}, "sampleInput": sample,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"metadata": out})
}

// connectorHandlers are this file's answers, by the contract's operationId.
func (s *Server) connectorHandlers() map[string]handler {
	return map[string]handler{
		"Connectors.List":                   s.listConnectors,
		"Connectors.Get":                    s.forConnector(s.getConnector),
		"Connectors.ListResources":          s.forConnector(s.connectorResources),
		"Connectors.GetAction":              s.forConnector(s.connectorAction),
		"Connectors.Execute":                s.forConnector(s.executeAction),
		"Connectors.ListCredentials":        s.forConnector(s.connectorCredentials),
		"Connectors.CreateCredential":       s.forConnector(s.createConnectorCredential),
		"Connectors.ListCredentialMetadata": s.forConnector(s.connectorCredentialMetadata),
	}
}
