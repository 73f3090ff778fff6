package libcontainer

import (
	"errors"
	"fmt"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
)

// notifyOnOOMV2Path returns a channel that receives a value whenever the
// oom_kill counter in memory.events of the cgroup2 directory path grows,
// and is closed when cgroup.events reports the cgroup unpopulated (or the
// cgroup is removed).
func notifyOnOOMV2Path(path string) (<-chan struct{}, error) {
	if path == "" {
		return nil, errors.New("notify oom: cgroup path is empty")
	}
	start, err := fscommon.GetValueByKey(path, "memory.events", "oom_kill")
	if err != nil {
		return nil, fmt.Errorf("notify oom: %w", err)
	}
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("notify oom: inotify_init1: %w", err)
	}
	memWd, err := unix.InotifyAddWatch(fd, filepath.Join(path, "memory.events"), unix.IN_MODIFY)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("notify oom: watch %s: %w", filepath.Join(path, "memory.events"), err)
	}
	cgWd, err := unix.InotifyAddWatch(fd, filepath.Join(path, "cgroup.events"), unix.IN_MODIFY)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("notify oom: watch %s: %w", filepath.Join(path, "cgroup.events"), err)
	}
	ch := make(chan struct{}, 1)
	go func() {
		defer func() {
			close(ch)
			unix.Close(fd)
		}()
		last := start
		buf := make([]byte, 4096)
		for {
			n, err := unix.Read(fd, buf)
			if err == unix.EINTR {
				continue
			}
			if err != nil || n < unix.SizeofInotifyEvent {
				return
			}
			for off := 0; off+unix.SizeofInotifyEvent <= n; {
				ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
				off += unix.SizeofInotifyEvent + int(ev.Len)
				if ev.Mask&unix.IN_IGNORED != 0 {
					return // the cgroup went away
				}
				switch int(ev.Wd) {
				case cgWd:
					populated, err := fscommon.GetValueByKey(path, "cgroup.events", "populated")
					if err != nil || populated == 0 {
						// The last process may have died of the OOM kill
						// whose memory.events change is not read yet.
						if cur, err := fscommon.GetValueByKey(path, "memory.events", "oom_kill"); err == nil && cur > last {
							select {
							case ch <- struct{}{}:
							default:
							}
						}
						return
					}
				case memWd:
					cur, err := fscommon.GetValueByKey(path, "memory.events", "oom_kill")
					if err != nil {
						return
					}
					if cur > last {
						last = cur
						select {
						case ch <- struct{}{}:
						default:
						}
					}
				}
			}
		}
	}()
	return ch, nil
}

// v2PressureTriggers are the PSI triggers (stall in µs per 2 s window,
// the window unprivileged triggers must use) per level: some task stalled
// 5% or 15% of the time, or all tasks stalled 10% of the time.
var v2PressureTriggers = [...]string{
	LowPressure:      "some 100000 2000000",
	MediumPressure:   "some 300000 2000000",
	CriticalPressure: "full 200000 2000000",
}

// notifyMemoryPressureV2 returns a channel that receives a value whenever
// the memory stall of the cgroup2 directory path crosses the PSI trigger
// of level (memory.pressure, polled for POLLPRI). It is closed when the
// cgroup is removed.
func notifyMemoryPressureV2(path string, level PressureLevel) (<-chan struct{}, error) {
	if level > CriticalPressure {
		return nil, fmt.Errorf("notify memory pressure: invalid pressure level %d", level)
	}
	if path == "" {
		return nil, errors.New("notify memory pressure: cgroup path is empty")
	}
	f, err := cgroups.OpenFile(path, "memory.pressure", unix.O_RDWR)
	if err != nil {
		return nil, fmt.Errorf("notify memory pressure: PSI not available: %w", err)
	}
	trigger := v2PressureTriggers[level]
	if _, err := f.WriteString(trigger); err != nil {
		f.Close()
		return nil, fmt.Errorf("notify memory pressure: write PSI trigger %q to %s: %w", trigger, f.Name(), err)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("notify memory pressure: %w", err)
	}
	var fd int
	if err := rc.Control(func(u uintptr) { fd = int(u) }); err != nil {
		f.Close()
		return nil, fmt.Errorf("notify memory pressure: %w", err)
	}
	ch := make(chan struct{}, 1)
	go func() {
		defer func() {
			close(ch)
			f.Close()
		}()
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLPRI}}
		for {
			_, err := unix.Poll(fds, -1)
			if err == unix.EINTR {
				continue
			}
			if err != nil || fds[0].Revents&(unix.POLLERR|unix.POLLNVAL) != 0 {
				return // the cgroup (and with it the trigger) went away
			}
			if fds[0].Revents&unix.POLLPRI != 0 {
				select {
				case ch <- struct{}{}:
				default:
				}
			}
		}
	}()
	return ch, nil
}
