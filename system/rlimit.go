//go:build linux

package system

import "syscall"

// ClearRlimitNofileCache makes the Go runtime forget the RLIMIT_NOFILE
// soft limit it saved at start-up. Since Go 1.19 the runtime raises the
// soft limit to the hard limit at start and puts the saved value back in
// every child it starts with execve(2), which would undo a limit the
// container configured. syscall.Setrlimit clears that cache (Go >= 1.21),
// so this sets the limit to lim (the value that is already in force; the
// real limit is applied with prlimit elsewhere). With a nil lim the
// current limit is read and set again. Errors are ignored on purpose:
// clearing the cache is all that is needed.
func ClearRlimitNofileCache(lim *syscall.Rlimit) {
	if lim == nil {
		var cur syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &cur); err != nil {
			return
		}
		lim = &cur
	}
	_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, lim)
}
