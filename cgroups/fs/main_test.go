package fs

import (
	"fmt"
	"os"
	"testing"

	"github.com/b7f961b7/libcontainer/cgroups"
)

// TestMain skips the whole package on a host without cgroup v1: the v1
// driver has nothing to drive there.
func TestMain(m *testing.M) {
	if cgroups.IsCgroup2UnifiedMode() {
		fmt.Println("skipped: cgroup v1 driver tests need v1 hierarchies; this host is cgroup2-only")
		os.Exit(0)
	}
	os.Exit(m.Run())
}
