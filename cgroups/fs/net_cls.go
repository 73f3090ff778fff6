package fs

import (
	"strconv"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// NetClsGroup is the v1 net_cls controller (packet class id).
type NetClsGroup struct{}

// Name returns "net_cls".
func (s *NetClsGroup) Name() string { return "net_cls" }

// Apply creates path and moves pid into it.
func (s *NetClsGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// Set writes net_cls.classid when r sets it.
func (s *NetClsGroup) Set(path string, r *configs.Resources) error {
	if r.NetClsClassid != 0 {
		return cgroups.WriteFile(path, "net_cls.classid", strconv.FormatUint(uint64(r.NetClsClassid), 10))
	}
	return nil
}

// GetStats does nothing: net_cls has no statistics.
func (s *NetClsGroup) GetStats(_ string, _ *cgroups.Stats) error { return nil }
