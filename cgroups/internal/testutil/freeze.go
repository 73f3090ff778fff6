package testutil

import (
	"testing"
	"time"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// CheckFreezeAndThaw runs a busy loop in m and checks that Freeze stops it
// (no CPU time used while frozen, GetFreezerState FROZEN) and that a thaw
// lets it run again (GetFreezerState THAWED, CPU time grows).
func CheckFreezeAndThaw(t *testing.T, m cgroups.Manager) {
	t.Helper()
	p := StartIn(t, m, `while :; do :; done`)
	pid := p.Cmd.Process.Pid
	if err := m.Freeze(configs.Frozen); err != nil {
		t.Fatalf("Freeze: %v", err)
	}
	if st, err := m.GetFreezerState(); err != nil || st != configs.Frozen {
		t.Fatalf("GetFreezerState = %q, %v; want FROZEN", st, err)
	}
	t0 := CPUTime(pid)
	time.Sleep(300 * time.Millisecond)
	if t1 := CPUTime(pid); t1 != t0 {
		t.Errorf("frozen process used CPU: %d -> %d ticks", t0, t1)
	}
	if err := m.Freeze(configs.Thawed); err != nil {
		t.Fatalf("Thaw: %v", err)
	}
	if st, err := m.GetFreezerState(); err != nil || st != configs.Thawed {
		t.Fatalf("GetFreezerState = %q, %v; want THAWED", st, err)
	}
	Eventually(t, 5*time.Second, "the thawed process to use CPU again", func() bool {
		return CPUTime(pid) > t0
	})
}
