//go:build linux

package system

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// uintptrOf passes a pointer to an int32 result to prctl.
func uintptrOf(p *int32) uintptr {
	return uintptr(unsafe.Pointer(p))
}

// SetKeepCaps makes the calling thread keep its permitted capabilities
// when it changes all its uids from 0 to non-zero (PR_SET_KEEPCAPS 1).
func SetKeepCaps() error {
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_KEEPCAPS, 1): %w", err)
	}
	return nil
}

// ClearKeepCaps turns PR_SET_KEEPCAPS off again for the calling thread.
func ClearKeepCaps() error {
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_KEEPCAPS, 0): %w", err)
	}
	return nil
}

// SetSubreaper marks the process as a child subreaper (i != 0) or not
// (i == 0): orphaned descendants are re-parented to it instead of to
// pid 1, so it can reap them (PR_SET_CHILD_SUBREAPER).
func SetSubreaper(i int) error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, uintptr(i), 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_CHILD_SUBREAPER, %d): %w", i, err)
	}
	return nil
}

// GetSubreaper returns the child-subreaper flag of the process (0 or 1).
func GetSubreaper() (int, error) {
	var i int32
	if err := unix.Prctl(unix.PR_GET_CHILD_SUBREAPER, uintptrOf(&i), 0, 0, 0); err != nil {
		return -1, fmt.Errorf("prctl(PR_GET_CHILD_SUBREAPER): %w", err)
	}
	return int(i), nil
}

// Setctty makes the terminal on fd 0 the controlling terminal of the
// calling process (ioctl TIOCSCTTY); the process must be a session leader
// without one.
func Setctty() error {
	if err := unix.IoctlSetInt(0, unix.TIOCSCTTY, 0); err != nil {
		return fmt.Errorf("ioctl(0, TIOCSCTTY): %w", err)
	}
	return nil
}
