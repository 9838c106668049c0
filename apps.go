package alloy

import (
	"context"
	"encoding/json"
)

// AppsService lists the third-party apps Alloy connects to.
type AppsService service

// App is a third-party app Alloy supports.
type App struct {
	Name  string   `json:"name"` // the connector name, e.g. "shopify"
	Icon  string   `json:"icon,omitempty"`
	OAuth bool     `json:"oauth"`          // reported from 2024-03 on
	Type  []string `json:"type,omitempty"` // e.g. ["action", "trigger"]
}

// UnmarshalJSON accepts "type" as a list or as a single string.
func (a *App) UnmarshalJSON(b []byte) error {
	type plain App
	var v struct {
		plain
		Type json.RawMessage `json:"type"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*a = App(v.plain)
	a.Type = nil
	var one string
	if json.Unmarshal(v.Type, &a.Type) != nil && json.Unmarshal(v.Type, &one) == nil && one != "" {
		a.Type = []string{one}
	}
	return nil
}

// List returns every app. GET /metadata/apps (2023-12 and older: GET /apps)
func (s *AppsService) List(ctx context.Context, opts ...RequestOption) ([]App, error) {
	return inData[[]App](ctx, s.client, call{op: "Apps.List"}, opts)
}
