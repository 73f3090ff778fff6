package specconv

import (
	"fmt"
	"math"
	"sort"
	"strings"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"
	dbus "github.com/godbus/dbus/v5"
)

// systemdPropertyPrefix marks annotations that become systemd unit
// properties of the container's scope.
const systemdPropertyPrefix = "org.systemd.property."

// createSystemdProps turns "org.systemd.property.<Name>" annotations into
// unit properties, in annotation-key order. The value is a GVariant text
// ("uint64 100", "'str'", "true", ...). A property named "...Sec" (but not
// "...USec") is given in seconds and is converted to the "...USec"
// property in microseconds.
func createSystemdProps(annotations map[string]string) ([]systemdDbus.Property, error) {
	keys := make([]string, 0, len(annotations))
	for k := range annotations {
		if strings.HasPrefix(k, systemdPropertyPrefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)

	var props []systemdDbus.Property
	for _, k := range keys {
		name := strings.TrimPrefix(k, systemdPropertyPrefix)
		if !isSystemdPropertyName(name) {
			return nil, fmt.Errorf("annotation %s: property name %q must be at least 3 ASCII letters", k, name)
		}
		value, err := dbus.ParseVariant(annotations[k], dbus.Signature{})
		if err != nil {
			return nil, fmt.Errorf("annotation %s=%s: value parse error: %w", k, annotations[k], err)
		}
		if strings.HasSuffix(name, "Sec") && !strings.HasSuffix(name, "USec") {
			name = strings.TrimSuffix(name, "Sec") + "USec"
			value, err = secToUSec(value)
			if err != nil {
				return nil, fmt.Errorf("annotation %s=%s: %w", k, annotations[k], err)
			}
		}
		props = append(props, systemdDbus.Property{Name: name, Value: value})
	}
	return props, nil
}

// isSystemdPropertyName reports whether name is at least three ASCII
// letters and nothing else.
func isSystemdPropertyName(name string) bool {
	if len(name) < 3 {
		return false
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// secToUSec converts a number of seconds into a uint64 number of
// microseconds.
func secToUSec(v dbus.Variant) (dbus.Variant, error) {
	const usecPerSec = 1_000_000
	var secs float64
	switch n := v.Value().(type) {
	case uint8:
		secs = float64(n)
	case uint16:
		secs = float64(n)
	case uint32:
		secs = float64(n)
	case uint64:
		if n > math.MaxUint64/usecPerSec {
			return v, fmt.Errorf("%d seconds overflow microseconds", n)
		}
		return dbus.MakeVariant(n * usecPerSec), nil
	case int16:
		secs = float64(n)
	case int32:
		secs = float64(n)
	case int64:
		secs = float64(n)
	case float64:
		secs = n
	default:
		return v, fmt.Errorf("a seconds value must be a number, got %s", v.Signature())
	}
	usec := math.Round(secs * usecPerSec)
	if math.IsNaN(usec) || usec < 0 || usec >= math.MaxUint64 {
		return v, fmt.Errorf("%v seconds is out of range", secs)
	}
	return dbus.MakeVariant(uint64(usec)), nil
}
