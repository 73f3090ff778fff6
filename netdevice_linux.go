package libcontainer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// netDevice is a host interface moved into the container (Config.NetDevices).
type netDevice struct {
	HostName string   `json:"host_name"`
	Name     string   `json:"name"`  // name inside the container
	Addrs    []string `json:"addrs"` // CIDR addresses it had on the host
}

const (
	netnsPinFilename   = "netns"           // bind mount keeping the netns alive
	netDevicesFilename = "netdevices.json" // what to move back on Destroy
)

// moveNetDevices moves the config's host interfaces into the network
// namespace of pid, remembering their addresses, and pins that namespace
// in the state directory so the devices can be moved back after the
// container's processes are gone (a virtual device would otherwise vanish
// with the namespace).
func (c *linuxContainer) moveNetDevices(pid int) (devs []netDevice, err error) {
	if len(c.config.NetDevices) == 0 {
		return nil, nil
	}
	pin := filepath.Join(c.root, netnsPinFilename)
	f, err := os.OpenFile(pin, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pin network namespace: %w", err)
	}
	f.Close()
	if err := unix.Mount(fmt.Sprintf("/proc/%d/ns/net", pid), pin, "", unix.MS_BIND, ""); err != nil {
		os.Remove(pin)
		return nil, fmt.Errorf("pin network namespace: %w", err)
	}
	defer func() {
		if err != nil {
			_ = c.returnNetDevices(devs)
		}
	}()
	for hostName, d := range c.config.NetDevices {
		link, err := netlink.LinkByName(hostName)
		if err != nil {
			return devs, fmt.Errorf("netDevices[%q]: %w", hostName, err)
		}
		dev := netDevice{HostName: hostName, Name: hostName}
		if d != nil && d.Name != "" {
			dev.Name = d.Name
		}
		addrs, err := netlink.AddrList(link, netlink.FAMILY_ALL)
		if err != nil {
			return devs, fmt.Errorf("netDevices[%q]: addresses: %w", hostName, err)
		}
		for _, a := range addrs {
			// The kernel makes a new fe80:: address wherever the
			// device goes up; IPv4 link-local ones are the user's.
			if a.IP.To4() == nil && a.IP.IsLinkLocalUnicast() {
				continue
			}
			dev.Addrs = append(dev.Addrs, a.IPNet.String())
		}
		if err := netlink.LinkSetNsPid(link, pid); err != nil {
			return devs, fmt.Errorf("netDevices[%q]: move into container: %w", hostName, err)
		}
		devs = append(devs, dev)
	}
	b, err := json.Marshal(devs)
	if err != nil {
		return devs, err
	}
	if err := os.WriteFile(filepath.Join(c.root, netDevicesFilename), b, 0o600); err != nil {
		return devs, fmt.Errorf("save net devices: %w", err)
	}
	return devs, nil
}

// configureNetDevices is the container side: name each moved device, put
// its host addresses back and bring it up.
func configureNetDevices(devs []netDevice) error {
	for _, d := range devs {
		link, err := netlink.LinkByName(d.HostName)
		if err != nil {
			return fmt.Errorf("net device %s: %w", d.HostName, err)
		}
		if d.Name != d.HostName {
			if err := netlink.LinkSetName(link, d.Name); err != nil {
				return fmt.Errorf("net device %s: rename to %s: %w", d.HostName, d.Name, err)
			}
		}
		for _, a := range d.Addrs {
			addr, err := netlink.ParseAddr(a)
			if err != nil {
				return err
			}
			if err := netlink.AddrAdd(link, addr); err != nil {
				return fmt.Errorf("net device %s: add address %s: %w", d.Name, a, err)
			}
		}
		if err := netlink.LinkSetUp(link); err != nil {
			return fmt.Errorf("net device %s: set up: %w", d.Name, err)
		}
	}
	return nil
}

// returnNetDevices moves devices back from the pinned namespace to ours,
// under their host names and with their addresses, then unpins it. devs nil
// reads the list saved in the state directory.
func (c *linuxContainer) returnNetDevices(devs []netDevice) error {
	pin := filepath.Join(c.root, netnsPinFilename)
	if _, err := os.Lstat(pin); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if devs == nil {
		if b, err := os.ReadFile(filepath.Join(c.root, netDevicesFilename)); err == nil {
			_ = json.Unmarshal(b, &devs)
		}
	}
	var errs []error
	if err := moveBack(pin, devs); err != nil {
		errs = append(errs, err)
	}
	if err := unix.Unmount(pin, unix.MNT_DETACH); err != nil {
		errs = append(errs, fmt.Errorf("unpin network namespace: %w", err))
	}
	os.Remove(pin)
	return errors.Join(errs...)
}

func moveBack(pin string, devs []netDevice) error {
	if len(devs) == 0 {
		return nil
	}
	ns, err := netns.GetFromPath(pin)
	if err != nil {
		return fmt.Errorf("open pinned network namespace: %w", err)
	}
	defer ns.Close()
	inside, err := netlink.NewHandleAt(ns)
	if err != nil {
		return err
	}
	defer inside.Close()
	host, err := netns.Get()
	if err != nil {
		return err
	}
	defer host.Close()
	var errs []error
	for _, d := range devs {
		link, err := inside.LinkByName(d.Name)
		if err != nil {
			errs = append(errs, fmt.Errorf("net device %s: %w", d.Name, err))
			continue
		}
		_ = inside.LinkSetDown(link)
		if d.Name != d.HostName {
			if err := inside.LinkSetName(link, d.HostName); err != nil {
				errs = append(errs, fmt.Errorf("net device %s: rename back to %s: %w", d.Name, d.HostName, err))
				continue
			}
		}
		if err := inside.LinkSetNsFd(link, int(host)); err != nil {
			errs = append(errs, fmt.Errorf("net device %s: move back to host: %w", d.HostName, err))
			continue
		}
		hl, err := netlink.LinkByName(d.HostName)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, a := range d.Addrs {
			if addr, err := netlink.ParseAddr(a); err == nil {
				_ = netlink.AddrAdd(hl, addr)
			}
		}
	}
	return errors.Join(errs...)
}
