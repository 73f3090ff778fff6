package defaultconfig

import (
	"github.com/b7f961b7/libcontainer/devices"
	"github.com/b7f961b7/libcontainer/specconv"
)

// Devices returns copies of specconv.AllowedDevices, the devices a container
// may use by default: mknod of any character or block device, the standard
// nodes (/dev/null, /dev/zero, /dev/tty, …), pseudo-terminals, /dev/ptmx and
// /dev/net/tun. Entries without a Path are cgroup rules only.
func Devices() []*devices.Device {
	devs := make([]*devices.Device, 0, len(specconv.AllowedDevices))
	for _, d := range specconv.AllowedDevices {
		c := *d
		devs = append(devs, &c)
	}
	return devs
}

// NodeDevices returns the entries of devs that name a device node to create
// in the container (those with a Path).
func NodeDevices(devs []*devices.Device) []*devices.Device {
	var nodes []*devices.Device
	for _, d := range devs {
		if d.Path != "" {
			nodes = append(nodes, d)
		}
	}
	return nodes
}

// DeviceRules returns the device cgroup rules for devs: deny everything, then
// allow each entry of devs.
func DeviceRules(devs []*devices.Device) []*devices.Rule {
	rules := []*devices.Rule{{
		Type: devices.WildcardDevice, Major: devices.Wildcard, Minor: devices.Wildcard,
		Permissions: "rwm", Allow: false,
	}}
	for _, d := range devs {
		r := d.Rule
		rules = append(rules, &r)
	}
	return rules
}
