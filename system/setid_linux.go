//go:build linux

package system

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Setuid sets the real, effective and saved uid of the calling THREAD
// only, with the raw setuid(2) system call. Go's syscall.Setuid changes
// every thread of the process instead; the container init needs the
// thread-level call so that it runs on the locked thread that will
// execve(2), in the order described in package capabilities.
func Setuid(uid int) error {
	if _, _, e := unix.RawSyscall(sysSetuid, uintptr(uid), 0, 0); e != 0 {
		return fmt.Errorf("setuid(%d): %w", uid, e)
	}
	return nil
}

// Setgid sets the real, effective and saved gid of the calling THREAD
// only, with the raw setgid(2) system call (see Setuid).
func Setgid(gid int) error {
	if _, _, e := unix.RawSyscall(sysSetgid, uintptr(gid), 0, 0); e != 0 {
		return fmt.Errorf("setgid(%d): %w", gid, e)
	}
	return nil
}
