// Package kill empties cgroups before they are removed: it kills every
// process in them (cgroup.kill where the kernel has it, otherwise SIGKILL
// to each pid while the cgroup is frozen) and waits, with a bound, for the
// kernel to let the processes go.
package kill

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
)

// Timeout bounds how long All waits for the cgroups to empty.
const Timeout = 5 * time.Second

// Pids returns the pids of the processes in dirs and their descendants,
// skipping directories that do not exist and the calling process itself.
func Pids(dirs []string) ([]int, error) {
	self := os.Getpid()
	seen := map[int]bool{}
	var pids []int
	for _, d := range dirs {
		if d == "" || !cgroups.PathExists(d) {
			continue
		}
		ps, err := cgroups.GetAllPids(d)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, err
		}
		for _, p := range ps {
			if p != self && !seen[p] {
				seen[p] = true
				pids = append(pids, p)
			}
		}
	}
	return pids, nil
}

// ViaCgroupKill writes "1" to cgroup.kill in the cgroup2 directory dir,
// which SIGKILLs every process of the subtree. It reports false when the
// kernel has no cgroup.kill there.
func ViaCgroupKill(dir string) (bool, error) {
	if dir == "" || !cgroups.PathExists(dir) {
		return false, nil
	}
	err := cgroups.WriteFile(dir, "cgroup.kill", "1")
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}

// Signal sends SIGKILL to every pid, ignoring those already gone.
func Signal(pids []int) error {
	for _, p := range pids {
		if err := unix.Kill(p, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("kill pid %d: %w", p, err)
		}
	}
	return nil
}

// All kills every process in dirs. unifiedDir, if set, is a cgroup2
// directory tried first with cgroup.kill. freeze and thaw, if set, are
// called around the SIGKILL round so that no process can fork meanwhile
// (frozen v1 tasks die once thawed). It waits until the cgroups are empty
// or Timeout elapses, retrying the kill round while processes remain.
func All(dirs []string, unifiedDir string, freeze, thaw func() error) error {
	deadline := time.Now().Add(Timeout)
	delay := time.Millisecond
	for {
		pids, err := Pids(dirs)
		if err != nil {
			return err
		}
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes %v still in cgroup after %v", pids, Timeout)
		}
		if _, err := ViaCgroupKill(unifiedDir); err != nil {
			return err
		}
		if freeze != nil {
			// A failed freeze only loses the fork protection.
			_ = freeze()
		}
		serr := Signal(pids)
		if thaw != nil {
			if err := thaw(); err != nil {
				return fmt.Errorf("thaw after kill: %w", err)
			}
		}
		if serr != nil {
			return serr
		}
		time.Sleep(delay)
		if delay < 100*time.Millisecond {
			delay *= 2
		}
	}
}
