package cgroups

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// PathExists reports whether path exists (stat succeeds).
func PathExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// EnterPid writes pid into the cgroup.procs of every existing path in
// cgroupPaths.
func EnterPid(cgroupPaths map[string]string, pid int) error {
	for _, path := range cgroupPaths {
		if PathExists(path) {
			if err := WriteCgroupProc(path, pid); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteCgroupProc moves pid into the cgroup directory dir. A pid of -1 is a
// no-op; an empty dir is an error. EINVAL (seen while a new cgroup's
// cpuset or a racing exit settles) is retried 5 times, 30 ms apart.
func WriteCgroupProc(dir string, pid int) error {
	if dir == "" {
		return fmt.Errorf("no such directory for %s", CgroupProcesses)
	}
	if pid == -1 {
		return nil
	}
	f, err := OpenFile(dir, CgroupProcesses, os.O_WRONLY)
	if err != nil {
		return fmt.Errorf("failed to write %v: %w", pid, err)
	}
	defer f.Close()
	data := strconv.Itoa(pid)
	for i := 0; i < 5; i++ {
		_, err = f.WriteString(data)
		if errors.Is(err, unix.EINTR) {
			i--
			continue
		}
		if !errors.Is(err, unix.EINVAL) {
			break
		}
		time.Sleep(30 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("failed to write %v: %w", pid, err)
	}
	return nil
}

// readProcsFile returns the pids listed in dir/cgroup.procs.
func readProcsFile(dir string) ([]int, error) {
	f, err := OpenFile(dir, CgroupProcesses, os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pids []int
	s := bufio.NewScanner(f)
	for s.Scan() {
		t := strings.TrimSpace(s.Text())
		if t == "" {
			continue
		}
		pid, err := strconv.Atoi(t)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f.Name(), err)
		}
		pids = append(pids, pid)
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	return pids, nil
}

// GetPids returns the pids of the processes directly in the cgroup dir.
func GetPids(dir string) ([]int, error) {
	return readProcsFile(dir)
}

// GetAllPids returns the pids of the processes in the cgroup path and all
// of its descendant cgroups.
func GetAllPids(path string) ([]int, error) {
	var pids []int
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		cPids, err := readProcsFile(p)
		if err != nil {
			return err
		}
		pids = append(pids, cPids...)
		return nil
	})
	return pids, err
}

// RemovePath removes the cgroup directory path and all cgroups below it,
// deepest first. A path that does not exist is not an error.
func RemovePath(path string) error {
	err := unix.Rmdir(path)
	if err == nil || errors.Is(err, unix.ENOENT) {
		return nil
	}
	entries, rerr := os.ReadDir(path)
	if rerr != nil {
		if errors.Is(rerr, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("remove cgroup %s: %w", path, rerr)
	}
	for _, e := range entries {
		if e.IsDir() {
			if err := RemovePath(filepath.Join(path, e.Name())); err != nil {
				return err
			}
		}
	}
	err = unix.Rmdir(path)
	if err == nil || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return &os.PathError{Op: "rmdir", Path: path, Err: err}
}

// RemovePaths removes every cgroup path in paths with RemovePath, trying up
// to 5 times with a delay doubling from 10 ms (processes may take a moment
// to leave). Entries removed are deleted from the map.
func RemovePaths(paths map[string]string) error {
	delay := 10 * time.Millisecond
	var lastErr error
	for i := 0; i < 5; i++ {
		if i != 0 {
			time.Sleep(delay)
			delay *= 2
		}
		lastErr = nil
		for s, p := range paths {
			if err := RemovePath(p); err != nil {
				lastErr = err
				continue
			}
			delete(paths, s)
		}
		if len(paths) == 0 {
			return nil
		}
	}
	return fmt.Errorf("failed to remove cgroup paths %v: %w", paths, lastErr)
}
