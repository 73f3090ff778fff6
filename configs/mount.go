package configs

import "golang.org/x/sys/unix"

// EXT_COPYUP is a Mount.Extensions bit: when a tmpfs is mounted over an
// existing directory, the directory's previous contents are copied into
// the new tmpfs.
const EXT_COPYUP = 1

// Mount is one mount to set up inside the container's root filesystem.
type Mount struct {
	// Source is the mount source (a host path for bind mounts).
	Source string `json:"source"`

	// Destination is the absolute mount point inside the container.
	Destination string `json:"destination"`

	// Device is the filesystem type; "bind" for bind mounts, "cgroup"
	// for the container's cgroup filesystem.
	Device string `json:"device"`

	// Flags are the MS_* mount flags.
	Flags int `json:"flags"`

	// PropagationFlags are MS_* propagation changes applied after
	// mounting, in order.
	PropagationFlags []int `json:"propagation_flags"`

	// Data is the filesystem-specific option string.
	Data string `json:"data"`

	// Relabel is the SELinux relabel mode ("z" shared, "Z" private).
	Relabel string `json:"relabel"`

	// RecAttr holds recursive mount attributes applied with
	// mount_setattr(2); nil applies none.
	RecAttr *unix.MountAttr `json:"rec_attr"`

	// Extensions is a bit set of EXT_* options.
	Extensions int `json:"extensions"`

	// PremountCmds run before the mount, inside the container's mount
	// namespace. Args exclude argv[0] and Path is looked up in PATH.
	PremountCmds []Command `json:"premount_cmds"`

	// PostmountCmds run after the mount, like PremountCmds.
	PostmountCmds []Command `json:"postmount_cmds"`

	// IDMapping (not in v1.1) makes this an idmapped bind or tmpfs
	// mount; nil mounts without id mapping.
	IDMapping *MountIDMapping `json:"id_mapping,omitempty"`
}

// MountIDMapping (not in v1.1) describes the user-namespace mapping
// attached to an idmapped mount with mount_setattr(MOUNT_ATTR_IDMAP).
// The ranges are host-relative like Config.UidMappings: a file owned by
// ContainerID+n on the filesystem is seen as owned by host id HostID+n
// through the mount (so, inside a user namespace container, as whatever
// container id HostID+n maps to), and a file written through the mount
// by host id HostID+n is stored with ContainerID+n. Giving the
// container's own mappings shows the host's ids unchanged inside.
type MountIDMapping struct {
	// UIDMappings are the uid ranges of the mapping.
	UIDMappings []IDMap `json:"uid_mappings"`
	// GIDMappings are the gid ranges of the mapping.
	GIDMappings []IDMap `json:"gid_mappings"`
	// Recursive applies the mapping to every submount (AT_RECURSIVE).
	Recursive bool `json:"recursive"`
	// UserNSPath, when set, names an existing user namespace whose
	// mapping is used instead of creating one from the ranges above.
	UserNSPath string `json:"userns_path,omitempty"`
}

// IsBind reports whether the mount is a bind mount (MS_BIND in Flags).
func (m *Mount) IsBind() bool {
	return m.Flags&unix.MS_BIND != 0
}

// IsIDMapped reports whether the mount carries an id mapping.
func (m *Mount) IsIDMapped() bool {
	return m.IDMapping != nil
}
