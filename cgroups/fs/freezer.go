package fs

import (
	"fmt"
	"strings"
	"time"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/cgroups/internal/poll"
	"github.com/b7f961b7/libcontainer/configs"
)

// freezeTimeout bounds how long Set waits for a freeze to complete.
const freezeTimeout = 10 * time.Second

// FreezerGroup is the v1 freezer controller.
type FreezerGroup struct{}

// Name returns "freezer".
func (s *FreezerGroup) Name() string { return "freezer" }

// Apply creates path and moves pid into it.
func (s *FreezerGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// Set freezes or thaws path as r.Freezer asks and waits until the state
// sticks (a freeze can stay in FREEZING while tasks are busy in the
// kernel; it is re-requested until FROZEN, and undone on timeout).
func (s *FreezerGroup) Set(path string, r *configs.Resources) error {
	switch r.Freezer {
	case configs.Undefined:
		return nil
	case configs.Frozen, configs.Thawed:
		return freezeTo(path, r.Freezer)
	default:
		return fmt.Errorf("invalid freezer state %q: must be %q or %q", r.Freezer, configs.Frozen, configs.Thawed)
	}
}

// freezeTo moves the freezer cgroup at path to state (Frozen or Thawed).
func freezeTo(path string, state configs.FreezerState) error {
	var cur string
	done, err := poll.Until(freezeTimeout, func() (bool, error) {
		if err := cgroups.WriteFile(path, "freezer.state", string(state)); err != nil {
			return false, err
		}
		s, err := cgroups.ReadFile(path, "freezer.state")
		if err != nil {
			return false, err
		}
		cur = strings.TrimSpace(s)
		return cur == string(state), nil
	})
	if err != nil || done {
		return err
	}
	if state == configs.Frozen {
		_ = cgroups.WriteFile(path, "freezer.state", string(configs.Thawed))
	}
	return fmt.Errorf("unable to set freezer state of %s to %s: still %s after %v", path, state, cur, freezeTimeout)
}

// GetStats does nothing: the freezer has no statistics.
func (s *FreezerGroup) GetStats(_ string, _ *cgroups.Stats) error { return nil }

// GetState returns the freezer state of path: Undefined (no error) when
// there is no freezer there, Thawed when only an ancestor is frozen.
func (s *FreezerGroup) GetState(path string) (configs.FreezerState, error) {
	for {
		state, err := cgroups.ReadFile(path, "freezer.state")
		if err != nil {
			if cgfile.Gone(err) {
				return configs.Undefined, nil
			}
			return configs.Undefined, err
		}
		switch strings.TrimSpace(state) {
		case "THAWED":
			return configs.Thawed, nil
		case "FROZEN":
			self, err := cgroups.ReadFile(path, "freezer.self_freezing")
			if err != nil {
				if cgfile.Gone(err) {
					return configs.Undefined, nil
				}
				return configs.Undefined, err
			}
			if strings.TrimSpace(self) == "0" {
				return configs.Thawed, nil
			}
			return configs.Frozen, nil
		case "FREEZING":
			// Wait for a stable answer.
			time.Sleep(time.Millisecond)
		default:
			return configs.Undefined, fmt.Errorf("unknown freezer state %q in %s", strings.TrimSpace(state), path)
		}
	}
}
