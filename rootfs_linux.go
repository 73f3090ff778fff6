package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/utils"
)

// This file holds the overall sequence that sets up the container's root
// filesystem inside init: prepareRootfs (propagation, the rootfs bind, the
// config mounts, /dev, then pivot_root or chroot) and finalizeRootfs (the
// late read-only remounts and the umask). The pieces live in files named
// for their job: rootfs_mounts_linux.go (one config mount, dispatched by
// kind to rootfs_bind, rootfs_filesystem, rootfs_cgroup and rootfs_remount),
// rootfs_mountcmds_linux.go, rootfs_idmap_linux.go, rootfs_copyup_linux.go,
// rootfs_checks_linux.go and rootfs_target_linux.go (where a mount may go),
// rootfs_dev_linux.go (/dev) and rootfs_mask_linux.go (masked and read-only
// paths). The mount primitives are in mount_linux.go.

// defaultRootPropagation is applied to "/" of the new mount namespace when
// the config does not choose one: host mounts still reach the container,
// but nothing the container mounts reaches the host.
const defaultRootPropagation = unix.MS_SLAVE | unix.MS_REC

// defaultUmask is the umask of the container process when Config.Umask is
// nil.
const defaultUmask = 0o022

// prepareRootfs runs in the init's new mount namespace before pivot_root.
// It sets the propagation of "/" (cfg.RootPropagation, default
// MS_SLAVE|MS_REC), bind-mounts cfg.Rootfs onto itself, performs every
// cfg.Mounts entry in order (PremountCmds, mount, PostmountCmds), creates
// cfg.Devices and the /dev symlinks (plus /dev/ptmx -> pts/ptmx when the
// config mounts /dev/pts), calls beforePivot (if not nil) with the rootfs
// as working directory, then switches root: pivot_root, or MS_MOVE+chroot
// with cfg.NoPivotRoot, or a plain chroot when the config has no NEWNS.
// On success the working directory is the new "/".
//
// Every destination is resolved inside the rootfs, created there without
// following symlinks out of it, and mounted onto through a pinned handle;
// proc and sysfs go only onto real directories; nothing but proc may go on
// /proc and nothing but a few allowlisted files inside it.
func prepareRootfs(cfg *configs.Config, beforePivot func() error) error {
	if cfg == nil {
		return errors.New("prepare rootfs: no config")
	}
	if !filepath.IsAbs(cfg.Rootfs) {
		return fmt.Errorf("prepare rootfs: rootfs %q is not an absolute path", cfg.Rootfs)
	}
	if !cfg.Namespaces.Contains(configs.NEWNS) {
		return prepareRootfsWithoutMountNS(cfg, beforePivot)
	}
	if err := setRootPropagation(cfg.RootPropagation); err != nil {
		return err
	}
	if err := makeParentMountPrivate(cfg.Rootfs, cfg.Namespaces.Contains(configs.NEWUSER)); err != nil {
		return err
	}
	if err := unix.Mount(cfg.Rootfs, cfg.Rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind mount rootfs %s onto itself: %w", cfg.Rootfs, err)
	}
	root, err := realRootfs(cfg.Rootfs)
	if err != nil {
		return err
	}
	for _, m := range cfg.Mounts {
		if err := mountEntry(cfg, root, m); err != nil {
			return err
		}
	}
	if needsDevSetup(cfg) {
		if err := setupDev(cfg, root, true); err != nil {
			return err
		}
	}
	switchRoot := pivotRoot
	if cfg.NoPivotRoot {
		switchRoot = moveRoot
	}
	return enterRootfs(root, beforePivot, switchRoot)
}

// prepareRootfsWithoutMountNS handles a config without NEWNS: the mount
// namespace is the caller's, so nothing may be mounted; device nodes are
// created in the rootfs and the process chroots into it.
func prepareRootfsWithoutMountNS(cfg *configs.Config, beforePivot func() error) error {
	if len(cfg.Mounts) > 0 {
		return errors.New("prepare rootfs: the config has mounts but no private mount namespace (NEWNS); refusing to mount in the caller's namespace")
	}
	root, err := realRootfs(cfg.Rootfs)
	if err != nil {
		return err
	}
	if err := setupDev(cfg, root, false); err != nil {
		return err
	}
	return enterRootfs(root, beforePivot, chrootTo)
}

// enterRootfs is the last step of prepareRootfs: it changes the working
// directory to root, calls beforePivot (if not nil) there, makes root the
// new "/" with switchRoot and changes the working directory to it.
func enterRootfs(root string, beforePivot func() error, switchRoot func(root string) error) error {
	if err := unix.Chdir(root); err != nil {
		return fmt.Errorf("chdir to rootfs %s: %w", root, err)
	}
	if beforePivot != nil {
		if err := beforePivot(); err != nil {
			return err
		}
	}
	if err := switchRoot(root); err != nil {
		return err
	}
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("chdir to new root: %w", err)
	}
	return nil
}

// chrootTo makes root the new "/" with a plain chroot(2), for a config
// without a mount namespace of its own.
func chrootTo(root string) error {
	if err := unix.Chroot(root); err != nil {
		return fmt.Errorf("chroot to %s: %w", root, err)
	}
	return nil
}

// realRootfs returns the path under which the kernel reports the rootfs
// (symlinks in the configured path resolved), for comparisons with
// /proc/self/fd links.
func realRootfs(rootfs string) (string, error) {
	f, err := os.OpenFile(rootfs, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", fmt.Errorf("open rootfs: %w", err)
	}
	defer f.Close()
	p, err := fdPath(f)
	if err != nil {
		return "", fmt.Errorf("resolve rootfs %s: %w", rootfs, err)
	}
	return p, nil
}

// setRootPropagation applies the configured propagation (default
// MS_SLAVE|MS_REC) to "/" of the new mount namespace.
func setRootPropagation(flags int) error {
	if flags == 0 {
		flags = defaultRootPropagation
	}
	p := flags &^ unix.MS_REC
	if p != unix.MS_SHARED && p != unix.MS_SLAVE && p != unix.MS_PRIVATE && p != unix.MS_UNBINDABLE {
		return fmt.Errorf("invalid root propagation %#x: want one of MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE, optionally with MS_REC", flags)
	}
	if err := unix.Mount("", "/", "", uintptr(flags), ""); err != nil {
		return fmt.Errorf("set propagation %#x of /: %w", flags, err)
	}
	return nil
}

// makeParentMountPrivate makes the mount holding rootfs private when it is
// shared: pivot_root(2) and MS_MOVE refuse a shared parent. In a user
// namespace the change may be refused (EPERM); then it is left alone.
func makeParentMountPrivate(rootfs string, inUserNS bool) error {
	mounts, err := mountinfo.GetMounts(mountinfo.ParentsFilter(rootfs))
	if err != nil {
		return fmt.Errorf("read mountinfo: %w", err)
	}
	var parent *mountinfo.Info
	for _, m := range mounts {
		if parent == nil || len(m.Mountpoint) > len(parent.Mountpoint) {
			parent = m
		}
	}
	if parent == nil || !strings.Contains(parent.Optional, "shared:") {
		return nil
	}
	if err := unix.Mount("", parent.Mountpoint, "", unix.MS_PRIVATE, ""); err != nil {
		if errors.Is(err, unix.EPERM) && inUserNS {
			return nil
		}
		return fmt.Errorf("make parent mount %s of rootfs private: %w", parent.Mountpoint, err)
	}
	return nil
}

// pivotRoot makes root the new "/" with pivot_root(2) and detaches the old
// root. The old root is made a recursive slave first, so detaching it does
// not propagate to the host.
func pivotRoot(root string) error {
	oldRoot, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open old root: %w", err)
	}
	defer unix.Close(oldRoot)
	newRoot, err := unix.Open(root, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open new root %s: %w", root, err)
	}
	defer unix.Close(newRoot)
	if err := unix.Fchdir(newRoot); err != nil {
		return fmt.Errorf("chdir to new root: %w", err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root to %s: %w", root, err)
	}
	// The old root is now stacked on top of the new one at "/".
	if err := unix.Fchdir(oldRoot); err != nil {
		return fmt.Errorf("chdir to old root: %w", err)
	}
	if err := unix.Mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make old root rslave: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detach old root: %w", err)
	}
	return nil
}

// moveRoot makes root the new "/" without pivot_root(2) (for ramfs-rooted
// hosts): the mounts outside the rootfs are detached where possible (made
// private first, so nothing propagates), the rootfs is moved onto "/" and
// the process chroots into it.
func moveRoot(root string) error {
	mounts, err := mountinfo.GetMounts(nil)
	if err != nil {
		return fmt.Errorf("read mountinfo: %w", err)
	}
	slices.SortFunc(mounts, func(a, b *mountinfo.Info) int { return len(b.Mountpoint) - len(a.Mountpoint) })
	for _, m := range mounts {
		mp := m.Mountpoint
		if mp == "/" || utils.IsLexicallyInRoot(root, mp) || utils.IsLexicallyInRoot(mp, root) {
			continue
		}
		// Best effort: locked mounts (user namespaces) stay.
		if err := unix.Mount("", mp, "", unix.MS_PRIVATE, ""); err == nil {
			_ = unix.Unmount(mp, unix.MNT_DETACH)
		}
	}
	if err := unix.Chdir(root); err != nil {
		return fmt.Errorf("chdir to rootfs %s: %w", root, err)
	}
	if err := unix.Mount(root, "/", "", unix.MS_MOVE, ""); err != nil {
		return fmt.Errorf("move rootfs %s onto /: %w", root, err)
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot into rootfs: %w", err)
	}
	return nil
}

// finalizeRootfs runs after pivot_root: it makes /dev read-only if its
// config mount asked for MS_RDONLY (that was held back while the device
// nodes were created; every other read-only mount was created read-only),
// remounts "/" read-only when cfg.Readonlyfs, and sets the umask
// (cfg.Umask, default 0022).
func finalizeRootfs(cfg *configs.Config) error {
	if cfg == nil {
		return errors.New("finalize rootfs: no config")
	}
	for _, m := range cfg.Mounts {
		if m == nil || m.Flags&unix.MS_RDONLY == 0 || filepath.Clean("/"+m.Destination) != "/dev" {
			continue
		}
		if err := remountReadonly("/dev"); err != nil {
			return err
		}
		break
	}
	if cfg.Readonlyfs {
		if err := remountReadonly("/"); err != nil {
			return err
		}
	}
	umask := uint32(defaultUmask)
	if cfg.Umask != nil {
		umask = *cfg.Umask
	}
	if umask&^0o777 != 0 {
		return fmt.Errorf("invalid umask %#o", umask)
	}
	unix.Umask(int(umask))
	return nil
}

// remountReadonly makes the mount at path (in the container root) read-only.
func remountReadonly(path string) error {
	f, err := openInContainerRoot(path, false)
	if err != nil {
		return fmt.Errorf("remount %s read-only: %w", path, err)
	}
	defer f.Close()
	isRoot, err := isMountRoot(f)
	if err != nil {
		return fmt.Errorf("remount %s read-only: %w", path, err)
	}
	if !isRoot {
		return fmt.Errorf("remount %s read-only: not a mount point", path)
	}
	if err := setMountAttr(f, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, false); err != nil {
		return fmt.Errorf("remount %s read-only: %w", path, err)
	}
	return nil
}
