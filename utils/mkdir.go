package utils

import (
	"fmt"
	"os"

	securejoin "github.com/cyphar/filepath-securejoin"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// MkdirAllInRootOpen creates unsafePath and every missing parent inside
// root, like mkdir -p, and returns an open handle to the final directory.
// Components are resolved and created one at a time relative to directory
// fds (github.com/cyphar/filepath-securejoin's MkdirAllHandle), so symlinks
// — also dangling ones, and ones swapped in concurrently — never lead out
// of root (CVE-2024-45310). Dangling symlinks are followed inside root, so
// their missing targets are created there. unsafePath may be given relative to root or as
// a host path lexically under root. mode holds permission bits (at most
// 0o7777); as with mkdir(2) the set-user-ID and set-group-ID bits are not
// applied (a set-group-ID parent still passes its bit on), and the umask
// applies.
func MkdirAllInRootOpen(root, unsafePath string, mode uint32) (*os.File, error) {
	if mode&^0o7777 != 0 {
		return nil, fmt.Errorf("mkdir %s in root %s: mode %#o has bits outside 0o7777", unsafePath, root, mode)
	}
	unsafePath = stripRoot(root, unsafePath)
	// MkdirAllHandle refuses to walk through a dangling symlink. Resolve
	// the path lexically inside root first (SecureJoin evaluates
	// dangling symlinks as far as they go, still inside root), so that
	// "/a -> /b/c" with /b missing creates <root>/b/c. The result is
	// still created with the safe walk below, which re-checks every
	// component, so a concurrent swap cannot lead out of root.
	if resolved, err := securejoin.SecureJoin(root, unsafePath); err == nil {
		unsafePath = stripRoot(root, resolved)
	}
	rootDir, err := os.OpenFile(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open root %s: %w", root, err)
	}
	defer rootDir.Close()

	fileMode := os.FileMode(mode & 0o777)
	if mode&unix.S_ISVTX != 0 {
		fileMode |= os.ModeSticky
	}
	dir, err := pathrs.MkdirAllHandle(rootDir, unsafePath, fileMode)
	if err != nil {
		return nil, fmt.Errorf("mkdir %s in root %s: %w", unsafePath, root, err)
	}
	return dir, nil
}

// MkdirAllInRoot is MkdirAllInRootOpen without the handle: it creates the
// directory tree inside root and closes the result.
func MkdirAllInRoot(root, unsafePath string, mode uint32) error {
	dir, err := MkdirAllInRootOpen(root, unsafePath, mode)
	if err != nil {
		return err
	}
	return dir.Close()
}
