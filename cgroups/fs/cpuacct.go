package fs

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/configs"
)

// nsPerTick converts cpuacct.stat USER_HZ ticks (100 per second on
// Linux) to nanoseconds.
const nsPerTick = 1_000_000_000 / 100

// CpuacctGroup is the v1 cpuacct controller (CPU usage accounting).
type CpuacctGroup struct{}

// Name returns "cpuacct".
func (s *CpuacctGroup) Name() string { return "cpuacct" }

// Apply creates path and moves pid into it.
func (s *CpuacctGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// Set does nothing: cpuacct has no limits.
func (s *CpuacctGroup) Set(_ string, _ *configs.Resources) error { return nil }

// GetStats fills stats.CpuStats.CpuUsage.
func (s *CpuacctGroup) GetStats(path string, stats *cgroups.Stats) error {
	u := &stats.CpuStats.CpuUsage
	var err error
	if u.TotalUsage, err = fscommon.GetCgroupParamUint(path, "cpuacct.usage"); err != nil {
		return err
	}
	content, err := cgroups.ReadFile(path, "cpuacct.stat")
	if err != nil {
		return err
	}
	for _, line := range strings.Split(content, "\n") {
		if line == "" {
			continue
		}
		k, v, err := fscommon.ParseKeyValue(line)
		if err != nil {
			return &fscommon.ParseError{Path: path, File: "cpuacct.stat", Err: err}
		}
		switch k {
		case "user":
			u.UsageInUsermode = v * nsPerTick
		case "system":
			u.UsageInKernelmode = v * nsPerTick
		}
	}
	if u.PercpuUsage, err = readUintList(path, "cpuacct.usage_percpu"); err != nil {
		return err
	}
	return percpuModes(path, u)
}

// readUintList parses a file of space-separated unsigned values.
func readUintList(path, file string) ([]uint64, error) {
	content, err := cgroups.ReadFile(path, file)
	if err != nil {
		return nil, err
	}
	var res []uint64
	for _, f := range strings.Fields(content) {
		v, err := fscommon.ParseUint(f, 10, 64)
		if err != nil {
			return nil, &fscommon.ParseError{Path: path, File: file, Err: err}
		}
		res = append(res, v)
	}
	return res, nil
}

// percpuModes fills the per-CPU user and kernel times from
// cpuacct.usage_all ("cpu user system" header, then one line per CPU).
func percpuModes(path string, u *cgroups.CpuUsage) error {
	content, err := cgroups.ReadFile(path, "cpuacct.usage_all")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // older kernels
		}
		return err
	}
	lines := strings.Split(strings.TrimSpace(content), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "cpu") {
		return &fscommon.ParseError{Path: path, File: "cpuacct.usage_all", Err: fmt.Errorf("missing header")}
	}
	u.PercpuUsageInUsermode = u.PercpuUsageInUsermode[:0]
	u.PercpuUsageInKernelmode = u.PercpuUsageInKernelmode[:0]
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) != 3 {
			return &fscommon.ParseError{Path: path, File: "cpuacct.usage_all", Err: fmt.Errorf("bad line %q", line)}
		}
		user, err := fscommon.ParseUint(f[1], 10, 64)
		if err != nil {
			return &fscommon.ParseError{Path: path, File: "cpuacct.usage_all", Err: err}
		}
		sys, err := fscommon.ParseUint(f[2], 10, 64)
		if err != nil {
			return &fscommon.ParseError{Path: path, File: "cpuacct.usage_all", Err: err}
		}
		u.PercpuUsageInUsermode = append(u.PercpuUsageInUsermode, user)
		u.PercpuUsageInKernelmode = append(u.PercpuUsageInKernelmode, sys)
	}
	return nil
}
