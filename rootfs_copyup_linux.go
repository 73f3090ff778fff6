package libcontainer

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/utils"
)

// This file lets a new tmpfs take over the directory it covers: its mode
// and owner, and with EXT_COPYUP its contents.

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
