//go:build linux

package capabilities

import (
	"errors"
	"fmt"

	"github.com/syndtr/gocapability/capability"
	"golang.org/x/sys/unix"
)

// ApplyBoundingSet drops from the calling thread's bounding set every
// capability that is not in the Bounding set of the config. It needs
// CAP_SETPCAP in the effective set whenever something is to be dropped,
// so call it before switching to the container user. Unlike
// gocapability's Apply, a drop that fails is an error, never skipped.
func (c *Caps) ApplyBoundingSet() error {
	return c.applyBounding()
}

// ApplyCaps gives the calling thread exactly the configured sets: it
// re-checks the bounding set (dropping what is still there and should not
// be), sets the effective, permitted and inheritable sets with capset(2),
// then clears the ambient set and raises the configured ambient
// capabilities. Call it after the switch to the container user (see the
// package doc for the order). Errors name the step that failed.
func (c *Caps) ApplyCaps() error {
	if err := c.applyBounding(); err != nil {
		return err
	}
	pid, err := capability.NewPid2(0)
	if err != nil {
		return fmt.Errorf("capabilities: get current thread's capabilities: %w", err)
	}
	pid.Clear(capability.CAPS)
	for _, which := range []capability.CapType{capability.EFFECTIVE, capability.PERMITTED, capability.INHERITABLE} {
		pid.Set(which, c.caps[which]...)
	}
	if err := pid.Apply(capability.CAPS); err != nil {
		return fmt.Errorf("capabilities: capset effective %v permitted %v inheritable %v: %w",
			capNames(c.caps[capability.EFFECTIVE]), capNames(c.caps[capability.PERMITTED]),
			capNames(c.caps[capability.INHERITABLE]), err)
	}
	return c.applyAmbient()
}

// applyBounding drops every capability up to the kernel's last one that
// is still in the bounding set but not wanted there.
func (c *Caps) applyBounding() error {
	wanted := c.caps[capability.BOUNDING]
	for cp := capability.Cap(0); cp <= capability.CAP_LAST_CAP; cp++ {
		if contains(wanted, cp) {
			continue
		}
		present, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(cp), 0, 0, 0)
		if err != nil {
			if errors.Is(err, unix.EINVAL) {
				// Not a capability of this kernel.
				continue
			}
			return fmt.Errorf("capabilities: read bounding set for %s: %w", capNames([]capability.Cap{cp})[0], err)
		}
		if present == 0 {
			continue
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(cp), 0, 0, 0); err != nil {
			return fmt.Errorf("capabilities: drop %s from the bounding set (needs CAP_SETPCAP in the effective set): %w",
				capNames([]capability.Cap{cp})[0], err)
		}
	}
	return nil
}

// applyAmbient clears the ambient set and raises the configured ambient
// capabilities.
func (c *Caps) applyAmbient() error {
	ambient := c.caps[capability.AMBIENT]
	err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
	if err != nil {
		if errors.Is(err, unix.EINVAL) && len(ambient) == 0 {
			// Kernel older than 4.3 without ambient capabilities:
			// nothing to clear and nothing wanted.
			return nil
		}
		return fmt.Errorf("capabilities: clear the ambient set: %w", err)
	}
	for _, cp := range ambient {
		if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, uintptr(cp), 0, 0); err != nil {
			return fmt.Errorf("capabilities: raise ambient %s: %w", capNames([]capability.Cap{cp})[0], err)
		}
	}
	return nil
}
