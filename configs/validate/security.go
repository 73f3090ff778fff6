package validate

import (
	"github.com/opencontainers/selinux/go-selinux"

	"github.com/b7f961b7/libcontainer/configs"
)

// securityCheck rejects masked or read-only paths without a private mount
// namespace, and an SELinux process label when SELinux is off.
func securityCheck(config *configs.Config) error {
	if !config.Namespaces.Contains(configs.NEWNS) {
		if len(config.MaskPaths) > 0 {
			return invalid("mask_paths", "", "unable to restrict sys entries without a private MNT namespace")
		}
		if len(config.ReadonlyPaths) > 0 {
			return invalid("readonly_paths", "", "unable to restrict sys entries without a private MNT namespace")
		}
	}
	if config.ProcessLabel != "" && !selinux.GetEnabled() {
		return invalid("process_label", config.ProcessLabel, "selinux label is specified in config, but selinux is disabled or not supported")
	}
	return nil
}
