package fs

import (
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// NameGroup is a named v1 hierarchy without limits, such as name=systemd.
type NameGroup struct {
	// GroupName is the hierarchy name, also the paths key.
	GroupName string
	// Join makes Apply create the cgroup and move the process into it.
	Join bool
}

// Name returns GroupName.
func (s *NameGroup) Name() string { return s.GroupName }

// Apply joins the hierarchy when Join is set; failures are ignored since
// named hierarchies are bookkeeping only.
func (s *NameGroup) Apply(path string, _ *configs.Resources, pid int) error {
	if s.Join {
		_ = apply(path, pid)
	}
	return nil
}

// Set does nothing: named hierarchies have no limits.
func (s *NameGroup) Set(_ string, _ *configs.Resources) error { return nil }

// GetStats does nothing: named hierarchies have no statistics.
func (s *NameGroup) GetStats(_ string, _ *cgroups.Stats) error { return nil }
