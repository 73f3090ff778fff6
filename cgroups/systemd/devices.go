package systemd

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"

	cgdevices "github.com/b7f961b7/libcontainer/cgroups/devices"
	"github.com/b7f961b7/libcontainer/devices"
)

// deviceAllowEntry is one (path, permissions) pair of DeviceAllow.
type deviceAllowEntry struct {
	Path  string
	Perms string
}

// majorNames reads /proc/devices into kind ("char"/"block") → major →
// driver name.
func majorNames() (map[string]map[int64]string, error) {
	f, err := os.Open("/proc/devices")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := map[string]map[int64]string{"char": {}, "block": {}}
	kind := ""
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		switch line {
		case "Character devices:":
			kind = "char"
			continue
		case "Block devices:":
			kind = "block"
			continue
		}
		fields := strings.Fields(line)
		if kind == "" || len(fields) != 2 {
			continue
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		res[kind][n] = fields[1]
	}
	return res, s.Err()
}

// generateDeviceProperties expresses rules as DevicePolicy and
// DeviceAllow. systemd can only list allowed devices, so a deny-by-default
// state maps to DevicePolicy=strict with one DeviceAllow per exception;
// an allow-by-default state maps to DevicePolicy=auto with nothing listed
// (the exact deny rules are then enforced by the cgroupfs drivers, which
// run after systemd). An exception whose major number has no driver name
// in /proc/devices (with a wildcard minor) cannot be expressed and is an
// error.
func generateDeviceProperties(rules []*devices.Rule) ([]systemdDbus.Property, error) {
	emu, err := cgdevices.FromRules(rules)
	if err != nil {
		return nil, err
	}
	if emu.IsBlacklist() {
		return []systemdDbus.Property{
			newProp("DevicePolicy", "auto"),
			newProp("DeviceAllow", []deviceAllowEntry{}),
		}, nil
	}
	var names map[string]map[int64]string
	entries := []deviceAllowEntry{}
	for _, r := range emu.Exceptions() {
		kind := "char"
		if r.Type == devices.BlockDevice {
			kind = "block"
		}
		var path string
		switch {
		case r.Major == devices.Wildcard:
			path = kind + "-*"
		case r.Minor == devices.Wildcard:
			if names == nil {
				if names, err = majorNames(); err != nil {
					return nil, fmt.Errorf("read /proc/devices: %w", err)
				}
			}
			name, ok := names[kind][r.Major]
			if !ok {
				return nil, fmt.Errorf("device rule %q: no %s driver with major %d in /proc/devices, systemd cannot express it", r.CgroupString(), kind, r.Major)
			}
			path = kind + "-" + name
		default:
			path = fmt.Sprintf("/dev/%s/%d:%d", kind, r.Major, r.Minor)
		}
		entries = append(entries, deviceAllowEntry{Path: path, Perms: string(r.Permissions)})
	}
	return []systemdDbus.Property{
		newProp("DevicePolicy", "strict"),
		newProp("DeviceAllow", entries),
	}, nil
}
