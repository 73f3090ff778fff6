// Package testutil holds helpers for the cgroup driver tests: root checks,
// unique cgroup names, and processes started from the host and moved into a
// cgroup before they run their workload.
package testutil

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/b7f961b7/libcontainer/cgroups"
)

// RequireRoot skips t unless it runs as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: creating cgroups needs root (euid 0)")
	}
}

// Name returns a cgroup name unique to this test process and test.
func Name(t testing.TB) string {
	t.Helper()
	r := strings.NewReplacer("/", "_", " ", "_")
	return fmt.Sprintf("libct-test-%d-%s", os.Getpid(), r.Replace(t.Name()))
}

// Proc is a test process held at a gate until it has joined a cgroup.
type Proc struct {
	Cmd   *exec.Cmd
	gate  io.WriteCloser
	done  chan struct{}
	state *os.ProcessState
	err   error
}

// Start starts `sh -c script` from the host, blocked before the script
// until Release. The process is killed and reaped at test cleanup.
func Start(t testing.TB, script string) *Proc {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", "read _gate; "+script)
	gate, err := cmd.StdinPipe()
	if err != nil {
		t.Fatalf("stdin pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %q: %v", script, err)
	}
	p := &Proc{Cmd: cmd, gate: gate, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		p.state = cmd.ProcessState
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

// StartInSub makes the sub-cgroup dir/name and starts script (see Start,
// not released) in it. The sub-cgroup is left for the manager's Destroy.
func StartInSub(t testing.TB, dir, name, script string) *Proc {
	t.Helper()
	sub := filepath.Join(dir, name)
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	p := Start(t, script)
	if err := cgroups.WriteCgroupProc(sub, p.Cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	return p
}

// StartIn starts script (see Start), moves it into m with Apply and lets
// it run.
func StartIn(t testing.TB, m cgroups.Manager, script string) *Proc {
	t.Helper()
	p := Start(t, script)
	if err := m.Apply(p.Cmd.Process.Pid); err != nil {
		t.Fatalf("apply pid %d: %v", p.Cmd.Process.Pid, err)
	}
	p.Release(t)
	return p
}

// Release lets the gated process run its script.
func (p *Proc) Release(t testing.TB) {
	t.Helper()
	if _, err := io.WriteString(p.gate, "go\n"); err != nil {
		t.Fatalf("release process: %v", err)
	}
	p.gate.Close()
}

// Wait waits up to timeout for the process to exit and returns its state.
func (p *Proc) Wait(t testing.TB, timeout time.Duration) *os.ProcessState {
	t.Helper()
	select {
	case <-p.done:
		return p.state
	case <-time.After(timeout):
		t.Fatalf("process %d did not exit within %v", p.Cmd.Process.Pid, timeout)
		return nil
	}
}

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Signaled returns the signal that killed state's process, or 0.
func Signaled(state *os.ProcessState) syscall.Signal {
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal()
	}
	return 0
}

// Eventually polls cond every 10 ms until it holds or timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ProcState returns the state letter of /proc/<pid>/stat (R, S, D, ...).
func ProcState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return ""
	}
	return s[i+2 : i+3]
}

// CPUTime returns utime+stime (clock ticks) of pid from /proc/<pid>/stat.
func CPUTime(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	var ut, st uint64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return ut + st
}
