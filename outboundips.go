package alloy

import "net/netip"

// OutboundIPs returns the addresses Alloy makes its requests from, for
// allow-lists: a firewall in front of your webhook endpoint, or a database
// or app that accepts connections only from listed addresses. Alloy's
// Embedded authentication guide lists them under "Alloy IP Addresses" ("The
// IPs from which Alloy will make requests are: 3.211.13.53, 54.160.36.113";
// https://docs.runalloy.com/embedded/authentication), naming data streaming
// to a warehouse or database as the usual need.
//
// The list is Alloy's to change: when an allow-list starts refusing Alloy,
// check the guide. Each call returns a new slice.
func OutboundIPs() []netip.Addr {
	return []netip.Addr{
		netip.AddrFrom4([4]byte{3, 211, 13, 53}),
		netip.AddrFrom4([4]byte{54, 160, 36, 113}),
	}
}
