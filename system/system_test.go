//go:build linux

package system

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

const helperEnv = "SYSTEM_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "exec":
		err := Exec("/bin/sh", []string{"sh", "-c", "echo exec:$FOO"}, []string{"FOO=bar"})
		fmt.Fprintln(os.Stderr, "Exec returned:", err)
		os.Exit(1)
	case "execv":
		err := Execv("sh", []string{"sh", "-c", "echo execv:$FOO"}, []string{"FOO=baz"})
		fmt.Fprintln(os.Stderr, "Execv returned:", err)
		os.Exit(1)
	case "setctty":
		if err := Setctty(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		data, err := os.ReadFile("/proc/self/stat")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		// tty_nr is field 7, the 5th after the name.
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
		fmt.Print("tty_nr=" + f[4])
		os.Exit(0)
	}
	os.Exit(2)
}

// runHelper re-executes the test binary as the named helper.
func runHelper(t *testing.T, name string, setup func(*exec.Cmd)) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+name)
	if setup != nil {
		setup(cmd)
	}
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		err = fmt.Errorf("%w: %s", err, ee.Stderr)
	}
	return string(out), err
}

// inThrowawayThread runs fn on a goroutine locked to an OS thread that is
// never unlocked, so the thread (and every per-thread attribute fn
// changed) is destroyed when fn returns.
// inThrowawayThread runs fn on an OS thread that exits afterwards (the
// goroutine ends locked to it). It is never the main thread: the runtime
// keeps a locked main thread alive, and the process's identity in /proc is
// the main thread's.
func inThrowawayThread(fn func() error) error {
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// Landed on the main thread: hand over to a fresh one,
			// which cannot be the main thread while this one is locked.
			done <- inThrowawayThread(fn)
			runtime.UnlockOSThread()
			return
		}
		done <- fn()
	}()
	return <-done
}

func TestExec(t *testing.T) {
	t.Run("Exec replaces the process image with the given env", func(t *testing.T) {
		out, err := runHelper(t, "exec", nil)
		if err != nil || out != "exec:bar\n" {
			t.Errorf("output %q, %v; want exec:bar", out, err)
		}
	})
	t.Run("Execv finds the command in PATH", func(t *testing.T) {
		out, err := runHelper(t, "execv", nil)
		if err != nil || out != "execv:baz\n" {
			t.Errorf("output %q, %v; want execv:baz", out, err)
		}
	})
	t.Run("Exec of a missing file returns a PathError", func(t *testing.T) {
		err := Exec("/nonexistent/prog", []string{"prog"}, nil)
		var pe *os.PathError
		if !errors.As(err, &pe) || pe.Path != "/nonexistent/prog" || !errors.Is(err, unix.ENOENT) {
			t.Errorf("err = %#v, want *os.PathError with ENOENT", err)
		}
	})
	t.Run("Execv of an unknown command fails the PATH lookup", func(t *testing.T) {
		if err := Execv("no-such-command-xyz", nil, nil); !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("err = %v, want exec.ErrNotFound", err)
		}
	})
}

func TestParentDeathSignal(t *testing.T) {
	err := inThrowawayThread(func() error {
		if err := SetParentDeathSignal(uintptr(unix.SIGUSR2)); err != nil {
			return err
		}
		got, err := GetParentDeathSignal()
		if err != nil || got != ParentDeathSignal(unix.SIGUSR2) {
			return fmt.Errorf("after Set: %v, %v; want SIGUSR2", got, err)
		}
		if err := SetParentDeathSignal(0); err != nil {
			return err
		}
		if err := ParentDeathSignal(unix.SIGKILL).Restore(); err != nil {
			return err
		}
		if got, _ := GetParentDeathSignal(); got != ParentDeathSignal(unix.SIGKILL) {
			return fmt.Errorf("after Restore: %v; want SIGKILL", got)
		}
		if err := ParentDeathSignal(0).Restore(); err != nil {
			return err
		}
		if got, _ := GetParentDeathSignal(); got != ParentDeathSignal(unix.SIGKILL) {
			return fmt.Errorf("Restore of 0 changed the signal to %v", got)
		}
		return ParentDeathSignal(unix.SIGTERM).Set()
	})
	if err != nil {
		t.Error(err)
	}
}

func TestKeepCaps(t *testing.T) {
	err := inThrowawayThread(func() error {
		get := func() int {
			v, _ := unix.PrctlRetInt(unix.PR_GET_KEEPCAPS, 0, 0, 0, 0)
			return v
		}
		if err := SetKeepCaps(); err != nil {
			return err
		}
		if get() != 1 {
			return errors.New("PR_GET_KEEPCAPS is not 1 after SetKeepCaps")
		}
		if err := ClearKeepCaps(); err != nil {
			return err
		}
		if get() != 0 {
			return errors.New("PR_GET_KEEPCAPS is not 0 after ClearKeepCaps")
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

func TestSubreaper(t *testing.T) {
	orig, err := GetSubreaper()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { SetSubreaper(orig) })
	for _, v := range []int{1, 0} {
		t.Run("the subreaper flag reads back as "+strconv.Itoa(v), func(t *testing.T) {
			if err := SetSubreaper(v); err != nil {
				t.Fatal(err)
			}
			if got, err := GetSubreaper(); err != nil || got != v {
				t.Errorf("GetSubreaper = %d, %v; want %d", got, err, v)
			}
		})
	}
}

func TestAtCalls(t *testing.T) {
	base := t.TempDir()
	dir, err := os.Open(base)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	t.Run("Mkdirat creates a directory relative to dir", func(t *testing.T) {
		if err := Mkdirat(dir, "sub", 0o700); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(filepath.Join(base, "sub"))
		if err != nil || !st.IsDir() {
			t.Errorf("stat sub: %v", err)
		}
	})
	t.Run("Openat creates a close-on-exec file named by the joined path", func(t *testing.T) {
		f, err := Openat(dir, "sub/file", unix.O_CREAT|unix.O_WRONLY, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.Name() != filepath.Join(base, "sub/file") {
			t.Errorf("name = %q", f.Name())
		}
		flags, _ := unix.FcntlInt(f.Fd(), unix.F_GETFD, 0)
		if flags&unix.FD_CLOEXEC == 0 {
			t.Error("file is not close-on-exec")
		}
	})
	t.Run("a nil dir means the current directory", func(t *testing.T) {
		f, err := Openat(nil, filepath.Join(base, "sub/file"), unix.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	})
	t.Run("errors are PathErrors naming the full path", func(t *testing.T) {
		err := Mkdirat(dir, "sub", 0o700)
		var pe *os.PathError
		if !errors.As(err, &pe) || pe.Path != filepath.Join(base, "sub") || !errors.Is(err, os.ErrExist) {
			t.Errorf("err = %v, want PathError EEXIST for %s/sub", err, base)
		}
		_, err = Openat(dir, "missing", unix.O_RDONLY, 0)
		if !errors.As(err, &pe) || pe.Op != "openat" || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("err = %v, want openat PathError ENOENT", err)
		}
	})
}

func TestSetuidSetgidAreThreadLocal(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: setuid/setgid to another id requires CAP_SETUID/CAP_SETGID")
	}
	var threadStatus string
	err := inThrowawayThread(func() error {
		if err := Setgid(1234); err != nil {
			return err
		}
		if err := Setuid(1234); err != nil {
			return err
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/status", unix.Gettid()))
		threadStatus = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(threadStatus, "Uid:\t1234\t1234\t1234") || !strings.Contains(threadStatus, "Gid:\t1234\t1234\t1234") {
		t.Errorf("thread ids not changed:\n%s", threadStatus)
	}
	if os.Getuid() != 0 || os.Getgid() != 0 {
		t.Errorf("process ids changed to %d/%d, want only the thread changed", os.Getuid(), os.Getgid())
	}
	leader, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", os.Getpid()))
	if !strings.Contains(string(leader), "Uid:\t0\t0\t0") {
		t.Errorf("main thread uid changed")
	}
}

func TestClearRlimitNofileCache(t *testing.T) {
	var cur syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &cur); err != nil {
		t.Fatal(err)
	}
	ClearRlimitNofileCache(&cur)
	out, err := exec.Command("/bin/sh", "-c", "ulimit -n").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strconv.FormatUint(cur.Cur, 10)
	if strings.TrimSpace(string(out)) != want {
		t.Errorf("child soft NOFILE = %s, want the current %s (runtime cache not cleared)", out, want)
	}
	t.Run("a nil limit keeps the current limit", func(t *testing.T) {
		ClearRlimitNofileCache(nil)
		var after syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &after); err != nil || after != cur {
			t.Errorf("limit after = %+v, %v; want %+v", after, err, cur)
		}
	})
}

func TestSetctty(t *testing.T) {
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	defer ptmx.Close()
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer pts.Close()
	out, err := runHelper(t, "setctty", func(cmd *exec.Cmd) {
		cmd.Stdin = pts
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	})
	if err != nil {
		t.Fatal(err)
	}
	if out == "tty_nr=0" || !strings.HasPrefix(out, "tty_nr=") {
		t.Errorf("helper says %q, want a non-zero controlling tty", out)
	}
}
