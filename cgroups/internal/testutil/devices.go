package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/b7f961b7/libcontainer/cgroups"
	cgdevices "github.com/b7f961b7/libcontainer/cgroups/devices"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// CheckNullOpens checks that a process in m can open /dev/null for
// reading exactly when openRead, and for reading and writing exactly when
// openRW.
func CheckNullOpens(t *testing.T, m cgroups.Manager, openRead, openRW bool) {
	t.Helper()
	for _, c := range []struct {
		script string
		want   bool
	}{
		{"exec 3</dev/null", openRead},
		{"exec 3<>/dev/null", openRW},
	} {
		p := StartIn(t, m, c.script)
		if got := p.Wait(t, 5*time.Second).Success(); got != c.want {
			t.Errorf("%q in the cgroup succeeded=%v, want %v", c.script, got, c.want)
		}
	}
}

// Device is a character device /dev/<Name> probed by CheckDeviceRules.
type Device struct {
	Name         string
	Major, Minor int64
}

// CheckDeviceRules sets each rule list of lists on m in turn (each Set is
// a transition from the list before) and checks that opening every device
// of devs for reading, writing, and reading and writing, from a process in
// m, succeeds exactly when the device-rule emulator allows it.
func CheckDeviceRules(t *testing.T, m cgroups.Manager, devs []Device, lists [][]*devices.Rule) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "result")
	var script strings.Builder
	for _, d := range devs {
		for _, redir := range []string{"<", ">", "<>"} {
			fmt.Fprintf(&script, "(exec 3%s/dev/%s) && printf 1 >>%s || printf 0 >>%s; ", redir, d.Name, out, out)
		}
	}
	for _, rules := range lists {
		if err := m.Set(&configs.Resources{Devices: rules}); err != nil {
			t.Fatalf("Set %v: %v", rules, err)
		}
		emu, err := cgdevices.FromRules(rules)
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		for _, d := range devs {
			for _, p := range []devices.Permissions{"r", "w", "rw"} {
				if emu.Allows(devices.CharDevice, d.Major, d.Minor, p) {
					want.WriteByte('1')
				} else {
					want.WriteByte('0')
				}
			}
		}
		_ = os.Remove(out)
		StartIn(t, m, script.String()).Wait(t, 10*time.Second)
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			var desc []string
			for _, r := range rules {
				desc = append(desc, fmt.Sprintf("%v:%s", r.Allow, r.CgroupString()))
			}
			t.Errorf("rules %v: kernel allowed %s, emulator %s (per device r,w,rw: %v)", desc, got, want.String(), devs)
		}
	}
}
