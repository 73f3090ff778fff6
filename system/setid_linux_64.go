//go:build linux && !(386 || arm)

package system

import "golang.org/x/sys/unix"

const (
	sysSetuid = unix.SYS_SETUID
	sysSetgid = unix.SYS_SETGID
)
