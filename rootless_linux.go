package libcontainer

import (
	"fmt"
	"os"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/configs/validate"
)

// rootlessConfig checks, before anything is made, what a rootless runtime
// (RootlessEUID: the library runs as an unprivileged host user) asks for,
// and prepares the cgroup config of RootlessCgroups. What an unprivileged
// user cannot do is an error naming the field, never a silent downgrade:
//
//   - an unprivileged caller must set RootlessEUID (and so use a user
//     namespace with maps it may write, directly or with newuidmap and
//     newgidmap);
//   - networking is loopback only: veth pairs and moved devices need
//     CAP_NET_ADMIN on the host;
//   - Intel RDT needs a writable resctrl filesystem.
//
// With RootlessCgroups the cgroup config is marked Rootless: a cgroup the
// caller may not create (no delegated subtree) is then left out instead
// of failing the start, but any resource limit asked for still fails the
// start with "cannot set <controller> limit: container could not join or
// create cgroup". A cgroup config without Path, Name and Parent gets the
// container id as Name (a cgroup below the caller's own, which is where a
// delegated subtree is). config itself is not modified; the returned
// config is a copy when something changed.
func rootlessConfig(id string, config *configs.Config) (*configs.Config, error) {
	if euid := os.Geteuid(); euid != 0 && !config.RootlessEUID {
		return nil, &validate.ConfigError{
			Field: "rootless_euid", Value: "false",
			Reason: fmt.Sprintf("the library runs as unprivileged uid %d: set RootlessEUID (and a user namespace with id maps)", euid),
		}
	}
	if config.RootlessEUID {
		for i, n := range config.Networks {
			if n != nil && n.Type != "loopback" {
				return nil, &validate.ConfigError{
					Field: fmt.Sprintf("networks[%d].type", i), Value: n.Type,
					Reason: "a rootless runtime cannot create host network interfaces: only loopback networking is possible",
				}
			}
		}
		if config.IntelRdt != nil {
			return nil, &validate.ConfigError{Field: "intel_rdt", Reason: "a rootless runtime cannot write the resctrl filesystem"}
		}
	}
	if !config.RootlessCgroups || config.Cgroups == nil {
		return config, nil
	}
	cg := *config.Cgroups
	cg.Rootless = true
	if cg.Path == "" && cg.Name == "" && cg.Parent == "" && !cg.Systemd {
		cg.Name = id
	}
	cp := *config
	cp.Cgroups = &cg
	return &cp, nil
}
