//go:build linux && (386 || arm)

package system

import "golang.org/x/sys/unix"

// On 386 and arm the 32-bit-id variants are the full-range calls.
const (
	sysSetuid = unix.SYS_SETUID32
	sysSetgid = unix.SYS_SETGID32
)
