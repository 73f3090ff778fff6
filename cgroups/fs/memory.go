package fs

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/configs"
)

const (
	memLimitFile     = "memory.limit_in_bytes"
	memswLimitFile   = "memory.memsw.limit_in_bytes"
	memUsageFile     = "memory.usage_in_bytes"
	memMaxUsageFile  = "memory.max_usage_in_bytes"
	memSoftLimitFile = "memory.soft_limit_in_bytes"
)

// MemoryGroup is the v1 memory controller.
type MemoryGroup struct{}

// Name returns "memory".
func (s *MemoryGroup) Name() string { return "memory" }

// Apply creates path and moves pid into it.
func (s *MemoryGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// setMemory writes the memory limit; when the kernel refuses it because
// usage is above it (EBUSY) the error reports current and peak usage.
func setMemory(path string, limit int64) error {
	err := cgroups.WriteFile(path, memLimitFile, strconv.FormatInt(limit, 10))
	if err == nil || !errors.Is(err, unix.EBUSY) {
		return err
	}
	usage, uerr := fscommon.GetCgroupParamUint(path, memUsageFile)
	if uerr != nil {
		return err
	}
	peak, perr := fscommon.GetCgroupParamUint(path, memMaxUsageFile)
	if perr != nil {
		return err
	}
	return fmt.Errorf("unable to set memory limit to %d (current usage: %d, peak usage: %d): %w", limit, usage, peak, err)
}

// setSwap writes the memory+swap limit.
func setSwap(path string, limit int64) error {
	return cgroups.WriteFile(path, memswLimitFile, strconv.FormatInt(limit, 10))
}

// setMemoryAndSwap writes memory and memory+swap limits in the order the
// kernel accepts (memory may never exceed memory+swap).
func setMemoryAndSwap(path string, r *configs.Resources) error {
	mem, swap := r.Memory, r.MemorySwap
	// Unlimited memory with unset swap: make swap unlimited too.
	if mem == -1 && swap == 0 {
		swap = -1
	}
	if mem < -1 {
		return fmt.Errorf("invalid memory limit %d", mem)
	}
	if swap < -1 {
		return fmt.Errorf("invalid memory+swap limit %d", swap)
	}
	if mem != 0 && swap != 0 {
		cur, err := fscommon.GetCgroupParamUint(path, memLimitFile)
		if err != nil {
			return err
		}
		// Raising: swap first; lowering: memory first.
		if swap == -1 || cur < uint64(swap) {
			if err := setSwap(path, swap); err != nil {
				return err
			}
			return setMemory(path, mem)
		}
		if err := setMemory(path, mem); err != nil {
			return err
		}
		return setSwap(path, swap)
	}
	if mem != 0 {
		if err := setMemory(path, mem); err != nil {
			return err
		}
	}
	if swap != 0 {
		if err := setSwap(path, swap); err != nil {
			return err
		}
	}
	return nil
}

// Set writes the memory limits, reservation, OOM-killer switch and
// swappiness of r.
func (s *MemoryGroup) Set(path string, r *configs.Resources) error {
	if err := setMemoryAndSwap(path, r); err != nil {
		return err
	}
	if r.MemoryReservation != 0 {
		if err := cgroups.WriteFile(path, memSoftLimitFile, strconv.FormatInt(r.MemoryReservation, 10)); err != nil {
			return err
		}
	}
	if r.OomKillDisable {
		if err := cgroups.WriteFile(path, "memory.oom_control", "1"); err != nil {
			return err
		}
	}
	if r.MemorySwappiness != nil {
		v := *r.MemorySwappiness
		if v > 100 {
			return fmt.Errorf("invalid memory swappiness %d: the valid range is 0-100", v)
		}
		if err := cgroups.WriteFile(path, "memory.swappiness", strconv.FormatUint(v, 10)); err != nil {
			return err
		}
	}
	return nil
}

// GetStats fills stats.MemoryStats.
func (s *MemoryGroup) GetStats(path string, stats *cgroups.Stats) error {
	err := cgfile.ReadKeyed(path, "memory.stat", func(k string, v uint64) { stats.MemoryStats.Stats[k] = v })
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	stats.MemoryStats.Cache = stats.MemoryStats.Stats["cache"]

	for _, d := range []struct {
		name string
		dst  *cgroups.MemoryData
	}{
		{"", &stats.MemoryStats.Usage},
		{"memsw", &stats.MemoryStats.SwapUsage},
		{"kmem", &stats.MemoryStats.KernelUsage},
		{"kmem.tcp", &stats.MemoryStats.KernelTCPUsage},
	} {
		data, err := memoryData(path, d.name)
		if err != nil {
			if d.name != "" && errors.Is(err, fs.ErrNotExist) {
				continue // swap or kmem accounting is off
			}
			return err
		}
		*d.dst = data
	}
	if su := stats.MemoryStats.SwapUsage.Usage; su > stats.MemoryStats.Usage.Usage {
		stats.MemoryStats.SwapOnlyUsage = cgroups.MemoryData{Usage: su - stats.MemoryStats.Usage.Usage}
	}
	if v, err := fscommon.GetCgroupParamUint(path, "memory.use_hierarchy"); err == nil {
		stats.MemoryStats.UseHierarchy = v == 1
	}
	numa, err := numaStats(path)
	if err != nil {
		return err
	}
	stats.MemoryStats.PageUsageByNUMA = numa
	return nil
}

// memoryData reads usage, peak, failcnt and limit of one memory kind
// ("" = memory, "memsw", "kmem", "kmem.tcp").
func memoryData(path, name string) (cgroups.MemoryData, error) {
	prefix := "memory."
	if name != "" {
		prefix += name + "."
	}
	var d cgroups.MemoryData
	var err error
	for _, f := range []struct {
		file string
		dst  *uint64
	}{
		{prefix + "usage_in_bytes", &d.Usage},
		{prefix + "max_usage_in_bytes", &d.MaxUsage},
		{prefix + "failcnt", &d.Failcnt},
		{prefix + "limit_in_bytes", &d.Limit},
	} {
		if *f.dst, err = fscommon.GetCgroupParamUint(path, f.file); err != nil {
			return d, err
		}
	}
	return d, nil
}

// numaStats parses memory.numa_stat ("total=N N0=a N1=b" lines, with a
// "hierarchical_" variant of each).
func numaStats(path string) (cgroups.PageUsageByNUMA, error) {
	var res cgroups.PageUsageByNUMA
	content, err := cgroups.ReadFile(path, "memory.numa_stat")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return res, nil
		}
		return res, err
	}
	for _, line := range strings.Split(content, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		name, total, ok := strings.Cut(fields[0], "=")
		if !ok {
			return res, &fscommon.ParseError{Path: path, File: "memory.numa_stat", Err: fmt.Errorf("bad entry %q", fields[0])}
		}
		inner := &res.PageUsageByNUMAInner
		if n, ok := strings.CutPrefix(name, "hierarchical_"); ok {
			inner, name = &res.Hierarchical, n
		}
		var ps *cgroups.PageStats
		switch name {
		case "total":
			ps = &inner.Total
		case "file":
			ps = &inner.File
		case "anon":
			ps = &inner.Anon
		case "unevictable":
			ps = &inner.Unevictable
		default:
			continue
		}
		if ps.Total, err = fscommon.ParseUint(total, 10, 64); err != nil {
			return res, &fscommon.ParseError{Path: path, File: "memory.numa_stat", Err: err}
		}
		ps.Nodes = map[uint8]uint64{}
		for _, f := range fields[1:] {
			node, val, ok := strings.Cut(f, "=")
			if !ok || !strings.HasPrefix(node, "N") {
				continue
			}
			id, err := strconv.ParseUint(node[1:], 10, 8)
			if err != nil || id > math.MaxUint8 {
				continue
			}
			v, err := fscommon.ParseUint(val, 10, 64)
			if err != nil {
				return res, &fscommon.ParseError{Path: path, File: "memory.numa_stat", Err: err}
			}
			ps.Nodes[uint8(id)] = v
		}
	}
	return res, nil
}
