package fs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
	cgdevices "github.com/b7f961b7/libcontainer/cgroups/devices"
	"github.com/b7f961b7/libcontainer/cgroups/internal/userns"
	"github.com/b7f961b7/libcontainer/configs"
)

// DevicesGroup is the v1 devices controller. Set moves the cgroup from its
// current rules (devices.list) to the configured ones with the smallest
// set of writes that never passes through allow-all (see
// cgroups/devices.Emulator.Transition).
type DevicesGroup struct {
	// TestingSkipFinalCheck skips re-reading devices.list after Set.
	TestingSkipFinalCheck bool
}

// Name returns "devices".
func (s *DevicesGroup) Name() string { return "devices" }

// Apply creates path and moves pid into it, unless devices are skipped.
func (s *DevicesGroup) Apply(path string, r *configs.Resources, pid int) error {
	if r != nil && r.SkipDevices {
		return nil
	}
	return apply(path, pid)
}

// loadEmulator reads the current state of the devices cgroup at path.
func loadEmulator(path string) (*cgdevices.Emulator, error) {
	list, err := cgroups.ReadFile(path, "devices.list")
	if err != nil {
		return nil, err
	}
	return cgdevices.EmulatorFromList(strings.NewReader(list))
}

// Set applies r.Devices. It does nothing inside a user namespace (the
// kernel refuses device rule changes there) or with r.SkipDevices.
func (s *DevicesGroup) Set(path string, r *configs.Resources) error {
	if r.SkipDevices || userns.RunningInUserNS() {
		return nil
	}
	target, err := cgdevices.FromRules(r.Devices)
	if err != nil {
		return fmt.Errorf("devices cgroup %s: %w", path, err)
	}
	current, err := loadEmulator(path)
	if err != nil {
		return err
	}
	// devices.list hides the deny exceptions of an allow-by-default
	// cgroup, so leaving such a state needs a full reset.
	transition, err := current.Transition(target)
	if current.IsBlacklist() && target.IsBlacklist() {
		transition, err = target.Rules()
	}
	if err != nil {
		return err
	}
	for _, rule := range transition {
		file := "devices.deny"
		if rule.Allow {
			file = "devices.allow"
		}
		if err := cgroups.WriteFile(path, file, rule.CgroupString()); err != nil {
			return err
		}
	}
	if s.TestingSkipFinalCheck {
		return nil
	}
	after, err := loadEmulator(path)
	if err != nil {
		return err
	}
	// The kernel does not list the exceptions of an allow-by-default
	// cgroup, so only the default can be compared then.
	ok := after.IsBlacklist() == target.IsBlacklist()
	if ok && !target.IsBlacklist() {
		ok = after.Equal(target)
	}
	if !ok {
		return errors.New("resulting devices cgroup doesn't precisely match target (is a parent cgroup more restrictive?)")
	}
	return nil
}

// needsFreeze reports whether applying r's device rules passes through
// allow-all on the way (an allow-by-default target with exceptions), so
// the cgroup's processes should be frozen meanwhile.
func needsFreeze(r *configs.Resources) bool {
	if r.SkipDevices || userns.RunningInUserNS() {
		return false
	}
	target, err := cgdevices.FromRules(r.Devices)
	return err == nil && target.IsBlacklist() && !target.IsAllowAll()
}

// GetStats does nothing: the devices controller has no statistics.
func (s *DevicesGroup) GetStats(path string, stats *cgroups.Stats) error {
	return nil
}
