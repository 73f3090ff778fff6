package validate

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// devicesCheck validates the device nodes to create and the cgroup device
// rules: node types must be creatable with mknod, node paths absolute and
// numbers concrete; rule types must be a, b or c, numbers non-negative or
// the wildcard, and permissions a non-empty subset of "rwm".
func devicesCheck(config *configs.Config) error {
	for i, d := range config.Devices {
		field := fmt.Sprintf("devices[%d]", i)
		if d == nil {
			return invalid(field, "", "must not be null")
		}
		if !d.Type.CanMknod() {
			return invalid(field+".type", string(d.Type), "invalid device type: must be 'b', 'c' or 'p'")
		}
		if !filepath.IsAbs(d.Path) || strings.ContainsRune(d.Path, 0) {
			return invalid(field+".path", d.Path, "must be an absolute path")
		}
		if d.Major < 0 || d.Minor < 0 {
			return invalid(field, fmt.Sprintf("%d:%d", d.Major, d.Minor), "a device node needs concrete major and minor numbers")
		}
	}
	if config.Cgroups == nil || config.Cgroups.Resources == nil {
		return nil
	}
	for i, r := range config.Cgroups.Devices {
		field := fmt.Sprintf("cgroups.devices[%d]", i)
		if r == nil {
			return invalid(field, "", "must not be null")
		}
		if !r.Type.CanCgroup() {
			return invalid(field+".type", string(r.Type), "invalid device type: must be 'a', 'b' or 'c'")
		}
		if r.Major < devices.Wildcard || r.Minor < devices.Wildcard {
			return invalid(field, fmt.Sprintf("%d:%d", r.Major, r.Minor), "device numbers must be non-negative or the wildcard -1")
		}
		if err := rulePermissions(field+".permissions", r.Permissions); err != nil {
			return err
		}
	}
	return nil
}

// rulePermissions requires a non-empty set of the letters r, w and m.
func rulePermissions(field string, p devices.Permissions) error {
	if p.IsEmpty() {
		return invalid(field, "", "must not be empty")
	}
	if strings.Trim(string(p), "rwm") != "" {
		return invalid(field, string(p), "may only contain the letters r, w and m")
	}
	return nil
}
