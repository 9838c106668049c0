package alloytest

import "slices"

// App is a connector the fake server knows: it appears in the app list and
// the credential metadata, and decides what a credential needs.
type App struct {
	Name        string // connector name, e.g. "netsuite"
	DisplayName string // e.g. "NetSuite"
	Icon        string
	OAuth       bool
	Types       []string   // e.g. "action", "trigger"
	Properties  []Property // what a credential (or OAuth link) needs
}

// Property is a field a credential needs.
type Property struct {
	Name        string
	DisplayName string
	Description string
	Optional    bool // optional properties may be omitted
}

// Integration is an integration users can install.
type Integration struct {
	ID          string
	App         string // main app's display name, e.g. "BigCommerce"
	Description string
	Icon        string
	Credentials []string // credential types it needs
	Workflows   []Workflow
}

// Workflow is a parent workflow of an integration.
type Workflow struct {
	ID      string
	Name    string
	Version int
	Steps   []Step
}

// Step is one connector (block) of a workflow.
type Step struct {
	ID, Name, Connector, Icon, Subtitle string
}

// WithApps replaces the default apps (DefaultApps). The server keeps a deep
// copy: changing apps afterwards does not affect it.
//
// Alloy's credential metadata does not say which properties are optional;
// the fake adds "required": false for Optional ones, which
// alloy.CredentialMetadata.Validate honours.
func WithApps(apps []App) Option {
	return func(c *config) {
		c.apps = make([]App, len(apps))
		for i, a := range apps {
			a.Types = slices.Clone(a.Types)
			a.Properties = slices.Clone(a.Properties)
			c.apps[i] = a
		}
	}
}

// WithIntegrations replaces the default integrations (DefaultIntegrations).
// The server keeps a deep copy.
func WithIntegrations(integrations []Integration) Option {
	return func(c *config) {
		c.integrations = make([]Integration, len(integrations))
		for i, in := range integrations {
			in.Credentials = slices.Clone(in.Credentials)
			in.Workflows = slices.Clone(in.Workflows)
			for j := range in.Workflows {
				in.Workflows[j].Steps = slices.Clone(in.Workflows[j].Steps)
			}
			c.integrations[i] = in
		}
	}
}

const iconBase = "https://cdn.runalloy.com/icons/"

// DefaultApps are the apps a server starts with: two OAuth apps (shopify,
// which needs shopSubdomain, and hubspot) and two key-based ones (netsuite,
// with token-based-auth properties, and bigcommerce).
func DefaultApps() []App {
	return []App{
		{Name: "shopify", DisplayName: "Shopify", Icon: iconBase + "shopify.png", OAuth: true, Types: []string{"action", "trigger"},
			Properties: []Property{{Name: "shopSubdomain", DisplayName: "Shop Subdomain", Description: "The part before .myshopify.com in the store URL."}}},
		{Name: "hubspot", DisplayName: "HubSpot", Icon: iconBase + "hubspot.png", OAuth: true, Types: []string{"action", "trigger"}},
		{Name: "netsuite", DisplayName: "NetSuite", Icon: iconBase + "netsuite.png", Types: []string{"action"},
			Properties: []Property{
				{Name: "accountId", DisplayName: "Account ID", Description: "e.g. TSTDRV1234567"},
				{Name: "consumerKey", DisplayName: "Consumer Key"},
				{Name: "consumerSecret", DisplayName: "Consumer Secret"},
				{Name: "tokenId", DisplayName: "Token ID"},
				{Name: "tokenSecret", DisplayName: "Token Secret"},
				{Name: "restletUrl", DisplayName: "RESTlet URL", Optional: true},
			}},
		{Name: "bigcommerce", DisplayName: "BigCommerce", Icon: iconBase + "bigcommerce.png", Types: []string{"action", "trigger"},
			Properties: []Property{{Name: "storeHash", DisplayName: "Store Hash"}, {Name: "accessToken", DisplayName: "Access Token"}}},
	}
}

// DefaultIntegrations are the integrations a server starts with.
func DefaultIntegrations() []Integration {
	return []Integration{
		{
			ID: "6712ab34cd56ef7890a1b2c3", App: "BigCommerce", Description: "Sync paid orders into the ERP",
			Icon: iconBase + "bigcommerce.png", Credentials: []string{"bigcommerce", "netsuite"},
			Workflows: []Workflow{{ID: "6712ab3acd56ef7890a1b2d9", Name: "Paid order to ERP", Version: 4, Steps: []Step{
				{ID: "0b7e6a52-3d4f-4e1a-9c2b-7f8e9d0a1b2c", Name: "BigCommerce Trigger", Connector: "bigcommerceTrigger", Icon: iconBase + "bigcommerce.png", Subtitle: "Order paid"},
				{ID: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", Name: "NetSuite", Connector: "netsuite", Icon: iconBase + "netsuite.png", Subtitle: "Create sales order"},
			}}},
		},
		{
			ID: "6712ab34cd56ef7890a1b2c4", App: "Shopify", Description: "Push new Shopify customers to HubSpot",
			Icon: iconBase + "shopify.png", Credentials: []string{"shopify", "hubspot"},
			Workflows: []Workflow{
				{ID: "6712ab3acd56ef7890a1b2da", Name: "New customer to HubSpot contact", Version: 2, Steps: []Step{
					{ID: "8d9e0f1a-2b3c-4d5e-8f9a-0b1c2d3e4f5a", Name: "Shopify Trigger", Connector: "shopifyTrigger", Icon: iconBase + "shopify.png", Subtitle: "Customer created"},
					{ID: "9e0f1a2b-3c4d-4e5f-9a0b-1c2d3e4f5a6b", Name: "HubSpot", Connector: "hubspot", Icon: iconBase + "hubspot.png", Subtitle: "Create contact"},
				}},
				{ID: "6712ab3acd56ef7890a1b2db", Name: "Order fulfilled to HubSpot note", Version: 1, Steps: []Step{
					{ID: "af0f1a2b-3c4d-4e5f-9a0b-1c2d3e4f5a6c", Name: "Shopify Trigger", Connector: "shopifyTrigger", Icon: iconBase + "shopify.png", Subtitle: "Order fulfilled"},
				}},
			},
		},
	}
}
