package devices

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// Rule is one cgroup device access rule: it allows or denies the given
// Permissions on devices of Type with the Major:Minor numbers (either may
// be Wildcard).
type Rule struct {
	// Type is the device type the rule applies to ('a' for all).
	Type Type `json:"type"`
	// Major is the device major number, or Wildcard.
	Major int64 `json:"major"`
	// Minor is the device minor number, or Wildcard.
	Minor int64 `json:"minor"`
	// Permissions are the access letters the rule covers.
	Permissions Permissions `json:"permissions"`
	// Allow selects an allow rule (true) or a deny rule (false).
	Allow bool `json:"allow"`
}

// CgroupString renders the rule in the cgroup v1 devices.allow/deny
// format, such as "c 1:3 rwm"; wildcard numbers are written as "*".
func (d *Rule) CgroupString() string {
	return fmt.Sprintf("%c %s:%s %s", d.Type, deviceNumber(d.Major), deviceNumber(d.Minor), d.Permissions)
}

// deviceNumber formats a major or minor number, using "*" for Wildcard.
func deviceNumber(n int64) string {
	if n == Wildcard {
		return "*"
	}
	return strconv.FormatInt(n, 10)
}

// Mkdev returns the kernel dev_t for the rule's numbers. It fails when
// either number is Wildcard or does not fit the kernel's 32-bit fields.
func (d *Rule) Mkdev() (uint64, error) {
	if d.Major == Wildcard || d.Minor == Wildcard {
		return 0, fmt.Errorf("device %s: cannot make a device number from a wildcard", d.CgroupString())
	}
	if d.Major < 0 || d.Major > int64(^uint32(0)) || d.Minor < 0 || d.Minor > int64(^uint32(0)) {
		return 0, fmt.Errorf("device %s: major or minor number out of range", d.CgroupString())
	}
	return unix.Mkdev(uint32(d.Major), uint32(d.Minor)), nil
}
