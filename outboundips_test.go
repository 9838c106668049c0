package alloy_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alloy "github.com/alloysdk/alloy-go"
)

// TestOutboundIPsAreTheGuides: the addresses of Alloy's Embedded
// authentication guide (https://docs.runalloy.com/embedded/authentication)
// as the contract's sources record them (facts.outbound_ips), and a fresh
// slice on every call.
func TestOutboundIPsAreTheGuides(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("internal/contract/src/embedded.json")
	require.NoError(t, err)
	var src struct {
		Facts struct {
			OutboundIPs struct {
				Values []string `json:"values"`
			} `json:"outbound_ips"`
		} `json:"facts"`
	}
	require.NoError(t, json.Unmarshal(b, &src))
	var want []netip.Addr
	for _, v := range src.Facts.OutboundIPs.Values {
		want = append(want, netip.MustParseAddr(v))
	}
	require.Len(t, want, 2, "the guide lists two")
	ips := alloy.OutboundIPs()
	assert.Equal(t, want, ips)
	for _, ip := range ips {
		assert.True(t, ip.Is4() && ip.IsGlobalUnicast() && !ip.IsPrivate(), ip)
	}
	ips[0] = netip.IPv4Unspecified()
	assert.Equal(t, "3.211.13.53", alloy.OutboundIPs()[0].String(), "a caller's change does not stick")
}

// ExampleOutboundIPs checks a request's source address against Alloy's,
// e.g. in a webhook handler behind no proxy.
func ExampleOutboundIPs() {
	from := netip.MustParseAddrPort("54.160.36.113:43120") // r.RemoteAddr
	fmt.Println(slices.Contains(alloy.OutboundIPs(), from.Addr()))
	// Output: true
}
