package alloytest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log"
	"strings"
	"testing"
	"time"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadOptionValues: a value the server cannot use is an error matching
// alloy.ErrInvalidArgument from Start, naming what is wrong, and the
// panic of NewServer; nothing listens.
func TestBadOptionValues(t *testing.T) {
	wf := func(id string) alloytest.WorkflowDef { return alloytest.WorkflowDef{ID: id, Name: id} }
	for _, tc := range []struct {
		name string
		opt  alloytest.Option
		want string
	}{
		{"negative token TTL", alloytest.WithTokenTTL(-time.Second), "token TTL -1s is negative"},
		{"negative request log budget", alloytest.WithRequestLog(-1), "request log budget -1 is negative"},
		{"empty API key", alloytest.WithAPIKey(""), "API key is empty"},
		{"API key with a space", alloytest.WithAPIKey("sk live"), "API key contains whitespace or a control character"},
		{"API key with a newline", alloytest.WithAPIKey("sk\nlive"), "API key contains whitespace or a control character"},
		{"address without a port", alloytest.WithAddr("127.0.0.1"), `listen address "127.0.0.1": address 127.0.0.1: missing port in address`},
		{"empty address", alloytest.WithAddr(""), `listen address "": missing port in address`},
		{"port out of range", alloytest.WithAddr("127.0.0.1:65536"), `listen address "127.0.0.1:65536": port "65536" is not a number from 0 to 65535`},
		{"port by name", alloytest.WithAddr("127.0.0.1:http"), `listen address "127.0.0.1:http": port "http" is not a number from 0 to 65535`},
		{"app without a name", alloytest.WithApps([]alloytest.AppDef{{DisplayName: "Shop"}}), "apps[0]: name is empty"},
		{"app twice", alloytest.WithApps([]alloytest.AppDef{{Name: "shop"}, {Name: "shop"}}), `apps[1]: name "shop" appears twice`},
		{"app of no category", alloytest.WithApps([]alloytest.AppDef{{Name: "shop", Category: "ecommerce"}}), `apps[0] (shop): category "ecommerce" is not commerce, accounting or crm`},
		{"property without a name", alloytest.WithApps([]alloytest.AppDef{{Name: "shop", Properties: []alloytest.PropertyDef{{DisplayName: "Key"}}}}), "apps[0] (shop): properties[0]: name is empty"},
		{"integration without an id", alloytest.WithIntegrations([]alloytest.IntegrationDef{{App: "Shop"}}), "integrations[0]: id is empty"},
		{"integration twice", alloytest.WithIntegrations([]alloytest.IntegrationDef{{ID: "i"}, {ID: "i"}}), `integrations[1]: id "i" appears twice`},
		{"workflow in two integrations", alloytest.WithIntegrations([]alloytest.IntegrationDef{{ID: "i", Workflows: []alloytest.WorkflowDef{wf("w")}}, {ID: "j", Workflows: []alloytest.WorkflowDef{wf("w")}}}),
			`integrations[1].workflows[0]: id "w" appears twice`},
		{"workflow without an id", alloytest.WithIntegrations([]alloytest.IntegrationDef{{ID: "i", Workflows: []alloytest.WorkflowDef{{Name: "Sync"}}}}), "integrations[0].workflows[0]: id is empty"},
		{"step without an id", alloytest.WithIntegrations([]alloytest.IntegrationDef{{ID: "i", Workflows: []alloytest.WorkflowDef{{ID: "w", Steps: []alloytest.StepDef{{Name: "Trigger"}}}}}}),
			"integrations[0].workflows[0].steps[0]: id is empty"},
		{"field without a name", alloytest.WithIntegrations([]alloytest.IntegrationDef{{ID: "i", Workflows: []alloytest.WorkflowDef{{ID: "w", Steps: []alloytest.StepDef{{ID: "s", Fields: []alloytest.FieldDef{{DisplayName: "Region"}}}}}}}}),
			"integrations[0].workflows[0].steps[0].fields[0]: name is empty"},
		{"event without a name", alloytest.WithEvents([]alloytest.EventDef{{Description: "x"}}), "events[0]: name is empty"},
		{"event twice", alloytest.WithEvents([]alloytest.EventDef{{Name: "Paid"}, {Name: "Paid"}}), `events[1]: name "Paid" appears twice`},
		{"connector without an id", alloytest.WithConnectors([]alloytest.ConnectorDef{{Name: "Slack"}}), "connectors[0]: id is empty"},
		{"connector twice", alloytest.WithConnectors([]alloytest.ConnectorDef{{ID: "slack"}, {ID: "slack"}}), `connectors[1]: id "slack" appears twice`},
		{"action twice in a connector", alloytest.WithConnectors([]alloytest.ConnectorDef{{ID: "slack", Resources: []alloytest.ResourceDef{
			{Name: "a", Actions: []alloytest.ActionDef{{ID: "post"}}}, {Name: "b", Actions: []alloytest.ActionDef{{ID: "post"}}}}}}),
			`connectors[0].resources[1].actions[0]: id "post" appears twice in connector slack`},
		{"parameter in the body", alloytest.WithConnectors([]alloytest.ConnectorDef{{ID: "slack", Resources: []alloytest.ResourceDef{
			{Name: "a", Actions: []alloytest.ActionDef{{ID: "post", Parameters: []alloytest.ParameterDef{{Name: "text", In: "body"}}}}}}}}),
			`connectors[0].resources[0].actions[0].parameters[0] (text): in "body" is not path, query or header`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := alloytest.Start(tc.opt)
			if srv != nil {
				srv.Close()
			}
			require.ErrorIs(t, err, alloy.ErrInvalidArgument)
			assert.Nil(t, srv)
			assert.Equal(t, "alloy: alloytest.Start: invalid argument: "+tc.want, err.Error())
			assert.NotContains(t, err.Error(), "sk live", "the message never shows a key")
			assert.PanicsWithError(t, err.Error(), func() { alloytest.NewServer(tc.opt) }, "NewServer panics with Start's error")
		})
	}
}

// TestGoodOptionValuesAtTheEdges: the values next to the bad ones are
// good, and a nil option is skipped.
func TestGoodOptionValuesAtTheEdges(t *testing.T) {
	srv, err := alloytest.Start(nil, alloytest.WithRequestLog(0), alloytest.WithAPIKey("k"), nil, alloytest.WithAddr("[::1]:0"),
		alloytest.WithApps(nil), alloytest.WithIntegrations([]alloytest.IntegrationDef{}), alloytest.WithEvents(nil), alloytest.WithConnectors(nil))
	require.NoError(t, err)
	defer srv.Close()
	assert.Equal(t, "k", srv.APIKey)
	c := srv.Client()
	apps, err := c.Apps.List(context.Background())
	require.NoError(t, err)
	assert.Empty(t, apps, "no apps, as asked")
	_, err = c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "a@example.com"})
	require.NoError(t, err)
	assert.Empty(t, srv.Requests(), "the log is off")
}

// TestWithTokenTTLZeroMintsExpiredTokens: a TTL of 0 is a lifetime of none.
func TestWithTokenTTLZeroMintsExpiredTokens(t *testing.T) {
	srv := newServer(t, alloytest.WithTokenTTL(0))
	c := srv.Client()
	ctx := context.Background()
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "t"})
	require.NoError(t, err)
	tok, err := c.Tokens.Create(ctx, u.ID)
	require.NoError(t, err)
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok.Token, ".")[1])
	require.NoError(t, err)
	var claims struct{ Iat, Exp int64 }
	require.NoError(t, json.Unmarshal(payload, &claims))
	assert.NotZero(t, claims.Iat)
	assert.Equal(t, claims.Iat, claims.Exp)
}

// TestWithLoggerNilDiscards: without WithLogger the server logs to the log
// package's standard logger; WithLogger(nil) logs nothing.
func TestWithLoggerNilDiscards(t *testing.T) {
	orig := log.Writer()
	defer log.SetOutput(orig)
	var std bytes.Buffer
	log.SetOutput(&std)

	srv, err := alloytest.Start(alloytest.WithAddr("0.0.0.0:0"), alloytest.WithAllowRemote())
	require.NoError(t, err)
	srv.Close()
	assert.Contains(t, std.String(), "beyond loopback", "by default, the standard logger")

	std.Reset()
	srv, err = alloytest.Start(alloytest.WithAddr("0.0.0.0:0"), alloytest.WithAllowRemote(), alloytest.WithLogger(nil))
	require.NoError(t, err)
	srv.Close()
	assert.Empty(t, std.String(), "nil discards")
}
