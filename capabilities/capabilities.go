//go:build linux

// Package capabilities turns the capability sets of a container config
// into the capabilities of the calling thread.
//
// Capabilities are per thread on Linux: every function here acts on the
// calling OS thread only. The container init calls them from a goroutine
// locked to its OS thread (runtime.LockOSThread), the same thread that
// later calls execve(2), which is what carries the sets into the
// container process.
//
// Expected call order in the container init:
//
//  1. caps, err := New(config.Capabilities) — validate names early.
//  2. caps.ApplyBoundingSet() — while still privileged (dropping from the
//     bounding set needs CAP_SETPCAP in the effective set).
//  3. system.SetKeepCaps(); setgroups, system.Setgid, system.Setuid;
//     system.ClearKeepCaps() — KEEPCAPS keeps the permitted set across the
//     switch to a non-zero uid (the effective set is cleared by it).
//  4. caps.ApplyCaps() — sets effective, permitted and inheritable with
//     capset(2), then the ambient set, and re-checks the bounding set.
package capabilities

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/syndtr/gocapability/capability"
)

// capMap maps "CAP_…" names to the capabilities gocapability knows.
var capMap = func() map[string]capability.Cap {
	m := make(map[string]capability.Cap)
	for _, c := range capability.List() {
		m["CAP_"+strings.ToUpper(c.String())] = c
	}
	return m
}()

// KnownCapabilities returns the names ("CAP_CHOWN", ...) of all
// capabilities this package knows, whether or not the running kernel has
// them.
func KnownCapabilities() []string {
	list := capability.List()
	names := make([]string, 0, len(list))
	for _, c := range list {
		names = append(names, "CAP_"+strings.ToUpper(c.String()))
	}
	return names
}

// Caps holds the five capability sets to give the calling thread. Build it
// with New.
type Caps struct {
	// caps holds the wanted capabilities per set; a set absent from the
	// config is empty.
	caps map[capability.CapType][]capability.Cap
}

// capSet names one set of configs.Capabilities.
type capSet struct {
	name  string
	which capability.CapType
	names []string
}

// New checks the capability names of capConfig and returns the sets to
// apply. A name this package does not know is an error naming it (a
// stricter rule than the warning of runc v1.1). A known name that the
// running kernel lacks (above /proc/sys/kernel/cap_last_cap) is left out
// with one warning logged through log/slog. An ambient capability that is
// not also in both the inheritable and the permitted set cannot be raised
// by the kernel; it is left out with a warning as well. Nothing is added
// to any set beyond what the config lists: in particular the inheritable
// set is never filled implicitly (CVE-2022-29162). A nil capConfig means
// all sets are empty.
func New(capConfig *configs.Capabilities) (*Caps, error) {
	return newCaps(capConfig, capability.CAP_LAST_CAP)
}

// newCaps is New with the kernel's last capability given, for tests.
func newCaps(capConfig *configs.Capabilities, lastCap capability.Cap) (*Caps, error) {
	if capConfig == nil {
		capConfig = &configs.Capabilities{}
	}
	sets := []capSet{
		{"Bounding", capability.BOUNDING, capConfig.Bounding},
		{"Effective", capability.EFFECTIVE, capConfig.Effective},
		{"Inheritable", capability.INHERITABLE, capConfig.Inheritable},
		{"Permitted", capability.PERMITTED, capConfig.Permitted},
		{"Ambient", capability.AMBIENT, capConfig.Ambient},
	}
	c := &Caps{caps: make(map[capability.CapType][]capability.Cap)}
	var unsupported []string
	for _, set := range sets {
		list := []capability.Cap{}
		for _, name := range set.names {
			cp, ok := capMap[name]
			if !ok {
				return nil, fmt.Errorf("capabilities: unknown capability %q in the %s set", name, set.name)
			}
			if cp > lastCap {
				unsupported = append(unsupported, set.name+":"+name)
				continue
			}
			if !contains(list, cp) {
				list = append(list, cp)
			}
		}
		c.caps[set.which] = list
	}
	if len(unsupported) > 0 {
		slog.Warn("capabilities: ignoring capabilities the running kernel does not support",
			"capabilities", unsupported, "cap_last_cap", int(lastCap))
	}

	var ambient, dropped []capability.Cap
	for _, cp := range c.caps[capability.AMBIENT] {
		if contains(c.caps[capability.INHERITABLE], cp) && contains(c.caps[capability.PERMITTED], cp) {
			ambient = append(ambient, cp)
		} else {
			dropped = append(dropped, cp)
		}
	}
	if len(dropped) > 0 {
		slog.Warn("capabilities: ignoring ambient capabilities that are not in both the inheritable and the permitted set",
			"capabilities", capNames(dropped))
	}
	c.caps[capability.AMBIENT] = append([]capability.Cap{}, ambient...)
	return c, nil
}

func contains(list []capability.Cap, c capability.Cap) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

func capNames(list []capability.Cap) []string {
	names := make([]string, len(list))
	for i, c := range list {
		names[i] = "CAP_" + strings.ToUpper(c.String())
	}
	return names
}
