package defaultconfig

import (
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// Config returns a new configuration for a container whose root filesystem is
// rootfs (kept as given, so it may be relative), whose hostname is hostname and
// whose cgroup is cgroupPath (absolute, from the hierarchy roots). The
// container gets private mount, UTS, IPC, PID and network namespaces with only
// a loopback interface, the standard /proc, /dev, /sys mounts, the default
// device set, the usual masked and read-only paths, and DefaultCapabilities.
// Every call returns a fresh value that the caller may modify.
func Config(rootfs, hostname, cgroupPath string) *configs.Config {
	devs := Devices()
	return &configs.Config{
		Rootfs:            rootfs,
		ParentDeathSignal: int(unix.SIGKILL),
		Hostname:          hostname,
		Namespaces: configs.Namespaces{
			{Type: configs.NEWNS},
			{Type: configs.NEWUTS},
			{Type: configs.NEWIPC},
			{Type: configs.NEWPID},
			{Type: configs.NEWNET},
		},
		Capabilities: Capabilities(),
		Networks:     []*configs.Network{{Type: "loopback"}},
		Mounts:       Mounts(),
		Devices:      NodeDevices(devs),
		Cgroups: &configs.Cgroup{
			Path: cgroupPath,
			Resources: &configs.Resources{
				Devices: DeviceRules(devs),
			},
		},
		MaskPaths:     MaskedPaths(),
		ReadonlyPaths: ReadonlyPaths(),
		Rlimits: []configs.Rlimit{
			{Type: unix.RLIMIT_NOFILE, Hard: 1024, Soft: 1024},
		},
		Version: specs.Version,
	}
}
