package utils

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const helperEnv = "UTILS_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "unsafe-close-from":
		if err := unsafeCloseFromHelper(); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", os.Getenv(helperEnv))
		os.Exit(2)
	}
}

// openNoCloexec opens /dev/null without O_CLOEXEC, as a leaked fd would be.
func openNoCloexec(t *testing.T) int {
	t.Helper()
	fd, err := unix.Open("/dev/null", unix.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

func TestCloseExecFrom(t *testing.T) {
	t.Run("fds at or above minFd become close-on-exec", func(t *testing.T) {
		low, high := openNoCloexec(t), openNoCloexec(t)
		if err := CloseExecFrom(high); err != nil {
			t.Fatal(err)
		}
		if !isCloexec(t, uintptr(high)) {
			t.Errorf("fd %d (>= minFd) is not close-on-exec", high)
		}
		if isCloexec(t, uintptr(low)) {
			t.Errorf("fd %d (< minFd) became close-on-exec", low)
		}
	})
	t.Run("the /proc/self/fd fallback marks fds at or above minFd", func(t *testing.T) {
		low, high := openNoCloexec(t), openNoCloexec(t)
		if err := cloexecByProcFd(high); err != nil {
			t.Fatal(err)
		}
		if !isCloexec(t, uintptr(high)) || isCloexec(t, uintptr(low)) {
			t.Errorf("cloexec: fd %d = %v (want true), fd %d = %v (want false)",
				high, isCloexec(t, uintptr(high)), low, isCloexec(t, uintptr(low)))
		}
	})
	t.Run("a negative minFd is refused", func(t *testing.T) {
		if err := CloseExecFrom(-1); err == nil {
			t.Error("CloseExecFrom(-1) succeeded")
		}
	})
	t.Run("a marked fd is not inherited by a child process", func(t *testing.T) {
		fd := openNoCloexec(t)
		if err := CloseExecFrom(fd); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("/bin/sh", "-c", fmt.Sprintf("test -e /proc/self/fd/%d && echo leaked || echo closed", fd)).Output()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != "closed\n" {
			t.Errorf("child says fd %d is %s", fd, out)
		}
	})
}

func TestOpenFds(t *testing.T) {
	fd := openNoCloexec(t)
	fds, err := openFds(fd)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the fd just opened is listed", func(t *testing.T) {
		found := false
		for _, f := range fds {
			found = found || f == fd
		}
		if !found {
			t.Errorf("fd %d missing from %v", fd, fds)
		}
	})
	t.Run("nothing below minFd is listed", func(t *testing.T) {
		for _, f := range fds {
			if f < fd {
				t.Errorf("fd %d < minFd %d listed", f, fd)
			}
		}
	})
}

func TestUnsafeCloseFrom(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=unsafe-close-from")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper process failed: %v\n%s", err, out)
	}
}

// unsafeCloseFromHelper runs in a child process: it opens leaked-style fds
// and pollable fds, calls UnsafeCloseFrom(3), checks that all of them are
// closed and that the runtime's poller still works afterwards.
func unsafeCloseFromHelper() error {
	// Make sure the netpoller is initialised and has registrations.
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	leaked, err := unix.Open("/dev/null", unix.O_RDONLY, 0)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	lnFile, err := ln.(*net.TCPListener).File()
	if err != nil {
		return err
	}
	watched := map[string]int{"leaked /dev/null": leaked}
	for name, f := range map[string]*os.File{"pipe read end": pr, "pipe write end": pw, "listener dup": lnFile} {
		fd, err := rawFd(f)
		if err != nil {
			return err
		}
		watched[name] = fd
	}
	keep, err := runtimePollFds()
	if err != nil {
		return err
	}
	if len(keep) < 2 {
		return fmt.Errorf("runtime poll fds = %v, want the epoll fd and its wake-up fd", keep)
	}

	if err := UnsafeCloseFrom(3); err != nil {
		return err
	}
	for name, fd := range watched {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); !errors.Is(err, unix.EBADF) {
			return fmt.Errorf("%s (fd %d) still open after UnsafeCloseFrom", name, fd)
		}
	}
	for fd := range keep {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			return fmt.Errorf("runtime poll fd %d was closed: %v", fd, err)
		}
	}
	left, err := openFds(3)
	if err != nil {
		return err
	}
	for _, fd := range left {
		if !keep[fd] {
			return fmt.Errorf("fd %d left open that is not a runtime poll fd", fd)
		}
	}

	// The poller must still work: a deadline-driven read on a fresh
	// pipe has to time out (needs epoll plus the wake-up fd), and a
	// fresh pipe must carry data.
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	if err := r.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		return fmt.Errorf("set deadline after UnsafeCloseFrom: %w", err)
	}
	if _, err := r.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("read with deadline = %v, want deadline exceeded", err)
	}
	if err := r.SetReadDeadline(time.Time{}); err != nil {
		return err
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("ok"))
	}()
	buf := make([]byte, 2)
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "ok" {
		return fmt.Errorf("pipe read after UnsafeCloseFrom = %q, %v", buf, err)
	}
	return nil
}
