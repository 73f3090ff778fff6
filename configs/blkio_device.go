package configs

import "fmt"

// blockIODevice identifies a block device by number; it is embedded (and
// flattened in JSON) in WeightDevice and ThrottleDevice.
type blockIODevice struct {
	// Major is the device major number.
	Major int64 `json:"major"`
	// Minor is the device minor number.
	Minor int64 `json:"minor"`
}

// WeightDevice is a per-device blkio weight.
type WeightDevice struct {
	blockIODevice
	// Weight is the device's relative weight (10..1000).
	Weight uint16 `json:"weight"`
	// LeafWeight is the weight for the cgroup's own tasks (cfq only).
	LeafWeight uint16 `json:"leafWeight"`
}

// NewWeightDevice returns a WeightDevice for major:minor.
func NewWeightDevice(major, minor int64, weight, leafWeight uint16) *WeightDevice {
	wd := &WeightDevice{Weight: weight, LeafWeight: leafWeight}
	wd.Major = major
	wd.Minor = minor
	return wd
}

// WeightString renders the entry as "major:minor weight".
func (wd *WeightDevice) WeightString() string {
	return fmt.Sprintf("%d:%d %d", wd.Major, wd.Minor, wd.Weight)
}

// LeafWeightString renders the entry as "major:minor leafweight".
func (wd *WeightDevice) LeafWeightString() string {
	return fmt.Sprintf("%d:%d %d", wd.Major, wd.Minor, wd.LeafWeight)
}

// ThrottleDevice is a per-device blkio bandwidth or IOPS limit.
type ThrottleDevice struct {
	blockIODevice
	// Rate is the limit in bytes or operations per second.
	Rate uint64 `json:"rate"`
}

// NewThrottleDevice returns a ThrottleDevice for major:minor.
func NewThrottleDevice(major, minor int64, rate uint64) *ThrottleDevice {
	td := &ThrottleDevice{Rate: rate}
	td.Major = major
	td.Minor = minor
	return td
}

// String renders the entry as "major:minor rate" (cgroup v1 format).
func (td *ThrottleDevice) String() string {
	return fmt.Sprintf("%d:%d %d", td.Major, td.Minor, td.Rate)
}

// StringName renders the entry as "major:minor name=rate" (cgroup v2
// io.max format).
func (td *ThrottleDevice) StringName(name string) string {
	return fmt.Sprintf("%d:%d %s=%d", td.Major, td.Minor, name, td.Rate)
}
