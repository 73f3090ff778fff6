package utils

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// sockPair returns a socket pair that is closed when the test ends.
func sockPair(t *testing.T) (parent, child *os.File) {
	t.Helper()
	parent, child, err := NewSockPair("test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { parent.Close(); child.Close() })
	return parent, child
}

// isCloexec reports whether fd has FD_CLOEXEC set.
func isCloexec(t *testing.T, fd uintptr) bool {
	t.Helper()
	flags, err := unix.FcntlInt(fd, unix.F_GETFD, 0)
	if err != nil {
		t.Fatalf("fcntl F_GETFD %d: %v", fd, err)
	}
	return flags&unix.FD_CLOEXEC != 0
}

func TestNewSockPair(t *testing.T) {
	parent, child := sockPair(t)
	t.Run("the ends are named with -p and -c", func(t *testing.T) {
		if parent.Name() != "test-p" || child.Name() != "test-c" {
			t.Errorf("names = %q, %q; want test-p, test-c", parent.Name(), child.Name())
		}
	})
	t.Run("both ends are close-on-exec stream sockets", func(t *testing.T) {
		for _, f := range []*os.File{parent, child} {
			if !isCloexec(t, f.Fd()) {
				t.Errorf("%s is not close-on-exec", f.Name())
			}
			typ, err := unix.GetsockoptInt(int(f.Fd()), unix.SOL_SOCKET, unix.SO_TYPE)
			if err != nil || typ != unix.SOCK_STREAM {
				t.Errorf("%s: SO_TYPE = %d, %v; want SOCK_STREAM", f.Name(), typ, err)
			}
		}
	})
	t.Run("data written on one end is read on the other", func(t *testing.T) {
		if _, err := parent.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4)
		if _, err := io.ReadFull(child, buf); err != nil || string(buf) != "ping" {
			t.Errorf("read %q, %v; want ping", buf, err)
		}
	})
}

func TestSendRecvFd(t *testing.T) {
	t.Run("a file sent with SendFd arrives with its name and content", func(t *testing.T) {
		parent, child := sockPair(t)
		path := filepath.Join(t.TempDir(), "payload")
		if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := SendFd(parent, "my-file", f.Fd()); err != nil {
			t.Fatal(err)
		}
		got, err := RecvFd(child)
		if err != nil {
			t.Fatal(err)
		}
		defer got.Close()
		if got.Name() != "my-file" {
			t.Errorf("name = %q, want my-file", got.Name())
		}
		if !isCloexec(t, got.Fd()) {
			t.Error("received fd is not close-on-exec")
		}
		data, err := io.ReadAll(got)
		if err != nil || string(data) != "hello" {
			t.Errorf("content = %q, %v; want hello", data, err)
		}
	})
	t.Run("a name of MaxNameLen bytes is refused before sending", func(t *testing.T) {
		parent, _ := sockPair(t)
		err := SendFd(parent, strings.Repeat("x", MaxNameLen), 0)
		if err == nil || !strings.Contains(err.Error(), "shorter than 4096") {
			t.Errorf("err = %v, want a name length error", err)
		}
	})
	t.Run("a message with two fds is refused by RecvFd and both are closed", func(t *testing.T) {
		parent, child := sockPair(t)
		if err := SendFds(parent, []byte("two"), 0, 1); err != nil {
			t.Fatal(err)
		}
		before := countFds(t)
		_, err := RecvFd(child)
		if err == nil || !strings.Contains(err.Error(), "exactly one fd, got 2") {
			t.Errorf("err = %v, want exactly-one-fd error", err)
		}
		if after := countFds(t); after != before {
			t.Errorf("open fds went from %d to %d: received fds leaked", before, after)
		}
	})
	t.Run("a message without fds is refused by RecvFd", func(t *testing.T) {
		parent, child := sockPair(t)
		if _, err := parent.Write([]byte("nofd")); err != nil {
			t.Fatal(err)
		}
		if _, err := RecvFd(child); err == nil || !strings.Contains(err.Error(), "got 0") {
			t.Errorf("err = %v, want exactly-one-fd error", err)
		}
	})
	t.Run("a closed peer is reported", func(t *testing.T) {
		parent, child := sockPair(t)
		parent.Close()
		if _, err := RecvFd(child); err == nil || !strings.Contains(err.Error(), "closed") {
			t.Errorf("err = %v, want connection closed error", err)
		}
	})
	t.Run("SendFds with an empty payload is refused", func(t *testing.T) {
		parent, _ := sockPair(t)
		if err := SendFds(parent, nil, 0); err == nil {
			t.Error("SendFds with empty payload succeeded, want error")
		}
	})
}

// countFds returns the number of open fds of the test process.
func countFds(t *testing.T) int {
	t.Helper()
	fds, err := openFds(0)
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}
