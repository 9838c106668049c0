package alloy

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The two item shapes of the reference, decoded into one model.
var (
	integration2025 = Integration{
		ID: "6712ab34cd56ef7890a1b2c3", App: "BigCommerce", Description: "Sync paid orders into the ERP", Installed: true,
		Icon: "https://cdn.runalloy.com/icons/bigcommerce.png", Credentials: []string{"bigcommerce", "netsuite"},
		Workflows: []IntegrationWorkflow{{
			ID: "6712ab3acd56ef7890a1b2d9", Name: "Paid order to ERP", Installed: true, Active: true, Version: 4, InstalledVersion: Ptr(3),
			Steps: []WorkflowStep{
				{ID: "0b7e6a52-3d4f-4e1a-9c2b-7f8e9d0a1b2c", Name: "BigCommerce Trigger", Connector: "bigcommerceTrigger", Icon: "https://cdn.runalloy.com/icons/bigcommerce.png", Subtitle: "Order paid"},
				{ID: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", Name: "NetSuite", Connector: "netsuite", Icon: "https://cdn.runalloy.com/icons/netsuite.png", Subtitle: "Create sales order"},
			},
		}},
	}
	integration2024 = Integration{
		ID: "6712ab34cd56ef7890a1b2c3", App: "BigCommerce", Icon: "https://cdn.runalloy.com/icons/bigcommerce.png",
		Workflows: []IntegrationWorkflow{{
			ID: "6712ab3acd56ef7890a1b2d9", Name: "Paid order to ERP", Version: 4, InstalledVersion: Ptr(0),
			Steps: []WorkflowStep{{ID: "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b", Name: "Custom Event", Connector: "customEvent", Icon: "https://cdn.runalloy.com/icons/app-event.svg"}},
		}},
	}
)

func TestIntegrationsRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	list25 := readFixture(t, "integrations_list_2025-09.json")
	list24 := readFixture(t, "integrations_list_2024-03.json")
	runAPICases(t, []apiCase{
		{
			name: "List 2025-09 shape", op: "Integrations.List", query: "userId=ops%40northwind.example",
			response: list25,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Integrations.List(ctx, "ops@northwind.example")
			},
			want: []Integration{integration2025},
		},
		{
			name: "List 2024-03 shape", op: "Integrations.List", query: "userId=u1",
			response: list24,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Integrations.List(ctx, "u1") },
			want:     []Integration{integration2024},
		},
		{
			name: "Get", op: "Integrations.Get", ids: []string{"BigCommerce"}, query: "userId=u1",
			response: `{"data":{"integrationId":"i1","primaryConnector":"BigCommerce","installed":false,"workflows":[{"workflowId":"w1","name":"W","connectors":[{"connectorName":"Slack","connectorId":"s-1","connector":"slack"}]}]}}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Integrations.Get(ctx, "u1", "BigCommerce") },
			want: &Integration{ID: "i1", App: "BigCommerce", Workflows: []IntegrationWorkflow{{ID: "w1", Name: "W",
				Steps: []WorkflowStep{{ID: "s-1", Name: "Slack", Connector: "slack"}}}}},
		},
		{
			name: "InstallURL", op: "Integrations.GetInstallLink", ids: []string{"u1", "6712ab34cd56ef7890a1b2c3"},
			response: readFixture(t, "install_url.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				link, err := c.Integrations.GetInstallLink(ctx, "u1", "6712ab34cd56ef7890a1b2c3")
				if err != nil {
					return nil, err
				}
				return link.URL(), nil
			},
			want: "https://app.runalloy.com/embedded-install?integrationId=6712ab34cd56ef7890a1b2c3&token=AAAA.BBBB.CCCC&forgeMode=engaged&alwaysShowCredentials=true",
		},
	})
}

func TestIntegrationsIncompleteResponsesAreErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on("GET", testRoot+"/integrations/i1?userId=u1", jsonResp(200, `{"message":"ok"}`))
	h.on("GET", testRoot+"/users/u1/integrations/i1/install-url", jsonResp(200, `{}`))
	_, err := h.c.Integrations.Get(context.Background(), "u1", "i1")
	assert.ErrorContains(t, err, "no data")
	_, err = h.c.Integrations.GetInstallLink(context.Background(), "u1", "i1")
	assert.ErrorContains(t, err, "no url")
}

func TestAppsRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	runAPICases(t, []apiCase{{
		name: "List", op: "Apps.List",
		response: `{"data":[{"name":"shopify","icon":"i","oauth":true,"type":["action","trigger"]},{"name":"legacy","type":"action"},{"name":"odd","type":7}]}`,
		call:     func(ctx context.Context, c *Client) (any, error) { return c.Apps.List(ctx) },
		want: []App{
			{Name: "shopify", Icon: "i", OAuth: true, Type: []string{"action", "trigger"}},
			{Name: "legacy", Type: []string{"action"}},
			{Name: "odd"},
		},
	}})
}

func TestIntegrationAndWorkflowRoundTripThroughJSON(t *testing.T) {
	t.Parallel()
	in := Integration{ID: "i1", App: "Shopify", Installed: true, Credentials: []string{"shopify"},
		Workflows: []IntegrationWorkflow{{ID: "w1", Name: "n", Version: 2, InstalledVersion: Ptr(1),
			Steps: []WorkflowStep{{ID: "s1", Name: "Trigger", Connector: "shopifyTrigger", Subtitle: "x"}}}}}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	var back Integration
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, in, back)

	wf := Workflow{ID: "w1", IntegrationID: "i1", Name: "n", Steps: []WorkflowStep{{ID: "s1", Connector: "c"}}}
	b, err = json.Marshal(wf)
	require.NoError(t, err)
	var wback Workflow
	require.NoError(t, json.Unmarshal(b, &wback))
	assert.Equal(t, wf, wback)
}
