package validate

import (
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// procBindAllowlist lists the files under /proc that may be covered by a
// bind mount (what lxcfs provides to virtualise resource views).
var procBindAllowlist = map[string]bool{
	"/proc/cpuinfo":   true,
	"/proc/diskstats": true,
	"/proc/meminfo":   true,
	"/proc/stat":      true,
	"/proc/swaps":     true,
	"/proc/uptime":    true,
	"/proc/loadavg":   true,
	"/proc/slabinfo":  true,
	"/proc/net/dev":   true,
}

// mountsCheck checks every mount statically: no NUL bytes, an absolute
// destination that is not the container root, only procfs on /proc and
// only allowlisted bind targets below it, no filesystem data on bind
// mounts, a known relabel mode, and well-formed id mappings.
func mountsCheck(config *configs.Config) error {
	for i, m := range config.Mounts {
		field := fmt.Sprintf("mounts[%d]", i)
		if m == nil {
			return invalid(field, "", "must not be null")
		}
		if err := mountNoNUL(field, m); err != nil {
			return err
		}
		if !filepath.IsAbs(m.Destination) {
			return invalid(field+".destination", m.Destination, "must be an absolute path")
		}
		dest := filepath.Clean(m.Destination)
		if dest == "/" {
			return invalid(field+".destination", m.Destination, "cannot mount on the top of rootfs")
		}
		if err := procMountCheck(field, dest, m); err != nil {
			return err
		}
		bind := m.IsBind() || m.Device == "bind"
		if bind && m.Data != "" {
			return invalid(field+".data", m.Data, "bind mounts cannot have any filesystem-specific options applied")
		}
		switch m.Relabel {
		case "", "z", "Z":
		default:
			return invalid(field+".relabel", m.Relabel, "must be \"z\", \"Z\" or empty")
		}
		if m.RecAttr != nil && m.RecAttr.Attr_set&unix.MOUNT_ATTR_IDMAP != 0 {
			return invalid(field+".rec_attr", "", "MOUNT_ATTR_IDMAP cannot be set directly: use id_mapping")
		}
		if err := idMappedMountCheck(config, field, m, bind); err != nil {
			return err
		}
	}
	return nil
}

// mountNoNUL rejects NUL bytes in the mount's string fields.
func mountNoNUL(field string, m *configs.Mount) error {
	for _, f := range []struct{ name, value string }{
		{"source", m.Source},
		{"destination", m.Destination},
		{"device", m.Device},
		{"data", m.Data},
		{"relabel", m.Relabel},
	} {
		if strings.ContainsRune(f.value, 0) {
			return invalid(field+"."+f.name, f.value, "must not contain NUL bytes")
		}
	}
	if m.IDMapping != nil && strings.ContainsRune(m.IDMapping.UserNSPath, 0) {
		return invalid(field+".id_mapping.userns_path", m.IDMapping.UserNSPath, "must not contain NUL bytes")
	}
	return nil
}

// procMountCheck allows only a procfs mount on /proc itself, and below
// /proc only bind mounts onto allowlisted files.
func procMountCheck(field, dest string, m *configs.Mount) error {
	if dest == "/proc" {
		if m.Device != "proc" {
			return invalid(field+".device", m.Device, "%s cannot be mounted on /proc: not of type proc", m.Source)
		}
		return nil
	}
	if !strings.HasPrefix(dest, "/proc/") {
		return nil
	}
	if !procBindAllowlist[dest] {
		return invalid(field+".destination", m.Destination, "cannot be mounted inside /proc: only bind mounts onto %s are allowed", allowlistText())
	}
	if !m.IsBind() && m.Device != "bind" {
		return invalid(field+".destination", m.Destination, "only bind mounts are allowed inside /proc")
	}
	return nil
}

// allowlistText lists the allowlisted /proc files for error messages.
func allowlistText() string {
	return strings.Join(sortedKeys(procBindAllowlist), ", ")
}

// idMappedMountCheck accepts an id mapping only on a bind or tmpfs mount
// made by a privileged runtime, with either a user namespace path or both uid and
// gid maps, and well-formed ranges.
func idMappedMountCheck(config *configs.Config, field string, m *configs.Mount, bind bool) error {
	idm := m.IDMapping
	if idm == nil {
		return nil
	}
	field += ".id_mapping"
	if !bind && (m.Device != "tmpfs" || m.Flags&unix.MS_REMOUNT != 0) {
		return invalid(field, "", "idmapped mounts are only supported for bind mounts and tmpfs (device %q)", m.Device)
	}
	if config.RootlessEUID {
		return invalid(field, "", "idmapped mounts are not supported for rootless containers")
	}
	if idm.UserNSPath != "" {
		if len(idm.UIDMappings) > 0 || len(idm.GIDMappings) > 0 {
			return invalid(field+".userns_path", idm.UserNSPath, "give either a user namespace path or uid/gid mappings, not both")
		}
		if !filepath.IsAbs(idm.UserNSPath) {
			return invalid(field+".userns_path", idm.UserNSPath, "must be an absolute path")
		}
		return nil
	}
	if len(idm.UIDMappings) == 0 {
		return invalid(field+".uid_mappings", "", "idmapped mounts need uid mappings")
	}
	if len(idm.GIDMappings) == 0 {
		return invalid(field+".gid_mappings", "", "idmapped mounts need gid mappings")
	}
	if err := checkIDMappings(field+".uid_mappings", idm.UIDMappings); err != nil {
		return err
	}
	return checkIDMappings(field+".gid_mappings", idm.GIDMappings)
}

// rootPropagationCheck accepts only a single propagation type (optionally
// recursive) for the root mount, and refuses private propagation when
// pivot_root is not used.
func rootPropagationCheck(config *configs.Config) error {
	p := config.RootPropagation
	if p == 0 {
		return nil
	}
	switch p &^ unix.MS_REC {
	case unix.MS_SHARED, unix.MS_SLAVE, unix.MS_PRIVATE, unix.MS_UNBINDABLE:
	default:
		return invalid("rootPropagation", fmt.Sprintf("%#x", p), "must be one of MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE, optionally with MS_REC")
	}
	if config.NoPivotRoot && p&unix.MS_PRIVATE != 0 {
		return invalid("rootPropagation", fmt.Sprintf("%#x", p), "private propagation is not safe without pivot_root")
	}
	return nil
}
