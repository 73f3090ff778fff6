package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// pidFileName names the file in the container directory holding the pid of
// the init that "nsinit exec" started.
const pidFileName = "pid"

// writePidFile records pid in dir/pid, replacing the file atomically.
func writePidFile(dir string, pid int) error {
	tmp, err := os.CreateTemp(dir, ".pid-*")
	if err != nil {
		return fmt.Errorf("write pid file: %w", err)
	}
	_, werr := tmp.WriteString(strconv.Itoa(pid) + "\n")
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write pid file: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, pidFileName)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write pid file: %w", err)
	}
	return nil
}

// readPidFile returns the pid recorded in dir/pid; ok is false when there is
// no such file. A file that does not hold a positive number is an error.
func readPidFile(dir string) (pid int, ok bool, err error) {
	path := filepath.Join(dir, pidFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read pid file: %w", err)
	}
	pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, false, fmt.Errorf("pid file %s: %q is not a process id", path, strings.TrimSpace(string(data)))
	}
	return pid, true, nil
}

// removePidFile deletes dir/pid if it exists.
func removePidFile(dir string) error {
	err := os.Remove(filepath.Join(dir, pidFileName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove pid file: %w", err)
	}
	return nil
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}
