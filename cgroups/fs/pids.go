package fs

import (
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
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
	return cgfile.WritePidsMax(path, r.PidsLimit)
}

// GetStats fills stats.PidsStats ("max" reads as limit 0).
func (s *PidsGroup) GetStats(path string, stats *cgroups.Stats) error {
	cur, limit, err := cgfile.ReadPids(path)
	if err != nil {
		return err
	}
	stats.PidsStats.Current = cur
	stats.PidsStats.Limit = limit
	return nil
}
