package alloytest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, _ *request) {
	if !s.checkOptionalUser(w, r) {
		return
	}
	out := make([]map[string]any, 0, len(s.cfg.events))
	for _, e := range s.cfg.events {
		out = append(out, map[string]any{"name": e.Name, "description": e.Description, "body": e.Body})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// runEvent fires a custom event for a user. The fake does not know which
// workflows an event triggers: it records a "trigger" execution of every
// workflow the user has installed and active, in seed order.
func (s *Server) runEvent(w http.ResponseWriter, r *http.Request, _ *request) {
	var in struct {
		Event  string          `json:"event"`
		UserID string          `json:"userId"`
		Data   json.RawMessage `json:"data"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Event == "" {
		writeError(w, http.StatusBadRequest, "event is required")
		return
	}
	data, ok := payload(w, in.Data)
	if !ok {
		return
	}
	if !s.eventDefined(in.Event) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Event %q not found", in.Event))
		return
	}
	if err := s.st.fireEvent(in.UserID, s.workflows(), data); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Event successfully triggered"})
}

func (s *Server) eventDefined(name string) bool {
	for _, e := range s.cfg.events {
		if e.Name == name {
			return true
		}
	}
	return false
}

// eventHandlers are this file's answers, by the contract's operationId.
func (s *Server) eventHandlers() map[string]handler {
	return map[string]handler{
		"Events.List": s.listEvents,
		"Events.Run":  s.runEvent,
	}
}
