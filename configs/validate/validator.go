// Package validate checks a container configuration before the container
// is created, so that bad input fails with a clear error instead of
// half-building a container.
//
// It performs every check of runc v1.1's configs/validate in the same
// order, plus stricter static checks (namespaces, mounts, id mappings,
// sysctls, rlimits, device rules, network devices, seccomp, Landlock,
// personality). Every returned error is a *ConfigError that matches
// ErrInvalidConfig.
package validate

import "github.com/b7f961b7/libcontainer/configs"

// Validator checks a container configuration.
type Validator interface {
	// Validate returns nil when config is acceptable, else the first
	// problem found.
	Validate(*configs.Config) error
}

// New returns the standard Validator, a *ConfigValidator.
func New() Validator {
	return &ConfigValidator{}
}

// ConfigValidator runs every configuration check in a fixed order.
type ConfigValidator struct{}

// check is one validation rule.
type check func(*configs.Config) error

// checks lists the rules in the order they run: runc v1.1's rules keep
// their relative order; the stricter rules are placed next to the v1.1
// rule about the same area.
var checks = []check{
	cgroupsCheck,
	rootfsCheck,
	namespacesCheck,
	networkCheck,
	netDevicesCheck,
	utsCheck,
	securityCheck,
	userNamespaceCheck,
	cgroupNamespaceCheck,
	timeNamespaceCheck,
	mountsCheck,
	rootPropagationCheck,
	sysctlCheck,
	intelRdtCheck,
	rootlessEUIDCheck,
	rlimitsCheck,
	devicesCheck,
	seccompCheck,
	landlockCheck,
	personalityCheck,
}

// Validate returns the first problem found in config as a *ConfigError
// (which matches ErrInvalidConfig), or nil. A nil config is rejected.
func (v *ConfigValidator) Validate(config *configs.Config) error {
	if config == nil {
		return invalid("config", "", "must not be nil")
	}
	for _, c := range checks {
		if err := c(config); err != nil {
			return err
		}
	}
	return nil
}
