// Package cgroups holds what every cgroup driver shares: the Manager
// interface, the safe cgroup file helpers, mount discovery, process
// membership helpers and the Stats types.
package cgroups

import (
	"errors"

	"github.com/b7f961b7/libcontainer/configs"
)

const (
	// CgroupProcesses is the file that lists (and accepts) the processes of a cgroup.
	CgroupProcesses = "cgroup.procs"
	// CgroupNamePrefix prefixes named (controller-less) v1 hierarchies such as "name=systemd".
	CgroupNamePrefix = "name="
)

// ErrV1NoUnified is returned when a configuration sets Resources.Unified on a
// host (or driver) that only speaks cgroup v1.
var ErrV1NoUnified = errors.New("invalid configuration: cannot use unified on cgroup v1")

// Manager creates, configures, inspects and removes the cgroup(s) of one
// container. Implementations are the v1 and v2 cgroupfs drivers and the
// systemd drivers.
type Manager interface {
	// Apply creates the cgroup(s) if needed and moves pid into them.
	// A pid of -1 only creates the cgroup(s).
	Apply(pid int) error

	// GetPids returns the pids of the processes directly in the cgroup.
	GetPids() ([]int, error)

	// GetAllPids returns the pids of the processes in the cgroup and in all
	// of its descendants.
	GetAllPids() ([]int, error)

	// GetStats returns the current statistics of the cgroup.
	GetStats() (*Stats, error)

	// Freeze freezes (configs.Frozen) or thaws (configs.Thawed) the cgroup.
	Freeze(state configs.FreezerState) error

	// Destroy removes the cgroup(s). Destroying a cgroup that does not
	// exist is not an error.
	Destroy() error

	// Path returns the cgroup path of the given v1 subsystem; on v2 the
	// argument is ignored and the single unified path is returned.
	Path(string) string

	// Set applies the resource limits to the cgroup(s). A nil r is a no-op.
	Set(r *configs.Resources) error

	// GetPaths returns the cgroup paths, keyed by subsystem (v1) or by ""
	// (v2 and the cgroup2 hierarchy of a hybrid host). This is what a
	// container's state records.
	GetPaths() map[string]string

	// GetCgroups returns the cgroup configuration of the manager.
	GetCgroups() (*configs.Cgroup, error)

	// GetFreezerState returns the freezer state of the cgroup, or
	// configs.Undefined (and no error) when there is no freezer.
	GetFreezerState() (configs.FreezerState, error)

	// Exists reports whether the cgroup exists (v1: the devices cgroup;
	// v2: the cgroup directory).
	Exists() bool

	// OOMKillCount returns how many processes the OOM killer killed in
	// the cgroup.
	OOMKillCount() (uint64, error)
}
