package systemd

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fs2"
	"github.com/b7f961b7/libcontainer/configs"
)

// unifiedManager is the systemd driver for cgroup v2 hosts. systemd owns
// the unit; the files systemd has no property for are written by fs2.
type unifiedManager struct {
	mu      sync.Mutex
	cgroups *configs.Cgroup
	path    string
	dbus    *dbusConn
	fsMgr   cgroups.Manager
}

// NewUnifiedManager returns a systemd cgroup manager for a cgroup v2 host.
// With an empty path it is computed from the slice (Parent, default
// system.slice; below the user manager's cgroup when rootless) and the
// unit name. It fails when systemd is not running.
func NewUnifiedManager(config *configs.Cgroup, path string) (cgroups.Manager, error) {
	if config == nil {
		return nil, errors.New("systemd cgroup manager: config is nil")
	}
	if !IsRunningSystemd() {
		return nil, ErrNotRunning
	}
	if err := checkConfig(config); err != nil {
		return nil, err
	}
	d := connFor(config.Rootless)
	if path == "" {
		inner, err := unitCgroupPath(config)
		if err != nil {
			return nil, err
		}
		base := fs2.UnifiedMountpoint
		if config.Rootless {
			var mcg string
			err := d.retry(func(c *systemdDbus.Conn) error {
				var err error
				mcg, err = c.GetManagerProperty("ControlGroup")
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("get the cgroup of the systemd user manager: %w", err)
			}
			if mcg, err = strconv.Unquote(mcg); err != nil {
				return nil, fmt.Errorf("parse the cgroup of the systemd user manager: %w", err)
			}
			base = filepath.Join(base, mcg)
		}
		path = filepath.Join(base, inner)
	}
	fsMgr, err := fs2.NewManager(config, path)
	if err != nil {
		return nil, err
	}
	return &unifiedManager{cgroups: config, path: path, dbus: d, fsMgr: fsMgr}, nil
}

// unifiedToProps maps the Unified keys systemd has properties for.
func unifiedToProps(res map[string]string) ([]systemdDbus.Property, error) {
	var props []systemdDbus.Property
	num := func(k, v string) (uint64, error) {
		if v == "max" {
			return ^uint64(0), nil
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unified resource %q: invalid value %q: %w", k, v, err)
		}
		return n, nil
	}
	for k, v := range res {
		v = strings.TrimSpace(v)
		var name string
		switch k {
		case "memory.min":
			name = "MemoryMin"
		case "memory.low":
			name = "MemoryLow"
		case "memory.high":
			name = "MemoryHigh"
		case "memory.max":
			name = "MemoryMax"
		case "memory.swap.max":
			name = "MemorySwapMax"
		case "pids.max":
			name = "TasksMax"
		case "cpu.weight":
			name = "CPUWeight"
		default:
			continue // written by fs2
		}
		n, err := num(k, v)
		if err != nil {
			return nil, err
		}
		props = append(props, newProp(name, n))
	}
	return props, nil
}

// genV2ResourcesProperties converts r into unit properties for v2.
func genV2ResourcesProperties(r *configs.Resources, sdVer int) ([]systemdDbus.Property, error) {
	if r == nil {
		return nil, nil
	}
	props, err := deviceProps(r)
	if err != nil {
		return nil, err
	}
	if r.Memory != 0 {
		props = append(props, newProp("MemoryMax", propLimit(r.Memory)))
	}
	if r.MemoryReservation > 0 {
		props = append(props, newProp("MemoryLow", uint64(r.MemoryReservation)))
	}
	swap, err := cgroups.ConvertMemorySwapToCgroupV2Value(r.MemorySwap, r.Memory)
	if err != nil {
		return nil, err
	}
	if swap != 0 {
		props = append(props, newProp("MemorySwapMax", propLimit(swap)))
	}
	weight := r.CpuWeight
	if weight == 0 {
		weight = cgroups.ConvertCPUSharesToCgroupV2Value(r.CpuShares)
	}
	if weight != 0 {
		props = append(props, newProp("CPUWeight", weight))
	}
	cpu, err := commonCPUProps(r, sdVer)
	if err != nil {
		return nil, err
	}
	props = append(props, cpu...)
	if p, ok := tasksMax(r.PidsLimit); ok {
		props = append(props, p)
	}
	up, err := unifiedToProps(r.Unified)
	if err != nil {
		return nil, err
	}
	return append(props, up...), nil
}

// Apply starts the transient unit holding pid, then makes sure the cgroup
// exists with its controllers and holds pid.
func (m *unifiedManager) Apply(pid int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	res, err := genV2ResourcesProperties(m.cgroups.Resources, m.dbus.systemdVersion())
	if err != nil {
		return err
	}
	if err := startUnit(m.dbus, unitName(m.cgroups), unitProperties(m.cgroups, pid, res, true)); err != nil {
		return err
	}
	return m.fsMgr.Apply(pid)
}

// Set updates the unit properties, then writes all limits with fs2.
func (m *unifiedManager) Set(r *configs.Resources) error {
	if r == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	props, err := genV2ResourcesProperties(r, m.dbus.systemdVersion())
	if err != nil {
		return err
	}
	if err := setUnitProperties(m.dbus, unitName(m.cgroups), props...); err != nil {
		return err
	}
	return m.fsMgr.Set(r)
}

// Destroy stops the unit and removes whatever cgroup is left.
func (m *unifiedManager) Destroy() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := stopUnit(m.dbus, unitName(m.cgroups)); err != nil {
		return err
	}
	return m.fsMgr.Destroy()
}

// Path returns the cgroup directory; the subsystem is ignored.
func (m *unifiedManager) Path(_ string) string { return m.path }

// GetPaths returns {"": path}.
func (m *unifiedManager) GetPaths() map[string]string { return map[string]string{"": m.path} }

// GetCgroups returns the configuration of the manager.
func (m *unifiedManager) GetCgroups() (*configs.Cgroup, error) { return m.cgroups, nil }

// GetPids lists the processes directly in the cgroup.
func (m *unifiedManager) GetPids() ([]int, error) { return m.fsMgr.GetPids() }

// GetAllPids lists the processes in the cgroup and below.
func (m *unifiedManager) GetAllPids() ([]int, error) { return m.fsMgr.GetAllPids() }

// GetStats returns the cgroup statistics.
func (m *unifiedManager) GetStats() (*cgroups.Stats, error) { return m.fsMgr.GetStats() }

// Freeze freezes or thaws the cgroup.
func (m *unifiedManager) Freeze(state configs.FreezerState) error { return m.fsMgr.Freeze(state) }

// GetFreezerState returns the freezer state.
func (m *unifiedManager) GetFreezerState() (configs.FreezerState, error) {
	return m.fsMgr.GetFreezerState()
}

// Exists reports whether the cgroup directory exists.
func (m *unifiedManager) Exists() bool { return m.fsMgr.Exists() }

// OOMKillCount returns the number of OOM kills in the cgroup.
func (m *unifiedManager) OOMKillCount() (uint64, error) { return m.fsMgr.OOMKillCount() }
