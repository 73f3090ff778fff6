package utils

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// openat2Unsupported records that openat2(2) returned ENOSYS (kernels older
// than 5.6) or was refused by a seccomp filter (EPERM), so later calls go
// straight to the fallback.
var openat2Unsupported atomic.Bool

// OpenInRoot opens unsafePath with the open(2) flags given, resolving every
// component strictly inside root: ".." stops at root, and symlinks (also
// absolute ones and dangling ones) are evaluated as if root were "/", so the
// result is always inside root. Magic links such as /proc/self/fd/N are
// refused. unsafePath may be given relative to root or as a host path
// lexically under root. The returned file is always close-on-exec.
//
// It uses openat2(2) with RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS when the
// kernel has it, and otherwise walks the path component by component with
// github.com/cyphar/filepath-securejoin (then re-opens the O_PATH handle
// with flags through procfs). With O_CREAT the fallback resolves the parent
// directory in root and creates the last component with O_NOFOLLOW. A file
// created through O_CREAT gets mode 0644 less the umask; callers that need
// another mode change it through the returned file.
//
// Every path that the container controls must be resolved through this
// function or through WithProcfd / MkdirAllInRoot (see the package doc).
func OpenInRoot(root, unsafePath string, flags int) (*os.File, error) {
	unsafePath = stripRoot(root, unsafePath)
	rootDir, err := os.OpenFile(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open root %s: %w", root, err)
	}
	defer rootDir.Close()

	if !openat2Unsupported.Load() {
		f, err := openat2InRoot(rootDir, unsafePath, flags)
		if err == nil {
			return f, nil
		}
		// ENOSYS: a kernel without openat2 (< 5.6). EPERM for a lookup
		// that needs no permission: a seccomp filter of a container
		// manager refusing the unknown syscall. Both mean "use the
		// fallback from now on"; any other error is the real answer.
		if !errors.Is(err, unix.ENOSYS) && !(errors.Is(err, unix.EPERM) && openat2Filtered(rootDir)) {
			return nil, fmt.Errorf("open %s in root %s: %w", unsafePath, root, err)
		}
		openat2Unsupported.Store(true)
	}
	f, err := fallbackOpenInRoot(rootDir, unsafePath, flags)
	if err != nil {
		return nil, fmt.Errorf("open %s in root %s: %w", unsafePath, root, err)
	}
	return f, nil
}

// openat2InRoot opens path below rootDir with openat2, retrying a few times
// on EAGAIN (the kernel returns it when a concurrent rename or mount could
// have made the lookup unsafe).
func openat2InRoot(rootDir *os.File, path string, flags int) (*os.File, error) {
	how := &unix.OpenHow{
		Flags:   uint64(flags) | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	}
	if flags&(unix.O_CREAT|unix.O_TMPFILE) != 0 {
		how.Mode = 0o644
	}
	rel := "./" + path
	var err error
	for range 32 {
		var fd int
		fd, err = unix.Openat2(int(rootDir.Fd()), rel, how)
		if err == nil {
			return os.NewFile(uintptr(fd), filepath.Join(rootDir.Name(), path)), nil
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			break
		}
	}
	return nil, &os.PathError{Op: "openat2", Path: path, Err: err}
}

// openat2Filtered tells an EPERM that means "openat2 is filtered" from one
// the filesystem gave: it probes openat2 on "." of rootDir, which needs no
// permission at all.
func openat2Filtered(rootDir *os.File) bool {
	fd, err := unix.Openat2(int(rootDir.Fd()), ".", &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT,
	})
	if err == nil {
		unix.Close(fd)
		return false
	}
	return errors.Is(err, unix.EPERM) || errors.Is(err, unix.ENOSYS)
}

// fallbackOpenInRoot resolves path inside rootDir with the securejoin
// userspace walker for kernels without openat2.
func fallbackOpenInRoot(rootDir *os.File, path string, flags int) (*os.File, error) {
	if flags&unix.O_CREAT != 0 {
		dir, base := filepath.Split(filepath.Clean("/" + path))
		if base == "" || base == "." || base == ".." {
			return nil, fmt.Errorf("cannot create %q: %w", path, unix.EINVAL)
		}
		parent, err := pathrs.OpenatInRoot(rootDir, dir)
		if err != nil {
			return nil, err
		}
		defer parent.Close()
		fd, err := unix.Openat(int(parent.Fd()), base, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
		if err != nil {
			return nil, &os.PathError{Op: "openat", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), filepath.Join(rootDir.Name(), path)), nil
	}
	handle, err := pathrs.OpenatInRoot(rootDir, path)
	if err != nil {
		return nil, err
	}
	if flags&unix.O_PATH != 0 {
		return handle, nil
	}
	defer handle.Close()
	return pathrs.Reopen(handle, flags)
}
