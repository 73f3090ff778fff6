package defaultconfig

import (
	"github.com/b7f961b7/libcontainer/devices"
)

// Devices returns the devices a container may use by default: mknod of any
// character or block device, the six standard nodes /dev/null, /dev/random,
// /dev/full, /dev/tty, /dev/zero and /dev/urandom, pseudo-terminals, /dev/ptmx
// and /dev/net/tun. Entries without a Path are cgroup rules only.
func Devices() []*devices.Device {
	node := func(path string, major, minor int64) *devices.Device {
		return &devices.Device{
			Rule: devices.Rule{
				Type: devices.CharDevice, Major: major, Minor: minor,
				Permissions: "rwm", Allow: true,
			},
			Path:     path,
			FileMode: 0o666,
		}
	}
	rule := func(t devices.Type, major, minor int64, perms devices.Permissions) *devices.Device {
		return &devices.Device{Rule: devices.Rule{
			Type: t, Major: major, Minor: minor, Permissions: perms, Allow: true,
		}}
	}
	return []*devices.Device{
		rule(devices.CharDevice, devices.Wildcard, devices.Wildcard, "m"),
		rule(devices.BlockDevice, devices.Wildcard, devices.Wildcard, "m"),
		node("/dev/null", 1, 3),
		node("/dev/random", 1, 8),
		node("/dev/full", 1, 7),
		node("/dev/tty", 5, 0),
		node("/dev/zero", 1, 5),
		node("/dev/urandom", 1, 9),
		rule(devices.CharDevice, 136, devices.Wildcard, "rwm"), // /dev/pts/*
		rule(devices.CharDevice, 5, 2, "rwm"),                  // /dev/ptmx
		rule(devices.CharDevice, 10, 200, "rwm"),               // /dev/net/tun
	}
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
