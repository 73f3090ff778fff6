package fs

import (
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// PerfEventGroup is the v1 perf_event controller (membership only).
type PerfEventGroup struct{}

// Name returns "perf_event".
func (s *PerfEventGroup) Name() string { return "perf_event" }

// Apply creates path and moves pid into it.
func (s *PerfEventGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// Set does nothing: perf_event has no limits.
func (s *PerfEventGroup) Set(_ string, _ *configs.Resources) error { return nil }

// GetStats does nothing: perf_event has no statistics here.
func (s *PerfEventGroup) GetStats(_ string, _ *cgroups.Stats) error { return nil }
