package systemd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fs"
	"github.com/b7f961b7/libcontainer/cgroups/internal/v1paths"
	"github.com/b7f961b7/libcontainer/configs"
)

// legacySubsystem is what the legacy manager needs of a v1 controller.
type legacySubsystem interface {
	Name() string
	GetStats(path string, stats *cgroups.Stats) error
	Set(path string, r *configs.Resources) error
}

// legacySubsystems are the v1 controllers, in fs driver order.
var legacySubsystems = []legacySubsystem{
	&fs.CpusetGroup{},
	&fs.DevicesGroup{},
	&fs.MemoryGroup{},
	&fs.CpuGroup{},
	&fs.CpuacctGroup{},
	&fs.PidsGroup{},
	&fs.BlkioGroup{},
	&fs.HugetlbGroup{},
	&fs.NetClsGroup{},
	&fs.NetPrioGroup{},
	&fs.PerfEventGroup{},
	&fs.FreezerGroup{},
	&fs.RdmaGroup{},
	&fs.NameGroup{GroupName: "name=systemd"},
	&fs.NameGroup{GroupName: "misc"},
}

// legacyManager is the systemd driver for cgroup v1 (and hybrid) hosts.
// The embedded Paths provides Path, GetPaths, GetPids, GetAllPids and
// Exists; its mutex also guards cgroups.
type legacyManager struct {
	v1paths.Paths
	cgroups *configs.Cgroup
	dbus    *dbusConn
}

// NewLegacyManager returns a systemd cgroup manager for a cgroup v1 host.
// It refuses rootless configurations, Resources.Unified, and hosts where
// systemd is not running. With nil paths they are computed from the
// slice (Parent, default system.slice) and unit name.
func NewLegacyManager(cg *configs.Cgroup, paths map[string]string) (cgroups.Manager, error) {
	if cg == nil {
		return nil, errors.New("systemd cgroup manager: config is nil")
	}
	if cg.Rootless {
		return nil, errors.New("cannot use rootless systemd cgroups manager on cgroup v1")
	}
	if cg.Resources != nil && cg.Resources.Unified != nil {
		return nil, cgroups.ErrV1NoUnified
	}
	if !IsRunningSystemd() {
		return nil, ErrNotRunning
	}
	if err := checkConfig(cg); err != nil {
		return nil, err
	}
	if paths == nil {
		var err error
		if paths, err = legacyPaths(cg); err != nil {
			return nil, err
		}
	}
	return &legacyManager{Paths: v1paths.Paths{Dirs: paths}, cgroups: cg, dbus: connFor(false)}, nil
}

// unitCgroupPath returns the unit's cgroup path inside a hierarchy
// (without the mountpoint): the slice path plus the unit.
func unitCgroupPath(c *configs.Cgroup) (string, error) {
	slice := c.Parent
	if slice == "" {
		slice = defaultSlice
	}
	sp, err := ExpandSlice(slice)
	if err != nil {
		return "", err
	}
	unit := unitName(c)
	if filepath.Ext(unit) == ".slice" {
		up, err := ExpandSlice(unit)
		if err != nil {
			return "", err
		}
		// A slice's own path already contains its parents.
		return up, nil
	}
	return filepath.Join(sp, unit), nil
}

// systemdRoot returns the cgroup, in the hierarchy of subsystem ("" for
// cgroup2), below which systemd creates its units: PID 1's cgroup (not
// "/" inside a container without a cgroup namespace) less the init.scope
// unit systemd moves itself into. It is "/" when PID 1's cgroup cannot be
// read.
func systemdRoot(subsystem string) string {
	p, err := cgroups.GetInitCgroup(subsystem)
	if err != nil {
		return "/"
	}
	p = strings.TrimSuffix(filepath.Clean(p), "/init.scope")
	if p == "" {
		return "/"
	}
	return p
}

// legacyPaths computes the per-hierarchy paths of the unit.
func legacyPaths(c *configs.Cgroup) (map[string]string, error) {
	inner, err := unitCgroupPath(c)
	if err != nil {
		return nil, err
	}
	paths := map[string]string{}
	for _, s := range legacySubsystems {
		name := s.Name()
		mnt, err := cgroups.FindCgroupMountpoint("", name)
		if err != nil {
			if cgroups.IsNotFound(err) {
				if name == "devices" && (c.Resources == nil || !c.Resources.SkipDevices) {
					return nil, fmt.Errorf("cgroup v1 devices hierarchy is required: %w", err)
				}
				continue
			}
			return nil, err
		}
		paths[name] = filepath.Join(mnt, systemdRoot(name), inner)
	}
	if cgroups.IsCgroup2HybridMode() {
		if mnt, _, err := cgroups.FindCgroupMountpointAndRoot("", ""); err == nil {
			paths[""] = filepath.Join(mnt, systemdRoot(""), inner)
		}
	}
	return paths, nil
}

// unitProperties returns the properties of a new transient unit for c.
func unitProperties(c *configs.Cgroup, pid int, resProps []systemdDbus.Property, v2 bool) []systemdDbus.Property {
	unit := unitName(c)
	slice := c.Parent
	if slice == "" {
		slice = defaultSlice
	}
	props := []systemdDbus.Property{
		systemdDbus.PropDescription("libcontainer container " + c.Name),
		newProp("DefaultDependencies", false),
		newProp("MemoryAccounting", true),
		newProp("CPUAccounting", true),
		newProp("TasksAccounting", true),
	}
	if v2 {
		props = append(props, newProp("IOAccounting", true))
	} else {
		props = append(props, newProp("BlockIOAccounting", true))
	}
	if filepath.Ext(unit) == ".slice" {
		props = append(props, systemdDbus.PropWants(slice))
	} else {
		props = append(props, systemdDbus.PropSlice(slice), newProp("Delegate", true))
	}
	if pid != -1 {
		props = append(props, newProp("PIDs", []uint32{uint32(pid)}))
	}
	props = append(props, resProps...)
	return append(props, c.SystemdProps...)
}

// genV1ResourcesProperties converts r into unit properties for v1.
func genV1ResourcesProperties(r *configs.Resources, sdVer int) ([]systemdDbus.Property, error) {
	if r == nil {
		return nil, nil
	}
	props, err := deviceProps(r)
	if err != nil {
		return nil, err
	}
	if r.Memory != 0 {
		props = append(props, newProp("MemoryLimit", propLimit(r.Memory)))
	}
	if r.CpuShares != 0 {
		props = append(props, newProp("CPUShares", r.CpuShares))
	}
	cpu, err := commonCPUProps(r, sdVer)
	if err != nil {
		return nil, err
	}
	props = append(props, cpu...)
	if r.BlkioWeight != 0 {
		props = append(props, newProp("BlockIOWeight", uint64(r.BlkioWeight)))
	}
	if p, ok := tasksMax(r.PidsLimit); ok {
		props = append(props, p)
	}
	return props, nil
}

// Apply starts the transient unit holding pid and joins every hierarchy
// (systemd does not create the unit's cgroup in all of them).
func (m *legacyManager) Apply(pid int) error {
	m.Mu.Lock()
	defer m.Mu.Unlock()
	c := m.cgroups
	res, err := genV1ResourcesProperties(c.Resources, m.dbus.systemdVersion())
	if err != nil {
		return err
	}
	if err := startUnit(m.dbus, unitName(c), unitProperties(c, pid, res, false)); err != nil {
		return err
	}
	for name, p := range m.Dirs {
		if name == "cpuset" {
			if err := (&fs.CpusetGroup{}).ApplyDir(p, nil, pid); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(p, 0o755); err != nil {
			return fmt.Errorf("create cgroup %s: %w", p, err)
		}
		if err := cgroups.WriteCgroupProc(p, pid); err != nil {
			return err
		}
	}
	return nil
}

// Set updates the unit properties (freezing the container meanwhile, so
// a temporary device policy cannot fail running programs, unless
// SkipFreezeOnSet) and then writes every controller's files.
func (m *legacyManager) Set(r *configs.Resources) error {
	if r == nil {
		return nil
	}
	if r.Unified != nil {
		return cgroups.ErrV1NoUnified
	}
	m.Mu.Lock()
	defer m.Mu.Unlock()
	props, err := genV1ResourcesProperties(r, m.dbus.systemdVersion())
	if err != nil {
		return err
	}
	fp := m.Dirs["freezer"]
	thaw := func() {}
	if fp != "" && !r.SkipFreezeOnSet && !r.SkipDevices {
		if st, err := (&fs.FreezerGroup{}).GetState(fp); err == nil && st == configs.Thawed {
			if err := (&fs.FreezerGroup{}).Set(fp, &configs.Resources{Freezer: configs.Frozen}); err == nil {
				thaw = func() { _ = (&fs.FreezerGroup{}).Set(fp, &configs.Resources{Freezer: configs.Thawed}) }
			}
		}
	}
	err = setUnitProperties(m.dbus, unitName(m.cgroups), props...)
	thaw()
	if err != nil {
		return err
	}
	for _, s := range legacySubsystems {
		path := m.Dirs[s.Name()]
		if err := s.Set(path, r); err != nil {
			return v1paths.SetError(s.Name(), path, err)
		}
	}
	return nil
}

// Destroy stops the unit, kills what is left and removes every cgroup.
func (m *legacyManager) Destroy() error {
	m.Mu.Lock()
	defer m.Mu.Unlock()
	if err := stopUnit(m.dbus, unitName(m.cgroups)); err != nil {
		return err
	}
	return m.KillAndRemove(nil, nil)
}

// Freeze freezes or thaws the container through the freezer hierarchy.
func (m *legacyManager) Freeze(state configs.FreezerState) error {
	path, err := m.FreezerPath()
	if err != nil {
		return err
	}
	m.Mu.Lock()
	defer m.Mu.Unlock()
	if err := (&fs.FreezerGroup{}).Set(path, &configs.Resources{Freezer: state}); err != nil {
		return err
	}
	if m.cgroups.Resources != nil {
		m.cgroups.Resources.Freezer = state
	}
	return nil
}

// GetCgroups returns the configuration of the manager.
func (m *legacyManager) GetCgroups() (*configs.Cgroup, error) { return m.cgroups, nil }

// GetStats gathers the statistics of every existing controller cgroup.
func (m *legacyManager) GetStats() (*cgroups.Stats, error) {
	return v1paths.GetStats(&m.Paths, legacySubsystems)
}

// GetFreezerState returns the freezer state (Undefined without a freezer).
func (m *legacyManager) GetFreezerState() (configs.FreezerState, error) {
	return m.FreezerState((&fs.FreezerGroup{}).GetState)
}

// OOMKillCount returns the number of OOM kills in the memory cgroup.
func (m *legacyManager) OOMKillCount() (uint64, error) {
	return fs.OOMKillCount(m.Path("memory"))
}
