package utils

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// NewSockPair returns a connected pair of AF_LOCAL SOCK_STREAM sockets,
// both close-on-exec. The files are named "<name>-p" (parent end) and
// "<name>-c" (child end).
func NewSockPair(name string) (parent, child *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_LOCAL, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair %s: %w", name, err)
	}
	parent = os.NewFile(uintptr(fds[1]), name+"-p")
	child = os.NewFile(uintptr(fds[0]), name+"-c")
	return parent, child, nil
}
