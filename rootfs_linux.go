package libcontainer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/moby/sys/mountinfo"
	"github.com/opencontainers/selinux/go-selinux"
	"github.com/opencontainers/selinux/go-selinux/label"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
	"github.com/b7f961b7/libcontainer/utils"
)

// This file sets up the container's root filesystem inside init: the
// config mounts, /dev, pivot_root, the late read-only remounts, and the
// masked and read-only paths. The mount primitives are in mount_linux.go.

// defaultRootPropagation is applied to "/" of the new mount namespace when
// the config does not choose one: host mounts still reach the container,
// but nothing the container mounts reaches the host.
const defaultRootPropagation = unix.MS_SLAVE | unix.MS_REC

// defaultUmask is the umask of the container process when Config.Umask is
// nil.
const defaultUmask = 0o022

// cgroupMountFlags are always set on the mounts that make up a "cgroup"
// config mount.
const cgroupMountFlags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC

// procMountAllowlist holds the only paths under /proc that a config mount
// may cover (the files lxcfs-style tools replace).
var procMountAllowlist = []string{
	"/proc/cpuinfo",
	"/proc/diskstats",
	"/proc/meminfo",
	"/proc/stat",
	"/proc/swaps",
	"/proc/uptime",
	"/proc/loadavg",
	"/proc/slabinfo",
	"/proc/net/dev",
}

// devSymlinks are the links created in /dev next to the device nodes.
var devSymlinks = [][2]string{
	{"/proc/self/fd", "fd"},
	{"/proc/self/fd/0", "stdin"},
	{"/proc/self/fd/1", "stdout"},
	{"/proc/self/fd/2", "stderr"},
}

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
	if err := unix.Chdir(root); err != nil {
		return fmt.Errorf("chdir to rootfs %s: %w", root, err)
	}
	if beforePivot != nil {
		if err := beforePivot(); err != nil {
			return err
		}
	}
	if cfg.NoPivotRoot {
		err = moveRoot(root)
	} else {
		err = pivotRoot(root)
	}
	if err != nil {
		return err
	}
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("chdir to new root: %w", err)
	}
	return nil
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
	if err := unix.Chdir(root); err != nil {
		return fmt.Errorf("chdir to rootfs %s: %w", root, err)
	}
	if beforePivot != nil {
		if err := beforePivot(); err != nil {
			return err
		}
	}
	if err := unix.Chroot(root); err != nil {
		return fmt.Errorf("chroot to %s: %w", root, err)
	}
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("chdir to new root: %w", err)
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

// defaultCmdPath is searched for mount commands when no PATH is set (the
// init usually runs with an environment of its own variables only).
const defaultCmdPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// runMountCmds runs mount commands: Path looked up in PATH, Args without
// argv[0], Env nil meaning inherit, Dir honoured, Timeout enforced.
func runMountCmds(kind string, cmds []configs.Command) error {
	for i, c := range cmds {
		path, err := lookMountCmd(c.Path, c.Env)
		if err != nil {
			return fmt.Errorf("%s command #%d: %w", kind, i, err)
		}
		ctx, cancel := context.Background(), context.CancelFunc(func() {})
		if c.Timeout != nil {
			ctx, cancel = context.WithTimeout(ctx, *c.Timeout)
		}
		cmd := exec.CommandContext(ctx, path, c.Args...)
		cmd.Env = c.Env
		cmd.Dir = c.Dir
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			return fmt.Errorf("%s command #%d (%s): %w: %s", kind, i, c.Path, err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// lookMountCmd finds a mount command: a name without a slash is searched
// in the PATH of env (of the init when env is nil), or in defaultCmdPath
// when that is empty; relative PATH entries are skipped.
func lookMountCmd(name string, env []string) (string, error) {
	if name == "" {
		return "", errors.New("empty command path")
	}
	if strings.Contains(name, "/") {
		return name, nil
	}
	search := os.Getenv("PATH")
	if env != nil {
		search = ""
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "PATH="); ok {
				search = v
			}
		}
	}
	if search == "" {
		search = defaultCmdPath
	}
	for _, dir := range filepath.SplitList(search) {
		if !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%q: executable file not found in PATH %q", name, search)
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

// checkProcDestination enforces the /proc rules on a container path:
// only proc (or a bind of a procfs root) may be mounted on /proc itself,
// and inside /proc only the allowlisted files may be covered.
func checkProcDestination(rel, device string, procRootSource bool) error {
	switch {
	case rel == "/proc":
		if device == "proc" || procRootSource {
			return nil
		}
		return fmt.Errorf("%q mount on /proc is not of type proc: only proc may be mounted on /proc, and mounts inside /proc are restricted", device)
	case strings.HasPrefix(rel, "/proc/"):
		if slices.Contains(procMountAllowlist, rel) {
			return nil
		}
		return fmt.Errorf("mount destination %s is inside /proc and not one of the allowed files (%s)", rel, strings.Join(procMountAllowlist, ", "))
	}
	return nil
}

// checkTargetFS refuses a pinned destination that lies on a procfs other
// than at the allowed places, whatever its path says.
func checkTargetFS(t *mountTarget) error {
	magic, err := fsMagic(t.f)
	if err != nil {
		return err
	}
	if magic == unix.PROC_SUPER_MAGIC && t.rel != "/proc" && !slices.Contains(procMountAllowlist, t.rel) {
		return fmt.Errorf("mount destination %s is on procfs: mounts inside /proc are restricted", t.rel)
	}
	return nil
}

// isProcRoot reports whether f is the root directory of a procfs.
func isProcRoot(f *os.File) (bool, error) {
	magic, err := fsMagic(f)
	if err != nil || magic != unix.PROC_SUPER_MAGIC {
		return false, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return false, &os.PathError{Op: "fstat", Path: f.Name(), Err: err}
	}
	return st.Ino == 1, nil // PROC_ROOT_INO
}

// formatMountLabel adds the SELinux context option for mountLabel to data
// when SELinux is enabled.
func formatMountLabel(data, mountLabel string) string {
	if mountLabel == "" || !selinux.GetEnabled() {
		return data
	}
	return label.FormatMountLabel(data, mountLabel)
}

// mountBind performs a bind mount: the source tree is cloned detached,
// gets its attributes (id mapping, Flags, RecAttr) and is then moved onto
// the pinned destination; propagation changes follow.
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
	tree, err := cloneMountTree(unix.AT_FDCWD, m.Source, recursive)
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
	if m.IDMapping != nil {
		if err := applyIDMapping(tree, m.IDMapping, cfg.Namespaces.Contains(configs.NEWUSER)); err != nil {
			return err
		}
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
	t, err := openMountTarget(root, rel, kind)
	if err != nil {
		return err
	}
	defer t.Close()
	if err := checkTargetFS(t); err != nil {
		return err
	}
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

// applyPropagation applies propagation changes, in order, to an attached
// mount.
func applyPropagation(mnt *os.File, props []int) error {
	for _, p := range props {
		if err := setMountPropagation(mnt, p); err != nil {
			return err
		}
	}
	return nil
}

// pidfdGetUserNamespace is PIDFD_GET_USER_NAMESPACE, _IO(0xFF, 9)
// (Linux 6.11): it returns a user namespace fd of the process a pidfd
// refers to.
const pidfdGetUserNamespace = 0xFF09

// applyIDMapping turns the detached bind tree into an idmapped mount. The
// user namespace comes from UserNSPath, or is created from the mappings
// (which then count in the caller's user namespace, so this is refused
// inside the container's own user namespace).
func applyIDMapping(tree *os.File, idm *configs.MountIDMapping, inUserNS bool) error {
	var ns *os.File
	if idm.UserNSPath != "" {
		f, err := os.OpenFile(idm.UserNSPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("idmapped mount: open user namespace: %w", err)
		}
		ns = f
	} else {
		if inUserNS {
			return errors.New("idmapped mount: uid/gid mappings cannot be set up from inside the container's user namespace; give UserNSPath instead")
		}
		f, err := newMappedUserNS(idm.UIDMappings, idm.GIDMappings)
		if err != nil {
			return err
		}
		ns = f
	}
	defer ns.Close()
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP, Userns_fd: uint64(ns.Fd())}
	if err := setMountAttr(tree, attr, idm.Recursive); err != nil {
		return fmt.Errorf("idmapped mount: %w", err)
	}
	return nil
}

// newMappedUserNS returns an fd of a new user namespace with the given
// mappings. A child is started in a new user namespace, stopped by ptrace
// before it runs any instruction of the program; the mappings are written
// through the host /proc under the child's host pid (init may be in a new
// pid namespace while /proc is still the host's, so the pid os/exec knows
// cannot be used there), the namespace is taken through the child's pidfd
// and the child killed.
func newMappedUserNS(uids, gids []configs.IDMap) (*os.File, error) {
	if len(uids) == 0 || len(gids) == 0 {
		return nil, errors.New("idmapped mount: both uid and gid mappings are required")
	}
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = []string{}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUSER,
		Ptrace:     true,
		Pdeathsig:  syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("idmapped mount: start user namespace holder: %w", err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	pidfd, err := unix.PidfdOpen(cmd.Process.Pid, 0)
	if err != nil {
		return nil, fmt.Errorf("idmapped mount: pidfd_open: %w", err)
	}
	defer unix.Close(pidfd)
	hostPid, err := pidfdHostPid(pidfd)
	if err != nil {
		return nil, fmt.Errorf("idmapped mount: %w", err)
	}
	for file, m := range map[string][]configs.IDMap{"uid_map": uids, "gid_map": gids} {
		var b strings.Builder
		for _, r := range m {
			fmt.Fprintf(&b, "%d %d %d\n", r.ContainerID, r.HostID, r.Size)
		}
		p := "/proc/" + strconv.Itoa(hostPid) + "/" + file
		if err := os.WriteFile(p, []byte(b.String()), 0); err != nil {
			return nil, fmt.Errorf("idmapped mount: write %s: %w", file, err)
		}
	}
	nsfd, err := unix.IoctlRetInt(pidfd, pidfdGetUserNamespace)
	if err != nil {
		return nil, fmt.Errorf("idmapped mount: get user namespace of holder: %w", err)
	}
	unix.CloseOnExec(nsfd)
	return os.NewFile(uintptr(nsfd), "userns"), nil
}

// pidfdHostPid returns the pid of the process pidfd refers to, as seen by
// the procfs mounted at /proc (the "Pid:" line of its fdinfo).
func pidfdHostPid(pidfd int) (int, error) {
	b, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(pidfd))
	if err != nil {
		return 0, fmt.Errorf("read pidfd info: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Pid:"); ok {
			pid, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || pid <= 0 {
				return 0, fmt.Errorf("pidfd info: bad pid %q", v)
			}
			return pid, nil
		}
	}
	return 0, errors.New("pidfd info has no Pid line")
}

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
	if m.IDMapping != nil {
		return errors.New("idmapped mounts must be bind mounts")
	}
	if m.RecAttr != nil {
		return errors.New("rec_attr is only supported on bind mounts")
	}
	if err := checkProcDestination(dest, fstype, false); err != nil {
		return err
	}
	plain := fstype == "proc" || fstype == "sysfs"
	rel, err := resolveInRoot(root, dest, !plain)
	if err != nil {
		return err
	}
	if err := checkProcDestination(rel, fstype, false); err != nil {
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
	t, err := openMountTarget(root, rel, kind)
	if err != nil {
		if errors.Is(err, errNotOrdinaryDir) {
			return fmt.Errorf("%s %w", fstype, err)
		}
		return err
	}
	defer t.Close()
	if err := checkTargetFS(t); err != nil {
		return err
	}
	readonly := m.Flags&unix.MS_RDONLY != 0 && !deferReadonly(dest)
	attrs, _ := mountAttrFromFlags(m.Flags &^ unix.MS_RDONLY)
	sbOpts := superblockOptions(m.Flags)
	if readonly && superblockReadonlyOK(fstype) {
		sbOpts = append(sbOpts, "ro")
	}
	mnt, err := newFSMount(fstype, m.Source, opts, sbOpts, attrs)
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

// statInRoot stats rel inside root (symlinks followed inside root); a
// missing path gives nil.
func statInRoot(root, rel string) (*unix.Stat_t, error) {
	f, err := utils.OpenInRoot(root, rel, unix.O_PATH)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, &os.PathError{Op: "fstat", Path: f.Name(), Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return nil, nil
	}
	return &st, nil
}

// inheritDir gives the root of a new tmpfs the permissions (mode) and the
// owner (owner) of the directory it is about to cover.
func inheritDir(mnt *os.File, old *unix.Stat_t, mode, owner bool) error {
	if !mode && !owner {
		return nil
	}
	fd, err := unix.Openat(int(mnt.Fd()), ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open new tmpfs root: %w", err)
	}
	defer unix.Close(fd)
	if owner {
		if err := unix.Fchown(fd, int(old.Uid), int(old.Gid)); err != nil {
			return fmt.Errorf("chown new tmpfs root: %w", err)
		}
	}
	if mode {
		if err := unix.Fchmod(fd, old.Mode&0o7777); err != nil {
			return fmt.Errorf("chmod new tmpfs root: %w", err)
		}
	}
	return nil
}

// copyDirContents copies everything below the directory src into the
// directory dst (both fds), keeping modes, owners and times. Symlinks are
// copied as links and never followed; entries are opened with O_NOFOLLOW
// and re-checked after opening, so a concurrent swap cannot make the copy
// read a file outside the rootfs.
func copyDirContents(src, dst int) error {
	fd, err := unix.Openat(src, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open directory to copy: %w", err)
	}
	dir := os.NewFile(uintptr(fd), "copy-up source")
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("list directory to copy: %w", err)
	}
	for _, name := range names {
		if err := copyEntry(src, dst, name); err != nil {
			return fmt.Errorf("copy %s: %w", name, err)
		}
	}
	return nil
}

// copyEntry copies one directory entry name from the directory src into
// the directory dst.
func copyEntry(src, dst int, name string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(src, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		if err := unix.Mkdirat(dst, name, 0o700); err != nil {
			return err
		}
		s, err := unix.Openat(src, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(s)
		d, err := unix.Openat(dst, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(d)
		if err := copyDirContents(s, d); err != nil {
			return err
		}
	case unix.S_IFREG:
		if err := copyRegularFile(src, dst, name, &st); err != nil {
			return err
		}
	case unix.S_IFLNK:
		target, err := readlinkAt(src, name)
		if err != nil {
			return err
		}
		if err := unix.Symlinkat(target, dst, name); err != nil {
			return err
		}
	default: // devices, fifos, sockets
		if err := unix.Mknodat(dst, name, st.Mode, int(st.Rdev)); err != nil {
			return err
		}
	}
	if err := unix.Fchownat(dst, name, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		// dst is a private, not yet attached tmpfs: nothing can have
		// replaced name with a symlink since it was created above.
		if err := unix.Fchmodat(dst, name, st.Mode&0o7777, 0); err != nil {
			return err
		}
	}
	return unix.UtimesNanoAt(dst, name, []unix.Timespec{st.Atim, st.Mtim}, unix.AT_SYMLINK_NOFOLLOW)
}

// copyRegularFile copies the regular file name from src to dst.
func copyRegularFile(src, dst int, name string, st *unix.Stat_t) error {
	in, err := unix.Openat(src, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	inf := os.NewFile(uintptr(in), name)
	defer inf.Close()
	var now unix.Stat_t
	if err := unix.Fstat(in, &now); err != nil {
		return err
	}
	if now.Mode&unix.S_IFMT != unix.S_IFREG || now.Ino != st.Ino || now.Dev != st.Dev {
		return errors.New("file changed while being copied")
	}
	out, err := unix.Openat(dst, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return err
	}
	outf := os.NewFile(uintptr(out), name)
	if _, err := io.Copy(outf, inf); err != nil {
		outf.Close()
		return err
	}
	return outf.Close()
}

// readlinkAt reads the symlink name in the directory dirfd.
func readlinkAt(dirfd int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// remountExisting applies the per-mount flags of an MS_REMOUNT config
// entry to the mount already at the destination.
func remountExisting(root string, m *configs.Mount, dest string) error {
	if err := checkProcDestination(dest, m.Device, false); err != nil {
		return err
	}
	rel, err := resolveInRoot(root, dest, true)
	if err != nil {
		return err
	}
	if err := checkProcDestination(rel, m.Device, false); err != nil {
		return err
	}
	f, err := utils.OpenInRoot(root, rel, unix.O_PATH)
	if err != nil {
		return err
	}
	defer f.Close()
	if got, err := fdPath(f); err != nil || got != filepath.Join(root, rel) {
		return fmt.Errorf("remount target %s changed while it was being set up (opened %q): refusing", rel, got)
	}
	isRoot, err := isMountRoot(f)
	if err != nil {
		return err
	}
	if !isRoot {
		return fmt.Errorf("cannot remount %s: not a mount point", rel)
	}
	set, clr := mountAttrFromFlags(m.Flags)
	if set != 0 || clr != 0 {
		if err := setMountAttr(f, &unix.MountAttr{Attr_set: set, Attr_clr: clr}, false); err != nil {
			return err
		}
	}
	return applyPropagation(f, propagationFlags(m.Flags, m.PropagationFlags))
}

// mountCgroup sets up a "cgroup" config mount.
func mountCgroup(cfg *configs.Config, root string, m *configs.Mount, dest string) error {
	if err := checkProcDestination(dest, "cgroup", false); err != nil {
		return err
	}
	rel, err := resolveInRoot(root, dest, true)
	if err != nil {
		return err
	}
	if err := checkProcDestination(rel, "cgroup", false); err != nil {
		return err
	}
	cgroupNS := cfg.Namespaces.Contains(configs.NEWCGROUP)
	if cgroups.IsCgroup2UnifiedMode() {
		return mountCgroupV2(root, rel, m, cgroupNS)
	}
	return mountCgroupV1(cfg, root, rel, m, cgroupNS)
}

// mountCgroupV1 builds the v1 cgroup tree: a tmpfs at the destination with
// one directory per hierarchy holding either the container's own cgroup
// (bind mounted from the host) or, with a cgroup namespace, a real cgroup
// mount; comounted controllers get symlinks, and on a hybrid host the
// cgroup2 hierarchy appears as "unified". With MS_RDONLY everything,
// the tmpfs included, ends read-only (CVE-2023-25809).
func mountCgroupV1(cfg *configs.Config, root, rel string, m *configs.Mount, cgroupNS bool) error {
	t, err := openMountTarget(root, rel, targetDir)
	if err != nil {
		return err
	}
	defer t.Close()
	if err := checkTargetFS(t); err != nil {
		return err
	}
	opts, err := splitMountData(formatMountLabel("mode=755", cfg.MountLabel))
	if err != nil {
		return err
	}
	tmpfsAttrs, _ := mountAttrFromFlags(cgroupMountFlags)
	tmpfs, err := newFSMount("tmpfs", "tmpfs", opts, nil, tmpfsAttrs)
	if err != nil {
		return err
	}
	defer tmpfs.Close()
	if err := attachMount(tmpfs, t); err != nil {
		return err
	}
	hierarchies, err := cgroups.GetCgroupMounts(false)
	if err != nil {
		return fmt.Errorf("list cgroup hierarchies: %w", err)
	}
	own, err := cgroups.ParseCgroupFile("/proc/self/cgroup")
	if err != nil {
		return err
	}
	attrs, _ := mountAttrFromFlags(m.Flags | cgroupMountFlags)
	for _, h := range hierarchies {
		name := filepath.Base(h.Mountpoint)
		var sub *os.File
		if cgroupNS {
			sub, err = newFSMount("cgroup", "cgroup", cgroupV1Options(h.Subsystems), nil, attrs)
		} else {
			var src string
			if src, err = ownCgroupDir(h.Mountpoint, h.Root, h.GetOwnCgroup, own); err == nil {
				sub, err = bindCgroupDir(src, attrs)
			}
		}
		if err != nil {
			return fmt.Errorf("cgroup hierarchy %s: %w", name, err)
		}
		err = attachInTmpfs(tmpfs, t, name, sub)
		sub.Close()
		if err != nil {
			return err
		}
		for _, link := range cgroupComountLinks(name) {
			if err := unix.Symlinkat(name, int(tmpfs.Fd()), link); err != nil && !errors.Is(err, unix.EEXIST) {
				return fmt.Errorf("symlink %s -> %s: %w", filepath.Join(t.full, link), name, err)
			}
		}
	}
	if cgroups.IsCgroup2HybridMode() {
		var sub *os.File
		if cgroupNS {
			sub, err = newFSMount("cgroup2", "cgroup2", nil, nil, attrs)
		} else {
			var mp, mroot, src string
			if mp, mroot, err = cgroups.FindCgroupMountpointAndRoot("", ""); err == nil {
				if src, err = ownCgroupDir(mp, mroot, v2Cgroup, own); err == nil {
					sub, err = bindCgroupDir(src, attrs)
				}
			}
		}
		if err != nil {
			return fmt.Errorf("cgroup2 hierarchy: %w", err)
		}
		err = attachInTmpfs(tmpfs, t, "unified", sub)
		sub.Close()
		if err != nil {
			return err
		}
	}
	if m.Flags&unix.MS_RDONLY != 0 {
		if err := setMountAttr(tmpfs, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, false); err != nil {
			return err
		}
	}
	return applyPropagation(tmpfs, propagationFlags(m.Flags, m.PropagationFlags))
}

// v2Cgroup picks the cgroup2 entry of a parsed /proc/self/cgroup.
func v2Cgroup(own map[string]string) (string, error) {
	p, ok := own[""]
	if !ok {
		return "", errors.New("no cgroup2 entry in /proc/self/cgroup")
	}
	return p, nil
}

// mountCgroupV2 mounts the cgroup2 hierarchy of a pure v2 host: a real
// cgroup2 mount with a cgroup namespace (falling back to a bind when the
// kernel refuses it), otherwise a bind of the container's own cgroup.
func mountCgroupV2(root, rel string, m *configs.Mount, cgroupNS bool) error {
	t, err := openMountTarget(root, rel, targetDir)
	if err != nil {
		return err
	}
	defer t.Close()
	if err := checkTargetFS(t); err != nil {
		return err
	}
	attrs, _ := mountAttrFromFlags(m.Flags)
	var mnt *os.File
	if cgroupNS {
		opts, err := splitMountData(m.Data)
		if err != nil {
			return err
		}
		mnt, err = newFSMount("cgroup2", "cgroup2", opts, nil, attrs)
		if err != nil && !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.EBUSY) {
			return err
		}
	}
	if mnt == nil {
		own, err := cgroups.ParseCgroupFile("/proc/self/cgroup")
		if err != nil {
			return err
		}
		mp, mroot, err := cgroups.FindCgroupMountpointAndRoot("", "")
		if err != nil {
			return err
		}
		src, err := ownCgroupDir(mp, mroot, v2Cgroup, own)
		if err != nil {
			return err
		}
		if mnt, err = bindCgroupDir(src, attrs); err != nil {
			return err
		}
	}
	defer mnt.Close()
	if err := attachMount(mnt, t); err != nil {
		return err
	}
	return applyPropagation(mnt, propagationFlags(m.Flags, m.PropagationFlags))
}

// cgroupV1Options are the fsconfig options that mount the v1 hierarchy
// with the given subsystems ("name=x" entries name a named hierarchy).
func cgroupV1Options(subsystems []string) []mountOption {
	var opts []mountOption
	controllers := 0
	for _, s := range subsystems {
		if name, ok := strings.CutPrefix(s, cgroups.CgroupNamePrefix); ok {
			opts = append(opts, mountOption{key: "name", value: name, hasValue: true})
			continue
		}
		opts = append(opts, mountOption{key: s})
		controllers++
	}
	if controllers == 0 {
		opts = append(opts, mountOption{key: "none"})
	}
	return opts
}

// cgroupComountLinks returns the symlink names for a hierarchy directory
// named after comounted controllers ("cpu,cpuacct" gives cpu and
// cpuacct); a single controller gives none.
func cgroupComountLinks(dir string) []string {
	parts := strings.Split(dir, ",")
	if len(parts) < 2 {
		return nil
	}
	var links []string
	for _, p := range parts {
		if p != "" && p != dir && !strings.Contains(p, "=") {
			links = append(links, p)
		}
	}
	return links
}

// ownCgroupDir returns the host directory of this process's cgroup in the
// hierarchy mounted at mountpoint (whose mounted root is mroot).
func ownCgroupDir(mountpoint, mroot string, pick func(map[string]string) (string, error), own map[string]string) (string, error) {
	cg, err := pick(own)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(mroot, cg)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("own cgroup %s is outside the mounted hierarchy root %s", cg, mroot)
	}
	return filepath.Join(mountpoint, rel), nil
}

// bindCgroupDir clones the host cgroup directory src as a detached mount
// with the given attributes.
func bindCgroupDir(src string, attrs uint64) (*os.File, error) {
	tree, err := cloneMountTree(unix.AT_FDCWD, src, false)
	if err != nil {
		return nil, err
	}
	if err := setMountAttr(tree, &unix.MountAttr{Attr_set: attrs}, false); err != nil {
		tree.Close()
		return nil, err
	}
	return tree, nil
}

// attachInTmpfs creates the directory name in the freshly attached tmpfs
// (parent is its pinned mount point) and attaches mnt there.
func attachInTmpfs(tmpfs *os.File, parent *mountTarget, name string, mnt *os.File) error {
	if err := unix.Mkdirat(int(tmpfs.Fd()), name, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("mkdir %s: %w", filepath.Join(parent.full, name), err)
	}
	fd, err := unix.Openat(int(tmpfs.Fd()), name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", filepath.Join(parent.full, name), err)
	}
	t := &mountTarget{
		f:    os.NewFile(uintptr(fd), name),
		rel:  filepath.Join(parent.rel, name),
		full: filepath.Join(parent.full, name),
	}
	defer t.Close()
	return attachMount(mnt, t)
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
