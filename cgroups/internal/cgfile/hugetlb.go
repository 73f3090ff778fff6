package cgfile

import (
	"errors"
	"io/fs"
	"strconv"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	cgpath "github.com/b7f961b7/libcontainer/cgroups/internal/path"
	"github.com/b7f961b7/libcontainer/configs"
)

// Hugetlb limit file suffixes: hugetlb.<size>.<suffix> holds the limit.
const (
	HugetlbLimitV1 = "limit_in_bytes"
	HugetlbLimitV2 = "max"
)

// WriteHugetlbLimits writes every limit of limits to
// hugetlb.<size>.<suffix> in dir and, where the kernel has it, to the
// reservation counter hugetlb.<size>.rsvd.<suffix>. Nil entries are
// skipped; a page size the host does not have is refused before anything
// is written for it. The error of writing the main file is returned as it
// is (so a missing hugetlb controller satisfies
// errors.Is(err, fs.ErrNotExist)); a missing reservation file is fine.
func WriteHugetlbLimits(dir string, limits []*configs.HugepageLimit, suffix string) error {
	for _, hl := range limits {
		if hl == nil {
			continue
		}
		if err := cgpath.CheckHugePageSize(hl.Pagesize); err != nil {
			return err
		}
		val := strconv.FormatUint(hl.Limit, 10)
		if err := cgroups.WriteFile(dir, "hugetlb."+hl.Pagesize+"."+suffix, val); err != nil {
			return err
		}
		err := cgroups.WriteFile(dir, "hugetlb."+hl.Pagesize+".rsvd."+suffix, val)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// ReadHugetlbV2 fills stats.HugetlbStats for every host page size from the
// cgroup2 files of dir: usage from hugetlb.<size>.current (from
// hugetlb.<size>.rsvd.current instead when preferRsvd and the kernel has
// it) and failcnt from the "max" count of hugetlb.<size>.events. A cgroup
// without the hugetlb controller fills nothing and is no error.
func ReadHugetlbV2(dir string, stats *cgroups.Stats, preferRsvd bool) error {
	for _, size := range cgroups.HugePageSizes() {
		prefix := "hugetlb." + size
		cur := prefix + ".current"
		if preferRsvd && cgroups.PathExists(dir+"/"+prefix+".rsvd.current") {
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
