package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/console"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/utils"
)

// consoleSocket returns a connected pair of unix sockets: the runtime's
// end goes in Process.ConsoleSocket, the test receives the master on the
// other.
func consoleSocket(t *testing.T) (ours, theirs *os.File) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs = os.NewFile(uintptr(fds[0]), "console-ours"), os.NewFile(uintptr(fds[1]), "console-theirs")
	t.Cleanup(func() { ours.Close(); theirs.Close() })
	return ours, theirs
}

// terminal is the host side of a container's pty: everything the master
// reads is collected so the test can wait for text to appear.
type terminal struct {
	console.Console
	mu   sync.Mutex
	seen strings.Builder
	done chan struct{}
}

// receiveTerminal receives the pty master sent over sock and starts
// collecting what it reads.
func receiveTerminal(t *testing.T, sock *os.File) *terminal {
	t.Helper()
	master, err := utils.RecvFd(sock)
	if err != nil {
		t.Fatalf("receive console master: %v", err)
	}
	con, err := console.ConsoleFromFile(master)
	if err != nil {
		master.Close()
		t.Fatalf("console from master: %v", err)
	}
	term := &terminal{Console: con, done: make(chan struct{})}
	t.Cleanup(func() { con.Close() })
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := con.Read(buf)
			term.mu.Lock()
			term.seen.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return term
}

// waitFor waits until the terminal has shown want, and fails the test
// with everything seen if it does not within 10 s.
func (term *terminal) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		term.mu.Lock()
		s := term.seen.String()
		term.mu.Unlock()
		if strings.Contains(s, want) {
			return
		}
		select {
		case <-term.done:
			term.mu.Lock()
			s = term.seen.String()
			term.mu.Unlock()
			if !strings.Contains(s, want) {
				t.Fatalf("terminal closed without showing %q; it showed %q", want, s)
			}
			return
		case <-deadline:
			t.Fatalf("terminal never showed %q; it showed %q", want, s)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// ttySession prints the terminal's size, name and major:minor, the
// controlling tty of the shell (field 7 of /proc/self/stat), the device
// of the container's devpts and what /dev/console is, then echoes a line
// it reads and prints the size again.
const ttySession = `stty size; tty; echo "ctty=$(cut -d' ' -f7 /proc/$$/stat) ptsdev=$(stat -c %d /dev/pts)."
echo "console=$(stat -c %t:%T /dev/console 2>&1) self=$(stat -c %t:%T $(tty))"
read l; echo "got:$l"; read l; stty size`

func TestTerminalThroughConsoleSocket(t *testing.T) {
	requireRoot(t)
	running, _ := startLongRunning(t, newTemplateConfig(t))
	cases := []struct {
		name string
		init bool
	}{
		{"an init gets a pty of its devpts and /dev/console is that pty", true},
		{"an exec'd process gets a pty of the container's devpts", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ours, theirs := consoleSocket(t)
			p := &libcontainer.Process{
				Args:          []string{"sh", "-c", ttySession},
				Env:           standardEnvironment,
				ConsoleSocket: theirs,
				ConsoleWidth:  100,
				ConsoleHeight: 40,
				Init:          tc.init,
			}
			c := running
			if tc.init {
				c = newContainer(t, newTemplateConfig(t))
			}
			if err := c.Run(p); err != nil {
				t.Fatal(err)
			}
			theirs.Close()
			term := receiveTerminal(t, ours)
			if ws, err := term.Size(); err != nil || ws.Height != 40 || ws.Width != 100 {
				t.Fatalf("console size %+v (%v), want 40x100", ws, err)
			}
			term.waitFor(t, "40 100\r\n")
			term.waitFor(t, "/dev/pts/")
			// A pty slave has major 136; the shell's controlling tty is
			// the pty (tty_nr = major<<8 | minor).
			term.waitFor(t, "ctty=3481")
			// The master is the ptmx of the container's devpts, not the
			// host's.
			var st unix.Stat_t
			if err := unix.Fstat(int(term.Fd()), &st); err != nil {
				t.Fatal(err)
			}
			term.waitFor(t, "ptsdev="+strconv.FormatUint(st.Dev, 10)+".")
			var hostPts unix.Stat_t
			if err := unix.Stat("/dev/pts", &hostPts); err == nil && hostPts.Dev == st.Dev {
				t.Errorf("the pty master is on the host's devpts (dev %d)", st.Dev)
			}
			if tc.init {
				term.waitFor(t, "console=88:0 self=88:0")
			} else {
				term.waitFor(t, "self=88:")
			}
			if _, err := term.Write([]byte("hello\n")); err != nil {
				t.Fatal(err)
			}
			term.waitFor(t, "hello\r\n") // the terminal's echo
			term.waitFor(t, "got:hello\r\n")
			if err := term.Resize(console.WinSize{Height: 50, Width: 120}); err != nil {
				t.Fatal(err)
			}
			if _, err := term.Write([]byte("\n")); err != nil {
				t.Fatal(err)
			}
			term.waitFor(t, "50 120\r\n")
			if ps, err := p.Wait(); err != nil {
				t.Fatalf("wait: %v (%s)", err, exitOf(ps))
			}
		})
	}
}

func TestConsoleIsNotMountedThroughASymlink(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	// No tmpfs on /dev: the rootfs's own /dev, where /dev/console is a
	// symlink to a file the bind mount must not land on.
	var mounts = cfg.Mounts[:0]
	for _, m := range cfg.Mounts {
		if m.Destination != "/dev" {
			mounts = append(mounts, m)
		}
	}
	cfg.Mounts = mounts
	for _, d := range []string{"dev/pts", "dev/shm", "dev/mqueue"} {
		if err := os.MkdirAll(filepath.Join(cfg.Rootfs, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(cfg.Rootfs, "dev/console")); err != nil {
		t.Fatal(err)
	}
	c := newContainer(t, cfg)
	_, theirs := consoleSocket(t)
	p := &libcontainer.Process{Args: []string{"cat", "/etc/hostname"}, Env: standardEnvironment, ConsoleSocket: theirs, Init: true}
	err := c.Run(p)
	if err == nil || !strings.Contains(err.Error(), "/dev/console") {
		t.Fatalf("run with /dev/console a symlink: %v, want an error naming /dev/console", err)
	}
	if got := readFile(t, filepath.Join(cfg.Rootfs, "etc/hostname")); got != "busybox\n" {
		t.Fatalf("symlink target changed: %q", got)
	}
	if fi, err := os.Lstat(filepath.Join(cfg.Rootfs, "dev/console")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("/dev/console symlink replaced: %v %v", fi, err)
	}
}
