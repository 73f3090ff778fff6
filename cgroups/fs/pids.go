package fs

import (
	"math"
	"strconv"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/configs"
)

// PidsGroup is the v1 pids controller.
type PidsGroup struct{}

// Name returns "pids".
func (s *PidsGroup) Name() string { return "pids" }

// Apply creates path and moves pid into it.
func (s *PidsGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// Set writes pids.max: a negative limit is "max", 0 leaves it alone.
func (s *PidsGroup) Set(path string, r *configs.Resources) error {
	if r.PidsLimit == 0 {
		return nil
	}
	limit := "max"
	if r.PidsLimit > 0 {
		limit = strconv.FormatInt(r.PidsLimit, 10)
	}
	return cgroups.WriteFile(path, "pids.max", limit)
}

// GetStats fills stats.PidsStats ("max" reads as limit 0).
func (s *PidsGroup) GetStats(path string, stats *cgroups.Stats) error {
	cur, err := fscommon.GetCgroupParamUint(path, "pids.current")
	if err != nil {
		return err
	}
	max, err := fscommon.GetCgroupParamUint(path, "pids.max")
	if err != nil {
		return err
	}
	if max == math.MaxUint64 {
		max = 0
	}
	stats.PidsStats.Current = cur
	stats.PidsStats.Limit = max
	return nil
}
