package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// This file holds the fd-based mount primitives used by the rootfs code
// (rootfs_*linux.go). Every mount is built detached (fsopen/fsmount for new
// filesystems, open_tree(OPEN_TREE_CLONE) for bind mounts), gets its
// attributes while still detached, and is attached with move_mount(2) onto
// an O_PATH handle of a destination that was resolved and created strictly
// inside the rootfs (rootfs_target_linux.go). Nothing is looked up by path
// between the check and the mount, so a symlink swapped in concurrently
// cannot redirect it (CVE-2021-30465, CVE-2024-45310, CVE-2025-52881).

// mountFlagsKnown are the MS_* bits a config mount may carry in Flags.
const mountFlagsKnown = unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC |
	unix.MS_SYNCHRONOUS | unix.MS_REMOUNT | unix.MS_MANDLOCK | unix.MS_DIRSYNC |
	unix.MS_NOSYMFOLLOW | unix.MS_NOATIME | unix.MS_NODIRATIME | unix.MS_BIND | unix.MS_REC |
	unix.MS_SILENT | unix.MS_POSIXACL | unix.MS_UNBINDABLE | unix.MS_PRIVATE | unix.MS_SLAVE |
	unix.MS_SHARED | unix.MS_RELATIME | unix.MS_I_VERSION | unix.MS_STRICTATIME | unix.MS_LAZYTIME

// checkMountFlags rejects MS_* bits the rootfs code does not implement.
func checkMountFlags(flags int) error {
	if unknown := flags &^ mountFlagsKnown; unknown != 0 {
		return fmt.Errorf("unsupported mount flags %#x", unknown)
	}
	return nil
}

// mountAttrFromFlags converts the per-mount MS_* flags into MOUNT_ATTR_*
// bits: set are the attributes to turn on, clr the ones to turn off first
// (the access-time field is one value, so choosing an atime mode clears
// the field). Superblock and propagation flags are ignored here.
func mountAttrFromFlags(flags int) (set, clr uint64) {
	for _, f := range []struct {
		ms   int
		attr uint64
	}{
		{unix.MS_RDONLY, unix.MOUNT_ATTR_RDONLY},
		{unix.MS_NOSUID, unix.MOUNT_ATTR_NOSUID},
		{unix.MS_NODEV, unix.MOUNT_ATTR_NODEV},
		{unix.MS_NOEXEC, unix.MOUNT_ATTR_NOEXEC},
		{unix.MS_NODIRATIME, unix.MOUNT_ATTR_NODIRATIME},
		{unix.MS_NOSYMFOLLOW, unix.MOUNT_ATTR_NOSYMFOLLOW},
	} {
		if flags&f.ms != 0 {
			set |= f.attr
		}
	}
	switch {
	case flags&unix.MS_NOATIME != 0:
		set |= unix.MOUNT_ATTR_NOATIME
		clr |= unix.MOUNT_ATTR__ATIME
	case flags&unix.MS_STRICTATIME != 0:
		set |= unix.MOUNT_ATTR_STRICTATIME
		clr |= unix.MOUNT_ATTR__ATIME
	case flags&unix.MS_RELATIME != 0:
		set |= unix.MOUNT_ATTR_RELATIME
		clr |= unix.MOUNT_ATTR__ATIME
	}
	return set, clr
}

// superblockOptions returns the fsconfig(2) flag names for the superblock
// MS_* flags of a new filesystem (those that legacy mount(2) would have
// applied to the superblock rather than to the mount).
func superblockOptions(flags int) []string {
	var opts []string
	for _, f := range []struct {
		ms   int
		name string
	}{
		{unix.MS_SYNCHRONOUS, "sync"},
		{unix.MS_DIRSYNC, "dirsync"},
		{unix.MS_LAZYTIME, "lazytime"},
		{unix.MS_MANDLOCK, "mand"},
	} {
		if flags&f.ms != 0 {
			opts = append(opts, f.name)
		}
	}
	return opts
}

// propagationFlags lists the propagation changes a mount asks for: the
// propagation bits in Flags (each with MS_REC when Flags has it), then
// PropagationFlags in order.
func propagationFlags(flags int, extra []int) []int {
	var res []int
	for _, p := range []int{unix.MS_SHARED, unix.MS_SLAVE, unix.MS_PRIVATE, unix.MS_UNBINDABLE} {
		if flags&p != 0 {
			res = append(res, p|flags&unix.MS_REC)
		}
	}
	return append(res, extra...)
}

// mountOption is one comma-separated item of a mount data string.
type mountOption struct {
	key      string
	value    string
	hasValue bool
}

// splitMountData splits a mount data string ("mode=755,size=65536k,ro")
// into options for fsconfig(2). Commas inside double quotes or escaped
// with a backslash do not split; surrounding double quotes are removed
// from values (context="a,b" gives the value a,b). Empty items are
// skipped.
func splitMountData(data string) ([]mountOption, error) {
	var (
		opts    []mountOption
		cur     strings.Builder
		quoted  bool
		escaped bool
	)
	flush := func() {
		item := cur.String()
		cur.Reset()
		if item == "" {
			return
		}
		key, value, ok := strings.Cut(item, "=")
		if ok && len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		opts = append(opts, mountOption{key: key, value: value, hasValue: ok})
	}
	for _, r := range data {
		switch {
		case escaped:
			if r != ',' {
				cur.WriteRune('\\')
			}
			cur.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped = true
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ',' && !quoted:
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	if quoted {
		return nil, fmt.Errorf("mount data %q: unterminated double quote", data)
	}
	if escaped {
		cur.WriteRune('\\')
	}
	flush()
	for _, o := range opts {
		if o.key == "" {
			return nil, fmt.Errorf("mount data %q: option with an empty name", data)
		}
	}
	return opts, nil
}

// hasMountOption reports whether opts holds an option named key.
func hasMountOption(opts []mountOption, key string) bool {
	for _, o := range opts {
		if o.key == key {
			return true
		}
	}
	return false
}

// fsContextLog drains the messages the kernel queued on an fs context fd;
// they explain fsconfig failures ("e tmpfs: Unknown parameter 'x'").
func fsContextLog(fd int) string {
	var msgs []string
	buf := make([]byte, 1024)
	for range 16 {
		n, err := unix.Read(fd, buf)
		if err != nil || n <= 0 {
			break
		}
		msgs = append(msgs, strings.TrimSpace(string(buf[:n])))
	}
	return strings.Join(msgs, "; ")
}

// newFSMount creates a detached mount of a new fstype filesystem with
// fsopen/fsconfig/fsmount. source may be empty; opts are the data
// options, sbOpts superblock flag names; attrs are MOUNT_ATTR_* bits of
// the new mount. The returned file is the mount handle (close-on-exec).
func newFSMount(fstype, source string, opts []mountOption, sbOpts []string, attrs uint64) (*os.File, error) {
	fsfd, err := unix.Fsopen(fstype, unix.FSOPEN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("fsopen %s: %w", fstype, err)
	}
	defer unix.Close(fsfd)
	fail := func(what string, err error) error {
		if log := fsContextLog(fsfd); log != "" {
			return fmt.Errorf("%s: %w (kernel: %s)", what, err, log)
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	if source != "" {
		if err := unix.FsconfigSetString(fsfd, "source", source); err != nil {
			return nil, fail("fsconfig source="+source, err)
		}
	}
	for _, o := range opts {
		if o.hasValue {
			err = unix.FsconfigSetString(fsfd, o.key, o.value)
		} else {
			err = unix.FsconfigSetFlag(fsfd, o.key)
		}
		if err != nil {
			return nil, fail("fsconfig option "+o.key, err)
		}
	}
	for _, name := range sbOpts {
		if err := unix.FsconfigSetFlag(fsfd, name); err != nil {
			return nil, fail("fsconfig flag "+name, err)
		}
	}
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return nil, fail("create "+fstype+" filesystem", err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, int(attrs))
	if err != nil {
		return nil, fail("fsmount "+fstype, err)
	}
	return os.NewFile(uintptr(mfd), "fsmount:"+fstype), nil
}

// cloneMountTree makes a detached bind mount of the object at path
// (relative to dirfd; "" with dirfd means dirfd itself) with
// open_tree(OPEN_TREE_CLONE); recursive copies the submounts too.
func cloneMountTree(dirfd int, path string, recursive bool) (*os.File, error) {
	flags := uint(unix.OPEN_TREE_CLONE | unix.O_CLOEXEC)
	if path == "" {
		flags |= unix.AT_EMPTY_PATH
	}
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	fd, err := unix.OpenTree(dirfd, path, flags)
	if err != nil {
		return nil, &os.PathError{Op: "open_tree", Path: path, Err: err}
	}
	name := path
	if name == "" {
		name = "fd:" + strconv.Itoa(dirfd)
	}
	return os.NewFile(uintptr(fd), "bind:"+name), nil
}

// setMountAttr changes the attributes of the mount mnt refers to (and,
// with recursive, of all its submounts).
func setMountAttr(mnt *os.File, attr *unix.MountAttr, recursive bool) error {
	flags := uint(unix.AT_EMPTY_PATH)
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	if err := unix.MountSetattr(int(mnt.Fd()), "", flags, attr); err != nil {
		return fmt.Errorf("mount_setattr(set %#x, clear %#x, propagation %#x): %w",
			attr.Attr_set, attr.Attr_clr, attr.Propagation, err)
	}
	return nil
}

// setMountPropagation applies one MS_SHARED/SLAVE/PRIVATE/UNBINDABLE change
// (recursive when pflag has MS_REC) to the mount mnt refers to.
func setMountPropagation(mnt *os.File, pflag int) error {
	p := pflag &^ unix.MS_REC
	switch p {
	case unix.MS_SHARED, unix.MS_SLAVE, unix.MS_PRIVATE, unix.MS_UNBINDABLE:
	default:
		return fmt.Errorf("invalid propagation flag %#x", pflag)
	}
	return setMountAttr(mnt, &unix.MountAttr{Propagation: uint64(p)}, pflag&unix.MS_REC != 0)
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

// fdPath returns the path f refers to, as the kernel reports it in
// /proc/self/fd.
func fdPath(f *os.File) (string, error) {
	return os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
}

// attachMount moves the detached mount mnt onto the pinned destination t
// and checks that it is now visible exactly at t.full.
func attachMount(mnt *os.File, t *mountTarget) error {
	if err := unix.MoveMount(int(mnt.Fd()), "", int(t.f.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount onto %s: %w", t.full, err)
	}
	got, err := fdPath(mnt)
	if err == nil && got == t.full {
		return nil
	}
	// The mount is somewhere unexpected: take it away again.
	_ = unix.Unmount("/proc/self/fd/"+strconv.Itoa(int(mnt.Fd())), unix.MNT_DETACH)
	if err != nil {
		return fmt.Errorf("verify mount on %s: %w", t.full, err)
	}
	return fmt.Errorf("mount meant for %s landed on %s: refusing", t.full, got)
}

// isMountRoot reports whether f is the root of a mount.
func isMountRoot(f *os.File) (bool, error) {
	var stx unix.Statx_t
	if err := unix.Statx(int(f.Fd()), "", unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS, &stx); err != nil {
		return false, &os.PathError{Op: "statx", Path: f.Name(), Err: err}
	}
	if stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT == 0 {
		return false, fmt.Errorf("statx %s: kernel does not report STATX_ATTR_MOUNT_ROOT", f.Name())
	}
	return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0, nil
}

// fsMagic returns the filesystem magic number of the file f is on.
func fsMagic(f *os.File) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil {
		return 0, &os.PathError{Op: "fstatfs", Path: f.Name(), Err: err}
	}
	return st.Type, nil
}

// openInContainerRoot opens path after pivot_root, inside "/" (not the
// working directory), following ordinary symlinks inside the root unless
// noSymlinks, and never magic links (a /proc/self/fd/N link could lead to
// a host file held by init). It returns an O_PATH handle.
func openInContainerRoot(path string, noSymlinks bool) (*os.File, error) {
	resolve := uint64(unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS)
	if noSymlinks {
		resolve |= unix.RESOLVE_NO_SYMLINKS
	}
	how := &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: resolve}
	rootfd, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: "/", Err: err}
	}
	defer unix.Close(rootfd)
	for range 16 {
		fd, err := unix.Openat2(rootfd, path, how)
		if err == nil {
			return os.NewFile(uintptr(fd), path), nil
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			return nil, &os.PathError{Op: "openat2", Path: path, Err: err}
		}
	}
	return nil, &os.PathError{Op: "openat2", Path: path, Err: unix.EAGAIN}
}
