//go:build linux

package system

import (
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

// prepareAt returns the directory fd for an *at call (AT_FDCWD for a nil
// dir) and the path used to name the result in errors and os.File names.
func prepareAt(dir *os.File, path string) (int, string) {
	if dir == nil {
		return unix.AT_FDCWD, path
	}
	return int(dir.Fd()), filepath.Join(dir.Name(), path)
}

// Openat opens path relative to dir (the current directory when dir is
// nil) with openat(2); the result is always close-on-exec. Errors are
// *os.PathError.
func Openat(dir *os.File, path string, flags int, mode uint32) (*os.File, error) {
	dirFd, fullPath := prepareAt(dir, path)
	fd, err := unix.Openat(dirFd, path, flags|unix.O_CLOEXEC, mode)
	runtime.KeepAlive(dir)
	if err != nil {
		return nil, &os.PathError{Op: "openat", Path: fullPath, Err: err}
	}
	return os.NewFile(uintptr(fd), fullPath), nil
}

// Mkdirat creates the directory path relative to dir (the current
// directory when dir is nil) with mkdirat(2). Errors are *os.PathError.
func Mkdirat(dir *os.File, path string, mode uint32) error {
	dirFd, fullPath := prepareAt(dir, path)
	err := unix.Mkdirat(dirFd, path, mode)
	runtime.KeepAlive(dir)
	if err != nil {
		return &os.PathError{Op: "mkdirat", Path: fullPath, Err: err}
	}
	return nil
}
