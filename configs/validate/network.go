package validate

import (
	"fmt"
	"strings"

	"github.com/b7f961b7/libcontainer/configs"
)

// networkCheck rejects networks or routes without a private network
// namespace.
func networkCheck(config *configs.Config) error {
	if config.Namespaces.Contains(configs.NEWNET) {
		return nil
	}
	if len(config.Networks) > 0 {
		return invalid("networks", "", "unable to apply network settings without a private NET namespace")
	}
	if len(config.Routes) > 0 {
		return invalid("routes", "", "unable to apply network settings without a private NET namespace")
	}
	return nil
}

// ifNameMax is the longest interface name the kernel accepts
// (IFNAMSIZ - 1).
const ifNameMax = 15

// netDevicesCheck requires a private network namespace and a non-rootless
// runtime for moved network devices, and valid interface names on both
// sides.
func netDevicesCheck(config *configs.Config) error {
	if len(config.NetDevices) == 0 {
		return nil
	}
	if !config.Namespaces.Contains(configs.NEWNET) {
		return invalid("netDevices", "", "network devices can only be moved into a private NET namespace")
	}
	if config.RootlessEUID {
		return invalid("netDevices", "", "network devices cannot be moved by a rootless runtime")
	}
	for _, host := range sortedKeys(config.NetDevices) {
		field := fmt.Sprintf("netDevices[%q]", host)
		if reason := badIfName(host); reason != "" {
			return invalid(field, host, "invalid network device name: %s", reason)
		}
		dev := config.NetDevices[host]
		if dev == nil || dev.Name == "" {
			continue
		}
		if reason := badIfName(dev.Name); reason != "" {
			return invalid(field+".name", dev.Name, "invalid network device name: %s", reason)
		}
	}
	return nil
}

// badIfName says why name cannot be a network interface name, or returns
// "" when it can.
func badIfName(name string) string {
	switch {
	case name == "":
		return "empty"
	case name == "." || name == "..":
		return "reserved name"
	case len(name) > ifNameMax:
		return fmt.Sprintf("longer than %d bytes", ifNameMax)
	case strings.ContainsAny(name, "/:\x00"):
		return "contains '/', ':' or NUL"
	case strings.IndexFunc(name, isSpace) >= 0:
		return "contains white space"
	}
	return ""
}

// isSpace reports the white space the kernel's dev_valid_name refuses.
func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r'
}
