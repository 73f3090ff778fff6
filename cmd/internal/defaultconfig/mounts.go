package defaultconfig

import (
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// Mounts returns the standard container mounts: procfs on /proc, a tmpfs on
// /dev with devpts, shm and mqueue below it, and a read-only sysfs on /sys.
func Mounts() []*configs.Mount {
	const common = unix.MS_NOSUID | unix.MS_NOEXEC | unix.MS_NODEV
	return []*configs.Mount{
		{Source: "proc", Destination: "/proc", Device: "proc", Flags: common},
		{Source: "tmpfs", Destination: "/dev", Device: "tmpfs", Flags: unix.MS_NOSUID | unix.MS_STRICTATIME, Data: "mode=755,size=65536k"},
		{Source: "devpts", Destination: "/dev/pts", Device: "devpts", Flags: unix.MS_NOSUID | unix.MS_NOEXEC, Data: "newinstance,ptmxmode=0666,mode=0620,gid=5"},
		{Source: "shm", Destination: "/dev/shm", Device: "tmpfs", Flags: common, Data: "mode=1777,size=65536k"},
		{Source: "mqueue", Destination: "/dev/mqueue", Device: "mqueue", Flags: common},
		{Source: "sysfs", Destination: "/sys", Device: "sysfs", Flags: common | unix.MS_RDONLY},
	}
}

// MaskedPaths returns the host paths hidden from a container (over-mounted
// with /dev/null or an empty read-only tmpfs).
func MaskedPaths() []string {
	return []string{
		"/proc/acpi",
		"/proc/asound",
		"/proc/kcore",
		"/proc/keys",
		"/proc/latency_stats",
		"/proc/timer_list",
		"/proc/timer_stats",
		"/proc/sched_debug",
		"/proc/scsi",
		"/sys/firmware",
	}
}

// ReadonlyPaths returns the paths a container sees read-only.
func ReadonlyPaths() []string {
	return []string{
		"/proc/bus",
		"/proc/fs",
		"/proc/irq",
		"/proc/sys",
		"/proc/sysrq-trigger",
	}
}
