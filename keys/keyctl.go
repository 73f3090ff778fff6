//go:build linux

// Package keys manages the kernel session keyring of the container init
// through keyctl(2).
//
// Keyrings hang off the credentials of a thread: joining a session
// keyring affects the calling thread (and what it starts with execve), so
// the container init calls these functions on its locked OS thread.
package keys

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// KeySerial is the serial number of a kernel key or keyring.
type KeySerial uint32

// JoinSessionKeyring makes the keyring called name the session keyring of
// the calling thread, creating a new one if no keyring of that name is
// joinable (KEYCTL_JOIN_SESSION_KEYRING), and returns its serial. An empty
// name creates a new anonymous session keyring. The error wraps the errno,
// so a kernel without keyrings can be detected with
// errors.Is(err, unix.ENOSYS).
func JoinSessionKeyring(name string) (KeySerial, error) {
	id, err := unix.KeyctlJoinSessionKeyring(name)
	if err != nil {
		return 0, fmt.Errorf("join session keyring %q: %w", name, err)
	}
	return KeySerial(id), nil
}

// ModKeyringPerm changes the permissions of the keyring ringID to
// (current & mask) | setbits, reading the current permission mask from
// KEYCTL_DESCRIBE and writing with KEYCTL_SETPERM.
func ModKeyringPerm(ringID KeySerial, mask, setbits uint32) error {
	desc, err := unix.KeyctlString(unix.KEYCTL_DESCRIBE, int(ringID))
	if err != nil {
		return fmt.Errorf("describe keyring %d: %w", ringID, err)
	}
	perm, err := parsePerm(desc)
	if err != nil {
		return fmt.Errorf("describe keyring %d: %w", ringID, err)
	}
	newPerm := (perm & mask) | setbits
	if err := unix.KeyctlSetperm(int(ringID), newPerm); err != nil {
		return fmt.Errorf("set permissions %#08x on keyring %d: %w", newPerm, ringID, err)
	}
	return nil
}

// parsePerm extracts the hex permission mask from a key description of
// the form "type;uid;gid;perm;description" (the description itself may
// contain ';').
func parsePerm(desc string) (uint32, error) {
	parts := strings.SplitN(desc, ";", 5)
	if len(parts) < 5 {
		return 0, fmt.Errorf("malformed key description %q: want type;uid;gid;perm;description", desc)
	}
	perm, err := strconv.ParseUint(parts[3], 16, 32)
	if err != nil {
		return 0, fmt.Errorf("malformed permission field %q in key description: %w", parts[3], err)
	}
	return uint32(perm), nil
}
