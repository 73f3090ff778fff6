// Package systemd is the systemd cgroup driver: the container's cgroup is
// a transient scope (or slice) unit created over D-Bus, with the resource
// limits expressed as unit properties and the remaining ones written by
// the cgroupfs drivers. It needs systemd as the init system; otherwise
// its managers refuse to be created.
package systemd

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"sync"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"
	dbus "github.com/godbus/dbus/v5"

	"github.com/b7f961b7/libcontainer/configs"
)

// ErrNotRunning is returned when a systemd manager is asked for on a host
// whose init is not systemd.
var ErrNotRunning = errors.New("systemd not running on this host, cannot use systemd cgroups manager")

var (
	runningOnce sync.Once
	running     bool
)

// IsRunningSystemd reports whether systemd is the init system
// (/run/systemd/system is a directory). The answer is cached.
func IsRunningSystemd() bool {
	runningOnce.Do(func() {
		fi, err := os.Lstat("/run/systemd/system")
		running = err == nil && fi.IsDir()
	})
	return running
}

// defaultSlice is the parent slice of system containers.
const defaultSlice = "system.slice"

// ExpandSlice turns a slice unit name into its cgroup path:
// "a-b-c.slice" is "/a.slice/a-b.slice/a-b-c.slice" and "-.slice" (the
// root slice) is "/". The name must end in ".slice", contain no "/" and
// no empty dash-separated component.
func ExpandSlice(slice string) (string, error) {
	const suffix = ".slice"
	name, ok := strings.CutSuffix(slice, suffix)
	if !ok || name == "" {
		return "", fmt.Errorf("invalid slice name %q: must end in %q", slice, suffix)
	}
	if strings.Contains(slice, "/") {
		return "", fmt.Errorf("invalid slice name %q: must not contain \"/\"", slice)
	}
	if name == "-" {
		return "/", nil
	}
	var path, prefix strings.Builder
	for _, c := range strings.Split(name, "-") {
		if c == "" {
			return "", fmt.Errorf("invalid slice name %q: empty component", slice)
		}
		path.WriteString("/" + prefix.String() + c + suffix)
		prefix.WriteString(c + "-")
	}
	return path.String(), nil
}

// RangeToBits converts a cpuset list such as "0-3,8" into the byte mask
// systemd's AllowedCPUs and AllowedMemoryNodes take (byte i bit j is
// CPU 8i+j).
func RangeToBits(str string) ([]byte, error) {
	bits := new(big.Int)
	str = strings.TrimSpace(str)
	if str == "" {
		return nil, errors.New("empty cpuset list")
	}
	for _, r := range strings.Split(str, ",") {
		r = strings.TrimSpace(r)
		lo, hi, isRange := strings.Cut(r, "-")
		start, err := strconv.ParseUint(lo, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("invalid cpuset list %q: %w", str, err)
		}
		end := start
		if isRange {
			end, err = strconv.ParseUint(hi, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("invalid cpuset list %q: %w", str, err)
			}
			if end < start {
				return nil, fmt.Errorf("invalid cpuset list %q: range %q is reversed", str, r)
			}
		}
		if end >= 1<<16 {
			return nil, fmt.Errorf("invalid cpuset list %q: %d is too large", str, end)
		}
		for i := start; i <= end; i++ {
			bits.SetBit(bits, int(i), 1)
		}
	}
	b := bits.Bytes() // big-endian
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	if len(b) == 0 {
		b = []byte{0}
	}
	return b, nil
}

// newProp builds a unit property.
func newProp(name string, value any) systemdDbus.Property {
	return systemdDbus.Property{Name: name, Value: dbus.MakeVariant(value)}
}

// unitName returns the unit of c: Name itself for a slice, else
// "<ScopePrefix>-<Name>.scope".
func unitName(c *configs.Cgroup) string {
	if strings.HasSuffix(c.Name, ".slice") {
		return c.Name
	}
	if c.ScopePrefix != "" {
		return c.ScopePrefix + "-" + c.Name + ".scope"
	}
	return c.Name + ".scope"
}

// checkConfig validates the systemd-specific parts of c.
func checkConfig(c *configs.Cgroup) error {
	if c == nil {
		return errors.New("systemd cgroup manager: config is nil")
	}
	if c.Name == "" {
		return errors.New("systemd cgroup manager: cgroup Name (unit name) is empty")
	}
	if strings.ContainsAny(c.Name, "/\x00") || strings.Contains(c.ScopePrefix, "/") {
		return fmt.Errorf("systemd cgroup manager: invalid unit name %q (prefix %q)", c.Name, c.ScopePrefix)
	}
	if c.Path != "" {
		return fmt.Errorf("systemd cgroup manager: Path %q must not be set; use Parent, ScopePrefix and Name", c.Path)
	}
	if c.Parent != "" {
		if _, err := ExpandSlice(c.Parent); err != nil {
			return fmt.Errorf("systemd cgroup manager: invalid Parent: %w", err)
		}
	}
	for _, p := range c.SystemdProps {
		if !validPropName(p.Name) {
			return fmt.Errorf("systemd cgroup manager: invalid property name %q", p.Name)
		}
	}
	return nil
}

// validPropName reports whether name looks like a systemd property
// (letters only, at least three).
func validPropName(name string) bool {
	if len(name) < 3 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// cpuQuotaPerSecUSec converts a CFS quota/period pair into systemd's
// CPUQuotaPerSecUSec, rounded up to the 10 ms systemd works with; a
// negative quota is unlimited.
func cpuQuotaPerSecUSec(quota int64, period uint64) uint64 {
	if quota < 0 {
		return math.MaxUint64
	}
	if period == 0 {
		period = 100000
	}
	v := uint64(quota) * 1000000 / period
	if rem := v % 10000; rem != 0 {
		v += 10000 - rem
	}
	return v
}

// commonCPUProps returns the CPU quota and cpuset properties shared by
// both drivers. sdVer is the systemd version (0 = unknown: assume
// recent).
func commonCPUProps(r *configs.Resources, sdVer int) ([]systemdDbus.Property, error) {
	var props []systemdDbus.Property
	if r.CpuQuota != 0 || r.CpuPeriod != 0 {
		if r.CpuPeriod != 0 && (sdVer == 0 || sdVer >= 242) {
			props = append(props, newProp("CPUQuotaPeriodUSec", r.CpuPeriod))
		}
		if r.CpuQuota != 0 {
			props = append(props, newProp("CPUQuotaPerSecUSec", cpuQuotaPerSecUSec(r.CpuQuota, r.CpuPeriod)))
		}
	}
	if sdVer == 0 || sdVer >= 244 {
		if r.CpusetCpus != "" {
			b, err := RangeToBits(r.CpusetCpus)
			if err != nil {
				return nil, fmt.Errorf("CpusetCpus: %w", err)
			}
			props = append(props, newProp("AllowedCPUs", b))
		}
		if r.CpusetMems != "" {
			b, err := RangeToBits(r.CpusetMems)
			if err != nil {
				return nil, fmt.Errorf("CpusetMems: %w", err)
			}
			props = append(props, newProp("AllowedMemoryNodes", b))
		}
	}
	return props, nil
}

// propLimit converts a limit, negative meaning unlimited, into the value
// of a systemd limit property (math.MaxUint64 is "infinity").
func propLimit(limit int64) uint64 {
	if limit < 0 {
		return math.MaxUint64
	}
	return uint64(limit)
}

// tasksMax converts PidsLimit into TasksMax (0 = leave unset).
func tasksMax(limit int64) (systemdDbus.Property, bool) {
	if limit == 0 {
		return systemdDbus.Property{}, false
	}
	return newProp("TasksMax", propLimit(limit)), true
}

// deviceProps returns the device access properties of r (none when
// r.SkipDevices).
func deviceProps(r *configs.Resources) ([]systemdDbus.Property, error) {
	if r.SkipDevices {
		return nil, nil
	}
	return generateDeviceProperties(r.Devices)
}
