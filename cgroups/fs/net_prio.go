package fs

import (
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// NetPrioGroup is the v1 net_prio controller (per-interface priority).
type NetPrioGroup struct{}

// Name returns "net_prio".
func (s *NetPrioGroup) Name() string { return "net_prio" }

// Apply creates path and moves pid into it.
func (s *NetPrioGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// Set writes one net_prio.ifpriomap line per interface of r.
func (s *NetPrioGroup) Set(path string, r *configs.Resources) error {
	for _, m := range r.NetPrioIfpriomap {
		if m == nil {
			continue
		}
		if err := cgroups.WriteFile(path, "net_prio.ifpriomap", m.CgroupString()); err != nil {
			return err
		}
	}
	return nil
}

// GetStats does nothing: net_prio has no statistics.
func (s *NetPrioGroup) GetStats(_ string, _ *cgroups.Stats) error { return nil }
