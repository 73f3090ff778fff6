//go:build linux && cgo

package userns

/*
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

// Helper for GetUserNamespaceMappings.
//
// A process cannot look at the mappings of an arbitrary nsfs file
// directly, and a multi-threaded process (every Go program) may not
// setns(2) into a user namespace at all. So this forks: the child is
// single-threaded, joins the user namespace nsfd refers to, and copies
// its own /proc/self/uid_map, a NUL byte and /proc/self/gid_map into the
// pipe outfd, then exits 0. On failure it writes "<step>:<errno>" to the
// pipe and exits 1. Only async-signal-safe calls are made in the child,
// with all signals blocked. (A CLONE_VM child would be cheaper but the
// kernel counts it as sharing the caller's mm, i.e. multi-threaded, and
// refuses the setns.)
//
// The parent (Go) reads the pipe to EOF and reaps the child. The return
// value is the child's pid, or -errno if fork failed.

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void fail(int outfd, const char *step, int err)
{
	char num[16];
	int i = sizeof(num);
	do {
		num[--i] = (char)('0' + err % 10);
		err /= 10;
	} while (err > 0 && i > 0);
	write_all(outfd, step, strlen(step));
	write_all(outfd, ":", 1);
	write_all(outfd, num + i, sizeof(num) - (size_t)i);
	_exit(1);
}

static void copy_file(int outfd, const char *path, const char *step)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail(outfd, step, errno);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail(outfd, step, errno);
		}
		if (n == 0)
			break;
		write_all(outfd, buf, (size_t)n);
	}
	close(fd);
}

static int userns_spawn_map_reader(int nsfd, int outfd)
{
	sigset_t all, old;
	int err;
	pid_t pid;

	// Block every signal across fork: the child must never run the Go
	// runtime's signal handlers, and it exits without unblocking.
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pid = fork();
	err = errno;
	if (pid != 0)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return -err;
	if (pid == 0) {
		if (setns(nsfd, CLONE_NEWUSER) < 0)
			fail(outfd, "setns", errno);
		copy_file(outfd, "/proc/self/uid_map", "uid_map");
		write_all(outfd, "", 1);
		copy_file(outfd, "/proc/self/gid_map", "gid_map");
		_exit(0);
	}
	return (int)pid;
}
*/
import "C"

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// mapReaderAvailable tells whether readMapsInNS can work in this build.
const mapReaderAvailable = true

// readMapsInNS returns the uid_map and gid_map text of the user namespace
// nsFile refers to, read by a forked child that joined it.
func readMapsInNS(nsFile *os.File) (uidMap, gidMap string, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", "", fmt.Errorf("pipe: %w", err)
	}
	defer r.Close()
	ret := C.userns_spawn_map_reader(C.int(nsFile.Fd()), C.int(w.Fd()))
	w.Close()
	if ret < 0 {
		return "", "", fmt.Errorf("fork map reader: %w", unix.Errno(-ret))
	}
	pid := int(ret)
	out, readErr := io.ReadAll(r)

	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return "", "", fmt.Errorf("wait for map reader %d: %w", pid, err)
		}
		break
	}
	if readErr != nil {
		return "", "", fmt.Errorf("read from map reader: %w", readErr)
	}
	switch {
	case ws.Exited() && ws.ExitStatus() == 0:
	case ws.Exited() && ws.ExitStatus() == 1:
		return "", "", childError(string(out))
	default:
		return "", "", fmt.Errorf("map reader ended abnormally (wait status %#x)", uint32(ws))
	}
	uid, gid, ok := bytes.Cut(out, []byte{0})
	if !ok {
		return "", "", fmt.Errorf("map reader output %q has no separator", out)
	}
	return string(uid), string(gid), nil
}

// childError turns the "<step>:<errno>" report of the child into an error
// wrapping the errno.
func childError(report string) error {
	// A failure after some map text was copied leaves that text (which
	// ends in a newline or the NUL separator) before the report.
	if i := strings.LastIndexAny(report, "\n\x00"); i >= 0 {
		report = report[i+1:]
	}
	step, num, ok := strings.Cut(report, ":")
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		return fmt.Errorf("map reader failed: %q", report)
	}
	if step == "setns" {
		return fmt.Errorf("setns into the user namespace: %w", unix.Errno(n))
	}
	return fmt.Errorf("read /proc/self/%s inside the user namespace: %w", step, unix.Errno(n))
}
