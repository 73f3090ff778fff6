package libcontainer

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"

	"github.com/b7f961b7/libcontainer/configs"
)

// vethPeer tells the container side which temporary name the parent gave
// the container end of a veth pair.
type vethPeer struct {
	Name     string `json:"name"`      // configs.Network.Name
	TempName string `json:"temp_name"` // name of the peer when moved in
}

// randomIfName returns prefix plus random hex, within IFNAMSIZ.
func randomIfName(prefix string) (string, error) {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + hex.EncodeToString(b), nil
}

// createVeths makes the host side of every veth network of the config and
// moves each peer into the network namespace of pid. On error the pairs
// made so far are deleted.
func (c *linuxContainer) createVeths(pid int) (peers []vethPeer, err error) {
	var made []netlink.Link
	defer func() {
		if err != nil {
			for _, l := range made {
				_ = netlink.LinkDel(l)
			}
		}
	}()
	for i, n := range c.config.Networks {
		if n.Type != "veth" {
			continue
		}
		if n.HostInterfaceName == "" {
			if n.HostInterfaceName, err = randomIfName("veth"); err != nil {
				return nil, err
			}
		}
		tmp, err := randomIfName("vp")
		if err != nil {
			return nil, err
		}
		veth := &netlink.Veth{
			LinkAttrs: netlink.LinkAttrs{Name: n.HostInterfaceName, MTU: n.Mtu, TxQLen: n.TxQueueLen},
			PeerName:  tmp,
		}
		if n.TxQueueLen == 0 {
			veth.TxQLen = -1
		}
		if err := netlink.LinkAdd(veth); err != nil {
			return nil, fmt.Errorf("networks[%d]: create veth %s: %w", i, n.HostInterfaceName, err)
		}
		made = append(made, veth)
		host, err := netlink.LinkByName(n.HostInterfaceName)
		if err != nil {
			return nil, fmt.Errorf("networks[%d]: %w", i, err)
		}
		if n.Bridge != "" {
			br, err := netlink.LinkByName(n.Bridge)
			if err != nil {
				return nil, fmt.Errorf("networks[%d].bridge %q: %w", i, n.Bridge, err)
			}
			if err := netlink.LinkSetMaster(host, br); err != nil {
				return nil, fmt.Errorf("networks[%d]: attach %s to %s: %w", i, n.HostInterfaceName, n.Bridge, err)
			}
			if n.HairpinMode {
				if err := netlink.LinkSetHairpin(host, true); err != nil {
					return nil, fmt.Errorf("networks[%d]: hairpin: %w", i, err)
				}
			}
		}
		if err := netlink.LinkSetUp(host); err != nil {
			return nil, fmt.Errorf("networks[%d]: set %s up: %w", i, n.HostInterfaceName, err)
		}
		peer, err := netlink.LinkByName(tmp)
		if err != nil {
			return nil, fmt.Errorf("networks[%d]: %w", i, err)
		}
		if err := netlink.LinkSetNsPid(peer, pid); err != nil {
			return nil, fmt.Errorf("networks[%d]: move veth peer into container: %w", i, err)
		}
		peers = append(peers, vethPeer{Name: n.Name, TempName: tmp})
	}
	return peers, nil
}

// configureVeth is the container side of a veth network: rename the peer,
// set its MAC, MTU and addresses, bring it up and add the gateway route.
func configureVeth(n *configs.Network, peers []vethPeer) error {
	var tmp string
	for _, p := range peers {
		if p.Name == n.Name {
			tmp = p.TempName
		}
	}
	if tmp == "" {
		return fmt.Errorf("network %q: no veth peer was moved in", n.Name)
	}
	link, err := netlink.LinkByName(tmp)
	if err != nil {
		return fmt.Errorf("network %q: %w", n.Name, err)
	}
	if n.Name != "" {
		if err := netlink.LinkSetName(link, n.Name); err != nil {
			return fmt.Errorf("network %q: rename veth peer: %w", n.Name, err)
		}
	}
	if n.MacAddress != "" {
		mac, err := net.ParseMAC(n.MacAddress)
		if err != nil {
			return fmt.Errorf("network %q: mac_address %q: %w", n.Name, n.MacAddress, err)
		}
		if err := netlink.LinkSetHardwareAddr(link, mac); err != nil {
			return fmt.Errorf("network %q: set mac: %w", n.Name, err)
		}
	}
	if n.Mtu > 0 {
		if err := netlink.LinkSetMTU(link, n.Mtu); err != nil {
			return fmt.Errorf("network %q: set mtu %d: %w", n.Name, n.Mtu, err)
		}
	}
	for _, a := range []string{n.Address, n.IPv6Address} {
		if a == "" {
			continue
		}
		addr, err := netlink.ParseAddr(a)
		if err != nil {
			return fmt.Errorf("network %q: address %q: %w", n.Name, a, err)
		}
		if err := netlink.AddrAdd(link, addr); err != nil {
			return fmt.Errorf("network %q: add address %s: %w", n.Name, a, err)
		}
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return fmt.Errorf("network %q: set up: %w", n.Name, err)
	}
	for _, gw := range []string{n.Gateway, n.IPv6Gateway} {
		if gw == "" {
			continue
		}
		ip := net.ParseIP(gw)
		if ip == nil {
			return fmt.Errorf("network %q: gateway %q is not an IP address", n.Name, gw)
		}
		route := &netlink.Route{LinkIndex: link.Attrs().Index, Gw: ip}
		if err := netlink.RouteAdd(route); err != nil {
			return fmt.Errorf("network %q: default route via %s: %w", n.Name, gw, err)
		}
	}
	return nil
}
