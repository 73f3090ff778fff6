package fs

import (
	"math/rand"
	"testing"

	"github.com/b7f961b7/libcontainer/cgroups/internal/testutil"
	"github.com/b7f961b7/libcontainer/devices"
)

// TestTheKernelAgreesWithTheEmulator drives a real v1 devices cgroup
// through random rule lists (each Set is a transition from the previous
// state, verified against devices.list) and checks that read, write and
// read-write opens of several devices succeed exactly when the emulator
// says they are allowed.
func TestTheKernelAgreesWithTheEmulator(t *testing.T) {
	m := newTestManager(t, nil)
	devs := []testutil.Device{
		{Name: "null", Major: 1, Minor: 3},
		{Name: "zero", Major: 1, Minor: 5},
		{Name: "full", Major: 1, Minor: 7},
		{Name: "urandom", Major: 1, Minor: 9},
	}
	types := []devices.Type{'a', 'b', 'c', 'c', 'c', 'c'}
	nums := []int64{-1, 1, 3, 5, 7}
	perms := []devices.Permissions{"r", "w", "m", "rw", "rm", "wm", "rwm"}
	rnd := rand.New(rand.NewSource(3))
	lists := make([][]*devices.Rule, 40)
	for i := range lists {
		for j := 1 + rnd.Intn(6); j > 0; j-- {
			lists[i] = append(lists[i], &devices.Rule{
				Type: types[rnd.Intn(len(types))], Major: nums[rnd.Intn(len(nums))], Minor: nums[rnd.Intn(len(nums))],
				Permissions: perms[rnd.Intn(len(perms))], Allow: rnd.Intn(2) == 0,
			})
		}
	}
	testutil.CheckDeviceRules(t, m, devs, lists)
}
