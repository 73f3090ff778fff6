//go:build linux

package system

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// ParentDeathSignal is a signal number used as the parent-death signal
// (PR_SET_PDEATHSIG): the signal the calling thread receives when its
// parent dies. 0 means none.
type ParentDeathSignal int

// Restore sets the parent-death signal back to p if it is non-zero and
// differs from the current one. The kernel clears the signal on setuid
// and setgid, so the init calls Restore after switching user.
func (p ParentDeathSignal) Restore() error {
	if p == 0 {
		return nil
	}
	current, err := GetParentDeathSignal()
	if err != nil {
		return err
	}
	if p == current {
		return nil
	}
	return p.Set()
}

// Set makes p the parent-death signal of the calling thread.
func (p ParentDeathSignal) Set() error {
	return SetParentDeathSignal(uintptr(p))
}

// SetParentDeathSignal sets the signal the calling thread gets when its
// parent thread dies (prctl PR_SET_PDEATHSIG); 0 clears it.
func SetParentDeathSignal(sig uintptr) error {
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, sig, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_PDEATHSIG, %d): %w", sig, err)
	}
	return nil
}

// GetParentDeathSignal returns the parent-death signal of the calling
// thread (prctl PR_GET_PDEATHSIG).
func GetParentDeathSignal() (ParentDeathSignal, error) {
	var sig int32
	if err := unix.Prctl(unix.PR_GET_PDEATHSIG, uintptrOf(&sig), 0, 0, 0); err != nil {
		return -1, fmt.Errorf("prctl(PR_GET_PDEATHSIG): %w", err)
	}
	return ParentDeathSignal(sig), nil
}
