package integration

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

const mib = 1 << 20

// unified reports whether the host runs a pure cgroup v2 hierarchy.
func unified() bool { return cgroups.IsCgroup2UnifiedMode() }

// cloneCgroup deep-copies a cgroup config, so that a test can change the
// limits it hands to Set without touching the container's own config.
func cloneCgroup(c *configs.Cgroup) *configs.Cgroup {
	cp := *c
	r := *c.Resources
	r.Devices = append([]*devices.Rule(nil), c.Resources.Devices...)
	r.HugetlbLimit = append([]*configs.HugepageLimit(nil), c.Resources.HugetlbLimit...)
	r.Unified = maps.Clone(c.Resources.Unified)
	cp.Resources = &r
	return &cp
}

// configWithResources returns the container's config with a private copy
// of its cgroup resources changed by edit.
func configWithResources(c libcontainer.Container, edit func(*configs.Resources)) configs.Config {
	cfg := c.Config()
	cfg.Cgroups = cloneCgroup(cfg.Cgroups)
	edit(cfg.Cgroups.Resources)
	return cfg
}

// cgroupFileOf returns the path of a cgroup interface file of the
// container: the v2 name on a unified host, otherwise the v1 name in the
// controller's hierarchy.
func cgroupFileOf(t *testing.T, c libcontainer.Container, controller, v1, v2 string) string {
	t.Helper()
	st, err := c.State()
	if err != nil {
		t.Fatal(err)
	}
	if unified() {
		return filepath.Join(st.CgroupPaths[""], v2)
	}
	dir := st.CgroupPaths[controller]
	if dir == "" {
		t.Fatalf("container has no %s cgroup: %v", controller, st.CgroupPaths)
	}
	return filepath.Join(dir, v1)
}

// readCgroupFile reads a cgroup interface file of the container (see
// cgroupFileOf) and returns it trimmed.
func readCgroupFile(t *testing.T, c libcontainer.Container, controller, v1, v2 string) string {
	t.Helper()
	return strings.TrimSpace(readFile(t, cgroupFileOf(t, c, controller, v1, v2)))
}

// mustStats returns the container's statistics.
func mustStats(t *testing.T, c libcontainer.Container) *libcontainer.Stats {
	t.Helper()
	st, err := c.Stats()
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	if st.CgroupStats == nil {
		t.Fatal("stats: no cgroup stats")
	}
	return st
}

// execIn runs args in the running container and returns their combined
// output and exit code (128+n when killed by signal n).
func execIn(t *testing.T, c libcontainer.Container, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	p := &libcontainer.Process{Args: args, Env: standardEnvironment, Stdout: &out, Stderr: &out}
	if err := c.Run(p); err != nil {
		t.Fatalf("exec %q: %v", args, err)
	}
	ps, _ := p.Wait()
	return out.String(), exitCode(ps)
}

// exitCode is the shell's view of how a process ended.
func exitCode(ps *os.ProcessState) int {
	if ps == nil {
		return -1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// eventually polls cond until it holds, failing the test after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting until %s", timeout, what)
		}
		waitABit()
	}
}

// startCounter runs a container whose init prints an increasing counter,
// one number a line, every 10 ms; the returned value is the last number
// seen.
func startCounter(t *testing.T, cfg *configs.Config) (libcontainer.Container, *libcontainer.Process, *atomic.Int64) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	c := newContainer(t, cfg)
	p := &libcontainer.Process{
		Args:   []string{"sh", "-c", "i=0; while :; do i=$((i+1)); echo $i; sleep 0.01; done"},
		Env:    standardEnvironment,
		Stdout: w,
		Init:   true,
	}
	err = c.Run(p)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	var last atomic.Int64
	go func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			if n, err := strconv.ParseInt(s.Text(), 10, 64); err == nil {
				last.Store(n)
			}
		}
	}()
	eventually(t, 10*time.Second, "the counter starts", func() bool { return last.Load() > 0 })
	return c, p, &last
}

// cgroupDirsOf lists every cgroup directory of a container state: the
// saved paths and, for each hierarchy, the config's path below its root.
func cgroupDirsOf(st *libcontainer.State) []string {
	var dirs []string
	for _, p := range st.CgroupPaths {
		dirs = append(dirs, p)
	}
	if st.Config.Cgroups != nil && st.Config.Cgroups.Path != "" {
		entries, _ := os.ReadDir("/sys/fs/cgroup")
		dirs = append(dirs, filepath.Join("/sys/fs/cgroup", st.Config.Cgroups.Path))
		for _, e := range entries {
			dirs = append(dirs, filepath.Join("/sys/fs/cgroup", e.Name(), st.Config.Cgroups.Path))
		}
	}
	return dirs
}

// assertGone checks that none of dirs exists.
func assertGone(t *testing.T, dirs []string) {
	t.Helper()
	for _, d := range dirs {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("cgroup directory left behind: %s", d)
		}
	}
}

// onTmpfs reports whether dir lies on a tmpfs (whose pages cannot be
// written back, only swapped).
func onTmpfs(t *testing.T, dir string) bool {
	t.Helper()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return st.Type == unix.TMPFS_MAGIC
}

// withoutRules returns rules minus those for which drop is true.
func withoutRules(rules []*devices.Rule, drop func(*devices.Rule) bool) []*devices.Rule {
	var out []*devices.Rule
	for _, r := range rules {
		if !drop(r) {
			out = append(out, r)
		}
	}
	return out
}

// isDev reports whether r is the rule of char device major:minor.
func isDev(major, minor int64) func(*devices.Rule) bool {
	return func(r *devices.Rule) bool {
		return r.Type == devices.CharDevice && r.Major == major && r.Minor == minor
	}
}

// wholeDiskOf returns the device number of the whole disk that holds
// path (the disk itself, not a partition of it).
func wholeDiskOf(path string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, err
	}
	sys := fmt.Sprintf("/sys/dev/block/%d:%d", unix.Major(st.Dev), unix.Minor(st.Dev))
	if _, err := os.Stat(sys); err != nil {
		return 0, fmt.Errorf("%s (device %d:%d) is no block device: %w", path, unix.Major(st.Dev), unix.Minor(st.Dev), err)
	}
	if _, err := os.Stat(filepath.Join(sys, "partition")); err == nil {
		sys = filepath.Join(sys, "..")
	}
	b, err := os.ReadFile(filepath.Join(sys, "dev"))
	if err != nil {
		return 0, err
	}
	var major, minor uint32
	if _, err := fmt.Sscanf(strings.TrimSpace(string(b)), "%d:%d", &major, &minor); err != nil {
		return 0, fmt.Errorf("parse %s/dev %q: %w", sys, b, err)
	}
	return unix.Mkdev(major, minor), nil
}
