package utils

import "golang.org/x/sys/unix"

// ExitStatus converts a wait status into a shell-style exit code: a process
// killed by a signal yields 128 plus the signal number, otherwise the exit
// code the process passed to exit(2) is returned.
func ExitStatus(status unix.WaitStatus) int {
	if status.Signaled() {
		return 128 + int(status.Signal())
	}
	return status.ExitStatus()
}
