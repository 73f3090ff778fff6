package fs

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cgdevices "github.com/b7f961b7/libcontainer/cgroups/devices"
	"github.com/b7f961b7/libcontainer/cgroups/internal/testutil"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// TestTheKernelAgreesWithTheEmulator drives a real v1 devices cgroup
// through random rule lists (each Set is a transition from the previous
// state, verified against devices.list) and checks that read, write and
// read-write opens of several devices succeed exactly when the emulator
// says they are allowed.
func TestTheKernelAgreesWithTheEmulator(t *testing.T) {
	m := newTestManager(t, nil)
	names := []struct {
		name         string
		major, minor int64
	}{{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"urandom", 1, 9}}
	out := filepath.Join(t.TempDir(), "result")
	var script strings.Builder
	for _, d := range names {
		for _, redir := range []string{"<", ">", "<>"} {
			fmt.Fprintf(&script, "(exec 3%s/dev/%s) && printf 1 >>%s || printf 0 >>%s; ", redir, d.name, out, out)
		}
	}
	types := []devices.Type{'a', 'b', 'c', 'c', 'c', 'c'}
	nums := []int64{-1, 1, 3, 5, 7}
	perms := []devices.Permissions{"r", "w", "m", "rw", "rm", "wm", "rwm"}
	rnd := rand.New(rand.NewSource(3))
	for i := 0; i < 40; i++ {
		var rules []*devices.Rule
		for j := 1 + rnd.Intn(6); j > 0; j-- {
			rules = append(rules, &devices.Rule{
				Type: types[rnd.Intn(len(types))], Major: nums[rnd.Intn(len(nums))], Minor: nums[rnd.Intn(len(nums))],
				Permissions: perms[rnd.Intn(len(perms))], Allow: rnd.Intn(2) == 0,
			})
		}
		if err := m.Set(&configs.Resources{Devices: rules}); err != nil {
			t.Fatalf("Set %v: %v", rules, err)
		}
		emu, err := cgdevices.FromRules(rules)
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		for _, d := range names {
			for _, p := range []devices.Permissions{"r", "w", "rw"} {
				if emu.Allows(devices.CharDevice, d.major, d.minor, p) {
					want.WriteByte('1')
				} else {
					want.WriteByte('0')
				}
			}
		}
		_ = os.Remove(out)
		testutil.StartIn(t, m, script.String()).Wait(t, 10*time.Second)
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			var desc []string
			for _, r := range rules {
				desc = append(desc, fmt.Sprintf("%v:%s", r.Allow, r.CgroupString()))
			}
			t.Errorf("rules %v: kernel allowed %s, emulator %s", desc, got, want.String())
		}
	}
}
