package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/utils"
)

// This file resolves a mount destination strictly inside the rootfs,
// creates it there without following symlinks out, and pins it with an
// open handle that the mount is then attached to.

// mountTarget is a mount destination inside the rootfs, pinned by an open
// handle.
type mountTarget struct {
	f    *os.File // O_PATH (or directory) handle on the destination
	rel  string   // path inside the rootfs, "/"-rooted, symlinks resolved
	full string   // the same path as seen from the host (rootfs + rel)
}

// Close releases the handle.
func (t *mountTarget) Close() error {
	return t.f.Close()
}

// targetKind says what a mount destination must be.
type targetKind int

const (
	// targetDir: a directory, created with its parents when missing;
	// symlinks are followed inside the rootfs.
	targetDir targetKind = iota
	// targetFile: a non-directory, created empty (O_CREAT|O_EXCL|
	// O_NOFOLLOW) when missing; symlinks are followed inside the rootfs.
	targetFile
	// targetPlainDir: a directory whose last component is not a
	// symlink (proc and sysfs, CVE-2019-19921); parents may be.
	targetPlainDir
)

// errNotOrdinaryDir is returned when proc or sysfs would be mounted on a
// symlink or a non-directory.
var errNotOrdinaryDir = errors.New("must be mounted on ordinary directory")

// resolveInRoot resolves the container path dest inside root (symlinks
// evaluated as if root were "/", dangling ones too) and returns the result
// as a "/"-rooted path inside root. With followLast false the last
// component is kept as is (only the parents are resolved). A result equal
// to the rootfs itself is refused.
func resolveInRoot(root, dest string, followLast bool) (string, error) {
	dest, err := cleanMountDest(dest)
	if err != nil {
		return "", err
	}
	if dest == "/" {
		return "", fmt.Errorf("mount destination %s is on the top of rootfs", dest)
	}
	unresolved := dest
	if !followLast {
		unresolved = filepath.Dir(dest)
	}
	full, err := securejoin.SecureJoin(root, unresolved)
	if err != nil {
		return "", fmt.Errorf("resolve %s inside %s: %w", dest, root, err)
	}
	rel, err := filepath.Rel(root, full)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("mount destination %s resolves outside of rootfs (%s)", dest, full)
	}
	rel = filepath.Clean("/" + rel)
	if !followLast {
		rel = filepath.Join(rel, filepath.Base(dest))
	}
	if rel == "/" {
		return "", fmt.Errorf("mount destination %s is on the top of rootfs", dest)
	}
	return rel, nil
}

// openMountTarget opens (creating when missing) the destination rel —
// already resolved by resolveInRoot — inside root, and checks that the
// opened object is exactly root+rel, so a concurrent symlink swap makes it
// fail instead of pointing elsewhere.
func openMountTarget(root, rel string, kind targetKind) (*mountTarget, error) {
	full := filepath.Join(root, rel)
	var (
		f   *os.File
		err error
	)
	switch kind {
	case targetDir:
		f, err = utils.MkdirAllInRootOpen(root, rel, 0o755)
	case targetFile, targetPlainDir:
		var parent *os.File
		parent, err = utils.MkdirAllInRootOpen(root, filepath.Dir(rel), 0o755)
		if err != nil {
			break
		}
		if kind == targetFile {
			f, err = createFileAt(parent, filepath.Base(rel))
		} else {
			f, err = plainDirAt(parent, filepath.Base(rel))
		}
		parent.Close()
	default:
		err = fmt.Errorf("unknown mount target kind %d", kind)
	}
	if err != nil {
		return nil, err
	}
	got, err := fdPath(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("check mount destination %s: %w", full, err)
	}
	if got != full {
		f.Close()
		return nil, fmt.Errorf("mount destination %s changed while it was being set up (opened %s): possible symlink race, refusing", full, got)
	}
	return &mountTarget{f: f, rel: rel, full: full}, nil
}

// createFileAt returns an O_PATH handle on the non-directory name in
// parent, creating an empty regular file when nothing is there. It never
// follows a symlink.
func createFileAt(parent *os.File, name string) (*os.File, error) {
	pfd := int(parent.Fd())
	fd, err := unix.Openat(pfd, name, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	switch {
	case err == nil:
		unix.Close(fd)
	case !errors.Is(err, unix.EEXIST):
		return nil, &os.PathError{Op: "create", Path: filepath.Join(parent.Name(), name), Err: err}
	}
	fd, err = unix.Openat(pfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: filepath.Join(parent.Name(), name), Err: err}
	}
	f := os.NewFile(uintptr(fd), filepath.Join(parent.Name(), name))
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		f.Close()
		return nil, &os.PathError{Op: "fstat", Path: f.Name(), Err: err}
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFLNK:
		f.Close()
		return nil, fmt.Errorf("%s is a symlink where a file mount point was expected: refusing", f.Name())
	case unix.S_IFDIR:
		f.Close()
		return nil, fmt.Errorf("%s is a directory but the mount source is not", f.Name())
	}
	return f, nil
}

// plainDirAt returns an O_PATH handle on the directory name in parent,
// creating it when missing. A symlink or a non-directory there is refused
// with errNotOrdinaryDir.
func plainDirAt(parent *os.File, name string) (*os.File, error) {
	pfd := int(parent.Fd())
	path := filepath.Join(parent.Name(), name)
	var st unix.Stat_t
	err := unix.Fstatat(pfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		if err := unix.Mkdirat(pfd, name, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
			return nil, &os.PathError{Op: "mkdir", Path: path, Err: err}
		}
		err = unix.Fstatat(pfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	}
	if err != nil {
		return nil, &os.PathError{Op: "lstat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return nil, fmt.Errorf("%w: %s is a symlink or not a directory", errNotOrdinaryDir, path)
	}
	fd, err := unix.Openat(pfd, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ELOOP) {
			return nil, fmt.Errorf("%w: %s was replaced by a symlink or non-directory", errNotOrdinaryDir, path)
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
