package alloytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
)

// SeedFile is a server's starting state as a JSON document, for `alloy mock
// --seed` and for tests that keep their fixtures in testdata. Every section
// is optional:
//
//	{
//	  "users": [
//	    {"username": "ops@northwind.example", "fullName": "Northwind Goods",
//	     "workflows": ["Paid order to ERP"]}
//	  ],
//	  "connections": [
//	    {"user": "ops@northwind.example", "app": "shopify", "clear": true,
//	     "records": {"commerce/customers": [{"id": "cus_9001", "email": "buyer@example.com"}]}}
//	  ],
//	  "apps": [{"name": "shopify", "displayName": "Shopify", "oauth": true, "category": "commerce",
//	            "properties": [{"name": "shopSubdomain"}]}],
//	  "integrations": [...], "events": [...], "connectors": [...]
//	}
//
// users are created in order; each user's workflows (parent workflow ids
// or names) are installed for them, active, as InstallWorkflow does.
// connections connect a user (username or id) to a Unified API app, as
// Connect does, optionally clear its sample records, and Seed the records
// given per collection (parents before sub-collections).
//
// apps, integrations, events and connectors replace the defaults
// (DefaultApps, ...) when present, even when empty. They hold AppDef,
// IntegrationDef, EventDef and ConnectorDef values, keyed by their Go
// field names in lowerCamelCase (matched case-insensitively, as
// encoding/json does), e.g. "displayName", "oauth", "workflows", "steps",
// "httpMethod".
//
// Unknown keys are errors, so a misspelt key does not go unnoticed.
type SeedFile struct {
	Users        []SeedUser       `json:"users,omitempty"`
	Connections  []SeedConnection `json:"connections,omitempty"`
	Apps         []AppDef         `json:"apps,omitempty"`
	Integrations []IntegrationDef `json:"integrations,omitempty"`
	Events       []EventDef       `json:"events,omitempty"`
	Connectors   []ConnectorDef   `json:"connectors,omitempty"`
}

// SeedUser is a user of a SeedFile.
type SeedUser struct {
	Username string `json:"username"` // required, unique
	FullName string `json:"fullName,omitempty"`
	// Workflows are parent workflows (id or name) installed for the user,
	// active, at version 1.
	Workflows []string `json:"workflows,omitempty"`
}

// SeedConnection is a Unified API connection of a SeedFile.
type SeedConnection struct {
	User string `json:"user"` // username or id: a user of the file or of the server
	App  string `json:"app"`  // an app with a Category, e.g. "shopify"
	// Clear removes the sample records a new connection starts with before
	// Records are added.
	Clear bool `json:"clear,omitempty"`
	// Records are added per collection, named as for Server.Seed, e.g.
	// "commerce/customers" or "commerce/products/{productId}/variants".
	Records map[string][]map[string]any `json:"records,omitempty"`
}

// SeedResult is what LoadSeed made.
type SeedResult struct {
	Users       []alloy.User       // the users created, in file order
	Connections []LoadedConnection // the connections made, in file order
}

// LoadedConnection is one connection LoadSeed made.
type LoadedConnection struct {
	ID     string // the connection (credential) id for /one/ calls
	UserID string
	App    string
}

// ReadSeed decodes a seed file and checks what can be checked without a
// server: every user has a unique username, every connection names a user
// and an app, every collection exists, and the apps, integrations, events
// and connectors are values their options (WithApps, ...) accept. Unknown
// keys and trailing data are errors.
func ReadSeed(r io.Reader) (*SeedFile, error) {
	d := json.NewDecoder(r)
	d.DisallowUnknownFields()
	d.UseNumber() // records keep their numbers' text, e.g. 129.50
	var f SeedFile
	if err := d.Decode(&f); err != nil {
		return nil, fmt.Errorf("alloytest: seed file: %w", err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("alloytest: seed file: data after the JSON document")
	}
	seen := map[string]bool{}
	for i, u := range f.Users {
		switch {
		case strings.TrimSpace(u.Username) == "":
			return nil, fmt.Errorf("alloytest: seed file: users[%d]: username is required", i)
		case seen[u.Username]:
			return nil, fmt.Errorf("alloytest: seed file: users[%d]: username %q appears twice", i, u.Username)
		}
		seen[u.Username] = true
	}
	var scratch config
	for _, o := range f.Options() {
		if err := o(&scratch); err != nil {
			return nil, fmt.Errorf("alloytest: seed file: %w", err)
		}
	}
	for i, c := range f.Connections {
		switch {
		case c.User == "" || c.App == "":
			return nil, fmt.Errorf("alloytest: seed file: connections[%d]: user and app are required", i)
		}
		for path := range c.Records {
			if _, _, ok := collectionAt(path); !ok {
				return nil, fmt.Errorf("alloytest: seed file: connections[%d]: no Unified API collection %q", i, path)
			}
		}
	}
	return &f, nil
}

// Options returns the options that install the file's apps, integrations,
// events and connectors, for Start: one for each section present.
func (f *SeedFile) Options() []Option {
	var opts []Option
	if f.Apps != nil {
		opts = append(opts, WithApps(f.Apps))
	}
	if f.Integrations != nil {
		opts = append(opts, WithIntegrations(f.Integrations))
	}
	if f.Events != nil {
		opts = append(opts, WithEvents(f.Events))
	}
	if f.Connectors != nil {
		opts = append(opts, WithConnectors(f.Connectors))
	}
	return opts
}

// LoadSeed creates the file's users, installs their workflows and makes its
// connections on s, which should have been started with f.Options() so that
// the apps and workflows it names exist:
//
//	f, err := alloytest.ReadSeed(file)
//	...
//	srv, err := alloytest.Start(f.Options()...)
//	...
//	res, err := srv.LoadSeed(f)
//
// A taken username, an unknown workflow, user or app, or an app without a
// Unified API category fails the load before anything changes. A record
// that Seed refuses stops it there, with the users and the connections
// before it already made.
func (s *Server) LoadSeed(f *SeedFile) (*SeedResult, error) {
	installs, err := s.checkSeed(f)
	if err != nil {
		return nil, err
	}
	users, err := s.st.seedUsers(f.Users, installs)
	if err != nil {
		return nil, fmt.Errorf("alloytest: seed: %s", strings.TrimPrefix(err.Error(), "alloytest: "))
	}
	res := &SeedResult{}
	for _, u := range users {
		res.Users = append(res.Users, u.alloy())
	}
	for i, c := range f.Connections {
		id, err := s.Connect(c.User, c.App)
		if err != nil {
			return res, fmt.Errorf("alloytest: seed: connections[%d]: %w", i, err)
		}
		if c.Clear {
			if err := s.Clear(id); err != nil {
				return res, fmt.Errorf("alloytest: seed: connections[%d]: %w", i, err)
			}
		}
		for _, path := range parentsFirst(c.Records) {
			if err := s.Seed(id, path, c.Records[path]...); err != nil {
				return res, fmt.Errorf("alloytest: seed: connections[%d]: %s: %w", i, path, err)
			}
		}
		userID := s.userID(c.User)
		res.Connections = append(res.Connections, LoadedConnection{ID: id, UserID: userID, App: c.App})
	}
	return res, nil
}

// checkSeed checks f against s's state and returns, per user, the
// parent workflows (ids) to install.
func (s *Server) checkSeed(f *SeedFile) ([][]string, error) {
	inFile := map[string]bool{}
	installs := make([][]string, len(f.Users))
	for i, u := range f.Users {
		inFile[u.Username] = true
		for _, ref := range u.Workflows {
			wf := s.workflow(ref, "")
			if wf == nil {
				wf = s.workflow("", ref)
			}
			if wf == nil {
				return nil, fmt.Errorf("alloytest: seed: users[%d]: no workflow with id or name %q", i, ref)
			}
			installs[i] = append(installs[i], wf.ID)
		}
	}
	for i, c := range f.Connections {
		a := s.app(c.App)
		switch {
		case !inFile[c.User] && !s.st.hasUser(c.User):
			return nil, fmt.Errorf("alloytest: seed: connections[%d]: no user %q", i, c.User)
		case a == nil:
			return nil, fmt.Errorf("alloytest: seed: connections[%d]: no app %q", i, c.App)
		case a.Category == "":
			return nil, fmt.Errorf("alloytest: seed: connections[%d]: app %q has no Unified API category", i, c.App)
		}
	}
	return installs, nil
}

// userID resolves a username or id to the id.
func (s *Server) userID(idOrName string) string {
	u, _ := s.st.userByIDOrName(idOrName)
	return u.ID
}

// parentsFirst orders collection paths so that a parent collection is
// seeded before its sub-collections: by depth, then by name.
func parentsFirst(records map[string][]map[string]any) []string {
	paths := make([]string, 0, len(records))
	for p := range records {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool {
		di, dj := strings.Count(paths[i], "/"), strings.Count(paths[j], "/")
		if di != dj {
			return di < dj
		}
		return paths[i] < paths[j]
	})
	return paths
}
