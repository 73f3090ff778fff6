package devicefilter_test

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cilium/ebpf"

	"github.com/b7f961b7/libcontainer/cgroups/ebpf/devicefilter"
	"github.com/b7f961b7/libcontainer/cgroups/fs2"
	"github.com/b7f961b7/libcontainer/cgroups/internal/testutil"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

func TestDeviceFilterRejectsInvalidRules(t *testing.T) {
	_, _, err := devicefilter.DeviceFilter([]*devices.Rule{{Type: 'x', Major: 1, Minor: 1, Permissions: "r", Allow: true}})
	if err == nil || !strings.Contains(err.Error(), "invalid device rule") {
		t.Errorf("DeviceFilter with type x: %v, want \"invalid device rule\"", err)
	}
}

func TestTheGeneratedProgramPassesTheVerifier(t *testing.T) {
	testutil.RequireRoot(t)
	tests := []struct {
		name  string
		rules []*devices.Rule
	}{
		{"no rules", nil},
		{"allow all", []*devices.Rule{{Type: 'a', Major: -1, Minor: -1, Permissions: "rwm", Allow: true}}},
		{"a typical container list", []*devices.Rule{
			{Type: 'a', Major: -1, Minor: -1, Permissions: "rwm"},
			{Type: 'c', Major: 1, Minor: 3, Permissions: "rwm", Allow: true},
			{Type: 'c', Major: 136, Minor: -1, Permissions: "rwm", Allow: true},
			{Type: 'c', Major: -1, Minor: -1, Permissions: "m", Allow: true},
			{Type: 'b', Major: -1, Minor: -1, Permissions: "m", Allow: true},
			{Type: 'c', Major: 4294967295, Minor: 4294967295, Permissions: "r", Allow: true},
		}},
		{"a blacklist", []*devices.Rule{
			{Type: 'a', Major: -1, Minor: -1, Permissions: "rwm", Allow: true},
			{Type: 'b', Major: 8, Minor: 0, Permissions: "w"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			insts, license, err := devicefilter.DeviceFilter(tc.rules)
			if err != nil {
				t.Fatal(err)
			}
			prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.CGroupDevice, Instructions: insts, License: license})
			if err != nil {
				t.Fatalf("load: %v\n%v", err, insts)
			}
			prog.Close()
		})
	}
}

// testDevices are the character devices probed by the kernel comparison.
var testDevices = []testutil.Device{
	{Name: "null", Major: 1, Minor: 3},
	{Name: "zero", Major: 1, Minor: 5},
	{Name: "full", Major: 1, Minor: 7},
	{Name: "random", Major: 1, Minor: 8},
	{Name: "urandom", Major: 1, Minor: 9},
}

func randomRules(r *rand.Rand) []*devices.Rule {
	types := []devices.Type{'a', 'b', 'c', 'c', 'c', 'c'}
	majors := []int64{-1, 1, 1, 5}
	minors := []int64{-1, 3, 5, 7, 8, 9}
	perms := []devices.Permissions{"r", "w", "m", "rw", "rm", "wm", "rwm"}
	var rules []*devices.Rule
	for i := 1 + r.Intn(6); i > 0; i-- {
		rules = append(rules, &devices.Rule{
			Type:        types[r.Intn(len(types))],
			Major:       majors[r.Intn(len(majors))],
			Minor:       minors[r.Intn(len(minors))],
			Permissions: perms[r.Intn(len(perms))],
			Allow:       r.Intn(2) == 0,
		})
	}
	return rules
}

// TestTheKernelDecidesAsTheV1Emulator attaches the program for random rule
// lists to a real cgroup2 directory and checks that read, write and
// read-write opens of several devices succeed exactly when the v1
// semantics (the emulator) allow them.
func TestTheKernelDecidesAsTheV1Emulator(t *testing.T) {
	testutil.RequireRoot(t)
	dir := filepath.Join("/sys/fs/cgroup/unified", testutil.Name(t))
	if _, err := os.Stat("/sys/fs/cgroup/unified/cgroup.procs"); err != nil {
		dir = filepath.Join("/sys/fs/cgroup", testutil.Name(t))
	}
	m, err := fs2.NewManager(&configs.Cgroup{Resources: &configs.Resources{}}, dir)
	if err != nil {
		t.Skipf("skipped: no cgroup2 hierarchy: %v", err)
	}
	if err := m.Apply(-1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Destroy(); err != nil {
			t.Error(err)
		}
	})
	rnd := rand.New(rand.NewSource(7))
	lists := make([][]*devices.Rule, 40)
	for i := range lists {
		lists[i] = randomRules(rnd)
	}
	testutil.CheckDeviceRules(t, m, testDevices, lists)
}
