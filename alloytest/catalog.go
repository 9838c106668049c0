package alloytest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// The catalog: the apps, integrations (with their workflows), custom
// events and Connectivity API connectors a server serves, fixed when it
// starts, with their options and defaults. Its types end in Def: they
// define what the fake serves, while the SDK's types of the same resources
// (alloy.App, alloy.Integration, ...) are what the API answers.

// AppDef is a connector the fake server knows: it appears in the app list and
// the credential metadata, and decides what a credential needs.
type AppDef struct {
	Name        string // connector name, e.g. "netsuite"
	DisplayName string // e.g. "NetSuite"
	Icon        string
	OAuth       bool
	Types       []string      // e.g. "action", "trigger"
	Properties  []PropertyDef // what a credential (or OAuth link) needs
	// Category is the app's Unified API category: "commerce",
	// "accounting" or "crm"; "" for an app the Unified API does not serve.
	// Every credential of an app with a category is a Unified API
	// connection, holding a sample of the category's records from the
	// start (see Server.Connect).
	Category string
}

// PropertyDef is a field a credential needs.
type PropertyDef struct {
	Name        string
	DisplayName string
	Description string
	Optional    bool // Create accepts data without it; the metadata does not say so, as Alloy's does not
}

// IntegrationDef is an integration users can install.
type IntegrationDef struct {
	ID          string
	App         string // main app's display name, e.g. "BigCommerce"
	Description string
	Icon        string
	Credentials []string // credential types it needs
	Workflows   []WorkflowDef
}

// WorkflowDef is a parent workflow of an integration.
type WorkflowDef struct {
	ID      string
	Name    string
	Version int
	Steps   []StepDef
}

// StepDef is one connector (block) of a workflow.
type StepDef struct {
	ID, Name, Connector, Icon, Subtitle string
	// Fields are what a headless installation asks the user for this step
	// (the form Installations.Start returns); none for most steps.
	Fields []FieldDef
}

// FieldDef is one question of an installation form.
type FieldDef struct {
	Name        string // the key of the answer
	DisplayName string
	Type        string // e.g. "string"; "" is served as "string"
	SubType     string // e.g. "dropdown"; not served: no page of Alloy's shows a field's subType
	Required    bool
	// Options are the answers Complete accepts (none: any). They are not
	// served in the form Start returns, as no page of Alloy's shows a
	// field's options: a wrong answer is refused by Complete, naming them.
	Options []FieldOptionDef
}

// FieldOptionDef is one allowed answer of a FieldDef. A number or boolean
// answer matches Value when its JSON form does, e.g. 42 matches "42".
type FieldOptionDef struct {
	DisplayName string
	Value       string
}

// EventDef is a custom event your account defines (GET /events), which POST
// /run/event fires for a user.
type EventDef struct {
	Name        string
	Description string
	Body        map[string]any // a sample payload
}

// ConnectorDef is an app of the Connectivity API (2025-09): its resources and
// actions, and how a credential for it is made.
type ConnectorDef struct {
	ID   string // the connectorId, e.g. "slack"
	Name string
	Icon string
	// AuthTypes are the authenticationType values a credential may be
	// created with: "oauth2" hands out a link to visit, any other (e.g.
	// "apiKey") stores the request's data at once.
	AuthTypes []string
	Resources []ResourceDef
}

// ResourceDef is a group of a connector's actions, e.g. "messages".
type ResourceDef struct {
	Name    string
	Actions []ActionDef
}

// ActionDef is one call a connector can make on the provider.
type ActionDef struct {
	ID, DisplayName, Description string
	HTTPMethod                   string // the provider's method, e.g. "POST"
	Path                         string // the provider's path, e.g. "/crm/v3/objects/contacts/{contactId}"
	Parameters                   []ParameterDef
	RequestBody                  map[string]any // a JSON Schema; nil for none
}

// ParameterDef is one parameter of an ActionDef. Required path, query and
// header parameters must be given to execute the action.
type ParameterDef struct {
	Name        string
	In          string // "path", "query" or "header"
	Description string
	Required    bool
	Schema      map[string]any // a JSON Schema
}

// WithApps replaces the default apps (DefaultApps). The server keeps a deep
// copy: changing apps afterwards does not affect it. An app without a
// name, a name given twice, a property without a name or a Category other
// than "", "commerce", "accounting" and "crm" is a bad value.
//
// Alloy's credential metadata does not say which properties are optional,
// and neither does the fake's: an Optional property only changes what a
// credential create accepts (alloy.CredentialMetadata.Validate, which
// cannot know, requires every property).
func WithApps(apps []AppDef) Option {
	return func(c *config) error {
		if err := checkApps(apps); err != nil {
			return err
		}
		c.apps = make([]AppDef, len(apps))
		for i, a := range apps {
			a.Types = slices.Clone(a.Types)
			a.Properties = slices.Clone(a.Properties)
			c.apps[i] = a
		}
		return nil
	}
}

// checkApps says what is wrong with apps, if anything.
func checkApps(apps []AppDef) error {
	seen := map[string]bool{}
	for i, a := range apps {
		switch {
		case a.Name == "":
			return fmt.Errorf("apps[%d]: name is empty", i)
		case seen[a.Name]:
			return fmt.Errorf("apps[%d]: name %q appears twice", i, a.Name)
		case a.Category != "" && !slices.ContainsFunc(collections, func(c collection) bool { return c.category() == a.Category }):
			return fmt.Errorf("apps[%d] (%s): category %q is not commerce, accounting or crm", i, a.Name, a.Category)
		}
		seen[a.Name] = true
		for j, p := range a.Properties {
			if p.Name == "" {
				return fmt.Errorf("apps[%d] (%s): properties[%d]: name is empty", i, a.Name, j)
			}
		}
	}
	return nil
}

// WithIntegrations replaces the default integrations (DefaultIntegrations).
// The server keeps a deep copy. An integration or a workflow without an id,
// an id given twice (workflow ids across every integration), a step
// without an id or with an id given twice in its workflow, or a field
// without a name is a bad value.
func WithIntegrations(integrations []IntegrationDef) Option {
	return func(c *config) error {
		if err := checkIntegrations(integrations); err != nil {
			return err
		}
		c.integrations = make([]IntegrationDef, len(integrations))
		for i, in := range integrations {
			in.Credentials = slices.Clone(in.Credentials)
			in.Workflows = slices.Clone(in.Workflows)
			for j := range in.Workflows {
				steps := slices.Clone(in.Workflows[j].Steps)
				for k := range steps {
					steps[k].Fields = slices.Clone(steps[k].Fields)
					for f := range steps[k].Fields {
						steps[k].Fields[f].Options = slices.Clone(steps[k].Fields[f].Options)
					}
				}
				in.Workflows[j].Steps = steps
			}
			c.integrations[i] = in
		}
		return nil
	}
}

// checkIntegrations says what is wrong with integrations, if anything.
func checkIntegrations(integrations []IntegrationDef) error {
	ids, workflows := map[string]bool{}, map[string]bool{}
	for i, in := range integrations {
		switch {
		case in.ID == "":
			return fmt.Errorf("integrations[%d]: id is empty", i)
		case ids[in.ID]:
			return fmt.Errorf("integrations[%d]: id %q appears twice", i, in.ID)
		}
		ids[in.ID] = true
		for j, wf := range in.Workflows {
			where := fmt.Sprintf("integrations[%d].workflows[%d]", i, j)
			switch {
			case wf.ID == "":
				return fmt.Errorf("%s: id is empty", where)
			case workflows[wf.ID]:
				return fmt.Errorf("%s: id %q appears twice", where, wf.ID)
			}
			workflows[wf.ID] = true
			steps := map[string]bool{}
			for k, st := range wf.Steps {
				switch {
				case st.ID == "":
					return fmt.Errorf("%s.steps[%d]: id is empty", where, k)
				case steps[st.ID]:
					return fmt.Errorf("%s.steps[%d]: id %q appears twice", where, k, st.ID)
				}
				steps[st.ID] = true
				for f, fl := range st.Fields {
					if fl.Name == "" {
						return fmt.Errorf("%s.steps[%d].fields[%d]: name is empty", where, k, f)
					}
				}
			}
		}
	}
	return nil
}

// WithEvents replaces the default custom events (DefaultEvents). The
// server keeps a deep copy. An event without a name, or a name given
// twice, is a bad value.
func WithEvents(events []EventDef) Option {
	return func(c *config) error {
		seen := map[string]bool{}
		for i, e := range events {
			switch {
			case e.Name == "":
				return fmt.Errorf("events[%d]: name is empty", i)
			case seen[e.Name]:
				return fmt.Errorf("events[%d]: name %q appears twice", i, e.Name)
			}
			seen[e.Name] = true
		}
		c.events = make([]EventDef, len(events))
		for i, e := range events {
			e.Body = cloneJSON(e.Body)
			c.events[i] = e
		}
		return nil
	}
}

// WithConnectors replaces the default Connectivity API connectors
// (DefaultConnectors). The server keeps a deep copy. A connector without an
// id, an id given twice, an action without an id or with an id given twice
// in its connector, or a parameter without a name or In other than "path",
// "query" and "header" is a bad value.
func WithConnectors(connectors []ConnectorDef) Option {
	return func(c *config) error {
		if err := checkConnectors(connectors); err != nil {
			return err
		}
		c.connectors = make([]ConnectorDef, len(connectors))
		for i, cn := range connectors {
			cn.AuthTypes = slices.Clone(cn.AuthTypes)
			cn.Resources = slices.Clone(cn.Resources)
			for j := range cn.Resources {
				actions := slices.Clone(cn.Resources[j].Actions)
				for k := range actions {
					actions[k].RequestBody = cloneJSON(actions[k].RequestBody)
					actions[k].Parameters = slices.Clone(actions[k].Parameters)
					for p := range actions[k].Parameters {
						actions[k].Parameters[p].Schema = cloneJSON(actions[k].Parameters[p].Schema)
					}
				}
				cn.Resources[j].Actions = actions
			}
			c.connectors[i] = cn
		}
		return nil
	}
}

// checkConnectors says what is wrong with connectors, if anything.
func checkConnectors(connectors []ConnectorDef) error {
	ids := map[string]bool{}
	for i, cn := range connectors {
		switch {
		case cn.ID == "":
			return fmt.Errorf("connectors[%d]: id is empty", i)
		case ids[cn.ID]:
			return fmt.Errorf("connectors[%d]: id %q appears twice", i, cn.ID)
		}
		ids[cn.ID] = true
		actions := map[string]bool{}
		for j, res := range cn.Resources {
			for k, a := range res.Actions {
				where := fmt.Sprintf("connectors[%d].resources[%d].actions[%d]", i, j, k)
				switch {
				case a.ID == "":
					return fmt.Errorf("%s: id is empty", where)
				case actions[a.ID]:
					return fmt.Errorf("%s: id %q appears twice in connector %s", where, a.ID, cn.ID)
				}
				actions[a.ID] = true
				for p, pa := range a.Parameters {
					switch {
					case pa.Name == "":
						return fmt.Errorf("%s.parameters[%d]: name is empty", where, p)
					case pa.In != "path" && pa.In != "query" && pa.In != "header":
						return fmt.Errorf("%s.parameters[%d] (%s): in %q is not path, query or header", where, p, pa.Name, pa.In)
					}
				}
			}
		}
	}
	return nil
}

// cloneJSON deep-copies a JSON-like map by a JSON round trip. A map that
// does not encode is only copied at its top level: the server would fail
// to serve it anyway.
func cloneJSON(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, err := json.Marshal(m)
	var out map[string]any
	if err != nil || json.Unmarshal(b, &out) != nil {
		return maps.Clone(m)
	}
	return out
}

const iconBase = "https://cdn.runalloy.com/icons/"

// DefaultApps are the apps a server starts with: two OAuth apps (shopify,
// which needs shopSubdomain, and hubspot) and two key-based ones (netsuite,
// with token-based-auth properties, and bigcommerce). In the Unified API
// shopify and bigcommerce are commerce apps, netsuite an accounting app and
// hubspot a CRM.
func DefaultApps() []AppDef {
	return []AppDef{
		{Name: "shopify", DisplayName: "Shopify", Icon: iconBase + "shopify.png", OAuth: true, Types: []string{"action", "trigger"}, Category: "commerce",
			Properties: []PropertyDef{{Name: "shopSubdomain", DisplayName: "Shop Subdomain", Description: "The part before .myshopify.com in the store URL."}}},
		{Name: "hubspot", DisplayName: "HubSpot", Icon: iconBase + "hubspot.png", OAuth: true, Types: []string{"action", "trigger"}, Category: "crm"},
		{Name: "netsuite", DisplayName: "NetSuite", Icon: iconBase + "netsuite.png", Types: []string{"action"}, Category: "accounting",
			Properties: []PropertyDef{
				{Name: "accountId", DisplayName: "Account ID", Description: "e.g. TSTDRV1234567"},
				{Name: "consumerKey", DisplayName: "Consumer Key"},
				{Name: "consumerSecret", DisplayName: "Consumer Secret"},
				{Name: "tokenId", DisplayName: "Token ID"},
				{Name: "tokenSecret", DisplayName: "Token Secret"},
			}},
		{Name: "bigcommerce", DisplayName: "BigCommerce", Icon: iconBase + "bigcommerce.png", Types: []string{"action", "trigger"}, Category: "commerce",
			Properties: []PropertyDef{{Name: "storeHash", DisplayName: "Store Hash"}, {Name: "accessToken", DisplayName: "Access Token"}}},
	}
}

// DefaultIntegrations are the integrations a server starts with.
func DefaultIntegrations() []IntegrationDef {
	return []IntegrationDef{
		{
			ID: "6712ab34cd56ef7890a1b2c3", App: "BigCommerce", Description: "Sync paid orders into the ERP",
			Icon: iconBase + "bigcommerce.png", Credentials: []string{"bigcommerce", "netsuite"},
			Workflows: []WorkflowDef{{ID: "6712ab3acd56ef7890a1b2d9", Name: "Paid order to ERP", Version: 4, Steps: []StepDef{
				{ID: "0b7e6a52-3d4f-4e1a-9c2b-7f8e9d0a1b2c", Name: "BigCommerce Trigger", Connector: "bigcommerceTrigger", Icon: iconBase + "bigcommerce.png", Subtitle: "Order paid"},
				{ID: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", Name: "NetSuite", Connector: "netsuite", Icon: iconBase + "netsuite.png", Subtitle: "Create sales order",
					Fields: []FieldDef{
						{Name: "subsidiary", DisplayName: "Subsidiary", Type: "string", Required: true},
						{Name: "syncMode", DisplayName: "Sync mode", Type: "string", SubType: "dropdown",
							Options: []FieldOptionDef{{DisplayName: "Create only", Value: "create"}, {DisplayName: "Upsert", Value: "upsert"}}},
					}},
			}}},
		},
		{
			ID: "6712ab34cd56ef7890a1b2c4", App: "Shopify", Description: "Push new Shopify customers to HubSpot",
			Icon: iconBase + "shopify.png", Credentials: []string{"shopify", "hubspot"},
			Workflows: []WorkflowDef{
				{ID: "6712ab3acd56ef7890a1b2da", Name: "New customer to HubSpot contact", Version: 2, Steps: []StepDef{
					{ID: "8d9e0f1a-2b3c-4d5e-8f9a-0b1c2d3e4f5a", Name: "Shopify Trigger", Connector: "shopifyTrigger", Icon: iconBase + "shopify.png", Subtitle: "Customer created"},
					{ID: "9e0f1a2b-3c4d-4e5f-9a0b-1c2d3e4f5a6b", Name: "HubSpot", Connector: "hubspot", Icon: iconBase + "hubspot.png", Subtitle: "Create contact"},
				}},
				{ID: "6712ab3acd56ef7890a1b2db", Name: "Order fulfilled to HubSpot note", Version: 1, Steps: []StepDef{
					{ID: "af0f1a2b-3c4d-4e5f-9a0b-1c2d3e4f5a6c", Name: "Shopify Trigger", Connector: "shopifyTrigger", Icon: iconBase + "shopify.png", Subtitle: "Order fulfilled"},
				}},
			},
		},
	}
}

// DefaultEvents are the custom events a server starts with: "Invoice Paid"
// and "Account Closed".
func DefaultEvents() []EventDef {
	return []EventDef{
		{Name: "Invoice Paid", Description: "Fired by the host app when an invoice is settled",
			Body: map[string]any{"invoiceId": "INV-1009", "amount": 129.5, "currency": "USD"}},
		{Name: "Account Closed", Description: "Fired when a tenant cancels",
			Body: map[string]any{"accountId": "acct_77", "reason": "churn"}},
	}
}

// DefaultConnectors are the Connectivity API connectors a server starts
// with: slack (oauth2; messages.chat_postMessage and
// conversations.conversations_list) and hubspot (oauth2 or apiKey;
// contacts.contacts_get, which needs the contactId path parameter, and
// contacts.contacts_create).
func DefaultConnectors() []ConnectorDef {
	str := map[string]any{"type": "string"}
	return []ConnectorDef{
		{ID: "slack", Name: "Slack", Icon: iconBase + "slack.png", AuthTypes: []string{"oauth2"}, Resources: []ResourceDef{
			{Name: "messages", Actions: []ActionDef{{
				ID: "chat_postMessage", DisplayName: "Send message", Description: "Sends a message to a channel.",
				HTTPMethod: "POST", Path: "/chat.postMessage",
				RequestBody: map[string]any{"type": "object", "required": []string{"channel", "text"},
					"properties": map[string]any{"channel": str, "text": str}},
			}}},
			{Name: "conversations", Actions: []ActionDef{{
				ID: "conversations_list", DisplayName: "List conversations", Description: "Lists the channels of a workspace.",
				HTTPMethod: "GET", Path: "/conversations.list",
				Parameters: []ParameterDef{{Name: "limit", In: "query", Description: "Page size", Schema: map[string]any{"type": "integer"}}},
			}}},
		}},
		{ID: "hubspot", Name: "HubSpot", Icon: iconBase + "hubspot.png", AuthTypes: []string{"oauth2", "apiKey"}, Resources: []ResourceDef{
			{Name: "contacts", Actions: []ActionDef{
				{ID: "contacts_get", DisplayName: "Get contact", Description: "Reads one contact.",
					HTTPMethod: "GET", Path: "/crm/v3/objects/contacts/{contactId}",
					Parameters: []ParameterDef{{Name: "contactId", In: "path", Description: "The contact's id", Required: true, Schema: str}}},
				{ID: "contacts_create", DisplayName: "Create contact", Description: "Creates a contact.",
					HTTPMethod: "POST", Path: "/crm/v3/objects/contacts",
					RequestBody: map[string]any{"type": "object", "properties": map[string]any{"properties": map[string]any{"type": "object"}}}},
			}},
		}},
	}
}
