//go:build linux

package system

import (
	"errors"
	"os"
	"os/exec"

	"golang.org/x/sys/unix"
)

// Execv looks cmd up in PATH (as exec.LookPath does) and replaces the
// process image with it, see Exec.
func Execv(cmd string, args []string, env []string) error {
	name, err := exec.LookPath(cmd)
	if err != nil {
		return err
	}
	return Exec(name, args, env)
}

// Exec replaces the process image with cmd (execve(2)), retrying when the
// call is interrupted (EINTR). It only returns on failure, with an
// *os.PathError naming cmd.
func Exec(cmd string, args []string, env []string) error {
	for {
		err := unix.Exec(cmd, args, env)
		if !errors.Is(err, unix.EINTR) {
			return &os.PathError{Op: "exec", Path: cmd, Err: err}
		}
	}
}
