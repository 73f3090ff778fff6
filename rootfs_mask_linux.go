package libcontainer

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// This file hides and protects paths after pivot_root: maskPath
// (Config.MaskPaths) and readonlyPath (Config.ReadonlyPaths).

// readonlyPath bind-mounts path (in the container root, after pivot_root)
// over itself read-only, submounts included. The same handle is the source
// and the target, so the read-only view lands exactly on what was opened.
// A missing path is not an error.
func readonlyPath(path string) error {
	f, err := openInContainerRoot(path, false)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return nil
		}
		return err
	}
	defer f.Close()
	tree, err := cloneMountTree(int(f.Fd()), "", true)
	if err != nil {
		return err
	}
	defer tree.Close()
	if err := setMountAttr(tree, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, true); err != nil {
		return err
	}
	if err := unix.MoveMount(int(tree.Fd()), "", int(f.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount read-only view onto %s: %w", path, err)
	}
	return nil
}

// maskPath hides path (in the container root, after pivot_root): a
// directory gets an empty read-only tmpfs, anything else a read-only bind
// of /dev/null. /dev/null is opened once without following any symlink,
// checked to be the char device 1:3 and mounted from that handle
// (CVE-2025-31133). A missing path is not an error; a missing or fake
// /dev/null is.
func maskPath(path, mountLabel string) error {
	f, err := openInContainerRoot(path, false)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return nil
		}
		return err
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	var mnt *os.File
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		opts, err := splitMountData(formatMountLabel("nr_blocks=1,nr_inodes=1", mountLabel))
		if err != nil {
			return err
		}
		attrs, _ := mountAttrFromFlags(unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
		if mnt, err = newFSMount("tmpfs", "tmpfs", opts, nil, attrs); err != nil {
			return err
		}
	} else {
		if mnt, err = devNullMount(); err != nil {
			return err
		}
	}
	defer mnt.Close()
	if err := unix.MoveMount(int(mnt.Fd()), "", int(f.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount mask onto %s: %w", path, err)
	}
	return nil
}

// devNullMount returns a detached read-only bind of the container's
// /dev/null after checking, through the very handle that is cloned, that
// it is the null character device.
func devNullMount() (*os.File, error) {
	null, err := openInContainerRoot("/dev/null", true)
	if err != nil {
		return nil, fmt.Errorf("/dev/null is invalid: %w", err)
	}
	defer null.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(null.Fd()), &st); err != nil {
		return nil, fmt.Errorf("/dev/null is invalid: %w", err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != unix.Mkdev(1, 3) {
		return nil, fmt.Errorf("/dev/null is invalid: not the character device 1:3 (mode %#o, rdev %d:%d)",
			st.Mode, unix.Major(st.Rdev), unix.Minor(st.Rdev))
	}
	mnt, err := cloneMountTree(int(null.Fd()), "", false)
	if err != nil {
		return nil, err
	}
	if err := setMountAttr(mnt, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, false); err != nil {
		mnt.Close()
		return nil, err
	}
	return mnt, nil
}
