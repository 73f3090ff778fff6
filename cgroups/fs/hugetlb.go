package fs

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/configs"
)

// HugetlbGroup is the v1 hugetlb controller. Limits apply to both the
// fault and (where the kernel has it) the reservation counters.
type HugetlbGroup struct{}

// Name returns "hugetlb".
func (s *HugetlbGroup) Name() string { return "hugetlb" }

// Apply creates path and moves pid into it.
func (s *HugetlbGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// Set writes every hugetlb limit of r.
func (s *HugetlbGroup) Set(path string, r *configs.Resources) error {
	return cgfile.WriteHugetlbLimits(path, r.HugetlbLimit, cgfile.HugetlbLimitV1)
}

// GetStats fills stats.HugetlbStats for every host page size, preferring
// the reservation counters when the kernel has them.
func (s *HugetlbGroup) GetStats(path string, stats *cgroups.Stats) error {
	for _, size := range cgroups.HugePageSizes() {
		prefix := "hugetlb." + size + "."
		if cgroups.PathExists(path + "/" + prefix + "rsvd.usage_in_bytes") {
			prefix += "rsvd."
		}
		var hs cgroups.HugetlbStats
		var err error
		if hs.Usage, err = fscommon.GetCgroupParamUint(path, prefix+"usage_in_bytes"); err != nil {
			return err
		}
		if hs.MaxUsage, err = fscommon.GetCgroupParamUint(path, prefix+"max_usage_in_bytes"); err != nil {
			return err
		}
		if hs.Failcnt, err = fscommon.GetCgroupParamUint(path, prefix+"failcnt"); err != nil {
			return err
		}
		stats.HugetlbStats[size] = hs
	}
	return nil
}

// setHugetlbUnified writes r's hugetlb limits into the cgroup2 directory
// dir of a hybrid host (hugetlb.<size>.max, and .rsvd.max when present).
func setHugetlbUnified(dir string, r *configs.Resources) error {
	err := cgfile.WriteHugetlbLimits(dir, r.HugetlbLimit, cgfile.HugetlbLimitV2)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot set hugetlb limit: no hugetlb controller in v1 nor in %s: %w", dir, err)
	}
	return err
}

// statHugetlbUnified fills stats.HugetlbStats from the cgroup2 directory
// dir of a hybrid host (fault counters only); nothing when hugetlb is not
// enabled there.
func statHugetlbUnified(dir string, stats *cgroups.Stats) error {
	return cgfile.ReadHugetlbV2(dir, stats, false)
}
