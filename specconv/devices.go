package specconv

import (
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/devices"
)

// AllowedDevices are the devices every container gets: cgroup rules letting
// it mknod any char or block device, the six standard nodes (created in
// /dev and allowed rwm) and rwm access to ptys, /dev/ptmx and /dev/net/tun.
// Treat it as read-only; CreateLibcontainerConfig copies what it uses.
var AllowedDevices = []*devices.Device{
	// mknod of any char / block device (opening still needs a rule).
	{Rule: devices.Rule{Type: devices.CharDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "m", Allow: true}},
	{Rule: devices.Rule{Type: devices.BlockDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "m", Allow: true}},
	standardDevice("/dev/null", 1, 3),
	standardDevice("/dev/random", 1, 8),
	standardDevice("/dev/full", 1, 7),
	standardDevice("/dev/tty", 5, 0),
	standardDevice("/dev/zero", 1, 5),
	standardDevice("/dev/urandom", 1, 9),
	// /dev/pts/*
	{Rule: devices.Rule{Type: devices.CharDevice, Major: 136, Minor: devices.Wildcard, Permissions: "rwm", Allow: true}},
	// /dev/ptmx
	{Rule: devices.Rule{Type: devices.CharDevice, Major: 5, Minor: 2, Permissions: "rwm", Allow: true}},
	// /dev/net/tun
	{Rule: devices.Rule{Type: devices.CharDevice, Major: 10, Minor: 200, Permissions: "rwm", Allow: true}},
}

func standardDevice(path string, major, minor int64) *devices.Device {
	return &devices.Device{
		Rule:     devices.Rule{Type: devices.CharDevice, Major: major, Minor: minor, Permissions: "rwm", Allow: true},
		Path:     path,
		FileMode: 0o666,
	}
}

// createDevices returns the device nodes for config.Devices (the allowed
// defaults whose path the spec does not redefine, then the spec's own) and
// the allowed devices whose cgroup rules must follow the spec's rules.
func createDevices(spec *specs.Spec) (nodes, defaults []*devices.Device, err error) {
	var specDevs []specs.LinuxDevice
	if spec.Linux != nil {
		specDevs = spec.Linux.Devices
	}
	redefined := make(map[string]bool, len(specDevs))
	for _, d := range specDevs {
		redefined[d.Path] = true
	}
	for _, ad := range AllowedDevices {
		if ad.Path != "" && redefined[ad.Path] {
			continue
		}
		dup := *ad
		defaults = append(defaults, &dup)
		if ad.Path != "" {
			node := *ad
			nodes = append(nodes, &node)
		}
	}
	for i, d := range specDevs {
		node, err := createDevice(i, d)
		if err != nil {
			return nil, nil, err
		}
		nodes = append(nodes, node)
	}
	return nodes, defaults, nil
}

// createDevice converts spec device number i into a node description.
func createDevice(i int, d specs.LinuxDevice) (*devices.Device, error) {
	if d.Path == "" {
		return nil, fmt.Errorf("linux.devices[%d]: path is empty", i)
	}
	if strings.IndexByte(d.Path, 0) >= 0 {
		return nil, fmt.Errorf("linux.devices[%d].path %q contains a NUL byte", i, d.Path)
	}
	var t devices.Type
	switch d.Type {
	case "c", "u":
		t = devices.CharDevice
	case "b":
		t = devices.BlockDevice
	case "p":
		t = devices.FifoDevice
	default:
		return nil, fmt.Errorf("linux.devices[%d]: %q is not a valid device type for device %s", i, d.Type, d.Path)
	}
	var mode os.FileMode
	if d.FileMode != nil {
		mode = *d.FileMode &^ unix.S_IFMT
	}
	node := &devices.Device{
		Rule:     devices.Rule{Type: t, Major: d.Major, Minor: d.Minor},
		Path:     d.Path,
		FileMode: mode,
	}
	if d.UID != nil {
		node.Uid = *d.UID
	}
	if d.GID != nil {
		node.Gid = *d.GID
	}
	return node, nil
}
