package fs2

import (
	"errors"
	"io/fs"
	"strconv"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/configs"
)

// numToStr formats a v2 limit: -1 is "max", 0 is "" (leave unset).
func numToStr(v int64) string {
	switch {
	case v == -1:
		return "max"
	case v == 0:
		return ""
	}
	return strconv.FormatInt(v, 10)
}

// setMemory writes memory.swap.max (converted from the v1 memory+swap
// value), memory.max and memory.low (from MemoryReservation).
// OomKillDisable and MemorySwappiness have no v2 equivalent and are
// ignored.
func setMemory(dir string, r *configs.Resources) error {
	swap, err := cgroups.ConvertMemorySwapToCgroupV2Value(r.MemorySwap, r.Memory)
	if err != nil {
		return err
	}
	if s := numToStr(swap); s != "" {
		if err := cgroups.WriteFile(dir, "memory.swap.max", s); err != nil {
			// Without swap accounting "unlimited" is what we have.
			if !(swap == -1 && errors.Is(err, fs.ErrNotExist)) {
				return err
			}
		}
	}
	if s := numToStr(r.Memory); s != "" {
		if err := cgroups.WriteFile(dir, "memory.max", s); err != nil {
			return err
		}
	}
	if s := numToStr(r.MemoryReservation); s != "" {
		if err := cgroups.WriteFile(dir, "memory.low", s); err != nil {
			return err
		}
	}
	return nil
}

// statMemory fills stats.MemoryStats; a cgroup without the memory
// controller yields no error.
func statMemory(dir string, stats *cgroups.Stats) error {
	err := cgfile.ReadKeyed(dir, "memory.stat", func(k string, v uint64) { stats.MemoryStats.Stats[k] = v })
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	stats.MemoryStats.Cache = stats.MemoryStats.Stats["file"]
	stats.MemoryStats.UseHierarchy = true

	mem, err := memoryData(dir, "memory")
	if err != nil {
		return err
	}
	stats.MemoryStats.Usage = mem
	swap, err := memoryData(dir, "memory.swap")
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	stats.MemoryStats.SwapOnlyUsage = swap
	// v1 reports memory+swap; mimic it.
	stats.MemoryStats.SwapUsage = cgroups.MemoryData{Usage: swap.Usage + mem.Usage, Failcnt: swap.Failcnt}
	if swap.Limit != ^uint64(0) && mem.Limit != ^uint64(0) {
		stats.MemoryStats.SwapUsage.Limit = swap.Limit + mem.Limit
	} else {
		stats.MemoryStats.SwapUsage.Limit = ^uint64(0)
	}
	return nil
}

// memoryData reads <prefix>.current, .max, .peak (if present) and the
// "max" event count of <prefix>.events.
func memoryData(dir, prefix string) (cgroups.MemoryData, error) {
	var d cgroups.MemoryData
	var err error
	if d.Usage, err = fscommon.GetCgroupParamUint(dir, prefix+".current"); err != nil {
		return d, err
	}
	if d.Limit, err = fscommon.GetCgroupParamUint(dir, prefix+".max"); err != nil {
		return d, err
	}
	if v, err := fscommon.GetCgroupParamUint(dir, prefix+".peak"); err == nil {
		d.MaxUsage = v
	}
	if v, err := fscommon.GetValueByKey(dir, prefix+".events", "max"); err == nil {
		d.Failcnt = v
	}
	return d, nil
}
