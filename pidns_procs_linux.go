package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// errNoCgroupNoPidNS is returned when the processes of a container can be
// found neither by its cgroup nor by its private pid namespace.
var errNoCgroupNoPidNS = errors.New("the container has no cgroup (rootless without a delegated cgroup) and no private pid namespace to find its processes by")

// hasPrivatePidNS reports whether the container has a pid namespace of its
// own (not one joined by path, which other processes may share).
func (c *linuxContainer) hasPrivatePidNS() bool {
	return c.config.Namespaces.Contains(configs.NEWPID) && c.config.Namespaces.PathOf(configs.NEWPID) == ""
}

// pidNSProcesses lists, in our pid namespace, the processes in the pid
// namespace of the init: the container's processes when it has no cgroup.
// Processes in pid namespaces nested further down are not listed (killing
// their namespace's init ends them).
func pidNSProcesses(initPid int) ([]int, error) {
	var initNS unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/pid", initPid), &initNS); err != nil {
		return nil, fmt.Errorf("pid namespace of init %d: %w", initPid, err)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Stat("/proc/"+e.Name()+"/ns/pid", &st) != nil {
			continue // gone, or not ours to look at
		}
		if st.Dev == initNS.Dev && st.Ino == initNS.Ino {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// signalPidNS signals every process of a container without a cgroup
// through its private pid namespace: SIGKILL goes to the init alone (the
// kernel then kills the whole namespace, so nothing can fork away);
// another signal goes to each process found in the namespace.
func (c *linuxContainer) signalPidNS(sig unix.Signal) error {
	if !c.hasPrivatePidNS() {
		return fmt.Errorf("signal all processes of %s: %w", c.id, errNoCgroupNoPidNS)
	}
	pidfd, err := c.initPidfd()
	if err != nil {
		return err
	}
	defer unix.Close(pidfd)
	if sig == unix.SIGKILL {
		return unix.PidfdSendSignal(pidfd, sig, nil, 0)
	}
	pids, err := pidNSProcesses(c.initPid)
	if err != nil {
		return fmt.Errorf("signal all processes of %s: %w", c.id, err)
	}
	var errs []error
	for _, pid := range pids {
		if err := unix.Kill(pid, sig); err != nil && err != unix.ESRCH {
			errs = append(errs, fmt.Errorf("signal %d: %w", pid, err))
		}
	}
	return errors.Join(errs...)
}
