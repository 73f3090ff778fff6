// Package fs2 is the cgroup v2 cgroupfs driver: one cgroup directory on a
// cgroup2 mount (/sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified
// on a hybrid one), limits written to its interface files, and device
// access enforced by an eBPF program attached to it.
package fs2

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/cgroups/internal/kill"
	cgpath "github.com/b7f961b7/libcontainer/cgroups/internal/path"
	"github.com/b7f961b7/libcontainer/configs"
)

// UnifiedMountpoint is where a unified (v2-only) host mounts cgroup2.
const UnifiedMountpoint = "/sys/fs/cgroup"

// hybridMountpoint is where a hybrid host mounts cgroup2.
const hybridMountpoint = "/sys/fs/cgroup/unified"

// manager implements cgroups.Manager for one cgroup2 directory.
type manager struct {
	mu      sync.Mutex
	config  *configs.Cgroup
	dirPath string
}

// mountpoint returns the cgroup2 mountpoint of this host.
func mountpoint() string {
	if !cgroups.IsCgroup2UnifiedMode() && cgroups.IsCgroup2HybridMode() {
		return hybridMountpoint
	}
	return UnifiedMountpoint
}

// mountOf returns the cgroup2 mountpoint that dir lies strictly below.
func mountOf(dir string) (string, error) {
	for _, mnt := range []string{hybridMountpoint, UnifiedMountpoint} {
		if strings.HasPrefix(dir, mnt+"/") {
			if mnt == UnifiedMountpoint && !cgroups.IsCgroup2UnifiedMode() && !strings.HasPrefix(dir, hybridMountpoint+"/") {
				return "", fmt.Errorf("invalid cgroup2 path %q: %s is not a cgroup2 mount on this host", dir, UnifiedMountpoint)
			}
			return mnt, nil
		}
	}
	return "", fmt.Errorf("invalid cgroup2 path %q: must be below %s", dir, UnifiedMountpoint)
}

// defaultDirPath computes the cgroup directory of c: absolute inner paths
// start at the cgroup2 mountpoint, relative ones at the parent of this
// process's own cgroup.
func defaultDirPath(c *configs.Cgroup) (string, error) {
	inner, err := cgpath.Inner(c)
	if err != nil {
		return "", err
	}
	if filepath.IsAbs(inner) {
		return cgpath.Under(mountpoint(), inner)
	}
	own, err := cgroups.GetOwnCgroup("")
	if err != nil {
		return "", err
	}
	// Our own cgroup is usually a leaf holding processes, which v2 does
	// not allow to have controller-enabled children; use its parent.
	base := filepath.Join(mountpoint(), filepath.Dir(own))
	return cgpath.Under(base, inner)
}

// NewManager returns a cgroup v2 manager for config at dirPath; an empty
// dirPath is computed from config (Path, or Parent/Name). dirPath must be
// a clean absolute path strictly below a cgroup2 mount.
func NewManager(config *configs.Cgroup, dirPath string) (cgroups.Manager, error) {
	if config == nil {
		return nil, errors.New("cgroup v2 manager: cgroup config is nil")
	}
	if dirPath == "" {
		var err error
		if dirPath, err = defaultDirPath(config); err != nil {
			return nil, err
		}
	}
	if dirPath != filepath.Clean(dirPath) || !filepath.IsAbs(dirPath) {
		return nil, fmt.Errorf("invalid cgroup2 path %q: must be absolute and clean", dirPath)
	}
	if _, err := mountOf(dirPath); err != nil {
		return nil, err
	}
	return &manager{config: config, dirPath: dirPath}, nil
}

// isIgnorable reports whether err may be ignored for a rootless container
// without an explicit path (permission problems).
func (m *manager) isIgnorable(err error) bool {
	if !m.config.Rootless || m.config.Path != "" {
		return false
	}
	return errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EROFS)
}

// Apply creates the cgroup (enabling controllers on the way) and moves
// pid into it.
func (m *manager) Apply(pid int) error {
	if err := CreateCgroupPath(m.dirPath, m.config); err != nil {
		if m.isIgnorable(err) {
			return nil
		}
		return err
	}
	if err := cgroups.WriteCgroupProc(m.dirPath, pid); err != nil {
		if m.isIgnorable(err) {
			return nil
		}
		return err
	}
	return nil
}

// GetPids lists the processes directly in the cgroup.
func (m *manager) GetPids() ([]int, error) {
	return cgroups.GetPids(m.dirPath)
}

// GetAllPids lists the processes in the cgroup and its descendants.
func (m *manager) GetAllPids() ([]int, error) {
	return cgroups.GetAllPids(m.dirPath)
}

// Freeze freezes or thaws the cgroup through cgroup.freeze.
func (m *manager) Freeze(state configs.FreezerState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.config.Resources == nil {
		m.config.Resources = &configs.Resources{}
	}
	if err := setFreezer(m.dirPath, state); err != nil {
		return err
	}
	m.config.Resources.Freezer = state
	return nil
}

// Destroy kills whatever still runs in the cgroup (cgroup.kill, else
// freeze and SIGKILL), waits for it to go and removes the cgroup and its
// descendants. A cgroup that does not exist is fine.
func (m *manager) Destroy() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !cgroups.PathExists(m.dirPath) {
		return nil
	}
	freeze := func() error { return setFreezer(m.dirPath, configs.Frozen) }
	thaw := func() error { return setFreezer(m.dirPath, configs.Thawed) }
	if err := kill.All([]string{m.dirPath}, m.dirPath, freeze, thaw); err != nil {
		return fmt.Errorf("destroy cgroup: %w", err)
	}
	// Killed tasks may keep the cgroup populated for a moment after they
	// left cgroup.procs: RemovePaths retries with a short backoff.
	return cgroups.RemovePaths(map[string]string{"": m.dirPath})
}

// Path returns the cgroup directory; the subsystem is ignored.
func (m *manager) Path(_ string) string { return m.dirPath }

// GetPaths returns {"": dirPath}.
func (m *manager) GetPaths() map[string]string {
	return map[string]string{"": m.dirPath}
}

// GetCgroups returns the configuration of the manager.
func (m *manager) GetCgroups() (*configs.Cgroup, error) {
	return m.config, nil
}

// GetFreezerState returns the state recorded in cgroup.freeze.
func (m *manager) GetFreezerState() (configs.FreezerState, error) {
	return getFreezer(m.dirPath)
}

// Exists reports whether the cgroup directory exists.
func (m *manager) Exists() bool {
	return cgroups.PathExists(m.dirPath)
}

// OOMKillCount returns the number of OOM kills in the cgroup.
func (m *manager) OOMKillCount() (uint64, error) {
	return OOMKillCount(m.dirPath)
}

// OOMKillCount returns the oom_kill counter of memory.events in path.
func OOMKillCount(path string) (uint64, error) {
	return fscommon.GetValueByKey(path, "memory.events", "oom_kill")
}

// Set writes the limits of r: pids, memory, io, cpu, devices, cpuset,
// hugetlb, rdma, freezer, then the raw Unified keys. A nil r is a no-op.
func (m *manager) Set(r *configs.Resources) error {
	if r == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	steps := []struct {
		name string
		fn   func(string, *configs.Resources) error
	}{
		{"pids", setPids},
		{"memory", setMemory},
		{"io", setIo},
		{"cpu", setCPU},
		{"devices", m.setDevicesStep},
		{"cpuset", setCpuset},
		{"hugetlb", setHugeTlb},
		{"rdma", fscommon.RdmaSet},
		{"freezer", func(p string, r *configs.Resources) error {
			if r.Freezer == configs.Undefined {
				return nil
			}
			return setFreezer(p, r.Freezer)
		}},
		{"unified", func(p string, r *configs.Resources) error { return setUnified(p, r.Unified) }},
	}
	for _, s := range steps {
		if err := s.fn(m.dirPath, r); err != nil {
			return fmt.Errorf("cgroup v2 %s: %w", s.name, err)
		}
	}
	m.config.Resources = r
	return nil
}

// setDevicesStep applies the device rules, tolerating failures when
// rootless.
func (m *manager) setDevicesStep(dir string, r *configs.Resources) error {
	err := setDevices(dir, r)
	if err != nil && m.config.Rootless {
		return nil
	}
	return err
}
