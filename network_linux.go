package libcontainer

import (
	"fmt"
	"net"

	"github.com/vishvananda/netlink"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/types"
)

// setupNetwork configures, from inside the container's network namespace,
// the interfaces that need no host side: loopback is brought up.
func setupNetwork(config *configs.Config, peers []vethPeer) error {
	for _, n := range config.Networks {
		switch n.Type {
		case "loopback":
			lo, err := netlink.LinkByName("lo")
			if err != nil {
				return fmt.Errorf("loopback: %w", err)
			}
			if err := netlink.LinkSetUp(lo); err != nil {
				return fmt.Errorf("loopback up: %w", err)
			}
		case "veth":
			if err := configureVeth(n, peers); err != nil {
				return err
			}
		default:
			return fmt.Errorf("network %q: unknown type %q", n.Name, n.Type)
		}
	}
	return nil
}

// setupRoutes adds the config's routes inside the network namespace.
func setupRoutes(config *configs.Config) error {
	for i, r := range config.Routes {
		route := &netlink.Route{}
		if r.Destination != "" {
			_, dst, err := net.ParseCIDR(r.Destination)
			if err != nil {
				return fmt.Errorf("routes[%d].destination %q: %w", i, r.Destination, err)
			}
			route.Dst = dst
		}
		if r.Source != "" {
			route.Src = net.ParseIP(r.Source)
		}
		if r.Gateway != "" {
			route.Gw = net.ParseIP(r.Gateway)
		}
		if r.InterfaceName != "" {
			link, err := netlink.LinkByName(r.InterfaceName)
			if err != nil {
				return fmt.Errorf("routes[%d].interface_name %q: %w", i, r.InterfaceName, err)
			}
			route.LinkIndex = link.Attrs().Index
		}
		if err := netlink.RouteAdd(route); err != nil {
			return fmt.Errorf("add route %+v: %w", r, err)
		}
	}
	return nil
}

// interfaceStats reads the host-side counters of the container's veth
// interfaces and reports them from the container's view (rx and tx swap).
func (c *linuxContainer) interfaceStats() ([]*types.NetworkInterface, error) {
	var out []*types.NetworkInterface
	for _, n := range c.config.Networks {
		if n.Type != "veth" || n.HostInterfaceName == "" {
			continue
		}
		link, err := netlink.LinkByName(n.HostInterfaceName)
		if err != nil {
			return nil, fmt.Errorf("interface stats %s: %w", n.HostInterfaceName, err)
		}
		s := link.Attrs().Statistics
		if s == nil {
			continue
		}
		out = append(out, &types.NetworkInterface{
			Name:      n.HostInterfaceName,
			RxBytes:   s.TxBytes,
			RxPackets: s.TxPackets,
			RxErrors:  s.TxErrors,
			RxDropped: s.TxDropped,
			TxBytes:   s.RxBytes,
			TxPackets: s.RxPackets,
			TxErrors:  s.RxErrors,
			TxDropped: s.RxDropped,
		})
	}
	return out, nil
}
