package libcontainer

import (
	"fmt"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/intelrdt"
	"github.com/b7f961b7/libcontainer/types"
)

// Stats are a container's resource statistics. They are not persisted.
type Stats struct {
	// Interfaces holds the counters of the container's network interfaces
	// as seen from inside the container.
	Interfaces []*types.NetworkInterface
	// CgroupStats holds the cgroup controllers' statistics.
	CgroupStats *cgroups.Stats
	// IntelRdtStats holds Intel RDT statistics (nil without RDT).
	IntelRdtStats *intelrdt.Stats
}

func (c *linuxContainer) Stats() (*Stats, error) {
	c.m.Lock()
	defer c.m.Unlock()
	cs, err := c.cgroupManager.GetStats()
	if err != nil {
		return nil, fmt.Errorf("cgroup stats: %w", err)
	}
	st := &Stats{CgroupStats: cs}
	st.Interfaces, err = c.interfaceStats()
	if err != nil {
		return nil, err
	}
	return st, nil
}
