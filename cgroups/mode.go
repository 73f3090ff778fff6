package cgroups

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups/internal/userns"
)

// hybridMountpoint is where a hybrid host mounts its cgroup2 hierarchy.
const hybridMountpoint = "/sys/fs/cgroup/unified"

var (
	unifiedOnce sync.Once
	unified     bool
	hybridOnce  sync.Once
	hybrid      bool
)

// IsCgroup2UnifiedMode reports whether /sys/fs/cgroup is a cgroup2 mount
// (pure v2 host). The answer is cached. It panics when /sys/fs/cgroup
// cannot be statfs'd, except for ENOENT inside a user namespace.
func IsCgroup2UnifiedMode() bool {
	unifiedOnce.Do(func() {
		var st unix.Statfs_t
		err := unix.Statfs(cgroupfsDir, &st)
		if err != nil {
			if errors.Is(err, unix.ENOENT) && userns.RunningInUserNS() {
				return
			}
			panic(fmt.Sprintf("cannot statfs cgroup root %s: %v", cgroupfsDir, err))
		}
		unified = st.Type == unix.CGROUP2_SUPER_MAGIC
	})
	return unified
}

// IsCgroup2HybridMode reports whether /sys/fs/cgroup/unified is a cgroup2
// mount next to v1 hierarchies (hybrid host). The answer is cached.
func IsCgroup2HybridMode() bool {
	hybridOnce.Do(func() {
		var st unix.Statfs_t
		if err := unix.Statfs(hybridMountpoint, &st); err != nil {
			return
		}
		hybrid = st.Type == unix.CGROUP2_SUPER_MAGIC
	})
	return hybrid
}
