package fs

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	cgpath "github.com/b7f961b7/libcontainer/cgroups/internal/path"
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
	for _, hl := range r.HugetlbLimit {
		if hl == nil {
			continue
		}
		if err := cgpath.CheckHugePageSize(hl.Pagesize); err != nil {
			return err
		}
		val := strconv.FormatUint(hl.Limit, 10)
		if err := cgroups.WriteFile(path, "hugetlb."+hl.Pagesize+".limit_in_bytes", val); err != nil {
			return err
		}
		err := cgroups.WriteFile(path, "hugetlb."+hl.Pagesize+".rsvd.limit_in_bytes", val)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
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
	for _, hl := range r.HugetlbLimit {
		if hl == nil {
			continue
		}
		if err := cgpath.CheckHugePageSize(hl.Pagesize); err != nil {
			return err
		}
		val := strconv.FormatUint(hl.Limit, 10)
		if err := cgroups.WriteFile(dir, "hugetlb."+hl.Pagesize+".max", val); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("cannot set hugetlb limit: no hugetlb controller in v1 nor in %s: %w", dir, err)
			}
			return err
		}
		err := cgroups.WriteFile(dir, "hugetlb."+hl.Pagesize+".rsvd.max", val)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// statHugetlbUnified fills stats.HugetlbStats from the cgroup2 directory
// dir of a hybrid host; nothing when hugetlb is not enabled there.
func statHugetlbUnified(dir string, stats *cgroups.Stats) error {
	for _, size := range cgroups.HugePageSizes() {
		prefix := "hugetlb." + size
		usage, err := fscommon.GetCgroupParamUint(dir, prefix+".current")
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		failcnt, err := fscommon.GetValueByKey(dir, prefix+".events", "max")
		if err != nil {
			return err
		}
		stats.HugetlbStats[size] = cgroups.HugetlbStats{Usage: usage, Failcnt: failcnt}
	}
	return nil
}
