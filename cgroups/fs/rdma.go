package fs

import (
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/configs"
)

// RdmaGroup is the v1 rdma controller.
type RdmaGroup struct{}

// Name returns "rdma".
func (s *RdmaGroup) Name() string { return "rdma" }

// Apply creates path and moves pid into it.
func (s *RdmaGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// Set writes the rdma limits of r.
func (s *RdmaGroup) Set(path string, r *configs.Resources) error {
	return fscommon.RdmaSet(path, r)
}

// GetStats fills stats.RdmaStats.
func (s *RdmaGroup) GetStats(path string, stats *cgroups.Stats) error {
	return fscommon.RdmaGetStats(path, stats)
}
