package libcontainer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/system"
)

// Status is the state of a container, derived from the kernel on each call.
type Status int

// The container states.
const (
	// Created: the init is set up and waits for Exec.
	Created Status = iota
	// Running: the user's init program runs.
	Running
	// Pausing is kept for compatibility; it is never reported.
	Pausing
	// Paused: the container's cgroup is frozen.
	Paused
	// Stopped: there is no init process.
	Stopped
)

// String returns the status as runc names it: "created", "running",
// "pausing", "paused", "stopped" ("unknown" otherwise).
func (s Status) String() string {
	switch s {
	case Created:
		return "created"
	case Running:
		return "running"
	case Pausing:
		return "pausing"
	case Paused:
		return "paused"
	case Stopped:
		return "stopped"
	default:
		return "unknown"
	}
}

// BaseState is the part of the state common to every container.
type BaseState struct {
	// ID is the container id.
	ID string `json:"id"`
	// InitProcessPid is the init's pid in the host pid namespace.
	InitProcessPid int `json:"init_process_pid"`
	// InitProcessStartTime is the init's start time in clock ticks since
	// boot (field 22 of /proc/<pid>/stat): with the pid it identifies the
	// init even after the pid is reused.
	InitProcessStartTime uint64 `json:"init_process_start"`
	// Created is when the init was started (UTC).
	Created time.Time `json:"created"`
	// Config is the container's config.
	Config configs.Config `json:"config"`
}

// State is what state.json holds.
type State struct {
	BaseState

	// Rootless is true when both RootlessEUID and RootlessCgroups are set.
	Rootless bool `json:"rootless"`
	// CgroupPaths maps each controller to its cgroup directory ("" is the
	// cgroup2 path).
	CgroupPaths map[string]string `json:"cgroup_paths"`
	// NamespacePaths maps each namespace type to /proc/<pid>/ns/<x>.
	NamespacePaths map[configs.NamespaceType]string `json:"namespace_paths"`
	// ExternalDescriptors are the init's stdio as readlink shows them.
	ExternalDescriptors []string `json:"external_descriptors,omitempty"`
	// IntelRdtPath is the resctrl group directory.
	IntelRdtPath string `json:"intel_rdt_path"`
}

// writeStateFile writes state.json atomically: a temp file in the same
// directory, fsync, rename. A reader sees the old or the new file, never a
// partial one.
func writeStateFile(dir string, st *State) (err error) {
	tmp, err := os.CreateTemp(dir, "state-")
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := json.NewEncoder(tmp).Encode(st); err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, stateFilename)); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// processAlive reports whether pid still is the process that started at
// startTime: alive, not a zombie, and not a recycled pid.
func processAlive(pid int, startTime uint64) bool {
	if pid <= 0 {
		return false
	}
	st, err := system.Stat(pid)
	if err != nil {
		return false
	}
	if st.StartTime != startTime {
		return false
	}
	return st.State != system.Zombie && st.State != system.Dead
}
