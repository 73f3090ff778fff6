// Package manager picks the cgroup driver for a configuration: the
// systemd or the cgroupfs driver, for cgroup v2 (unified) or v1 (including
// hybrid) hosts.
package manager

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fs"
	"github.com/b7f961b7/libcontainer/cgroups/fs2"
	"github.com/b7f961b7/libcontainer/cgroups/systemd"
	"github.com/b7f961b7/libcontainer/configs"
)

// New returns the cgroup manager for config, computing its paths; it is
// NewWithPaths(config, nil).
func New(config *configs.Cgroup) (cgroups.Manager, error) {
	return NewWithPaths(config, nil)
}

// NewWithPaths returns the cgroup manager for config. paths, when not nil,
// are the saved paths of an existing container (as GetPaths returned
// them); on a unified host they must be a single absolute, clean "" entry.
// config.Systemd selects the systemd driver, which needs systemd running.
func NewWithPaths(config *configs.Cgroup, paths map[string]string) (cgroups.Manager, error) {
	if config == nil {
		return nil, errors.New("cgroups: invalid configuration: config is nil")
	}
	if config.Systemd && !systemd.IsRunningSystemd() {
		return nil, errors.New("systemd not running on this host, cannot use systemd cgroups manager")
	}
	if cgroups.IsCgroup2UnifiedMode() {
		path, err := unifiedPath(paths)
		if err != nil {
			return nil, err
		}
		if config.Systemd {
			return systemd.NewUnifiedManager(config, path)
		}
		return fs2.NewManager(config, path)
	}
	if config.Systemd {
		return systemd.NewLegacyManager(config, paths)
	}
	return fs.NewManager(config, paths)
}

// unifiedPath extracts the single cgroup2 path from saved paths.
func unifiedPath(paths map[string]string) (string, error) {
	if paths == nil {
		return "", nil
	}
	if len(paths) > 1 {
		return "", fmt.Errorf("cgroups: invalid paths for cgroup v2: expected one entry, got %d (%v)", len(paths), paths)
	}
	path, ok := paths[""]
	if len(paths) == 1 && !ok {
		return "", fmt.Errorf("cgroups: invalid paths for cgroup v2: the only key must be \"\", got %v", paths)
	}
	if path != "" && (path != filepath.Clean(path) || !filepath.IsAbs(path)) {
		return "", fmt.Errorf("cgroups: invalid cgroup v2 path %q: must be absolute and clean", path)
	}
	return path, nil
}
