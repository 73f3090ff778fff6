package libcontainer

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
)

// notifyTestCgroup creates a child cgroup of this process's own cgroup in
// the v1 memory hierarchy (or, with v2, in the cgroup2 mount), writing
// the given files into it. It is removed at cleanup (after the test's
// processes are gone).
func notifyTestCgroup(t *testing.T, v2 bool, files map[string]string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: creating cgroups needs root (euid 0)")
	}
	var parent string
	if v2 {
		var st unix.Statfs_t
		mnt := "/sys/fs/cgroup/unified"
		if cgroups.IsCgroup2UnifiedMode() {
			mnt = "/sys/fs/cgroup"
		}
		if err := unix.Statfs(mnt, &st); err != nil || st.Type != unix.CGROUP2_SUPER_MAGIC {
			t.Skipf("skipped: no cgroup2 mount at %s", mnt)
		}
		parent = mnt
	} else {
		if cgroups.IsCgroup2UnifiedMode() {
			t.Skip("skipped: host has no cgroup v1 memory controller (unified mode)")
		}
		own, err := cgroups.GetOwnCgroupPath("memory")
		if err != nil {
			t.Skipf("skipped: no cgroup v1 memory controller: %v", err)
		}
		parent = own
	}
	dir := filepath.Join(parent, fmt.Sprintf("libct-notify-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "_")))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			err := unix.Rmdir(dir)
			if err == nil || err == unix.ENOENT {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("remove test cgroup %s: %v", dir, err)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	for _, f := range []string{"memory.limit_in_bytes", "memory.memsw.limit_in_bytes"} {
		if v, ok := files[f]; ok {
			if err := cgroups.WriteFile(dir, f, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// notifyTestStartIn starts `sh -c script` from the host, moves it into the
// cgroup dirs before the script runs, and kills and reaps it at cleanup.
// The returned channel is closed when the process has exited.
func notifyTestStartIn(t *testing.T, script string, dirs ...string) (*exec.Cmd, <-chan struct{}) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", "read _gate; "+script)
	gate, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	for _, d := range dirs {
		if err := cgroups.WriteCgroupProc(d, cmd.Process.Pid); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := io.WriteString(gate, "go\n"); err != nil {
		t.Fatal(err)
	}
	gate.Close()
	return cmd, done
}

// notifyTestReceive waits for a value (or close) on ch and reports which.
func notifyTestReceive(t *testing.T, ch <-chan struct{}, timeout time.Duration, what string) (open bool) {
	t.Helper()
	select {
	case _, ok := <-ch:
		return ok
	case <-time.After(timeout):
		t.Fatalf("no %s within %v", what, timeout)
		return false
	}
}

// notifyTestRemoved kills what is left in dir once the test process is
// gone (pipeline children may linger) and removes dir.
func notifyTestRemoved(t *testing.T, dir string, done <-chan struct{}) {
	t.Helper()
	<-done
	if pids, err := cgroups.GetPids(dir); err == nil {
		for _, p := range pids {
			_ = unix.Kill(p, unix.SIGKILL)
		}
	}
	if err := cgroups.RemovePaths(map[string]string{"": dir}); err != nil {
		t.Fatal(err)
	}
}

const notifyTestAllocate64M = `x=$(head -c 67108864 /dev/zero | tr '\0' a)`

func TestNotifyOnOOMFiresWhenTheCgroupRunsOutOfMemory(t *testing.T) {
	dir := notifyTestCgroup(t, false, map[string]string{
		"memory.limit_in_bytes":       strconv.Itoa(16 << 20),
		"memory.memsw.limit_in_bytes": strconv.Itoa(16 << 20),
	})
	ch, err := notifyOnOOM(dir)
	if err != nil {
		t.Fatalf("notifyOnOOM: %v", err)
	}
	_, done := notifyTestStartIn(t, notifyTestAllocate64M, dir)
	if !notifyTestReceive(t, ch, 20*time.Second, "OOM notification") {
		t.Fatal("OOM channel closed instead of notifying")
	}
	notifyTestRemoved(t, dir, done)
	for notifyTestReceive(t, ch, 5*time.Second, "close of the OOM channel after cgroup removal") {
	}
}

func TestNotifyMemoryPressureFiresUnderReclaim(t *testing.T) {
	dir := notifyTestCgroup(t, false, map[string]string{
		"memory.limit_in_bytes":       strconv.Itoa(16 << 20),
		"memory.memsw.limit_in_bytes": strconv.Itoa(16 << 20),
	})
	ch, err := notifyMemoryPressure(dir, LowPressure)
	if err != nil {
		t.Fatalf("notifyMemoryPressure: %v", err)
	}
	_, done := notifyTestStartIn(t, notifyTestAllocate64M, dir)
	if !notifyTestReceive(t, ch, 20*time.Second, "low memory pressure notification") {
		t.Fatal("pressure channel closed instead of notifying")
	}
	notifyTestRemoved(t, dir, done)
	for notifyTestReceive(t, ch, 5*time.Second, "close of the pressure channel after cgroup removal") {
	}
}

func TestNotifyMemoryPressureRejectsBadInput(t *testing.T) {
	tests := []struct {
		name  string
		dir   string
		level PressureLevel
		want  string
	}{
		{"a level above critical", "/sys/fs/cgroup/memory", CriticalPressure + 1, "invalid pressure level 3"},
		{"an empty path", "", LowPressure, "path is empty"},
		{"a directory that is not a cgroup", os.TempDir(), LowPressure, "memory.pressure_level"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := notifyMemoryPressure(tc.dir, tc.level)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("notifyMemoryPressure(%q, %d) = %v, want an error containing %q", tc.dir, tc.level, err, tc.want)
			}
			_, err = notifyMemoryPressureV2(tc.dir, tc.level)
			if err == nil {
				t.Errorf("notifyMemoryPressureV2(%q, %d) succeeded", tc.dir, tc.level)
			}
		})
	}
}

func TestNotifyOnOOMV2NeedsTheMemoryController(t *testing.T) {
	dir := notifyTestCgroup(t, true, nil)
	if cgroups.PathExists(filepath.Join(dir, "memory.events")) {
		t.Skip("skipped: the memory controller is enabled on this cgroup2 mount; the v1 test covers OOM")
	}
	_, err := notifyOnOOMV2Path(dir)
	if err == nil || !strings.Contains(err.Error(), "memory.events") {
		t.Errorf("notifyOnOOMV2Path without memory.events: %v, want an error naming memory.events", err)
	}
}

func TestNotifyOnOOMV2FiresOnOOMKill(t *testing.T) {
	dir := notifyTestCgroup(t, true, nil)
	if err := cgroups.WriteFile(dir, "memory.max", strconv.Itoa(16<<20)); err != nil {
		t.Skipf("skipped: cannot limit memory on this cgroup2 mount (memory controller not enabled here): %v", err)
	}
	_ = cgroups.WriteFile(dir, "memory.swap.max", "0")
	ch, err := notifyOnOOMV2Path(dir)
	if err != nil {
		t.Fatalf("notifyOnOOMV2Path: %v", err)
	}
	_, done := notifyTestStartIn(t, notifyTestAllocate64M, dir)
	if !notifyTestReceive(t, ch, 20*time.Second, "OOM notification") {
		t.Fatal("OOM channel closed instead of notifying")
	}
	<-done
	for notifyTestReceive(t, ch, 5*time.Second, "close of the OOM channel once the cgroup is unpopulated") {
	}
}

func TestNotifyMemoryPressureV2RegistersAPSITriggerAndClosesWithTheCgroup(t *testing.T) {
	dir := notifyTestCgroup(t, true, nil)
	if !cgroups.PathExists(filepath.Join(dir, "memory.pressure")) {
		t.Skip("skipped: kernel has no PSI (memory.pressure)")
	}
	for _, level := range []PressureLevel{LowPressure, MediumPressure, CriticalPressure} {
		ch, err := notifyMemoryPressureV2(dir, level)
		if err != nil {
			t.Fatalf("notifyMemoryPressureV2 level %d: %v", level, err)
		}
		defer func(ch <-chan struct{}) {
			for notifyTestReceive(t, ch, 5*time.Second, "close of the PSI channel after cgroup removal") {
			}
		}(ch)
	}
	done := make(chan struct{})
	close(done)
	notifyTestRemoved(t, dir, done)
}
