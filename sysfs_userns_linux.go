package libcontainer

import (
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// hostSysfsBind returns the mount that stands in for a sysfs mount the
// kernel refuses: a container in a user namespace may mount sysfs only when
// its user namespace owns its network namespace (it has a private one). In
// the host's (or a joined) network namespace the host's /sys is bound
// recursively instead, with the mount's flags (read-only, nosuid, ...).
func hostSysfsBind(m *configs.Mount) *configs.Mount {
	b := *m
	b.Source = "/sys"
	b.Device = "bind"
	b.Data = ""
	b.Flags |= unix.MS_BIND | unix.MS_REC
	return &b
}
