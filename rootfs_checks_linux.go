package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// This file holds the checks on a config mount's destination: the path
// itself, and the /proc rules (only proc on /proc, and inside /proc only
// the allowlisted files), applied both to the path as written and to what
// it resolves to.

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

// cleanMountDest checks a container path and returns it cleaned and
// "/"-rooted (relative paths count from the root, as in runc).
func cleanMountDest(dest string) (string, error) {
	if dest == "" {
		return "", errors.New("empty mount destination")
	}
	if strings.IndexByte(dest, 0) >= 0 {
		return "", fmt.Errorf("mount destination %q contains a NUL byte", dest)
	}
	return filepath.Clean("/" + dest), nil
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

// resolveMountDest resolves the destination dest of a config mount of
// type device inside root (see resolveInRoot for followLast) and applies
// the /proc rules both to dest as written and to what it resolves to.
func resolveMountDest(root, dest, device string, followLast bool) (string, error) {
	if err := checkProcDestination(dest, device, false); err != nil {
		return "", err
	}
	rel, err := resolveInRoot(root, dest, followLast)
	if err != nil {
		return "", err
	}
	if err := checkProcDestination(rel, device, false); err != nil {
		return "", err
	}
	return rel, nil
}

// openCheckedTarget is openMountTarget for a config mount: it also refuses
// a destination that lies on a procfs outside the allowed places
// (checkTargetFS).
func openCheckedTarget(root, rel string, kind targetKind) (*mountTarget, error) {
	t, err := openMountTarget(root, rel, kind)
	if err != nil {
		return nil, err
	}
	if err := checkTargetFS(t); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}
