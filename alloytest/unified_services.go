package alloytest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// deleteConnection deletes a connection, which is a credential, with its
// data and subscriptions. With a userId (id or username), the connection
// must be that user's.
func (s *Server) deleteConnection(w http.ResponseWriter, r *http.Request, req *request) {
	found, err := s.st.deleteConnection(req.params["connectionId"], r.URL.Query().Get("userId"))
	switch {
	case err != nil:
		writeFailure(w, err)
	case !found:
		writeError(w, http.StatusNotFound, "Connection not found")
	default:
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	}
}

// appCategory resolves the app query parameter of the metadata routes,
// answering 400 when it is missing and 404 when there is no such app.
func (s *Server) appCategory(w http.ResponseWriter, r *http.Request) (*AppDef, bool) {
	name := r.URL.Query().Get("app")
	if name == "" {
		writeError(w, http.StatusBadRequest, "app is required")
		return nil, false
	}
	a := s.app(name)
	if a == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Unknown app %q", name))
	}
	return a, a != nil
}

// operations lists, per model (its single key), the operations of the
// collections of the app's category; none for an app without one.
func (s *Server) operations(w http.ResponseWriter, r *http.Request, _ *request) {
	a, ok := s.appCategory(w, r)
	if !ok {
		return
	}
	out := map[string][]string{}
	for _, c := range collections {
		if c.category() == a.Category {
			out[c.single] = c.operations()
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"operations": out})
}

// fields describes the fields of the model an operation of the app acts
// on, as {"fields": [{"name", "type"}]}, sorted by name, from the
// contract's schema of the model in the version asked for: for a create
// or update the properties a client may write (remoteFields included), for
// the other operations those a read answers. The type is the JSON type:
// string, number, boolean, array or object (a property the contract types
// two ways, such as money, is a number).
func (s *Server) fields(w http.ResponseWriter, r *http.Request, req *request) {
	a, ok := s.appCategory(w, r)
	if !ok {
		return
	}
	operation := r.URL.Query().Get("operation")
	if operation == "" {
		writeError(w, http.StatusBadRequest, "operation is required")
		return
	}
	i := slices.IndexFunc(collections, func(c collection) bool {
		return c.category() == a.Category && slices.Contains(c.operations(), operation)
	})
	if i < 0 {
		writeError(w, http.StatusNotFound, fmt.Sprintf("%s has no operation %q", a.Name, operation))
		return
	}
	c := &collections[i]
	writes := strings.HasPrefix(operation, "create") || strings.HasPrefix(operation, "update")
	sample := firstSample(c.path)
	m := c.model(req.version)
	out := []map[string]string{}
	for _, name := range sortedProps(m) {
		p := m.Properties[name].Value
		if p == nil || writes && (p.ReadOnly || slices.Contains(serverFields, name)) || !writes && writeOnly(p) {
			continue
		}
		out = append(out, map[string]string{"name": name, "type": fieldType(p, sample[name])})
	}
	writeJSON(w, http.StatusOK, map[string]any{"fields": out})
}

// fieldType is the JSON type of a property: its schema's (number for an
// integer, and for a property typed as a string or a number), else that of
// the sample value.
func fieldType(s *openapi3.Schema, sample any) string {
	types := schemaTypes(s)
	switch {
	case slices.Contains(types, openapi3.TypeNumber) || slices.Contains(types, openapi3.TypeInteger):
		return "number"
	case len(types) > 0:
		return types[0]
	}
	switch jsonKind(sample) {
	case "":
		return "string"
	case openapi3.TypeInteger:
		return "number"
	default:
		return jsonKind(sample)
	}
}

// subscription is a webhook subscription of a connection. The fake never
// delivers events. It never changes once made.
type subscription struct {
	id, address string
	topics      []string
}

func (sub *subscription) json() map[string]any {
	return map[string]any{"subscriptionId": sub.id, "address": sub.address, "topic": sub.topics, "isEnabled": true}
}

// subscribe adds a subscription to the connection.
func (conn *connection) subscribe(address string, topics []string) *subscription {
	conn.mu.Lock()
	defer conn.mu.Unlock()
	sub := &subscription{id: conn.rand.objectID(), address: address, topics: slices.Clone(topics)}
	for slices.ContainsFunc(conn.subs, func(o *subscription) bool { return o.id == sub.id }) {
		sub.id = conn.rand.objectID()
	}
	conn.subs = append(conn.subs, sub)
	return sub
}

// subscriptions returns the connection's subscriptions, oldest first.
func (conn *connection) subscriptions() []*subscription {
	conn.mu.Lock()
	defer conn.mu.Unlock()
	return slices.Clone(conn.subs)
}

// subscription finds a subscription by id: 404 when there is none.
func (conn *connection) subscription(id string) (*subscription, error) {
	conn.mu.Lock()
	defer conn.mu.Unlock()
	i := slices.IndexFunc(conn.subs, func(sub *subscription) bool { return sub.id == id })
	if i < 0 {
		return nil, fail(http.StatusNotFound, "Subscription not found")
	}
	return conn.subs[i], nil
}

// unsubscribe deletes a subscription by id: 404 when there is none.
func (conn *connection) unsubscribe(id string) error {
	conn.mu.Lock()
	defer conn.mu.Unlock()
	i := slices.IndexFunc(conn.subs, func(sub *subscription) bool { return sub.id == id })
	if i < 0 {
		return fail(http.StatusNotFound, "Subscription not found")
	}
	conn.subs = slices.Delete(conn.subs, i, i+1)
	return nil
}

// WebhookSubscription is a Unified API webhook subscription, as Subscriptions
// reports it. Subscriptions are always enabled.
type WebhookSubscription struct {
	ID      string
	Address string   // the https URL Alloy would POST to
	Topics  []string // e.g. "commerce/orders", "sync/completed"
}

// Subscriptions returns a snapshot of a connection's webhook
// subscriptions, oldest first; none for an unknown connection.
func (s *Server) Subscriptions(connectionID string) []WebhookSubscription {
	var out []WebhookSubscription
	if cred, _ := s.st.credentialByID(connectionID, ""); cred != nil && cred.one != nil {
		for _, sub := range cred.one.subscriptions() {
			out = append(out, WebhookSubscription{ID: sub.id, Address: sub.address, Topics: slices.Clone(sub.topics)})
		}
	}
	return out
}

// unifiedConnection is cred's Unified API data, answering 400 itself for a
// credential of an app without a category.
func unifiedConnection(w http.ResponseWriter, cred *credential) (*connection, bool) {
	if cred.one == nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%s is not a Unified API connection", cred.Type))
	}
	return cred.one, cred.one != nil
}

// createSubscription subscribes an https address to topics (at least one)
// for the connection.
func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request, req *request) {
	var in struct {
		Address string   `json:"address"`
		Topic   []string `json:"topic"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	u, err := url.Parse(in.Address)
	switch {
	case err != nil || u.Scheme != "https" || u.Host == "":
		writeError(w, http.StatusBadRequest, "address must be an absolute https URL")
		return
	case len(in.Topic) == 0 || slices.Contains(in.Topic, ""):
		writeError(w, http.StatusBadRequest, "topic must list at least one topic, none empty")
		return
	}
	s.forConnection(func(w http.ResponseWriter, _ *http.Request, _ *request, cred *credential) {
		if conn, ok := unifiedConnection(w, cred); ok {
			writeJSON(w, http.StatusOK, map[string]any{"subscription": conn.subscribe(in.Address, in.Topic).json()})
		}
	})(w, r, req)
}

// listSubscriptions lists the connection's subscriptions. userId (id or
// username) is optional; when given, the connection must be that user's.
func (s *Server) listSubscriptions(w http.ResponseWriter, r *http.Request, _ *request, cred *credential) {
	owned, err := s.st.credentialByID(cred.ID, r.URL.Query().Get("userId"))
	switch {
	case err != nil:
		writeFailure(w, err)
		return
	case owned == nil:
		writeError(w, http.StatusNotFound, "Connection not found")
		return
	}
	conn, ok := unifiedConnection(w, cred)
	if !ok {
		return
	}
	subs := conn.subscriptions()
	out := make([]map[string]any, 0, len(subs))
	for _, sub := range subs {
		out = append(out, sub.json())
	}
	writeJSON(w, http.StatusOK, map[string]any{"subscriptions": out})
}

func (s *Server) getSubscription(w http.ResponseWriter, _ *http.Request, req *request, cred *credential) {
	conn, ok := unifiedConnection(w, cred)
	if !ok {
		return
	}
	sub, err := conn.subscription(req.params["subscriptionId"])
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"subscription": sub.json()})
}

func (s *Server) deleteSubscription(w http.ResponseWriter, _ *http.Request, req *request, cred *credential) {
	conn, ok := unifiedConnection(w, cred)
	if !ok {
		return
	}
	if err := conn.unsubscribe(req.params["subscriptionId"]); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// unifiedServiceHandlers are this file's answers, by the contract's operationId.
func (s *Server) unifiedServiceHandlers() map[string]handler {
	return map[string]handler{
		"unified.Connections.Delete":      s.deleteConnection,
		"unified.Metadata.ListOperations": s.operations,
		"unified.Metadata.ListFields":     s.fields,
		"unified.Webhooks.Create":         s.createSubscription,
		"unified.Webhooks.List":           s.forConnection(s.listSubscriptions),
		"unified.Webhooks.Get":            s.forConnection(s.getSubscription),
		"unified.Webhooks.Delete":         s.forConnection(s.deleteSubscription),
	}
}
