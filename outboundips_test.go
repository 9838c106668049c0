package alloy_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	alloy "github.com/alloysdk/alloy-go"
)

// TestOutboundIPsAreTheGuides: the two addresses of Alloy's Embedded
// authentication guide (https://docs.runalloy.com/embedded/authentication),
// as written there, and a fresh slice on every call.
func TestOutboundIPsAreTheGuides(t *testing.T) {
	t.Parallel()
	ips := alloy.OutboundIPs()
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("3.211.13.53"), netip.MustParseAddr("54.160.36.113")}, ips)
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
