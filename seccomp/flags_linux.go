//go:build linux

package seccomp

import (
	"fmt"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/seccomp/patchbpf"
)

// ErrFlagsUnsupported is wrapped by CheckFlags when the running kernel
// refuses the filter flags (it is patchbpf.ErrFlagsUnsupported).
var ErrFlagsUnsupported = patchbpf.ErrFlagsUnsupported

// KnownFlags returns the sorted runtime-spec names of the seccomp filter
// flags a configs.Seccomp may list in Flags.
func KnownFlags() []string {
	return patchbpf.KnownFlags()
}

// CheckFlags checks the filter flags of config without loading anything:
// every name must be known, the combination must make sense (see
// patchbpf.FilterFlags), and the running kernel must accept it (an error
// wrapping ErrFlagsUnsupported otherwise). A nil config, or one
// without flags and Notify rules, passes.
func CheckFlags(config *configs.Seccomp) error {
	if config == nil {
		return nil
	}
	flags, err := patchbpf.FilterFlags(config)
	if err != nil {
		return err
	}
	if flags == 0 {
		return nil
	}
	if err := patchbpf.FlagsSupported(flags); err != nil {
		return fmt.Errorf("seccomp flags %q: %w", config.Flags, err)
	}
	return nil
}
