package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// asMainEnv makes the test binary behave as nsinit itself (see TestMain). The
// container init re-executes the binary as "<binary> init", which the init
// function in main.go handles before tests start.
const asMainEnv = "NSINIT_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// testBox is a container directory with container.json and a rootfs, and a
// private state root, for running nsinit end to end.
type testBox struct {
	t    *testing.T
	dir  string
	root string
}

// newTestBox prepares a container directory using the busybox test rootfs.
// It skips the test when not root or when no rootfs is available.
func newTestBox(t *testing.T) *testBox {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: nsinit creates namespaces, cgroups and mounts")
	}
	rootfs := os.Getenv("LIBCONTAINER_TEST_ROOTFS")
	if rootfs == "" {
		rootfs = "../../.cache/rootfs"
	}
	if _, err := os.Stat(filepath.Join(rootfs, "bin", "busybox")); err != nil {
		t.Skipf("needs the busybox rootfs (make rootfs, or set LIBCONTAINER_TEST_ROOTFS): %v", err)
	}
	rootfs, err := filepath.Abs(rootfs)
	if err != nil {
		t.Fatal(err)
	}
	base := realTempDir(t)
	b := &testBox{t: t, dir: filepath.Join(base, fmt.Sprintf("nsinit-test-%d", os.Getpid())), root: filepath.Join(base, "state")}
	mkdir(t, base, filepath.Base(b.dir))
	// container.json names "rootfs"; a symlink to the shared rootfs is resolved by loadConfig.
	if err := os.Symlink(rootfs, filepath.Join(b.dir, "rootfs")); err != nil {
		t.Fatal(err)
	}
	if out, status := b.nsinit("spec"); status != 0 {
		t.Fatalf("nsinit spec: status %d: %s", status, out)
	}
	t.Cleanup(func() { b.nsinit("destroy") })
	return b
}

// command returns an unstarted nsinit command with the box's state root.
func (b *testBox) command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"--root", b.root}, args...)...)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	return cmd
}

// nsinit runs nsinit with args and returns its combined output and status.
func (b *testBox) nsinit(args ...string) (string, int) {
	b.t.Helper()
	cmd := b.command(args...)
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		b.t.Fatalf("nsinit %v: %v", args, err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

func TestRun(t *testing.T) {
	b := newTestBox(t)
	tests := []struct {
		name       string
		args       []string
		wantOut    string
		wantStatus int
	}{
		{"prints the command's output inside the container", []string{"sh", "-c", "echo hello from $(hostname)"}, "hello from nsinit\n", 0},
		{"exits with the command's exit status", []string{"sh", "-c", "exit 3"}, "", 3},
		{"runs the command as the requested user", []string{"--user", "user", "id", "-u"}, "1000\n", 0},
		{"runs the command in its own PID namespace as pid 1", []string{"sh", "-c", "echo $$"}, "1\n", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, status := b.nsinit(append([]string{"run"}, tc.args...)...)
			if status != tc.wantStatus || out != tc.wantOut {
				t.Fatalf("status %d output %q; want %d %q", status, out, tc.wantStatus, tc.wantOut)
			}
			if out, status := b.nsinit("state"); status == 0 {
				t.Fatalf("container still exists after run: %s", out)
			}
		})
	}
	t.Run("reports a command that does not exist", func(t *testing.T) {
		out, status := b.nsinit("run", "/no/such/program")
		if status == 0 || !strings.Contains(out, "/no/such/program") {
			t.Fatalf("status %d output %q", status, out)
		}
	})
}

func TestExecJoinsTheRunningContainer(t *testing.T) {
	b := newTestBox(t)
	initCmd := b.command("exec", "sleep", "300")
	var initOut bytes.Buffer
	initCmd.Stdout, initCmd.Stderr = &initOut, &initOut
	if err := initCmd.Start(); err != nil {
		t.Fatal(err)
	}
	initDone := make(chan struct{}) // closed when the exec that started the init returns
	go func() {
		_ = initCmd.Wait()
		close(initDone)
	}()
	t.Cleanup(func() {
		_ = initCmd.Process.Kill()
		<-initDone
	})

	pid := waitForPidFile(t, b.dir, initDone)

	t.Run("a second exec runs in the same UTS namespace", func(t *testing.T) {
		if out, status := b.nsinit("exec", "hostname"); status != 0 || out != "nsinit\n" {
			t.Fatalf("status %d output %q", status, out)
		}
	})
	t.Run("a second exec sees the init as pid 1", func(t *testing.T) {
		out, status := b.nsinit("exec", "cat", "/proc/1/cmdline")
		if status != 0 || !strings.HasPrefix(out, "sleep\x00300") {
			t.Fatalf("status %d output %q", status, out)
		}
	})
	t.Run("a joined process killed by a signal exits with 128 plus the signal", func(t *testing.T) {
		if out, status := b.nsinit("exec", "sh", "-c", "kill -KILL $$"); status != 137 {
			t.Fatalf("status %d output %q, want 137", status, out)
		}
	})
	t.Run("state reports the init pid", func(t *testing.T) {
		out, status := b.nsinit("state")
		if status != 0 {
			t.Fatalf("status %d output %q", status, out)
		}
		var st struct {
			Pid int `json:"init_process_pid"`
		}
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("state output is not JSON: %v: %s", err, out)
		}
		if st.Pid != pid {
			t.Fatalf("init_process_pid %d, pid file %d", st.Pid, pid)
		}
	})
	t.Run("destroy kills the init and removes the container", func(t *testing.T) {
		if out, status := b.nsinit("destroy"); status != 0 {
			t.Fatalf("destroy: status %d output %q", status, out)
		}
		select {
		case <-initDone:
		case <-time.After(10 * time.Second):
			t.Fatal("nsinit exec did not return after destroy")
		}
		if code := initCmd.ProcessState.ExitCode(); code != 137 {
			t.Errorf("init exec exited %d, want 137 (SIGKILL); output %q", code, initOut.String())
		}
		if _, err := os.Stat(filepath.Join(b.dir, pidFileName)); !os.IsNotExist(err) {
			t.Errorf("pid file left behind: %v", err)
		}
		if out, status := b.nsinit("state"); status == 0 {
			t.Errorf("container still exists: %s", out)
		}
	})
}

// waitForPidFile waits until "nsinit exec" has written the pid file and
// returns the pid, failing if the command exits first.
func waitForPidFile(t *testing.T, dir string, exited <-chan struct{}) int {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		data, err := os.ReadFile(filepath.Join(dir, pidFileName))
		if err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
				return pid
			}
		}
		select {
		case <-exited:
			t.Fatal("nsinit exec exited before writing the pid file")
		case <-deadline:
			t.Fatal("no pid file after 20s")
		case <-time.After(10 * time.Millisecond):
		}
	}
}
