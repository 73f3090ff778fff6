package configs

// Network describes one network interface to configure in the container.
// Only the "loopback" type has a setup strategy.
type Network struct {
	// Type is the strategy name ("loopback").
	Type string `json:"type"`
	// Name is the interface name inside the container.
	Name string `json:"name"`
	// Bridge is the host bridge to attach a veth peer to.
	Bridge string `json:"bridge"`
	// MacAddress is the interface's MAC address.
	MacAddress string `json:"mac_address"`
	// Address is the IPv4 address in CIDR notation.
	Address string `json:"address"`
	// Gateway is the IPv4 default gateway.
	Gateway string `json:"gateway"`
	// IPv6Address is the IPv6 address in CIDR notation.
	IPv6Address string `json:"ipv6_address"`
	// IPv6Gateway is the IPv6 default gateway.
	IPv6Gateway string `json:"ipv6_gateway"`
	// Mtu is the interface MTU (0 = default).
	Mtu int `json:"mtu"`
	// TxQueueLen is the transmit queue length (0 = default).
	TxQueueLen int `json:"txqueuelen"`
	// HostInterfaceName is the host-side name of a veth pair.
	HostInterfaceName string `json:"host_interface_name"`
	// HairpinMode enables hairpin mode on the host-side bridge port.
	HairpinMode bool `json:"hairpin_mode"`
}

// Route is a route to add inside the container's network namespace.
type Route struct {
	// Destination is the destination network in CIDR notation.
	Destination string `json:"destination"`
	// Source is the preferred source address.
	Source string `json:"source"`
	// Gateway is the next-hop address.
	Gateway string `json:"gateway"`
	// InterfaceName is the output interface.
	InterfaceName string `json:"interface_name"`
}
