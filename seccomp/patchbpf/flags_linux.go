//go:build linux && cgo

package patchbpf

import (
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// loadFlags returns the seccomp(2) filter flags config needs: a
// user-notification listener when any rule uses the Notify action.
// configs.Seccomp has no field asking for other filter flags.
func loadFlags(config *configs.Seccomp) uint {
	var flags uint
	for _, call := range config.Syscalls {
		if call != nil && call.Action == configs.Notify {
			flags |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
			break
		}
	}
	return flags
}
