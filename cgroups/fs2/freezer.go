package fs2

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/cgroups/internal/poll"
	"github.com/b7f961b7/libcontainer/configs"
)

// freezeTimeout bounds how long setFreezer waits for "frozen 1".
const freezeTimeout = 10 * time.Second

// setFreezer writes cgroup.freeze and, when freezing, waits until
// cgroup.events reports the cgroup frozen.
func setFreezer(dir string, state configs.FreezerState) error {
	var val string
	switch state {
	case configs.Undefined:
		return nil
	case configs.Frozen:
		val = "1"
	case configs.Thawed:
		val = "0"
	default:
		return fmt.Errorf("invalid freezer state %q: must be %q or %q", state, configs.Frozen, configs.Thawed)
	}
	if err := cgroups.WriteFile(dir, "cgroup.freeze", val); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("freezer not supported on %s (no cgroup.freeze): %w", dir, err)
		}
		return err
	}
	if state != configs.Frozen {
		return nil
	}
	done, err := poll.Until(freezeTimeout, func() (bool, error) {
		frozen, err := fscommon.GetValueByKey(dir, "cgroup.events", "frozen")
		return frozen == 1, err
	})
	if err != nil || done {
		return err
	}
	_ = cgroups.WriteFile(dir, "cgroup.freeze", "0")
	return fmt.Errorf("unable to freeze %s: not frozen after %v", dir, freezeTimeout)
}

// getFreezer returns Frozen or Thawed from cgroup.freeze, or Undefined
// when the file does not exist.
func getFreezer(dir string) (configs.FreezerState, error) {
	s, err := cgroups.ReadFile(dir, "cgroup.freeze")
	if err != nil {
		if cgfile.Gone(err) {
			return configs.Undefined, nil
		}
		return configs.Undefined, err
	}
	switch strings.TrimSpace(s) {
	case "0":
		return configs.Thawed, nil
	case "1":
		return configs.Frozen, nil
	}
	return configs.Undefined, fmt.Errorf("unexpected cgroup.freeze content %q in %s", strings.TrimSpace(s), dir)
}
