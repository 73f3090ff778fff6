package libcontainer

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// This file mounts a new filesystem (proc, sysfs, tmpfs, devpts, mqueue,
// overlay, ...) from a config mount.

// superblockReadonlyOK reports whether MS_RDONLY may also be passed to the
// superblock of a new fstype mount. Pseudo filesystems share their
// superblock with the host's mounts (or are written to after mounting),
// so for them read-only is a per-mount attribute only.
func superblockReadonlyOK(fstype string) bool {
	switch fstype {
	case "proc", "sysfs", "cgroup", "cgroup2", "mqueue", "tmpfs", "devpts", "ramfs", "bpf",
		"securityfs", "debugfs", "tracefs", "configfs", "fusectl", "pstore", "hugetlbfs", "binfmt_misc":
		return false
	}
	return true
}

// mountFilesystem mounts a new filesystem (proc, sysfs, tmpfs, devpts,
// mqueue, overlay, or any other type with its data) on the destination.
func mountFilesystem(cfg *configs.Config, root string, m *configs.Mount, dest string) error {
	fstype := m.Device
	if fstype == "" {
		return errors.New("mount has no filesystem type (Device)")
	}
	if m.IDMapping != nil && fstype != "tmpfs" {
		return errors.New("idmapped mounts must be bind mounts or tmpfs")
	}
	if m.RecAttr != nil {
		return errors.New("rec_attr is only supported on bind mounts")
	}
	plain := fstype == "proc" || fstype == "sysfs"
	rel, err := resolveMountDest(root, dest, fstype, !plain)
	if err != nil {
		return err
	}
	data := m.Data
	if !plain {
		data = formatMountLabel(data, cfg.MountLabel)
	}
	opts, err := splitMountData(data)
	if err != nil {
		return err
	}
	isTmpfs := fstype == "tmpfs"
	copyUp := isTmpfs && m.Extensions&configs.EXT_COPYUP != 0
	var oldDir *unix.Stat_t
	if isTmpfs {
		if oldDir, err = statInRoot(root, rel); err != nil {
			return err
		}
	}
	kind := targetDir
	if plain {
		kind = targetPlainDir
	}
	t, err := openCheckedTarget(root, rel, kind)
	if err != nil {
		if errors.Is(err, errNotOrdinaryDir) {
			return fmt.Errorf("%s %w", fstype, err)
		}
		return err
	}
	defer t.Close()
	readonly := m.Flags&unix.MS_RDONLY != 0 && !deferReadonly(dest)
	attrs, _ := mountAttrFromFlags(m.Flags &^ unix.MS_RDONLY)
	sbOpts := superblockOptions(m.Flags)
	if readonly && superblockReadonlyOK(fstype) {
		sbOpts = append(sbOpts, "ro")
	}
	var mnt *os.File
	if m.IDMapping != nil {
		// Made and idmapped on the host by the parent.
		mnt, err = takeIDMappedMount(m)
	} else {
		mnt, err = newFSMount(fstype, m.Source, opts, sbOpts, attrs)
	}
	if err != nil {
		return err
	}
	defer mnt.Close()
	if isTmpfs && oldDir != nil {
		if err := inheritDir(mnt, oldDir, !hasMountOption(opts, "mode"), copyUp && !hasMountOption(opts, "uid") && !hasMountOption(opts, "gid")); err != nil {
			return err
		}
		if copyUp {
			if err := copyDirContents(int(t.f.Fd()), int(mnt.Fd())); err != nil {
				return fmt.Errorf("tmpfs copy-up of %s: %w", t.full, err)
			}
		}
	}
	if readonly {
		if err := setMountAttr(mnt, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, false); err != nil {
			return err
		}
	}
	if err := attachMount(mnt, t); err != nil {
		return err
	}
	return applyPropagation(mnt, propagationFlags(m.Flags, m.PropagationFlags))
}
