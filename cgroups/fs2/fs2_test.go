package fs2

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/internal/testutil"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// newTestManager creates a cgroup v2 manager for a cgroup unique to t on
// this host's cgroup2 mount, creates the cgroup and removes it (checking
// it is gone) at cleanup.
func newTestManager(t *testing.T) cgroups.Manager {
	t.Helper()
	testutil.RequireRoot(t)
	mnt := mountpoint()
	var st unix.Statfs_t
	if err := unix.Statfs(mnt, &st); err != nil || st.Type != unix.CGROUP2_SUPER_MAGIC {
		t.Skipf("skipped: no cgroup2 mount at %s", mnt)
	}
	dir := filepath.Join(mnt, testutil.Name(t))
	m, err := NewManager(&configs.Cgroup{Path: "/" + testutil.Name(t), Resources: &configs.Resources{}}, dir)
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Destroy(); err != nil {
			t.Errorf("Destroy: %v", err)
		}
		if cgroups.PathExists(dir) {
			t.Errorf("Destroy left %s", dir)
			_ = cgroups.RemovePath(dir)
		}
	})
	if err := m.Apply(-1); err != nil {
		t.Fatalf("Apply(-1): %v", err)
	}
	return m
}

var (
	allowAll = &devices.Rule{Type: devices.WildcardDevice, Major: -1, Minor: -1, Permissions: "rwm", Allow: true}
	denyAll  = &devices.Rule{Type: devices.WildcardDevice, Major: -1, Minor: -1, Permissions: "rwm"}
	denyNull = &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm"}
	null     = &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm", Allow: true}
	readNull = &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "r", Allow: true}
	anyChar  = &devices.Rule{Type: devices.CharDevice, Major: -1, Minor: -1, Permissions: "rw", Allow: true}
	zero     = &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 5, Permissions: "rwm", Allow: true}
)

// attachedPrograms counts the device programs attached to dir.
func attachedPrograms(t *testing.T, dir string) int {
	t.Helper()
	fd, err := unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	res, err := link.QueryPrograms(link.QueryOptions{Target: fd, Attach: ebpf.AttachCGroupDevice})
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Programs)
}

func TestTheDeviceFilterMatchesV1SemanticsAndIsReplaced(t *testing.T) {
	m := newTestManager(t)
	tests := []struct {
		name     string
		rules    []*devices.Rule
		openRead bool
		openRW   bool
	}{
		{"a deny rule for null makes opening it fail", []*devices.Rule{allowAll, denyNull}, false, false},
		{"replacing it with allow-all lets it open", []*devices.Rule{allowAll}, true, true},
		{"deny all then allow only zero refuses null", []*devices.Rule{denyAll, zero}, false, false},
		{"deny all then allow null opens it", []*devices.Rule{denyAll, null}, true, true},
		{"read-only null refuses a write open", []*devices.Rule{denyAll, readNull}, true, false},
		{"a wildcard char rule opens null", []*devices.Rule{denyAll, anyChar}, true, true},
		{"no rules at all deny everything", nil, false, false},
		{"a later allow-all reset wins over earlier denies", []*devices.Rule{denyNull, allowAll}, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := m.Set(&configs.Resources{Devices: tc.rules}); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if n := attachedPrograms(t, m.Path("")); n != 1 {
				t.Errorf("%d device programs attached, want exactly 1", n)
			}
			testutil.CheckNullOpens(t, m, tc.openRead, tc.openRW)
		})
	}
}

func TestFreezeStopsAndThawResumesAProcess(t *testing.T) {
	m := newTestManager(t)
	testutil.CheckFreezeAndThaw(t, m)
}

func TestDestroyKillsEverythingWithCgroupKill(t *testing.T) {
	m := newTestManager(t)
	if !cgroups.PathExists(filepath.Join(m.Path(""), "cgroup.kill")) {
		t.Skip("skipped: kernel has no cgroup.kill")
	}
	p := testutil.StartIn(t, m, `sleep 60 & sleep 60 & sleep 60`)
	q := testutil.StartInSub(t, m.Path(""), "sub", "sleep 60")
	if err := m.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	if m.Exists() {
		t.Errorf("cgroup %s exists after Destroy", m.Path(""))
	}
	for _, pr := range []*testutil.Proc{p, q} {
		if st := pr.Wait(t, 5*time.Second); testutil.Signaled(st) != unix.SIGKILL {
			t.Errorf("process %d ended with %v, want SIGKILL", pr.Cmd.Process.Pid, st)
		}
	}
}

func TestStatsMoveWithTheWorkload(t *testing.T) {
	m := newTestManager(t)
	testutil.StartIn(t, m, `while :; do :; done`)
	testutil.Eventually(t, 5*time.Second, "cpu usage and pids in stats", func() bool {
		s, err := m.GetStats()
		return err == nil && s.CpuStats.CpuUsage.TotalUsage > 10_000_000 && s.PidsStats.Current == 1
	})
}

func TestUnifiedKeysAreWrittenOrRejectedClearly(t *testing.T) {
	m := newTestManager(t)
	if err := m.Set(&configs.Resources{Devices: []*devices.Rule{allowAll}, Unified: map[string]string{"cgroup.max.descendants": "7"}}); err != nil {
		t.Fatalf("Set a valid unified key: %v", err)
	}
	if got, _ := cgroups.ReadFile(m.Path(""), "cgroup.max.descendants"); strings.TrimSpace(got) != "7" {
		t.Errorf("cgroup.max.descendants = %q, want 7", got)
	}
	tests := []struct {
		name string
		key  string
		val  string
		want string
	}{
		{"a key with a slash", "../cgroup.procs", "1", "must be a file name (no slashes)"},
		{"a key naming the parent", "..", "1", "is not a valid file name"},
		{"a key without a controller", "nodot", "1", "must be in the form CONTROLLER.PARAMETER"},
		{"a key of an unavailable controller", "nosuchctl.max", "1", `controller "nosuchctl" not available`},
		{"a value the kernel refuses", "cgroup.max.depth", "lots", `unable to set unified resource "cgroup.max.depth"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := m.Set(&configs.Resources{Devices: []*devices.Rule{allowAll}, Unified: map[string]string{tc.key: tc.val}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Set %q=%q: %v, want an error containing %q", tc.key, tc.val, err, tc.want)
			}
		})
	}
}

func TestHugetlbLimitsAreWrittenAndBadSizesRefused(t *testing.T) {
	m := newTestManager(t)
	sizes := cgroups.HugePageSizes()
	if len(sizes) == 0 {
		t.Skip("skipped: host has no huge page sizes")
	}
	if !cgroups.PathExists(filepath.Join(m.Path(""), "hugetlb."+sizes[0]+".max")) {
		t.Skip("skipped: hugetlb controller not enabled on this cgroup2 mount")
	}
	r := &configs.Resources{Devices: []*devices.Rule{allowAll}, HugetlbLimit: []*configs.HugepageLimit{{Pagesize: sizes[0], Limit: 4 << 30}}}
	if err := m.Set(r); err != nil {
		t.Fatalf("Set hugetlb: %v", err)
	}
	r.HugetlbLimit[0].Pagesize = "../../x"
	if err := m.Set(r); err == nil || !strings.Contains(err.Error(), "invalid hugepage size") {
		t.Errorf("Set with page size ../../x: %v, want \"invalid hugepage size\"", err)
	}
	s, err := m.GetStats()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.HugetlbStats[sizes[0]]; !ok {
		t.Errorf("no hugetlb stats for %s: %v", sizes[0], s.HugetlbStats)
	}
}

func TestNewManagerRejectsPathsOutsideCgroup2(t *testing.T) {
	for _, p := range []string{"/tmp/x", "/sys/fs/cgroup/unified/../../../tmp", "relative/path", mountpoint()} {
		t.Run("path "+p, func(t *testing.T) {
			if _, err := NewManager(&configs.Cgroup{Resources: &configs.Resources{}}, p); err == nil {
				t.Errorf("NewManager accepted %q", p)
			}
		})
	}
	if _, err := NewManager(&configs.Cgroup{Path: "/a/../../b"}, ""); err == nil {
		t.Error("NewManager accepted Path /a/../../b")
	}
}

func TestDestroyOfAMissingCgroupIsNil(t *testing.T) {
	testutil.RequireRoot(t)
	m, err := NewManager(&configs.Cgroup{}, filepath.Join(mountpoint(), testutil.Name(t)))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Destroy(); err != nil {
		t.Errorf("Destroy: %v", err)
	}
}
