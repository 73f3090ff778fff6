package fs2

import (
	"errors"
	"io/fs"
	"strconv"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/configs"
)

// setCPU writes cpu.weight (CpuWeight, or CpuShares converted) and
// cpu.max ("<quota|max> [period]"). cpu.idle and cpu.max.burst are set
// through Resources.Unified.
func setCPU(dir string, r *configs.Resources) error {
	weight := r.CpuWeight
	if weight == 0 {
		weight = cgroups.ConvertCPUSharesToCgroupV2Value(r.CpuShares)
	}
	if weight != 0 {
		if err := cgroups.WriteFile(dir, "cpu.weight", strconv.FormatUint(weight, 10)); err != nil {
			return err
		}
	}
	if r.CpuQuota != 0 || r.CpuPeriod != 0 {
		v := "max"
		if r.CpuQuota > 0 {
			v = strconv.FormatInt(r.CpuQuota, 10)
		}
		if r.CpuPeriod != 0 {
			v += " " + strconv.FormatUint(r.CpuPeriod, 10)
		}
		if err := cgroups.WriteFile(dir, "cpu.max", v); err != nil {
			return err
		}
	}
	return nil
}

// statCPU fills stats.CpuStats from cpu.stat (microseconds converted to
// nanoseconds).
func statCPU(dir string, stats *cgroups.Stats) error {
	err := cgfile.ReadKeyed(dir, "cpu.stat", func(k string, v uint64) {
		switch k {
		case "usage_usec":
			stats.CpuStats.CpuUsage.TotalUsage = v * 1000
		case "user_usec":
			stats.CpuStats.CpuUsage.UsageInUsermode = v * 1000
		case "system_usec":
			stats.CpuStats.CpuUsage.UsageInKernelmode = v * 1000
		case "nr_periods":
			stats.CpuStats.ThrottlingData.Periods = v
		case "nr_throttled":
			stats.CpuStats.ThrottlingData.ThrottledPeriods = v
		case "throttled_usec":
			stats.CpuStats.ThrottlingData.ThrottledTime = v * 1000
		}
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
