package libcontainer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/opencontainers/selinux/go-selinux"
	"github.com/opencontainers/selinux/go-selinux/label"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// This file performs one entry of Config.Mounts: its pre- and post-mount
// commands around it, and the dispatch by kind (cgroup, bind, remount, new
// filesystem) to the rootfs_*_linux.go file for that kind.

// mountEntry performs one config mount with its pre- and post-mount
// commands.
func mountEntry(cfg *configs.Config, root string, m *configs.Mount) error {
	if m == nil {
		return errors.New("mount: nil entry in config mounts")
	}
	if err := runMountCmds("premount", m.PremountCmds); err != nil {
		return fmt.Errorf("mount %s (%s) on %s: %w", m.Source, m.Device, m.Destination, err)
	}
	if err := mountOne(cfg, root, m); err != nil {
		return fmt.Errorf("mount %s (%s) on %s: %w", m.Source, m.Device, m.Destination, err)
	}
	if err := runMountCmds("postmount", m.PostmountCmds); err != nil {
		return fmt.Errorf("mount %s (%s) on %s: %w", m.Source, m.Device, m.Destination, err)
	}
	return nil
}

// mountOne dispatches one config mount by kind.
func mountOne(cfg *configs.Config, root string, m *configs.Mount) error {
	if err := checkMountFlags(m.Flags); err != nil {
		return err
	}
	for _, s := range []string{m.Source, m.Device, m.Data} {
		if strings.IndexByte(s, 0) >= 0 {
			return errors.New("mount source, type and data must not contain NUL bytes")
		}
	}
	dest, err := cleanMountDest(m.Destination)
	if err != nil {
		return err
	}
	switch {
	case m.Device == "cgroup":
		return mountCgroup(cfg, root, m, dest)
	case isBindMount(m):
		return mountBind(cfg, root, m, dest)
	case m.Flags&unix.MS_REMOUNT != 0:
		return remountExisting(root, m, dest)
	default:
		return mountFilesystem(cfg, root, m, dest)
	}
}

// isBindMount reports whether a config mount is a bind mount.
func isBindMount(m *configs.Mount) bool {
	return m.Device == "bind" || m.Flags&unix.MS_BIND != 0
}

// deferReadonly reports whether a mount at dest gets MS_RDONLY only in
// finalizeRootfs: /dev is written to (device nodes, symlinks) after the
// mounts are done.
func deferReadonly(dest string) bool {
	return dest == "/dev"
}

// formatMountLabel adds the SELinux context option for mountLabel to data
// when SELinux is enabled.
func formatMountLabel(data, mountLabel string) string {
	if mountLabel == "" || !selinux.GetEnabled() {
		return data
	}
	return label.FormatMountLabel(data, mountLabel)
}
