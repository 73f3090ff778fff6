package fs

import (
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/configs"
)

// CpuGroup is the v1 cpu controller (shares, CFS bandwidth, RT bandwidth).
type CpuGroup struct{}

// Name returns "cpu".
func (s *CpuGroup) Name() string { return "cpu" }

// Apply creates path, sets the RT bandwidth (which must be in place
// before a real-time task joins) and moves pid into it.
func (s *CpuGroup) Apply(path string, r *configs.Resources, pid int) error {
	if path == "" {
		return nil
	}
	if err := apply(path, -1); err != nil {
		return err
	}
	if r != nil {
		if err := s.SetRtSched(path, r); err != nil {
			return err
		}
	}
	return cgroups.WriteCgroupProc(path, pid)
}

// SetRtSched writes cpu.rt_period_us and cpu.rt_runtime_us when set.
func (s *CpuGroup) SetRtSched(path string, r *configs.Resources) error {
	if r.CpuRtPeriod != 0 {
		if err := cgroups.WriteFile(path, "cpu.rt_period_us", strconv.FormatUint(r.CpuRtPeriod, 10)); err != nil {
			return err
		}
	}
	if r.CpuRtRuntime != 0 {
		if err := cgroups.WriteFile(path, "cpu.rt_runtime_us", strconv.FormatInt(r.CpuRtRuntime, 10)); err != nil {
			return err
		}
	}
	return nil
}

// Set writes cpu.shares (checking the kernel kept the value), the CFS
// period and quota, and the RT bandwidth.
func (s *CpuGroup) Set(path string, r *configs.Resources) error {
	if r.CpuShares != 0 {
		if err := cgroups.WriteFile(path, "cpu.shares", strconv.FormatUint(r.CpuShares, 10)); err != nil {
			return err
		}
		got, err := fscommon.GetCgroupParamUint(path, "cpu.shares")
		if err != nil {
			return err
		}
		if r.CpuShares > got {
			return fmt.Errorf("the maximum allowed cpu-shares is %d", got)
		} else if r.CpuShares < got {
			return fmt.Errorf("the minimum allowed cpu-shares is %d", got)
		}
	}
	var periodErr error
	if r.CpuPeriod != 0 {
		// A shorter period can conflict with the current quota;
		// retry it after the quota is written.
		periodErr = cgroups.WriteFile(path, "cpu.cfs_period_us", strconv.FormatUint(r.CpuPeriod, 10))
		if periodErr != nil && (!errors.Is(periodErr, unix.EINVAL) || r.CpuQuota == 0) {
			return periodErr
		}
	}
	if r.CpuQuota != 0 {
		if err := cgroups.WriteFile(path, "cpu.cfs_quota_us", strconv.FormatInt(r.CpuQuota, 10)); err != nil {
			return err
		}
		if periodErr != nil {
			if err := cgroups.WriteFile(path, "cpu.cfs_period_us", strconv.FormatUint(r.CpuPeriod, 10)); err != nil {
				return err
			}
		}
	}
	return s.SetRtSched(path, r)
}

// GetStats fills stats.CpuStats.ThrottlingData from cpu.stat.
func (s *CpuGroup) GetStats(path string, stats *cgroups.Stats) error {
	return cgfile.ReadKeyed(path, "cpu.stat", func(k string, v uint64) {
		switch k {
		case "nr_periods":
			stats.CpuStats.ThrottlingData.Periods = v
		case "nr_throttled":
			stats.CpuStats.ThrottlingData.ThrottledPeriods = v
		case "throttled_time":
			stats.CpuStats.ThrottlingData.ThrottledTime = v
		}
	})
}
