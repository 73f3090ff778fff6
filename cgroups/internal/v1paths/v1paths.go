// Package v1paths holds what both cgroup v1 managers (fs and the systemd
// legacy one) do with their per-controller cgroup directories: the
// cgroups.Manager methods that only read them, gathering statistics over
// them, and killing and removing them on Destroy.
package v1paths

import (
	"errors"
	"fmt"
	"sync"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/internal/kill"
	"github.com/b7f961b7/libcontainer/configs"
)

// ErrNoFreezer is returned by Freeze when the manager has no freezer
// cgroup.
var ErrNoFreezer = errors.New("cannot toggle freezer: cgroups not configured for container")

// Paths maps a controller name (and "" for the cgroup2 hierarchy of a
// hybrid host) to the cgroup directory a v1 manager uses for it. Embedded
// in a manager it provides Path, GetPaths, GetPids, GetAllPids and Exists.
type Paths struct {
	// Mu guards Dirs (and whatever else the embedding manager guards
	// with it). The methods of Paths take it themselves unless their
	// doc says the caller holds it.
	Mu sync.Mutex
	// Dirs is the controller → cgroup directory map.
	Dirs map[string]string
}

// Path returns the cgroup directory of subsys ("" when it has none).
func (p *Paths) Path(subsys string) string {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	return p.Dirs[subsys]
}

// GetPaths returns a copy of the controller → directory map.
func (p *Paths) GetPaths() map[string]string {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	cp := make(map[string]string, len(p.Dirs))
	for k, v := range p.Dirs {
		cp[k] = v
	}
	return cp
}

// GetPids lists the processes directly in the devices cgroup.
func (p *Paths) GetPids() ([]int, error) {
	return cgroups.GetPids(p.Path("devices"))
}

// GetAllPids lists the processes in the devices cgroup and below.
func (p *Paths) GetAllPids() ([]int, error) {
	return cgroups.GetAllPids(p.Path("devices"))
}

// Exists reports whether the devices cgroup exists.
func (p *Paths) Exists() bool {
	d := p.Path("devices")
	return d != "" && cgroups.PathExists(d)
}

// FreezerPath returns the freezer cgroup directory, or ErrNoFreezer.
func (p *Paths) FreezerPath() (string, error) {
	d := p.Path("freezer")
	if d == "" {
		return "", ErrNoFreezer
	}
	return d, nil
}

// FreezerState returns what get reads from the freezer cgroup, or
// Undefined without one.
func (p *Paths) FreezerState(get func(dir string) (configs.FreezerState, error)) (configs.FreezerState, error) {
	d := p.Path("freezer")
	if d == "" {
		return configs.Undefined, nil
	}
	return get(d)
}

// KillAndRemove kills every process left in the cgroups (cgroup.kill in
// the hybrid cgroup2 directory first; freeze and thaw, if set, around the
// SIGKILL round), waits for them to go and removes every directory. The
// caller holds Mu.
func (p *Paths) KillAndRemove(freeze, thaw func() error) error {
	dirs := make([]string, 0, len(p.Dirs))
	for _, d := range p.Dirs {
		dirs = append(dirs, d)
	}
	if err := kill.All(dirs, p.Dirs[""], freeze, thaw); err != nil {
		return fmt.Errorf("destroy cgroup: %w", err)
	}
	return cgroups.RemovePaths(p.Dirs)
}

// StatsReader is a v1 controller that reports statistics.
type StatsReader interface {
	// Name returns the controller name, the key of its directory.
	Name() string
	// GetStats adds the controller's statistics in dir to stats.
	GetStats(dir string, stats *cgroups.Stats) error
}

// GetStats gathers the statistics of every controller of subs whose
// directory in p exists, stopping at the first error.
func GetStats[S StatsReader](p *Paths, subs []S) (*cgroups.Stats, error) {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	stats := cgroups.NewStats()
	for _, s := range subs {
		d := p.Dirs[s.Name()]
		if d == "" || !cgroups.PathExists(d) {
			continue
		}
		if err := s.GetStats(d, stats); err != nil {
			return nil, err
		}
	}
	return stats, nil
}

// SetError is the error of setting the limits of controller name in dir:
// err itself, or, when the manager has no directory for the controller,
// an error saying the container could not join or create that cgroup.
func SetError(name, dir string, err error) error {
	if dir == "" {
		return fmt.Errorf("cannot set %s limit: container could not join or create cgroup: %w", name, err)
	}
	return err
}
