// Package fs is the cgroup v1 cgroupfs driver: it creates one cgroup per
// hierarchy (plus the cgroup2 one on a hybrid host), moves processes into
// them, writes the resource limits controller by controller and gathers
// their statistics.
package fs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fs2"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/cgroups/internal/v1paths"
	"github.com/b7f961b7/libcontainer/configs"
)

// subsystem is one v1 controller (or joined named hierarchy).
type subsystem interface {
	// Name returns the controller name, which is also the paths key.
	Name() string
	// GetStats adds the controller's statistics in path to stats.
	GetStats(path string, stats *cgroups.Stats) error
	// Apply creates the cgroup path and moves pid into it.
	Apply(path string, r *configs.Resources, pid int) error
	// Set writes the controller's limits from r into path.
	Set(path string, r *configs.Resources) error
}

// subsystems lists the v1 controllers in the order they are applied and set.
var subsystems = []subsystem{
	&CpusetGroup{},
	&DevicesGroup{},
	&MemoryGroup{},
	&CpuGroup{},
	&CpuacctGroup{},
	&PidsGroup{},
	&BlkioGroup{},
	&HugetlbGroup{},
	&NetClsGroup{},
	&NetPrioGroup{},
	&PerfEventGroup{},
	&FreezerGroup{},
	&RdmaGroup{},
	&NameGroup{GroupName: "name=systemd", Join: true},
	&NameGroup{GroupName: "misc", Join: true},
}

// manager implements cgroups.Manager for cgroup v1 (and hybrid) hosts.
// The embedded Paths provides Path, GetPaths, GetPids, GetAllPids and
// Exists; its mutex also guards cgroups.
type manager struct {
	v1paths.Paths
	cgroups *configs.Cgroup
}

// NewManager returns a v1 cgroupfs manager for cg. With nil paths the
// per-controller paths are computed from cg (Path, or Parent/Name; ".." is
// refused); otherwise paths (as saved by GetPaths) are used as they are.
// cg.Resources must be set and cg.Resources.Unified must be nil.
func NewManager(cg *configs.Cgroup, paths map[string]string) (cgroups.Manager, error) {
	if cg == nil {
		return nil, errors.New("cgroup v1 manager: cgroup config is nil")
	}
	if cg.Resources == nil {
		return nil, errors.New("cgroup v1 manager: cgroup config has nil Resources")
	}
	if cg.Resources.Unified != nil {
		return nil, cgroups.ErrV1NoUnified
	}
	if cgroups.IsCgroup2UnifiedMode() {
		return nil, errors.New("cgroup v1 manager: this host has only a unified cgroup2 hierarchy (use fs2)")
	}
	if paths == nil {
		var err error
		paths, err = initPaths(cg)
		if err != nil {
			return nil, err
		}
	} else {
		cp := make(map[string]string, len(paths))
		for k, v := range paths {
			if v == "" || !filepath.IsAbs(v) || filepath.Clean(v) != v {
				return nil, fmt.Errorf("cgroup v1 manager: invalid saved path %q for %q: must be absolute and clean", v, k)
			}
			cp[k] = v
		}
		paths = cp
	}
	return &manager{cgroups: cg, Paths: v1paths.Paths{Dirs: paths}}, nil
}

// isIgnorableError reports whether err may be ignored in rootless mode
// (permission problems).
func isIgnorableError(rootless bool, err error) bool {
	if !rootless {
		return false
	}
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.EROFS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES)
}

// Apply creates the cgroup in every hierarchy and moves pid into them.
func (m *manager) Apply(pid int) error {
	m.Mu.Lock()
	defer m.Mu.Unlock()
	c := m.cgroups
	for _, sys := range subsystems {
		name := sys.Name()
		p, ok := m.Dirs[name]
		if !ok {
			continue
		}
		if err := sys.Apply(p, c.Resources, pid); err != nil {
			// Rootless without an explicit path may lack write
			// access to some hierarchies: drop them.
			if isIgnorableError(c.Rootless, err) && c.Path == "" {
				delete(m.Dirs, name)
				continue
			}
			return err
		}
	}
	if p, ok := m.Dirs[""]; ok {
		if err := joinUnified(p, c, pid); err != nil {
			if isIgnorableError(c.Rootless, err) && c.Path == "" {
				delete(m.Dirs, "")
				return nil
			}
			return err
		}
	}
	return nil
}

// Set writes the limits of r into every controller.
func (m *manager) Set(r *configs.Resources) error {
	if r == nil {
		return nil
	}
	if r.Unified != nil {
		return cgroups.ErrV1NoUnified
	}
	m.Mu.Lock()
	defer m.Mu.Unlock()
	for _, sys := range subsystems {
		path := m.Dirs[sys.Name()]
		if sys.Name() == "hugetlb" && path == "" && m.Dirs[""] != "" {
			// Hybrid host with hugetlb only on the cgroup2 side.
			if err := setHugetlbUnified(m.Dirs[""], r); err != nil {
				return err
			}
			continue
		}
		err := m.setSubsystem(sys, path, r)
		if err != nil {
			if m.cgroups.Rootless && sys.Name() == "devices" {
				continue
			}
			return v1paths.SetError(sys.Name(), path, err)
		}
	}
	return nil
}

// setSubsystem sets one controller. Device rules that have to pass
// through allow-all are applied with the container frozen, so that no
// process can open a device in that moment.
func (m *manager) setSubsystem(sys subsystem, path string, r *configs.Resources) error {
	fp := m.Dirs["freezer"]
	if sys.Name() != "devices" || path == "" || fp == "" || !needsFreeze(r) {
		return sys.Set(path, r)
	}
	st, err := (&FreezerGroup{}).GetState(fp)
	if err != nil || st != configs.Thawed {
		return sys.Set(path, r)
	}
	if err := freezeTo(fp, configs.Frozen); err != nil {
		return fmt.Errorf("freeze for device rule update: %w", err)
	}
	err = sys.Set(path, r)
	if terr := freezeTo(fp, configs.Thawed); terr != nil && err == nil {
		err = fmt.Errorf("thaw after device rule update: %w", terr)
	}
	return err
}

// Freeze freezes or thaws the container through the freezer hierarchy.
func (m *manager) Freeze(state configs.FreezerState) error {
	path, err := m.FreezerPath()
	if err != nil {
		return err
	}
	m.Mu.Lock()
	defer m.Mu.Unlock()
	prev := m.cgroups.Resources.Freezer
	m.cgroups.Resources.Freezer = state
	if err := (&FreezerGroup{}).Set(path, m.cgroups.Resources); err != nil {
		m.cgroups.Resources.Freezer = prev
		return err
	}
	return nil
}

// Destroy kills whatever still runs in the cgroups (cgroup.kill on the
// hybrid cgroup2 directory, then SIGKILL while frozen), waits for them to
// go, and removes every cgroup directory. Missing cgroups are fine.
func (m *manager) Destroy() error {
	m.Mu.Lock()
	defer m.Mu.Unlock()
	var freeze, thaw func() error
	if fp := m.Dirs["freezer"]; fp != "" && cgroups.PathExists(fp) {
		freeze = func() error { return freezeTo(fp, configs.Frozen) }
		thaw = func() error { return freezeTo(fp, configs.Thawed) }
	}
	return m.KillAndRemove(freeze, thaw)
}

// GetCgroups returns the configuration of the manager.
func (m *manager) GetCgroups() (*configs.Cgroup, error) {
	return m.cgroups, nil
}

// GetStats gathers the statistics of every existing controller cgroup.
func (m *manager) GetStats() (*cgroups.Stats, error) {
	stats, err := v1paths.GetStats(&m.Paths, subsystems)
	if err != nil {
		return nil, err
	}
	if up := m.Path(""); m.Path("hugetlb") == "" && up != "" && cgroups.PathExists(up) {
		if err := statHugetlbUnified(up, stats); err != nil {
			return nil, err
		}
	}
	return stats, nil
}

// GetFreezerState returns the freezer state (Undefined without a freezer).
func (m *manager) GetFreezerState() (configs.FreezerState, error) {
	return m.FreezerState((&FreezerGroup{}).GetState)
}

// OOMKillCount returns the number of OOM kills in the memory cgroup.
func (m *manager) OOMKillCount() (uint64, error) {
	return OOMKillCount(m.Path("memory"))
}

// OOMKillCount returns the oom_kill counter of memory.oom_control in path.
func OOMKillCount(path string) (uint64, error) {
	if path == "" {
		return 0, errors.New("no memory cgroup path")
	}
	return fscommon.GetValueByKey(path, "memory.oom_control", "oom_kill")
}

// apply creates path (and its parents) and moves pid into it. An empty
// path is a no-op.
func apply(path string, pid int) error {
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return fmt.Errorf("create cgroup %s: %w", path, err)
	}
	return cgroups.WriteCgroupProc(path, pid)
}

// joinUnified creates the cgroup2 directory of a hybrid host (enabling
// the cgroup2 controllers, such as hugetlb, on the way) and moves pid
// into it.
func joinUnified(path string, c *configs.Cgroup, pid int) error {
	if err := fs2.CreateCgroupPath(path, c); err != nil {
		return err
	}
	return cgroups.WriteCgroupProc(path, pid)
}
