package specconv

import (
	"fmt"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/userns"
)

// setupUserNamespace completes the user-namespace part of config: when the
// container joins an existing user namespace, its mappings are read from
// the kernel (given mappings must agree with them); device nodes are then
// owned by the container's root.
func setupUserNamespace(config *configs.Config) error {
	if path := config.Namespaces.PathOf(configs.NEWUSER); path != "" {
		uidMap, gidMap, err := userns.GetUserNamespaceMappings(path)
		if err != nil {
			return err
		}
		if len(config.UidMappings) == 0 {
			config.UidMappings = uidMap
		} else if !userns.IsSameMapping(config.UidMappings, uidMap) {
			return fmt.Errorf("linux.uidMappings do not match the mappings of user namespace %s", path)
		}
		if len(config.GidMappings) == 0 {
			config.GidMappings = gidMap
		} else if !userns.IsSameMapping(config.GidMappings, gidMap) {
			return fmt.Errorf("linux.gidMappings do not match the mappings of user namespace %s", path)
		}
	}
	rootUID, err := config.HostRootUID()
	if err != nil {
		return fmt.Errorf("user namespace: %w", err)
	}
	rootGID, err := config.HostRootGID()
	if err != nil {
		return fmt.Errorf("user namespace: %w", err)
	}
	for _, node := range config.Devices {
		node.Uid = uint32(rootUID)
		node.Gid = uint32(rootGID)
	}
	return nil
}
