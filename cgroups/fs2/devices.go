package fs2

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups/ebpf"
	"github.com/b7f961b7/libcontainer/cgroups/ebpf/devicefilter"
	"github.com/b7f961b7/libcontainer/configs"
)

// setDevices compiles r.Devices into a device eBPF program and attaches
// it to dir in place of the previous one. Nothing happens with
// SkipDevices.
func setDevices(dir string, r *configs.Resources) error {
	if r.SkipDevices {
		return nil
	}
	insts, license, err := devicefilter.DeviceFilter(r.Devices)
	if err != nil {
		return err
	}
	fd, err := unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open cgroup %s: %w", dir, err)
	}
	defer unix.Close(fd)
	if _, err := ebpf.LoadAttachCgroupDeviceFilter(insts, license, fd); err != nil {
		return fmt.Errorf("cgroup %s: %w", dir, err)
	}
	return nil
}
