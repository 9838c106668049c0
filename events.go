package alloy

import (
	"context"
	"encoding/json"
)

// EventsService lists the custom events your account defines and fires
// them for a user, which runs every workflow of that user triggered by the
// event.
type EventsService service

// Event is a custom-event definition (not an execution).
type Event struct {
	Name        string          `json:"name"` // what EventRunParams.Event names
	Description string          `json:"description,omitempty"`
	Body        json.RawMessage `json:"body,omitempty"` // a sample payload, as defined in Alloy
}

// EventListParams filter Events.List.
type EventListParams struct {
	// UserID scopes the list to one user, as the official SDKs send it;
	// the 2025-09 reference does not list the parameter.
	UserID string
}

// EventRunParams fire a custom event for one user.
type EventRunParams struct {
	Event  string `json:"event"`  // the event's name, e.g. "Invoice Paid"
	UserID string `json:"userId"` // id or username
	// Data is the event's payload, encoded as a JSON object; nil sends {}.
	Data any `json:"data"`
}

// List returns the custom events defined in your account. GET /events
//
// From API version 2023-12 on.
func (s *EventsService) List(ctx context.Context, params *EventListParams, opts ...RequestOption) ([]Event, error) {
	var user string
	if params != nil {
		user = params.UserID
	}
	return inData[[]Event](ctx, s.client, call{op: "Events.List", params: []param{optional("userId", user)}}, opts)
}

// Run fires a custom event for a user. POST /run/event
//
// Not retried on 5xx or timeouts, which could fire it twice; pass
// WithIdempotent if your workflows tolerate duplicates.
func (s *EventsService) Run(ctx context.Context, params EventRunParams, opts ...RequestOption) (*RunResult, error) {
	if err := requireFields("run event", "event name", params.Event, "userID", params.UserID); err != nil {
		return nil, err
	}
	data, err := jsonObject("run event", "data", params.Data)
	if err != nil {
		return nil, err
	}
	params.Data = data
	return into[RunResult](ctx, s.client, call{op: "Events.Run", body: params}, opts)
}
