package libcontainer

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// bindSysfsWhereRefused prepares the sysfs mounts of a container in a user
// namespace: the kernel lets it mount a fresh sysfs only when its user
// namespace owns its network namespace (a private one). Otherwise (the
// host's or a joined network namespace) each sysfs mount becomes a
// recursive bind mount of the host's /sys with the same flags, so that
// read-only, nosuid and the rest still apply. It runs in the container
// init, before the rootfs is prepared, and changes config.Mounts.
func bindSysfsWhereRefused(config *configs.Config) error {
	if !config.Namespaces.Contains(configs.NEWUSER) {
		return nil
	}
	owned, err := netNSOwnedByOurUserNS()
	if err != nil {
		return err
	}
	if owned {
		return nil
	}
	for i, m := range config.Mounts {
		if m.Device == "sysfs" && !isBindMount(m) && m.Flags&unix.MS_REMOUNT == 0 {
			config.Mounts[i] = hostSysfsBind(m)
		}
	}
	return nil
}

// netNSOwnedByOurUserNS reports whether our network namespace belongs to
// our user namespace. The kernel refuses to name an owner outside our
// user namespace (EPERM), which means it is not ours.
func netNSOwnedByOurUserNS() (bool, error) {
	netns, err := unix.Open("/proc/self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, fmt.Errorf("open network namespace: %w", err)
	}
	defer unix.Close(netns)
	owner, err := unix.IoctlRetInt(netns, unix.NS_GET_USERNS)
	if errors.Is(err, unix.EPERM) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("owner of the network namespace: %w", err)
	}
	defer unix.Close(owner)
	var o, self unix.Stat_t
	if err := unix.Fstat(owner, &o); err != nil {
		return false, fmt.Errorf("stat owner of the network namespace: %w", err)
	}
	if err := unix.Stat("/proc/self/ns/user", &self); err != nil {
		return false, fmt.Errorf("stat user namespace: %w", err)
	}
	return o.Dev == self.Dev && o.Ino == self.Ino, nil
}

// hostSysfsBind returns a recursive bind mount of the host's /sys that
// stands in for the sysfs mount m.
func hostSysfsBind(m *configs.Mount) *configs.Mount {
	b := *m
	b.Source = "/sys"
	b.Device = "bind"
	b.Data = ""
	b.Flags |= unix.MS_BIND | unix.MS_REC
	return &b
}
