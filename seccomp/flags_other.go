//go:build !linux

package seccomp

import (
	"errors"

	"github.com/b7f961b7/libcontainer/configs"
)

// ErrFlagsUnsupported is what CheckFlags would wrap for flags the kernel
// refuses; off Linux it is never returned.
var ErrFlagsUnsupported = errors.New("seccomp filter flags not supported by this kernel")

// KnownFlags returns nil: seccomp filter flags exist only on Linux.
func KnownFlags() []string { return nil }

// CheckFlags returns ErrSeccompNotEnabled for a config with flags: there
// is no seccomp off Linux.
func CheckFlags(config *configs.Seccomp) error {
	if config != nil && len(config.Flags) > 0 {
		return ErrSeccompNotEnabled
	}
	return nil
}
