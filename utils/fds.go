package utils

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// CloseExecFrom marks every open file descriptor >= minFd close-on-exec, so
// none of them leaks into a program started by execve(2) (CVE-2024-21626).
// It uses close_range(2) with CLOSE_RANGE_CLOEXEC (Linux 5.11+) and falls
// back to setting FD_CLOEXEC on each entry of /proc/self/fd.
func CloseExecFrom(minFd int) error {
	if minFd < 0 {
		return fmt.Errorf("close-exec from fd %d: negative fd", minFd)
	}
	err := unix.CloseRange(uint(minFd), ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EPERM) {
		return fmt.Errorf("close_range(%d, ~0, CLOEXEC): %w", minFd, err)
	}
	return cloexecByProcFd(minFd)
}

// cloexecByProcFd sets FD_CLOEXEC on every fd >= minFd listed in
// /proc/self/fd; the fallback of CloseExecFrom for kernels before 5.11.
func cloexecByProcFd(minFd int) error {
	fds, err := openFds(minFd)
	if err != nil {
		return err
	}
	for _, fd := range fds {
		// An fd closed meanwhile by another goroutine gives EBADF;
		// there is nothing left to mark then.
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC); err != nil && !errors.Is(err, unix.EBADF) {
			return fmt.Errorf("set FD_CLOEXEC on fd %d: %w", fd, err)
		}
	}
	return nil
}

// UnsafeCloseFrom closes every open file descriptor >= minFd except the
// ones the Go runtime itself needs: its netpoll epoll instance and the
// eventfd (or pipe) it uses to wake that poller. Closing those would make
// the runtime abort ("netpoll failed") or, worse, let the numbers be reused
// under it.
//
// It is unsafe in the sense that *os.File values (and anything else) that
// still refer to the closed descriptors are not told; it is meant to be
// called right before execve(2) in the container init, to drop fds that
// must not be reachable during the exec (CVE-2016-9962, CVE-2024-21626).
//
// How the runtime's fds are found, without linkname into internal/poll
// (which Go >= 1.23 no longer allows): a probe pipe is created with
// os.Pipe, which the runtime registers in its epoll instance. The epoll fd
// is the "anon_inode:[eventpoll]" entry of /proc/self/fd whose
// /proc/self/fdinfo interest list ("tfd:" lines) contains the probe's fd.
// In that interest list, every fd registered by the runtime for an
// *os.File or net.Conn uses edge-triggered events (EPOLLET), while the
// runtime's own wake-up fd is registered level-triggered; those
// level-triggered entries are kept too. If the runtime's epoll instance
// cannot be identified, nothing is closed and an error is returned.
func UnsafeCloseFrom(minFd int) error {
	if minFd < 0 {
		return fmt.Errorf("close from fd %d: negative fd", minFd)
	}
	keep, err := runtimePollFds()
	if err != nil {
		return fmt.Errorf("close fds from %d: %w", minFd, err)
	}
	fds, err := openFds(minFd)
	if err != nil {
		return err
	}
	for _, fd := range fds {
		if keep[fd] {
			continue
		}
		// Errors are ignored on purpose: close(2) releases the fd
		// even when it reports an error, and EBADF only means the fd
		// is already gone.
		_ = unix.Close(fd)
	}
	return nil
}

// openFds lists the open file descriptors >= minFd from /proc/self/fd,
// leaving out the descriptor used to read that directory.
func openFds(minFd int) ([]int, error) {
	dirFd, err := unix.Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /proc/self/fd: %w", err)
	}
	defer unix.Close(dirFd)
	var st unix.Statfs_t
	if err := unix.Fstatfs(dirFd, &st); err != nil {
		return nil, fmt.Errorf("statfs /proc/self/fd: %w", err)
	}
	if st.Type != unix.PROC_SUPER_MAGIC {
		return nil, fmt.Errorf("open /proc/self/fd: not on procfs (filesystem magic %#x)", st.Type)
	}
	var fds []int
	buf := make([]byte, 8192)
	for {
		n, err := unix.ReadDirent(dirFd, buf)
		if err != nil {
			return nil, fmt.Errorf("read /proc/self/fd: %w", err)
		}
		if n <= 0 {
			return fds, nil
		}
		_, _, names := unix.ParseDirent(buf[:n], -1, nil)
		for _, name := range names {
			fd, err := strconv.Atoi(name)
			if err != nil || fd == dirFd || fd < minFd {
				continue
			}
			fds = append(fds, fd)
		}
	}
}

// runtimePollFds returns the set of file descriptors that belong to the Go
// runtime's network poller, found as described at UnsafeCloseFrom.
func runtimePollFds() (map[int]bool, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create netpoll probe pipe: %w", err)
	}
	defer w.Close()
	defer r.Close()
	probe, err := rawFd(r)
	if err != nil {
		return nil, err
	}

	fds, err := openFds(0)
	if err != nil {
		return nil, err
	}
	for _, fd := range fds {
		link, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
		if err != nil || link != "anon_inode:[eventpoll]" {
			continue
		}
		entries, err := epollInterest(fd)
		if err != nil {
			continue
		}
		if _, ok := entries[probe]; !ok {
			continue
		}
		keep := map[int]bool{fd: true}
		for tfd, events := range entries {
			if events&unix.EPOLLET == 0 {
				keep[tfd] = true
			}
		}
		return keep, nil
	}
	return nil, errors.New("cannot identify the Go runtime's netpoll epoll fd (probe pipe not found in any epoll interest list)")
}

// rawFd returns f's descriptor number without switching it to blocking
// mode, which (*os.File).Fd would do.
func rawFd(f *os.File) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("fd of %s: %w", f.Name(), err)
	}
	fd := -1
	if err := rc.Control(func(s uintptr) { fd = int(s) }); err != nil {
		return -1, fmt.Errorf("fd of %s: %w", f.Name(), err)
	}
	return fd, nil
}

// epollInterest parses /proc/self/fdinfo/<epfd> and returns the registered
// target fds with their event masks. Lines look like
// "tfd:        5 events: 80002019 data: ... pos:0 ino:... sdev:...".
func epollInterest(epfd int) (map[int]uint32, error) {
	data, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(epfd))
	if err != nil {
		return nil, err
	}
	entries := make(map[int]uint32)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || fields[0] != "tfd:" || fields[2] != "events:" {
			continue
		}
		tfd, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		events, err := strconv.ParseUint(fields[3], 16, 32)
		if err != nil {
			continue
		}
		entries[tfd] = uint32(events)
	}
	return entries, sc.Err()
}
