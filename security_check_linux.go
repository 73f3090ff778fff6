package libcontainer

import (
	"fmt"

	"github.com/b7f961b7/libcontainer/apparmor"
	"github.com/b7f961b7/libcontainer/capabilities"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/selinux"
)

// checkSecurityOptions refuses, before anything of the process is made, a
// process whose capability sets name an unknown capability, that asks for
// an AppArmor profile while AppArmor is not enabled, or for an SELinux
// label (its process label, which also labels its session keyring, or the
// container's mount label) while SELinux is off. The container side would
// fail on them too, but only with a message; the errors here wrap
// apparmor.ErrApparmorNotEnabled or selinux.ErrDisabled.
func checkSecurityOptions(config *configs.Config, p *Process) error {
	caps := config.Capabilities
	if p.Capabilities != nil {
		caps = p.Capabilities
	}
	if _, err := capabilities.New(caps); err != nil {
		return err
	}
	profile := config.AppArmorProfile
	if p.AppArmorProfile != "" {
		profile = p.AppArmorProfile
	}
	if profile != "" && !apparmor.IsEnabled() {
		return fmt.Errorf("apparmor profile %q: %w", profile, apparmor.ErrApparmorNotEnabled)
	}
	label := config.ProcessLabel
	if p.Label != "" {
		label = p.Label
	}
	if !selinux.Enabled() {
		if label != "" {
			return fmt.Errorf("process label %q: %w", label, selinux.ErrDisabled)
		}
		if p.Init && config.MountLabel != "" {
			return fmt.Errorf("mount label %q: %w", config.MountLabel, selinux.ErrDisabled)
		}
	}
	return nil
}
