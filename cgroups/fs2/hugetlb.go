package fs2

import (
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/configs"
)

// setHugeTlb writes hugetlb.<size>.max and, where the kernel has it,
// hugetlb.<size>.rsvd.max for every limit of r.
func setHugeTlb(dir string, r *configs.Resources) error {
	return cgfile.WriteHugetlbLimits(dir, r.HugetlbLimit, cgfile.HugetlbLimitV2)
}

// statHugeTlb fills stats.HugetlbStats for every page size (usage from
// the reservation counter when present, failcnt from the "max" events).
func statHugeTlb(dir string, stats *cgroups.Stats) error {
	return cgfile.ReadHugetlbV2(dir, stats, true)
}
