package fs2

import (
	"errors"
	"io/fs"
	"strconv"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	cgpath "github.com/b7f961b7/libcontainer/cgroups/internal/path"
	"github.com/b7f961b7/libcontainer/configs"
)

// setHugeTlb writes hugetlb.<size>.max and, where the kernel has it,
// hugetlb.<size>.rsvd.max for every limit of r.
func setHugeTlb(dir string, r *configs.Resources) error {
	for _, hl := range r.HugetlbLimit {
		if hl == nil {
			continue
		}
		if err := cgpath.CheckHugePageSize(hl.Pagesize); err != nil {
			return err
		}
		val := strconv.FormatUint(hl.Limit, 10)
		if err := cgroups.WriteFile(dir, "hugetlb."+hl.Pagesize+".max", val); err != nil {
			return err
		}
		err := cgroups.WriteFile(dir, "hugetlb."+hl.Pagesize+".rsvd.max", val)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// statHugeTlb fills stats.HugetlbStats for every page size (usage from
// the reservation counter when present, failcnt from the "max" events).
func statHugeTlb(dir string, stats *cgroups.Stats) error {
	for _, size := range cgroups.HugePageSizes() {
		prefix := "hugetlb." + size
		cur := prefix + ".current"
		if cgroups.PathExists(dir + "/" + prefix + ".rsvd.current") {
			cur = prefix + ".rsvd.current"
		}
		usage, err := fscommon.GetCgroupParamUint(dir, cur)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // controller not enabled here
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
