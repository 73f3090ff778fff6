package systemd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// These tests drive a real systemd. The host has none as PID 1, so
// integration/systemd_test.go starts Debian's systemd as PID 1 of a
// container and runs this binary inside it with LIBCT_REAL_SYSTEMD=1.

// realSystemdEnv names the variable that enables the tests.
const realSystemdEnv = "LIBCT_REAL_SYSTEMD"

// requireRealSystemd skips unless the test runs next to a real systemd
// PID 1 (set up by the integration test).
func requireRealSystemd(t *testing.T) {
	t.Helper()
	if os.Getenv(realSystemdEnv) != "1" {
		t.Skipf("%s=1 is not set: these tests need systemd as PID 1 and are run by integration.TestRealSystemdCgroupDriver inside a container whose PID 1 is systemd", realSystemdEnv)
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates systemd units and cgroups")
	}
	if !IsRunningSystemd() {
		t.Fatalf("%s=1 but /run/systemd/system is missing: systemd is not PID 1 here", realSystemdEnv)
	}
}

// newManager returns the systemd manager of the host's cgroup mode.
func newManager(t *testing.T, cg *configs.Cgroup) cgroups.Manager {
	t.Helper()
	var m cgroups.Manager
	var err error
	if cgroups.IsCgroup2UnifiedMode() {
		m, err = NewUnifiedManager(cg, "")
	} else {
		m, err = NewLegacyManager(cg, nil)
	}
	if err != nil {
		t.Fatalf("new manager: %v", err)
	}
	return m
}

// startSleeper starts a process to put in a unit; it is killed and reaped
// when the test ends.
func startSleeper(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sleep: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

// sdConn returns the driver's shared system connection.
func sdConn(t *testing.T) *systemdDbus.Conn {
	t.Helper()
	c, err := connFor(false).get()
	if err != nil {
		t.Fatalf("connect to systemd: %v", err)
	}
	return c
}

// unitProp reads a property of unit from the Unit interface (iface "")
// or a type interface such as "Scope" or "Slice".
func unitProp(t *testing.T, unit, iface, name string) any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var p *systemdDbus.Property
	var err error
	if iface == "" {
		p, err = sdConn(t).GetUnitPropertyContext(ctx, unit, name)
	} else {
		p, err = sdConn(t).GetUnitTypePropertyContext(ctx, unit, iface, name)
	}
	if err != nil {
		t.Fatalf("get %s property %s of %s: %v", iface, name, unit, err)
	}
	return p.Value.Value()
}

// readFile returns the trimmed content of a cgroup file.
func readFile(t *testing.T, dir, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatalf("read cgroup file: %v", err)
	}
	return strings.TrimSpace(string(b))
}

// procCgroup returns the cgroup of pid in the hierarchy whose
// /proc/<pid>/cgroup key is key ("" for cgroup2, "name=systemd", ...).
func procCgroup(t *testing.T, pid int, key string) string {
	t.Helper()
	m, err := cgroups.ParseCgroupFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	return m[key]
}

// trackingKey is the /proc/<pid>/cgroup key of the hierarchy systemd
// tracks units in.
func trackingKey() string {
	if cgroups.IsCgroup2UnifiedMode() {
		return ""
	}
	return "name=systemd"
}

// hasV2Controllers reports whether the cgroup2 root offers all the
// controllers.
func hasV2Controllers(t *testing.T, names ...string) bool {
	t.Helper()
	have := strings.Fields(readFile(t, "/sys/fs/cgroup", "cgroup.controllers"))
	for _, n := range names {
		if !slices.Contains(have, n) {
			return false
		}
	}
	return true
}

// testCgroup is a scope config with a per-test unit name and devices open.
func testCgroup(t *testing.T, parent string) *configs.Cgroup {
	t.Helper()
	name := fmt.Sprintf("t%d-%d", os.Getpid(), time.Now().UnixNano()%1e9)
	return &configs.Cgroup{
		Name:        name,
		ScopePrefix: "libct",
		Parent:      parent,
		Resources: &configs.Resources{
			Devices: []*devices.Rule{{Type: devices.WildcardDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "rwm", Allow: true}},
		},
	}
}

// destroyOnCleanup destroys m when the test ends.
func destroyOnCleanup(t *testing.T, m cgroups.Manager) {
	t.Helper()
	t.Cleanup(func() {
		if err := m.Destroy(); err != nil {
			t.Errorf("cleanup destroy: %v", err)
		}
	})
}

func TestRealSystemdScope(t *testing.T) {
	requireRealSystemd(t)
	if v := connFor(false).systemdVersion(); v == 0 {
		t.Fatal("cannot read the systemd version over D-Bus")
	} else {
		t.Logf("systemd %d, cgroup v2 unified mode: %v, hybrid: %v", v, cgroups.IsCgroup2UnifiedMode(), cgroups.IsCgroup2HybridMode())
	}

	cg := testCgroup(t, "")
	cg.SystemdProps = []systemdDbus.Property{newProp("CPUQuotaPerSecUSec", uint64(500000))}
	m := newManager(t, cg)
	unit := unitName(cg)
	sleeper := startSleeper(t)
	pid := sleeper.Process.Pid
	if err := m.Apply(pid); err != nil {
		t.Fatalf("apply: %v", err)
	}
	destroyOnCleanup(t, m)

	t.Run("the scope unit is active and holds the process", func(t *testing.T) {
		if st := unitProp(t, unit, "", "ActiveState"); st != "active" {
			t.Errorf("ActiveState of %s = %v, want active", unit, st)
		}
		want := "/system.slice/" + unit
		if cgp := unitProp(t, unit, "Scope", "ControlGroup"); cgp != want {
			t.Errorf("ControlGroup of %s = %v, want %s", unit, cgp, want)
		}
		if got := procCgroup(t, pid, trackingKey()); got != want {
			t.Errorf("process cgroup in systemd's hierarchy = %q, want %q", got, want)
		}
		pids, err := m.GetPids()
		if err != nil || !slices.Contains(pids, pid) {
			t.Errorf("GetPids = %v, %v; want it to contain %d", pids, err, pid)
		}
		for name, p := range m.GetPaths() {
			if !strings.HasSuffix(p, want) {
				t.Errorf("path of %q = %s, want it to end in %s", name, p, want)
			}
			procs := readFile(t, p, "cgroup.procs")
			if !slices.Contains(strings.Fields(procs), strconv.Itoa(pid)) {
				t.Errorf("%s/cgroup.procs = %q, want it to contain %d", p, procs, pid)
			}
		}
	})

	t.Run("SystemdProps reach the unit and the cgroup", func(t *testing.T) {
		if q := unitProp(t, unit, "Scope", "CPUQuotaPerSecUSec"); q != uint64(500000) {
			t.Errorf("CPUQuotaPerSecUSec = %v, want 500000", q)
		}
		if cgroups.IsCgroup2UnifiedMode() {
			return // the cpu controller is not in this host's cgroup2 tree
		}
		if got := readFile(t, m.Path("cpu"), "cpu.cfs_quota_us"); got != "50000" {
			t.Errorf("cpu.cfs_quota_us = %s, want 50000 (0.5 CPU of a 100ms period)", got)
		}
	})

	t.Run("Set puts the pids and memory limits in the unit and the cgroup files", func(t *testing.T) {
		r := &configs.Resources{
			PidsLimit: 42,
			Memory:    64 << 20,
			Devices:   cg.Resources.Devices,
		}
		if cgroups.IsCgroup2UnifiedMode() && !hasV2Controllers(t, "pids", "memory") {
			// This host's cgroup2 tree has no pids or memory controller:
			// the limit cannot be applied and Set must say so.
			err := m.Set(r)
			if err == nil || !strings.Contains(err.Error(), "pids") {
				t.Errorf("set of a pids limit without a pids controller = %v, want an error naming pids", err)
			}
			return
		}
		if err := m.Set(r); err != nil {
			t.Fatalf("set: %v", err)
		}
		if tm := unitProp(t, unit, "Scope", "TasksMax"); tm != uint64(42) {
			t.Errorf("TasksMax = %v, want 42", tm)
		}
		if cgroups.IsCgroup2UnifiedMode() {
			if ml := unitProp(t, unit, "Scope", "MemoryMax"); ml != uint64(64<<20) {
				t.Errorf("MemoryMax = %v, want %d", ml, 64<<20)
			}
			return // no pids or memory controller in this host's cgroup2 tree
		}
		if ml := unitProp(t, unit, "Scope", "MemoryLimit"); ml != uint64(64<<20) {
			t.Errorf("MemoryLimit = %v, want %d", ml, 64<<20)
		}
		if got := readFile(t, m.Path("pids"), "pids.max"); got != "42" {
			t.Errorf("pids.max = %s, want 42", got)
		}
		if got := readFile(t, m.Path("memory"), "memory.limit_in_bytes"); got != strconv.Itoa(64<<20) {
			t.Errorf("memory.limit_in_bytes = %s, want %d", got, 64<<20)
		}
	})

	t.Run("Freeze stops the process and thaw resumes it", func(t *testing.T) {
		if err := m.Freeze(configs.Frozen); err != nil {
			t.Fatalf("freeze: %v", err)
		}
		if st, err := m.GetFreezerState(); err != nil || st != configs.Frozen {
			t.Errorf("freezer state after freeze = %v, %v; want FROZEN", st, err)
		}
		if err := m.Freeze(configs.Thawed); err != nil {
			t.Fatalf("thaw: %v", err)
		}
		if st, err := m.GetFreezerState(); err != nil || st != configs.Thawed {
			t.Errorf("freezer state after thaw = %v, %v; want THAWED", st, err)
		}
	})

	t.Run("GetStats counts the process", func(t *testing.T) {
		st, err := m.GetStats()
		if err != nil {
			t.Fatalf("get stats: %v", err)
		}
		if cgroups.IsCgroup2UnifiedMode() {
			return // no pids or memory controller in this host's cgroup2 tree
		}
		if st.PidsStats.Current < 1 || st.PidsStats.Limit != 42 {
			t.Errorf("pids stats = %+v, want current >= 1 and limit 42", st.PidsStats)
		}
		// v1 does not move a process's charges with it, so the usage
		// may be 0; the limit shows the stats come from this cgroup.
		if st.MemoryStats.Usage.Limit != 64<<20 {
			t.Errorf("memory limit in stats = %d, want %d", st.MemoryStats.Usage.Limit, 64<<20)
		}
	})

	t.Run("Destroy removes the unit, its cgroups and its processes", func(t *testing.T) {
		paths := m.GetPaths()
		if err := m.Destroy(); err != nil {
			t.Fatalf("destroy: %v", err)
		}
		if st := unitProp(t, unit, "", "ActiveState"); st != "inactive" {
			t.Errorf("ActiveState of %s after destroy = %v, want inactive", unit, st)
		}
		if ls := unitProp(t, unit, "", "LoadState"); ls != "not-found" {
			t.Errorf("LoadState of %s after destroy = %v, want not-found (the unit is gone)", unit, ls)
		}
		for name, p := range paths {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("cgroup of %q %s still there after destroy (%v)", name, p, err)
			}
		}
		done := make(chan error, 1)
		go func() { done <- sleeper.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("the process in the unit still runs 5s after destroy")
		}
	})
}

func TestRealSystemdSlice(t *testing.T) {
	requireRealSystemd(t)
	base := fmt.Sprintf("libcttest%d", os.Getpid())
	slice := base + "-inner.slice"

	parent := &configs.Cgroup{Name: slice, Resources: &configs.Resources{SkipDevices: true}}
	sm := newManager(t, parent)
	if err := sm.Apply(-1); err != nil {
		t.Fatalf("apply slice %s: %v", slice, err)
	}
	destroyOnCleanup(t, sm)
	// The outer slice is created by systemd as the inner one's parent.
	t.Cleanup(func() {
		if err := stopUnit(connFor(false), base+".slice"); err != nil {
			t.Errorf("stop %s.slice: %v", base, err)
		}
	})

	expanded, err := ExpandSlice(slice)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a Name ending in .slice makes an active slice unit", func(t *testing.T) {
		if st := unitProp(t, slice, "", "ActiveState"); st != "active" {
			t.Errorf("ActiveState of %s = %v, want active", slice, st)
		}
		if got := unitProp(t, slice, "Slice", "ControlGroup"); got != expanded {
			t.Errorf("ControlGroup of %s = %v, want %s (ExpandSlice)", slice, got, expanded)
		}
		for name, p := range sm.GetPaths() {
			if !strings.HasSuffix(p, expanded) {
				t.Errorf("path of %q = %s, want it to end in %s", name, p, expanded)
			}
		}
	})

	t.Run("a scope in the nested slice lives at ExpandSlice's path", func(t *testing.T) {
		cg := testCgroup(t, slice)
		m := newManager(t, cg)
		sleeper := startSleeper(t)
		if err := m.Apply(sleeper.Process.Pid); err != nil {
			t.Fatalf("apply: %v", err)
		}
		destroyOnCleanup(t, m)
		want := expanded + "/" + unitName(cg)
		if got := unitProp(t, unitName(cg), "Scope", "ControlGroup"); got != want {
			t.Errorf("ControlGroup = %v, want %s", got, want)
		}
		if got := procCgroup(t, sleeper.Process.Pid, trackingKey()); got != want {
			t.Errorf("process cgroup in systemd's hierarchy = %q, want %q", got, want)
		}
		if got := unitProp(t, unitName(cg), "Scope", "Slice"); got != slice {
			t.Errorf("Slice of the scope = %v, want %s", got, slice)
		}
	})
}

func TestRealSystemdDevices(t *testing.T) {
	requireRealSystemd(t)
	cg := testCgroup(t, "")
	cg.Resources.Devices = []*devices.Rule{
		{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm", Allow: true},
		{Type: devices.CharDevice, Major: 136, Minor: devices.Wildcard, Permissions: "rw", Allow: true},
	}
	m := newManager(t, cg)
	unit := unitName(cg)
	sleeper := startSleeper(t)
	if err := m.Apply(sleeper.Process.Pid); err != nil {
		t.Fatalf("apply: %v", err)
	}
	destroyOnCleanup(t, m)

	t.Run("the unit has a strict policy with the allowed devices", func(t *testing.T) {
		if p := unitProp(t, unit, "Scope", "DevicePolicy"); p != "strict" {
			t.Errorf("DevicePolicy = %v, want strict", p)
		}
		got := fmt.Sprint(unitProp(t, unit, "Scope", "DeviceAllow"))
		for _, want := range []string{"/dev/char/1:3 rwm", "char-pts rw"} {
			if !strings.Contains(got, want) {
				t.Errorf("DeviceAllow = %s, want it to contain %q", got, want)
			}
		}
	})

	t.Run("systemd alone makes a process in the unit able to open only the allowed devices", func(t *testing.T) {
		if got := deviceAccess(t, m); !slices.Equal(got, []string{"zero-denied", "null-open"}) {
			t.Errorf("device access from the unit after Apply = %q, want /dev/zero denied and /dev/null open", got)
		}
	})

	if err := m.Set(cg.Resources); err != nil {
		t.Fatalf("set: %v", err)
	}

	t.Run("after Set the same devices are open", func(t *testing.T) {
		if got := deviceAccess(t, m); !slices.Equal(got, []string{"zero-denied", "null-open"}) {
			t.Errorf("device access from the unit after Set = %q, want /dev/zero denied and /dev/null open", got)
		}
	})

	t.Run("the v1 devices cgroup lists exactly those devices", func(t *testing.T) {
		if cgroups.IsCgroup2UnifiedMode() {
			t.Skip("cgroup v2 has no devices.list (its rules are a BPF program); the access test above covers it")
		}
		list := strings.Split(readFile(t, m.Path("devices"), "devices.list"), "\n")
		slices.Sort(list)
		want := []string{"c 136:* rw", "c 1:3 rwm"} // sorted
		if !slices.Equal(list, want) {
			t.Errorf("devices.list = %q, want %q", list, want)
		}
	})
}

// deviceAccess runs a shell in m's cgroups that tries /dev/zero (not
// allowed by the tests) and /dev/null (allowed) and returns what it
// reports: "zero-open" or "zero-denied", then "null-open" or
// "null-denied".
func deviceAccess(t *testing.T, m cgroups.Manager) []string {
	t.Helper()
	// The shell waits for a line on stdin until it has been moved into
	// the unit's cgroups.
	cmd := exec.Command("sh", "-c", `read x; `+
		`if head -c1 /dev/zero >/dev/null; then echo zero-open; else echo zero-denied; fi; `+
		`if echo >/dev/null; then echo null-open; else echo null-denied; fi`)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for name, p := range m.GetPaths() {
		if err := cgroups.WriteCgroupProc(p, cmd.Process.Pid); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("move the shell into %q: %v", name, err)
		}
	}
	_, _ = stdin.Write([]byte("go\n"))
	_ = stdin.Close()
	_ = cmd.Wait()
	return strings.Fields(out.String())
}
