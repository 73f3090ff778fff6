package cgroups

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// cgroupfsDir is the directory every cgroup file is resolved beneath.
const cgroupfsDir = "/sys/fs/cgroup"

// TestMode relaxes the checks of OpenFile (files need not live on a cgroup
// filesystem) and lets WriteFile create missing files. Unit tests only.
var TestMode bool

var (
	rootFdOnce sync.Once
	rootFd     = -1
	rootFdErr  error
	// rootResolve holds the openat2 resolve flags for lookups beneath cgroupfsDir.
	rootResolve uint64
)

// openCgroupRoot opens cgroupfsDir once as an O_PATH directory handle.
func openCgroupRoot() (int, uint64, error) {
	rootFdOnce.Do(func() {
		fd, err := unix.Open(cgroupfsDir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			rootFdErr = &os.PathError{Op: "open", Path: cgroupfsDir, Err: err}
			return
		}
		rootFd = fd
		rootResolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS
		var st unix.Statfs_t
		if err := unix.Fstatfs(fd, &st); err == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
			// A pure v2 host: everything lives on this one mount.
			rootResolve |= unix.RESOLVE_NO_XDEV | unix.RESOLVE_NO_SYMLINKS
		}
	})
	return rootFd, rootResolve, rootFdErr
}

// OpenFile opens file in the cgroup directory dir with the given open(2)
// flags. Paths under /sys/fs/cgroup are resolved with openat2 so that they
// cannot escape it (RESOLVE_BENEATH, no magic links); file may not climb
// out of dir. The opened file must be on a cgroup or cgroup2 filesystem
// ("not a cgroup file" otherwise). An empty dir is an error.
func OpenFile(dir, file string, flags int) (*os.File, error) {
	if dir == "" {
		return nil, fmt.Errorf("no directory specified for %s", file)
	}
	full := filepath.Join(dir, file)
	if rel, err := filepath.Rel(filepath.Clean(dir), full); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return nil, &os.PathError{Op: "open", Path: full, Err: fmt.Errorf("file name %q leaves the cgroup directory %s", file, dir)}
	}
	flags |= unix.O_CLOEXEC
	mode := uint32(0)
	if TestMode {
		if flags&(unix.O_WRONLY|unix.O_RDWR) != 0 {
			flags |= unix.O_CREAT
		}
		mode = 0o600
		f, err := os.OpenFile(full, flags, os.FileMode(mode))
		if err != nil {
			return nil, err
		}
		return f, nil
	}

	var fd int
	var err error
	if rel, ok := strings.CutPrefix(full, cgroupfsDir+"/"); ok {
		fd, err = openBeneathRoot(rel, flags, mode)
		if errors.Is(err, unix.ENOSYS) {
			fd, err = openPlain(full, flags, mode)
		}
	} else {
		fd, err = openPlain(full, flags, mode)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: full, Err: err}
	}
	f := os.NewFile(uintptr(fd), full)
	if err := checkCgroupFS(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// openBeneathRoot opens rel relative to cgroupfsDir with openat2, retrying
// on EINTR/EAGAIN. It returns ENOSYS when openat2 is unavailable.
func openBeneathRoot(rel string, flags int, mode uint32) (int, error) {
	root, resolve, err := openCgroupRoot()
	if err != nil {
		return -1, err
	}
	how := &unix.OpenHow{Flags: uint64(flags), Mode: uint64(mode), Resolve: resolve}
	for {
		fd, err := unix.Openat2(root, rel, how)
		if err == unix.EINTR || err == unix.EAGAIN {
			continue
		}
		return fd, err
	}
}

// openPlain opens path with open(2), retrying on EINTR.
func openPlain(path string, flags int, mode uint32) (int, error) {
	for {
		fd, err := unix.Open(path, flags, mode)
		if err == unix.EINTR {
			continue
		}
		return fd, err
	}
}

// checkCgroupFS makes sure f lives on a cgroup or cgroup2 filesystem.
func checkCgroupFS(f *os.File) error {
	var st unix.Statfs_t
	for {
		err := unix.Fstatfs(int(f.Fd()), &st)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "fstatfs", Path: f.Name(), Err: err}
		}
		break
	}
	if st.Type != unix.CGROUP_SUPER_MAGIC && st.Type != unix.CGROUP2_SUPER_MAGIC {
		return &os.PathError{Op: "open", Path: f.Name(), Err: errors.New("not a cgroup file")}
	}
	return nil
}

// ReadFile returns the whole content of file in the cgroup directory dir.
func ReadFile(dir, file string) (string, error) {
	f, err := OpenFile(dir, file, unix.O_RDONLY)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, f); err != nil {
		return "", fmt.Errorf("read %s: %w", f.Name(), err)
	}
	return b.String(), nil
}

// WriteFile writes data to file in the cgroup directory dir with a single
// write(2), retrying on EINTR. The error names the file and the data.
func WriteFile(dir, file, data string) error {
	f, err := OpenFile(dir, file, unix.O_WRONLY|unix.O_TRUNC)
	if err != nil {
		return fmt.Errorf("failed to write %q: %w", data, err)
	}
	defer f.Close()
	for {
		_, err = f.WriteString(data)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		break
	}
	if err != nil {
		return fmt.Errorf("failed to write %q: %w", data, err)
	}
	return nil
}
