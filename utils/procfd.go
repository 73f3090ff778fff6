package utils

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"
)

// EnsureProcHandle returns an error unless fh is a file on a procfs mount.
// Writes to /proc files (LSM labels, sysctls, id maps) must be checked with
// it, so that a container that mounted something else over /proc cannot
// redirect them (CVE-2019-16884).
func EnsureProcHandle(fh *os.File) error {
	var buf unix.Statfs_t
	if err := unix.Fstatfs(int(fh.Fd()), &buf); err != nil {
		return fmt.Errorf("ensure %s is on procfs: %w", fh.Name(), err)
	}
	if buf.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("open %s: not on procfs (filesystem magic %#x)", fh.Name(), buf.Type)
	}
	return nil
}

// WithProcfd resolves unsafePath inside root (symlinks are evaluated as if
// root were "/", so nothing outside root can be reached), opens the result
// with O_PATH, checks through readlink(2) of its /proc/self/fd entry that
// the opened object is exactly the resolved path, and then calls fn with
// that "/proc/self/fd/N" path. fn can use it wherever a path is needed
// (mount(2) targets, chmod, ...), acting on the checked object instead of
// re-resolving a path the container could have changed. unsafePath may be
// given relative to root or as a host path lexically under root. root
// itself is trusted; symlinks in it are resolved first.
func WithProcfd(root, unsafePath string, fn func(procfd string) error) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("resolve root %s: %w", root, err)
	}
	unsafePath = stripRoot(root, unsafePath)
	want, err := securejoin.SecureJoin(realRoot, unsafePath)
	if err != nil {
		return fmt.Errorf("resolve %s inside %s: %w", unsafePath, root, err)
	}
	fh, err := OpenInRoot(realRoot, unsafePath, unix.O_PATH)
	if err != nil {
		return err
	}
	defer fh.Close()

	procfd := "/proc/self/fd/" + strconv.Itoa(int(fh.Fd()))
	got, err := os.Readlink(procfd)
	if err != nil {
		return fmt.Errorf("readlink %s for %s: %w", procfd, want, err)
	}
	if got != want {
		return fmt.Errorf("possibly malicious path detected: refusing to operate on %s (resolved to %s, opened %s)", unsafePath, want, got)
	}
	return fn(procfd)
}
