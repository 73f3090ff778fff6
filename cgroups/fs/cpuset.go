package fs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/configs"
)

// CpusetGroup is the v1 cpuset controller. A new cpuset cgroup starts with
// empty cpus and mems, so its cpus and mems are copied from the parent
// when the configuration leaves them empty.
type CpusetGroup struct{}

// Name returns "cpuset".
func (s *CpusetGroup) Name() string { return "cpuset" }

// Apply creates path with cpus and mems set and moves pid into it.
func (s *CpusetGroup) Apply(path string, r *configs.Resources, pid int) error {
	return s.ApplyDir(path, r, pid)
}

// ApplyDir creates dir (and any missing ancestors, each inheriting cpus
// and mems from its parent), writes r's cpus and mems (inheriting the
// parent's where empty) and moves pid into it. An empty dir is a no-op.
func (s *CpusetGroup) ApplyDir(dir string, r *configs.Resources, pid int) error {
	if dir == "" {
		return nil
	}
	if err := ensureCpuset(dir); err != nil {
		return err
	}
	if r != nil {
		if err := s.Set(dir, r); err != nil {
			return err
		}
	}
	return cgroups.WriteCgroupProc(dir, pid)
}

// ensureCpuset creates dir if needed, after its parent, and fills empty
// cpus/mems from the parent.
func ensureCpuset(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return inheritCpuset(dir)
	}
	parent := filepath.Dir(dir)
	if parent == dir {
		return fmt.Errorf("cpuset: no cgroup hierarchy above %s", dir)
	}
	if err := ensureCpuset(parent); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create cgroup %s: %w", dir, err)
	}
	return inheritCpuset(dir)
}

// inheritCpuset copies cpuset.cpus and cpuset.mems from the parent of dir
// when they are empty in dir.
func inheritCpuset(dir string) error {
	for _, file := range []string{"cpuset.cpus", "cpuset.mems"} {
		cur, err := fscommon.GetCgroupParamString(dir, file)
		if err != nil {
			return err
		}
		if cur != "" {
			continue
		}
		val, err := fscommon.GetCgroupParamString(filepath.Dir(dir), file)
		if err != nil {
			return err
		}
		if err := cgroups.WriteFile(dir, file, val); err != nil {
			return err
		}
	}
	return nil
}

// Set writes cpuset.cpus and cpuset.mems when r sets them.
func (s *CpusetGroup) Set(path string, r *configs.Resources) error {
	if r.CpusetCpus != "" {
		if err := cgroups.WriteFile(path, "cpuset.cpus", r.CpusetCpus); err != nil {
			return err
		}
	}
	if r.CpusetMems != "" {
		if err := cgroups.WriteFile(path, "cpuset.mems", r.CpusetMems); err != nil {
			return err
		}
	}
	return nil
}

// parseList parses a kernel list such as "0-3,5" into its members.
func parseList(s string) ([]uint16, error) {
	var res []uint16
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.ParseUint(lo, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("invalid list %q: %w", s, err)
		}
		b := a
		if isRange {
			b, err = strconv.ParseUint(hi, 10, 16)
			if err != nil || b < a {
				return nil, fmt.Errorf("invalid range %q in list %q", part, s)
			}
		}
		for i := a; i <= b; i++ {
			res = append(res, uint16(i))
		}
	}
	return res, nil
}

// GetStats fills stats.CPUSetStats.
func (s *CpusetGroup) GetStats(path string, stats *cgroups.Stats) error {
	var err error
	for _, l := range []struct {
		file string
		dst  *[]uint16
	}{
		{"cpuset.cpus", &stats.CPUSetStats.CPUs},
		{"cpuset.mems", &stats.CPUSetStats.Mems},
	} {
		v, err := fscommon.GetCgroupParamString(path, l.file)
		if err != nil {
			return err
		}
		if *l.dst, err = parseList(v); err != nil {
			return &fscommon.ParseError{Path: path, File: l.file, Err: err}
		}
	}
	for _, u := range []struct {
		file string
		dst  *uint64
	}{
		{"cpuset.cpu_exclusive", &stats.CPUSetStats.CPUExclusive},
		{"cpuset.mem_hardwall", &stats.CPUSetStats.MemHardwall},
		{"cpuset.mem_exclusive", &stats.CPUSetStats.MemExclusive},
		{"cpuset.memory_migrate", &stats.CPUSetStats.MemoryMigrate},
		{"cpuset.memory_spread_page", &stats.CPUSetStats.MemorySpreadPage},
		{"cpuset.memory_spread_slab", &stats.CPUSetStats.MemorySpreadSlab},
		{"cpuset.memory_pressure", &stats.CPUSetStats.MemoryPressure},
		{"cpuset.sched_load_balance", &stats.CPUSetStats.SchedLoadBalance},
	} {
		if *u.dst, err = fscommon.GetCgroupParamUint(path, u.file); err != nil {
			return err
		}
	}
	stats.CPUSetStats.SchedRelaxDomainLevel, err = fscommon.GetCgroupParamInt(path, "cpuset.sched_relax_domain_level")
	return err
}
