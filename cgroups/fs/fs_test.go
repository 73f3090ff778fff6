package fs

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/cgroups/internal/testutil"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// newTestManager creates a v1 manager for a cgroup unique to t (relative to
// our own cgroups), creates it, and at cleanup destroys it and checks no
// directory is left in any hierarchy.
func newTestManager(t *testing.T, r *configs.Resources) cgroups.Manager {
	t.Helper()
	testutil.RequireRoot(t)
	if r == nil {
		r = &configs.Resources{}
	}
	m, err := NewManager(&configs.Cgroup{Path: testutil.Name(t), Resources: r}, nil)
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	paths := m.GetPaths()
	t.Cleanup(func() {
		if err := m.Destroy(); err != nil {
			t.Errorf("Destroy: %v", err)
		}
		for name, p := range paths {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("Destroy left %s cgroup %s (stat: %v)", name, p, err)
				_ = cgroups.RemovePath(p)
			}
		}
	})
	if err := m.Apply(-1); err != nil {
		t.Fatalf("Apply(-1): %v", err)
	}
	return m
}

// allowAllDevices keeps device access open in tests about other
// controllers (an empty rule list means deny-all, as in runc).
var allowAllDevices = []*devices.Rule{{Type: devices.WildcardDevice, Major: -1, Minor: -1, Permissions: "rwm", Allow: true}}

// set calls m.Set with r, allowing all devices unless r has rules.
func set(m cgroups.Manager, r configs.Resources) error {
	if r.Devices == nil {
		r.Devices = allowAllDevices
	}
	return m.Set(&r)
}

func readInt(t *testing.T, dir, file string) int64 {
	t.Helper()
	s, err := fscommon.GetCgroupParamString(dir, file)
	if err != nil {
		t.Fatal(err)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("parse %s/%s %q: %v", dir, file, s, err)
	}
	return v
}

const allocate64M = `x=$(head -c 64M /dev/zero | tr '\0' a); echo survived`

func TestMemoryLimitIsEnforced(t *testing.T) {
	m := newTestManager(t, nil)
	if err := set(m, configs.Resources{Memory: 16 << 20, MemorySwap: 16 << 20}); err != nil {
		t.Fatalf("Set: %v", err)
	}
	p := testutil.StartIn(t, m, allocate64M)
	st := p.Wait(t, 20*time.Second)
	if sig := testutil.Signaled(st); sig != syscall.SIGKILL {
		t.Fatalf("process allocating 64 MiB under a 16 MiB limit ended with %v, want SIGKILL by the OOM killer", st)
	}
	n, err := m.OOMKillCount()
	if err != nil {
		t.Fatalf("OOMKillCount: %v", err)
	}
	if n == 0 {
		t.Errorf("OOMKillCount = 0 after an OOM kill")
	}
	stats, err := m.GetStats()
	if err != nil {
		t.Fatal(err)
	}
	ms := stats.MemoryStats
	if ms.Usage.Limit != 16<<20 || ms.Usage.MaxUsage != 16<<20 {
		t.Errorf("memory stats: limit %d peak %d, want both %d", ms.Usage.Limit, ms.Usage.MaxUsage, 16<<20)
	}
}

func TestSetRaisesTheMemoryLimitLive(t *testing.T) {
	m := newTestManager(t, nil)
	if err := set(m, configs.Resources{Memory: 16 << 20, MemorySwap: 16 << 20}); err != nil {
		t.Fatalf("Set 16M: %v", err)
	}
	p := testutil.Start(t, allocate64M)
	if err := m.Apply(p.Cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	// Raise (memory+swap first) while the process sits in the cgroup.
	if err := set(m, configs.Resources{Memory: 256 << 20, MemorySwap: 256 << 20}); err != nil {
		t.Fatalf("Set 256M: %v", err)
	}
	if got := readInt(t, m.Path("memory"), "memory.limit_in_bytes"); got != 256<<20 {
		t.Fatalf("memory.limit_in_bytes = %d, want %d", got, 256<<20)
	}
	p.Release(t)
	if st := p.Wait(t, 20*time.Second); !st.Success() {
		t.Fatalf("process allocating 64 MiB under the raised 256 MiB limit: %v", st)
	}
	// Lowering back works too (memory first, then memory+swap).
	if err := set(m, configs.Resources{Memory: 32 << 20, MemorySwap: 32 << 20}); err != nil {
		t.Fatalf("Set 32M: %v", err)
	}
	if got := readInt(t, m.Path("memory"), "memory.memsw.limit_in_bytes"); got != 32<<20 {
		t.Errorf("memory.memsw.limit_in_bytes = %d, want %d", got, 32<<20)
	}
}

func TestPidsMaxBoundsAForkLoop(t *testing.T) {
	m := newTestManager(t, &configs.Resources{})
	if err := set(m, configs.Resources{PidsLimit: 5}); err != nil {
		t.Fatal(err)
	}
	p := testutil.StartIn(t, m, `i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); done 2>/dev/null; sleep 30`)
	testutil.Eventually(t, 5*time.Second, "the pids controller to refuse a fork", func() bool {
		v, err := fscommon.GetValueByKey(m.Path("pids"), "pids.events", "max")
		return err == nil && v > 0
	})
	stats, err := m.GetStats()
	if err != nil {
		t.Fatal(err)
	}
	if stats.PidsStats.Current > 5 || stats.PidsStats.Limit != 5 {
		t.Errorf("pids stats %+v, want current <= 5 and limit 5", stats.PidsStats)
	}
	_ = p
}

func TestCpuQuotaThrottles(t *testing.T) {
	m := newTestManager(t, nil)
	if err := set(m, configs.Resources{CpuQuota: 10000, CpuPeriod: 100000, CpuShares: 512}); err != nil {
		t.Fatal(err)
	}
	testutil.StartIn(t, m, `while :; do :; done`)
	testutil.Eventually(t, 5*time.Second, "throttled periods in cpu stats", func() bool {
		s, err := m.GetStats()
		return err == nil && s.CpuStats.ThrottlingData.ThrottledPeriods > 0
	})
	s, err := m.GetStats()
	if err != nil {
		t.Fatal(err)
	}
	if s.CpuStats.CpuUsage.TotalUsage == 0 || len(s.CpuStats.CpuUsage.PercpuUsage) == 0 {
		t.Errorf("cpuacct stats did not move: %+v", s.CpuStats.CpuUsage)
	}
	if got := readInt(t, m.Path("cpu"), "cpu.shares"); got != 512 {
		t.Errorf("cpu.shares = %d, want 512", got)
	}
}

func TestStatsMoveWithTheWorkload(t *testing.T) {
	m := newTestManager(t, nil)
	before, err := m.GetStats()
	if err != nil {
		t.Fatal(err)
	}
	testutil.StartIn(t, m, `x=$(head -c 8M /dev/zero | tr '\0' a); i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 30`)
	testutil.Eventually(t, 10*time.Second, "memory and cpu usage to grow", func() bool {
		s, err := m.GetStats()
		return err == nil && s.MemoryStats.Usage.MaxUsage >= 8<<20 &&
			s.CpuStats.CpuUsage.TotalUsage > before.CpuStats.CpuUsage.TotalUsage+10_000_000 &&
			s.PidsStats.Current >= 1
	})
}

func TestDevicesDeniedByRulesCannotBeOpened(t *testing.T) {
	null := &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm", Allow: true}
	denyAll := &devices.Rule{Type: devices.WildcardDevice, Major: -1, Minor: -1, Permissions: "rwm"}
	allowAll := &devices.Rule{Type: devices.WildcardDevice, Major: -1, Minor: -1, Permissions: "rwm", Allow: true}
	zero := &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 5, Permissions: "rwm", Allow: true}
	denyNull := &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm"}
	readNull := &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "r", Allow: true}
	tests := []struct {
		name     string
		rules    []*devices.Rule
		openRead bool
		openRW   bool
	}{
		{"deny all then allow null opens null", []*devices.Rule{denyAll, null}, true, true},
		{"deny all then allow only zero refuses null", []*devices.Rule{denyAll, zero}, false, false},
		{"read-only null refuses a write open", []*devices.Rule{denyAll, readNull}, true, false},
		{"allow all with null denied refuses null", []*devices.Rule{allowAll, denyNull}, false, false},
		{"allow all opens null", []*devices.Rule{allowAll}, true, true},
	}
	m := newTestManager(t, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := set(m, configs.Resources{Devices: tc.rules}); err != nil {
				t.Fatalf("Set devices: %v", err)
			}
			testutil.CheckNullOpens(t, m, tc.openRead, tc.openRW)
		})
	}
}

func TestDevicesTransitionNeverAllowsEverything(t *testing.T) {
	m := newTestManager(t, nil)
	denyAll := &devices.Rule{Type: devices.WildcardDevice, Major: -1, Minor: -1, Permissions: "rwm"}
	null := &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm", Allow: true}
	zero := &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 5, Permissions: "rwm", Allow: true}
	if err := set(m, configs.Resources{Devices: []*devices.Rule{denyAll, null}}); err != nil {
		t.Fatal(err)
	}
	if err := set(m, configs.Resources{Devices: []*devices.Rule{denyAll, null, zero}}); err != nil {
		t.Fatal(err)
	}
	list, err := cgroups.ReadFile(m.Path("devices"), "devices.list")
	if err != nil {
		t.Fatal(err)
	}
	want := "c 1:3 rwm\nc 1:5 rwm\n"
	if list != want {
		t.Errorf("devices.list = %q, want %q", list, want)
	}
}

func TestFreezeStopsAndThawResumesAProcess(t *testing.T) {
	m := newTestManager(t, nil)
	testutil.CheckFreezeAndThaw(t, m)
}

func TestDestroyKillsLingeringProcessesAndRemovesEveryCgroup(t *testing.T) {
	testutil.RequireRoot(t)
	m, err := NewManager(&configs.Cgroup{Path: testutil.Name(t), Resources: &configs.Resources{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	paths := m.GetPaths()
	p := testutil.StartIn(t, m, `sleep 60 & sleep 60 & sleep 60`)
	// A sub-cgroup made inside the container.
	sub := filepath.Join(paths["memory"], "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := m.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	for name, path := range paths {
		if cgroups.PathExists(path) {
			t.Errorf("%s cgroup %s still exists after Destroy", name, path)
		}
	}
	p.Wait(t, 5*time.Second)
	if err := m.Destroy(); err != nil {
		t.Errorf("second Destroy: %v", err)
	}
}

func TestDestroyOfAMissingCgroupIsNil(t *testing.T) {
	testutil.RequireRoot(t)
	m, err := NewManager(&configs.Cgroup{Path: testutil.Name(t), Resources: &configs.Resources{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Destroy(); err != nil {
		t.Errorf("Destroy of a never-created cgroup: %v", err)
	}
}

func TestHybridHostAlsoJoinsTheUnifiedHierarchy(t *testing.T) {
	if !cgroups.IsCgroup2HybridMode() {
		t.Skip("skipped: host is not in hybrid cgroup mode")
	}
	m := newTestManager(t, nil)
	p := testutil.StartIn(t, m, `sleep 30`)
	up := m.GetPaths()[""]
	if !strings.HasPrefix(up, "/sys/fs/cgroup/unified/") {
		t.Fatalf(`GetPaths()[""] = %q, want a path below /sys/fs/cgroup/unified`, up)
	}
	pids, err := cgroups.GetPids(up)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pids, p.Cmd.Process.Pid) {
		t.Errorf("pid %d not in %s (pids %v)", p.Cmd.Process.Pid, up, pids)
	}
	for _, sub := range []string{"name=systemd", "devices", "freezer"} {
		pids, err := cgroups.GetPids(m.Path(sub))
		if err != nil || !slices.Contains(pids, p.Cmd.Process.Pid) {
			t.Errorf("pid %d not in the %s cgroup (%v, %v)", p.Cmd.Process.Pid, sub, pids, err)
		}
	}
}

func TestCpusetIsInheritedFromTheParentWhenEmpty(t *testing.T) {
	m := newTestManager(t, nil)
	dir := m.Path("cpuset")
	for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
		got, err := fscommon.GetCgroupParamString(dir, f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fscommon.GetCgroupParamString(filepath.Dir(dir), f)
		if err != nil {
			t.Fatal(err)
		}
		if got != want || got == "" {
			t.Errorf("%s = %q, want the parent's %q", f, got, want)
		}
	}
	if err := set(m, configs.Resources{CpusetCpus: "0"}); err != nil {
		t.Fatal(err)
	}
	s, err := m.GetStats()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.CPUSetStats.CPUs, []uint16{0}) {
		t.Errorf("cpuset stats CPUs = %v, want [0]", s.CPUSetStats.CPUs)
	}
}

func TestBadInputGetsAClearError(t *testing.T) {
	testutil.RequireRoot(t)
	swappiness := uint64(200)
	m := newTestManager(t, nil)
	p := testutil.StartIn(t, m, `x=$(head -c 4M /dev/zero | tr '\0' a); sleep 30`)
	testutil.Eventually(t, 5*time.Second, "memory usage above 1 MiB", func() bool {
		s, err := m.GetStats()
		return err == nil && s.MemoryStats.Usage.Usage > 1<<20
	})
	_ = p
	tests := []struct {
		name string
		r    configs.Resources
		want []string
	}{
		{"a memory limit below current usage", configs.Resources{Memory: 4096}, []string{"unable to set memory limit to 4096", "current usage"}},
		{"cpu shares below the kernel minimum", configs.Resources{CpuShares: 1}, []string{"the minimum allowed cpu-shares is 2"}},
		{"a cpuset the host does not have", configs.Resources{CpusetCpus: "999"}, []string{"cpuset.cpus", `"999"`}},
		{"a cfs quota below the kernel minimum", configs.Resources{CpuQuota: 500}, []string{"cpu.cfs_quota_us", `"500"`}},
		{"swappiness above 100", configs.Resources{MemorySwappiness: &swappiness}, []string{"swappiness 200"}},
		{"a hugetlb page size that climbs out", configs.Resources{HugetlbLimit: []*configs.HugepageLimit{{Pagesize: "../../../../tmp/x", Limit: 1}}}, []string{"invalid hugepage size", "../../../../tmp/x"}},
		{"an invalid freezer state", configs.Resources{Freezer: "MELTED"}, []string{"invalid freezer state", "MELTED"}},
		{"a unified map on v1", configs.Resources{Unified: map[string]string{"memory.high": "1"}}, []string{"cannot use unified on cgroup v1"}},
		{"an invalid device type", configs.Resources{Devices: []*devices.Rule{{Type: 'x', Major: 1, Minor: 1, Permissions: "r"}}}, []string{"invalid device rule", "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := set(m, tc.r)
			if err == nil {
				t.Fatalf("Set succeeded, want an error mentioning %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestAControllerMissingOnTheHostIsReported(t *testing.T) {
	testutil.RequireRoot(t)
	m := newTestManager(t, nil)
	if m.Path("net_cls") != "" {
		t.Skip("skipped: this host mounts the v1 net_cls controller")
	}
	err := set(m, configs.Resources{NetClsClassid: 0x100001})
	if err == nil || !strings.Contains(err.Error(), "cannot set net_cls limit") {
		t.Errorf("Set net_cls without the controller: %v, want \"cannot set net_cls limit\"", err)
	}
}

func TestConfigPathsCannotLeaveTheHierarchy(t *testing.T) {
	tests := []struct {
		name string
		cg   configs.Cgroup
	}{
		{"a Path climbing out", configs.Cgroup{Path: "/a/../../b"}},
		{"a relative Path climbing out", configs.Cgroup{Path: "../x"}},
		{"a Parent climbing out", configs.Cgroup{Parent: "..", Name: "x"}},
		{"a Name climbing out", configs.Cgroup{Parent: "p", Name: "../../x"}},
		{"the hierarchy root as Path", configs.Cgroup{Path: "/"}},
		{"no path at all", configs.Cgroup{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cg.Resources = &configs.Resources{}
			if m, err := NewManager(&tc.cg, nil); err == nil {
				t.Errorf("NewManager accepted %+v with paths %v", tc.cg, m.GetPaths())
			}
		})
	}
}

func TestNewManagerRejectsMissingResourcesAndUnified(t *testing.T) {
	if _, err := NewManager(&configs.Cgroup{Path: "/x"}, nil); err == nil {
		t.Error("NewManager accepted nil Resources")
	}
	_, err := NewManager(&configs.Cgroup{Path: "/x", Resources: &configs.Resources{Unified: map[string]string{}}}, nil)
	if !errors.Is(err, cgroups.ErrV1NoUnified) {
		t.Errorf("NewManager with Unified: %v, want ErrV1NoUnified", err)
	}
}

func TestGetAllPidsSeesSubCgroups(t *testing.T) {
	m := newTestManager(t, nil)
	p := testutil.StartInSub(t, m.Path("devices"), "inner", "sleep 30")
	all, err := m.GetAllPids()
	if err != nil {
		t.Fatal(err)
	}
	direct, err := m.GetPids()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(all, p.Cmd.Process.Pid) || slices.Contains(direct, p.Cmd.Process.Pid) {
		t.Errorf("GetAllPids %v / GetPids %v: want pid %d only in the first", all, direct, p.Cmd.Process.Pid)
	}
}

func TestHugetlbLimitsGoToV1OrTheHybridCgroup2Side(t *testing.T) {
	m := newTestManager(t, nil)
	sizes := cgroups.HugePageSizes()
	if len(sizes) == 0 {
		t.Skip("skipped: host has no huge page sizes")
	}
	if err := set(m, configs.Resources{HugetlbLimit: []*configs.HugepageLimit{{Pagesize: sizes[0], Limit: 2 << 30}}}); err != nil {
		t.Fatalf("Set hugetlb %s: %v", sizes[0], err)
	}
	dir, file := m.Path("hugetlb"), "hugetlb."+sizes[0]+".limit_in_bytes"
	if dir == "" {
		dir, file = m.Path(""), "hugetlb."+sizes[0]+".max"
	}
	if got := readInt(t, dir, file); got != 2<<30 {
		t.Errorf("%s/%s = %d, want %d", dir, file, got, 2<<30)
	}
	s, err := m.GetStats()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.HugetlbStats[sizes[0]]; !ok {
		t.Errorf("no hugetlb stats for %s: %v", sizes[0], s.HugetlbStats)
	}
}
