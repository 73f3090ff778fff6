package validate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/b7f961b7/libcontainer/configs"
)

// rootlessEUIDCheck applies only when RootlessEUID is set: it requires a
// user namespace, uid and gid mappings unless an existing user namespace is
// joined, and that every uid=/gid= mount option maps to a host id.
func rootlessEUIDCheck(config *configs.Config) error {
	if !config.RootlessEUID {
		return nil
	}
	if !config.Namespaces.Contains(configs.NEWUSER) {
		return invalid("namespaces", "", "rootless container requires user namespaces")
	}
	if config.Namespaces.PathOf(configs.NEWUSER) == "" {
		if len(config.UidMappings) == 0 {
			return invalid("uid_mappings", "", "rootless containers requires at least one UID mapping")
		}
		if len(config.GidMappings) == 0 {
			return invalid("gid_mappings", "", "rootless containers requires at least one GID mapping")
		}
	}
	for i, m := range config.Mounts {
		if err := rootlessMountIDs(config, fmt.Sprintf("mounts[%d].data", i), m.Data); err != nil {
			return err
		}
	}
	return nil
}

// rootlessMountIDs checks the uid= and gid= options in mount data against
// the container's mappings. Options whose value is not a number are left
// to the filesystem.
func rootlessMountIDs(config *configs.Config, field, data string) error {
	for _, opt := range strings.Split(data, ",") {
		key, val, ok := strings.Cut(opt, "=")
		if !ok || (key != "uid" && key != "gid") {
			continue
		}
		id, err := strconv.Atoi(val)
		if err != nil {
			continue
		}
		if key == "uid" {
			_, err = config.HostUID(id)
		} else {
			_, err = config.HostGID(id)
		}
		if err != nil {
			return invalidCause(field, opt, err, "cannot specify %s mount option for rootless container", opt)
		}
	}
	return nil
}
