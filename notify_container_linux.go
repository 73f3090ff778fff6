package libcontainer

import (
	"errors"
	"fmt"

	"github.com/b7f961b7/libcontainer/cgroups"
)

func (c *linuxContainer) NotifyOOM() (<-chan struct{}, error) {
	c.m.Lock()
	defer c.m.Unlock()
	if cgroups.IsCgroup2UnifiedMode() {
		return notifyOnOOMV2Path(c.cgroupManager.Path(""))
	}
	path := c.cgroupManager.Path("memory")
	if path == "" {
		return nil, errors.New("notify oom: memory controller missing")
	}
	return notifyOnOOM(path)
}

func (c *linuxContainer) NotifyMemoryPressure(level PressureLevel) (<-chan struct{}, error) {
	c.m.Lock()
	defer c.m.Unlock()
	if level > CriticalPressure {
		return nil, fmt.Errorf("notify memory pressure: invalid level %d", level)
	}
	if cgroups.IsCgroup2UnifiedMode() {
		return notifyMemoryPressureV2(c.cgroupManager.Path(""), level)
	}
	path := c.cgroupManager.Path("memory")
	if path == "" {
		return nil, errors.New("notify memory pressure: memory controller missing")
	}
	return notifyMemoryPressure(path, level)
}
