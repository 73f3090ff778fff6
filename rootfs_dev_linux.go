package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
	"github.com/b7f961b7/libcontainer/utils"
)

// This file populates /dev inside the rootfs: the configured device nodes
// (mknod, or bind mounts of the host nodes), the standard symlinks and
// /dev/ptmx.

// devSymlinks are the links created in /dev next to the device nodes.
var devSymlinks = [][2]string{
	{"/proc/self/fd", "fd"},
	{"/proc/self/fd/0", "stdin"},
	{"/proc/self/fd/1", "stdout"},
	{"/proc/self/fd/2", "stderr"},
}

// needsDevSetup reports whether init creates the device nodes and /dev
// links: not when the config bind-mounts /dev from elsewhere.
func needsDevSetup(cfg *configs.Config) bool {
	for _, m := range cfg.Mounts {
		if m != nil && isBindMount(m) && filepath.Clean("/"+m.Destination) == "/dev" {
			return false
		}
	}
	return true
}

// hasMountAt reports whether the config mounts something at dest.
func hasMountAt(cfg *configs.Config, dest string) bool {
	for _, m := range cfg.Mounts {
		if m != nil && filepath.Clean("/"+m.Destination) == dest {
			return true
		}
	}
	return false
}

// setupDev creates cfg.Devices, the /dev symlinks and /dev/ptmx inside the
// rootfs, all through handles: /dev itself must be a real directory.
// canMount allows bind-mounting host device nodes (user namespaces, or
// mknod refused).
func setupDev(cfg *configs.Config, root string, canMount bool) error {
	dev, err := openMountTarget(root, "/dev", targetPlainDir)
	if err != nil {
		if errors.Is(err, errNotOrdinaryDir) {
			return fmt.Errorf("set up /dev: /dev must be an ordinary directory: %w", err)
		}
		return fmt.Errorf("set up /dev: %w", err)
	}
	defer dev.Close()
	bindNodes := canMount && cfg.Namespaces.Contains(configs.NEWUSER)
	for _, d := range cfg.Devices {
		if d == nil {
			continue
		}
		if err := createDevice(root, d, &bindNodes, canMount); err != nil {
			return fmt.Errorf("create device %s: %w", d.Path, err)
		}
	}
	devfd := int(dev.f.Fd())
	links := devSymlinks
	if _, err := os.Stat("/proc/kcore"); err == nil {
		links = append(slices.Clone(links), [2]string{"/proc/kcore", "core"})
	}
	for _, l := range links {
		if err := unix.Symlinkat(l[0], devfd, l[1]); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("symlink /dev/%s -> %s: %w", l[1], l[0], err)
		}
	}
	if hasMountAt(cfg, "/dev/pts") {
		if err := unix.Unlinkat(devfd, "ptmx", 0); err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("remove /dev/ptmx: %w", err)
		}
		if err := unix.Symlinkat("pts/ptmx", devfd, "ptmx"); err != nil {
			return fmt.Errorf("symlink /dev/ptmx -> pts/ptmx: %w", err)
		}
	}
	return nil
}

// deviceFileType returns the S_IFMT bits of a device type.
func deviceFileType(t devices.Type) (uint32, error) {
	switch t {
	case devices.CharDevice:
		return unix.S_IFCHR, nil
	case devices.BlockDevice:
		return unix.S_IFBLK, nil
	case devices.FifoDevice:
		return unix.S_IFIFO, nil
	}
	return 0, fmt.Errorf("device type %q cannot be created", rune(t))
}

// createDevice creates one device node inside the rootfs: with mknodat,
// or — in a user namespace, or when mknod is refused — as a bind mount of
// the host's node onto an empty file. *bindNodes switches to bind mounts
// for the remaining devices once mknod was refused.
func createDevice(root string, d *devices.Device, bindNodes *bool, canMount bool) error {
	ftype, err := deviceFileType(d.Type)
	if err != nil {
		return err
	}
	if d.Major < 0 || d.Minor < 0 {
		return fmt.Errorf("device %s: wildcard major/minor cannot be created", d.Path)
	}
	rel, err := resolveInRoot(root, d.Path, false)
	if err != nil {
		return err
	}
	parent, err := utils.MkdirAllInRootOpen(root, filepath.Dir(rel), 0o755)
	if err != nil {
		return err
	}
	defer parent.Close()
	if got, err := fdPath(parent); err != nil || got != filepath.Join(root, filepath.Dir(rel)) {
		return fmt.Errorf("directory of %s changed while it was being set up (opened %q): refusing", rel, got)
	}
	name := filepath.Base(rel)
	rdev := unix.Mkdev(uint32(d.Major), uint32(d.Minor))
	if !*bindNodes || ftype == unix.S_IFIFO {
		err := mknodDevice(parent, name, ftype, rdev, d)
		if err == nil || !errors.Is(err, unix.EPERM) || !canMount || ftype == unix.S_IFIFO {
			return err
		}
		*bindNodes = true
	}
	return bindDevice(root, rel, parent, name, ftype, rdev, d.Path)
}

// mknodDevice creates the node name in parent (replacing a non-directory
// that is not already the right node) and gives it the configured owner
// and mode.
func mknodDevice(parent *os.File, name string, ftype uint32, rdev uint64, d *devices.Device) error {
	pfd := int(parent.Fd())
	perm := uint32(d.FileMode.Perm())
	for attempt := 0; ; attempt++ {
		err := unix.Mknodat(pfd, name, ftype|perm, int(rdev))
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EEXIST) || attempt > 0 {
			return fmt.Errorf("mknod: %w", err)
		}
		var st unix.Stat_t
		if err := unix.Fstatat(pfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fmt.Errorf("lstat existing node: %w", err)
		}
		if st.Mode&unix.S_IFMT == ftype && st.Rdev == rdev {
			break
		}
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return errors.New("a directory is in the way")
		}
		if err := unix.Unlinkat(pfd, name, 0); err != nil {
			return fmt.Errorf("remove what is in the way: %w", err)
		}
	}
	fd, err := unix.Openat(pfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open new node: %w", err)
	}
	node := os.NewFile(uintptr(fd), name)
	defer node.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("fstat new node: %w", err)
	}
	if st.Mode&unix.S_IFMT != ftype || st.Rdev != rdev {
		return errors.New("node changed after it was created: refusing")
	}
	if err := unix.Fchownat(fd, "", int(d.Uid), int(d.Gid), unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("chown: %w", err)
	}
	// chmod through the handle's magic link acts on the checked inode.
	if err := unix.Chmod("/proc/self/fd/"+strconv.Itoa(fd), perm); err != nil {
		return fmt.Errorf("chmod: %w", err)
	}
	return nil
}

// bindDevice bind-mounts the host node hostPath onto an empty file name in
// parent (rel inside root).
func bindDevice(root, rel string, parent *os.File, name string, ftype uint32, rdev uint64, hostPath string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(int(parent.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		if err := unix.Unlinkat(int(parent.Fd()), name, 0); err != nil {
			return fmt.Errorf("remove symlink in the way: %w", err)
		}
	}
	tree, err := cloneMountTree(unix.AT_FDCWD, hostPath, false)
	if err != nil {
		return fmt.Errorf("bind host device: %w", err)
	}
	defer tree.Close()
	if err := unix.Fstat(int(tree.Fd()), &st); err != nil {
		return fmt.Errorf("fstat host device: %w", err)
	}
	if st.Mode&unix.S_IFMT != ftype || st.Rdev != rdev {
		return fmt.Errorf("host %s is not the configured device %d:%d", hostPath, unix.Major(rdev), unix.Minor(rdev))
	}
	f, err := createFileAt(parent, name)
	if err != nil {
		return err
	}
	t := &mountTarget{f: f, rel: rel, full: filepath.Join(root, rel)}
	defer t.Close()
	if got, err := fdPath(f); err != nil || got != t.full {
		return fmt.Errorf("device mount point %s changed while it was being set up (opened %q): refusing", t.full, got)
	}
	return attachMount(tree, t)
}
