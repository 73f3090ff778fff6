package libcontainer

import (
	"errors"
	"fmt"
	"os"

	"github.com/opencontainers/selinux/go-selinux/label"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// This file performs bind mounts: a detached clone of the source (made by
// the parent for idmapped binds) gets its attributes and is moved onto the
// pinned destination.

// mountBind performs a bind mount: the source tree is cloned detached,
// gets its attributes (Flags, RecAttr) and is then moved onto the pinned
// destination; propagation changes follow. An idmapped bind's tree was
// cloned and given its mapping by the parent.
func mountBind(cfg *configs.Config, root string, m *configs.Mount, dest string) error {
	if m.Source == "" {
		return errors.New("bind mount without a source")
	}
	if m.Data != "" {
		return fmt.Errorf("bind mounts cannot have filesystem-specific options (data %q)", m.Data)
	}
	if m.Relabel != "" {
		if err := label.Relabel(m.Source, cfg.MountLabel, m.Relabel == "z"); err != nil {
			return fmt.Errorf("relabel %s: %w", m.Source, err)
		}
	}
	recursive := m.Flags&unix.MS_REC != 0
	var tree *os.File
	var err error
	if m.IDMapping != nil {
		// Cloned and idmapped on the host by the parent.
		tree, err = takeIDMappedMount(m)
	} else {
		tree, err = cloneMountTree(unix.AT_FDCWD, m.Source, recursive)
	}
	if err != nil {
		return err
	}
	defer tree.Close()
	procRoot, err := isProcRoot(tree)
	if err != nil {
		return err
	}
	if err := checkProcDestination(dest, "bind", procRoot); err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(tree.Fd()), &st); err != nil {
		return fmt.Errorf("fstat bind source: %w", err)
	}
	kind := targetFile
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		kind = targetDir
	}
	flags := m.Flags
	if deferReadonly(dest) {
		flags &^= unix.MS_RDONLY
	}
	if err := setBindAttrs(tree, flags, recursive); err != nil {
		return err
	}
	var recProp int
	if ra := m.RecAttr; ra != nil {
		if ra.Attr_set&unix.MOUNT_ATTR_IDMAP != 0 || ra.Userns_fd != 0 {
			return errors.New("rec_attr cannot set an id mapping; use the mount's IDMapping")
		}
		if ra.Attr_set != 0 || ra.Attr_clr != 0 {
			if err := setMountAttr(tree, &unix.MountAttr{Attr_set: ra.Attr_set, Attr_clr: ra.Attr_clr}, true); err != nil {
				return err
			}
		}
		if ra.Propagation != 0 {
			recProp = int(ra.Propagation) | unix.MS_REC
		}
	}
	rel, err := resolveInRoot(root, dest, true)
	if err != nil {
		return err
	}
	if err := checkProcDestination(rel, "bind", procRoot); err != nil {
		return err
	}
	t, err := openCheckedTarget(root, rel, kind)
	if err != nil {
		return err
	}
	defer t.Close()
	if err := attachMount(tree, t); err != nil {
		return err
	}
	props := propagationFlags(m.Flags, m.PropagationFlags)
	if recProp != 0 {
		props = append(props, recProp)
	}
	return applyPropagation(tree, props)
}

// setBindAttrs applies the per-mount MS_* flags of a bind mount to the
// detached tree: MS_RDONLY to every mount of a recursive bind (so "rbind,ro"
// leaves no writable submount), the other attributes to the top mount, as
// a legacy bind remount would.
func setBindAttrs(tree *os.File, flags int, recursive bool) error {
	set, clr := mountAttrFromFlags(flags)
	if recursive && set&unix.MOUNT_ATTR_RDONLY != 0 {
		if err := setMountAttr(tree, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, true); err != nil {
			return err
		}
		set &^= unix.MOUNT_ATTR_RDONLY
	}
	if set == 0 && clr == 0 {
		return nil
	}
	return setMountAttr(tree, &unix.MountAttr{Attr_set: set, Attr_clr: clr}, false)
}
