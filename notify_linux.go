package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
)

// PressureLevel is a memory pressure level a notification can be asked for.
type PressureLevel uint

// The memory pressure levels, from mild to severe.
const (
	LowPressure PressureLevel = iota
	MediumPressure
	CriticalPressure
)

// v1PressureLevelNames are the memory.pressure_level arguments per level.
var v1PressureLevelNames = [...]string{
	LowPressure:      "low",
	MediumPressure:   "medium",
	CriticalPressure: "critical",
}

// registerMemoryEventV1 registers an eventfd for the v1 memory cgroup dir
// through cgroup.event_control, watching file with the optional arg. The
// returned channel receives a value per event (coalesced while nobody
// reads) and is closed once the cgroup is removed.
func registerMemoryEventV1(dir, file, arg string) (<-chan struct{}, error) {
	watched, err := cgroups.OpenFile(dir, file, unix.O_RDONLY)
	if err != nil {
		return nil, fmt.Errorf("memory event %s: %w", file, err)
	}
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		watched.Close()
		return nil, fmt.Errorf("memory event %s: eventfd: %w", file, err)
	}
	eventfd := os.NewFile(uintptr(efd), "eventfd")
	data := strconv.Itoa(efd) + " " + strconv.Itoa(int(watched.Fd()))
	if arg != "" {
		data += " " + arg
	}
	if err := cgroups.WriteFile(dir, "cgroup.event_control", data); err != nil {
		eventfd.Close()
		watched.Close()
		return nil, fmt.Errorf("memory event %s: %w", file, err)
	}
	ch := make(chan struct{}, 1)
	control := filepath.Join(dir, "cgroup.event_control")
	go func() {
		defer func() {
			close(ch)
			eventfd.Close()
			watched.Close()
		}()
		buf := make([]byte, 8)
		for {
			if _, err := eventfd.Read(buf); err != nil {
				return
			}
			// The kernel also signals the eventfd when the cgroup
			// goes away.
			if _, err := os.Lstat(control); errors.Is(err, os.ErrNotExist) {
				return
			}
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	return ch, nil
}

// notifyOnOOM returns a channel that receives a value whenever the OOM
// condition occurs in the v1 memory cgroup dir (memory.oom_control) and
// is closed when the cgroup is removed.
func notifyOnOOM(dir string) (<-chan struct{}, error) {
	if dir == "" {
		return nil, errors.New("notify oom: memory cgroup path is empty")
	}
	return registerMemoryEventV1(dir, "memory.oom_control", "")
}

// notifyMemoryPressure returns a channel that receives a value whenever
// the v1 memory cgroup dir reaches the given pressure level
// (memory.pressure_level) and is closed when the cgroup is removed.
func notifyMemoryPressure(dir string, level PressureLevel) (<-chan struct{}, error) {
	if level > CriticalPressure {
		return nil, fmt.Errorf("notify memory pressure: invalid pressure level %d", level)
	}
	if dir == "" {
		return nil, errors.New("notify memory pressure: memory cgroup path is empty")
	}
	return registerMemoryEventV1(dir, "memory.pressure_level", v1PressureLevelNames[level])
}
