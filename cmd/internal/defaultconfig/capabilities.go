package defaultconfig

import "github.com/b7f961b7/libcontainer/configs"

// DefaultCapabilities is the capability set a container gets by default, in
// the "CAP_…" form that configs.Capabilities uses.
var DefaultCapabilities = []string{
	"CAP_AUDIT_WRITE",
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_MKNOD",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_RAW",
	"CAP_SETFCAP",
	"CAP_SETGID",
	"CAP_SETPCAP",
	"CAP_SETUID",
	"CAP_SYS_CHROOT",
}

// Capabilities returns DefaultCapabilities as the bounding, effective and
// permitted sets; the inheritable and ambient sets stay empty.
func Capabilities() *configs.Capabilities {
	set := func() []string { return append([]string(nil), DefaultCapabilities...) }
	return &configs.Capabilities{
		Bounding:  set(),
		Effective: set(),
		Permitted: set(),
	}
}
