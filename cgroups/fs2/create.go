package fs2

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// CreateCgroupPath creates the cgroup2 directory path level by level
// below its mountpoint, enabling every available controller in each
// parent's cgroup.subtree_control so the new cgroup gets them. A level
// whose type turns out "domain invalid" is made threaded. Directories
// created here are removed again when an error occurs.
func CreateCgroupPath(path string, c *configs.Cgroup) (retErr error) {
	if !strings.HasPrefix(path, UnifiedMountpoint+"/") {
		return fmt.Errorf("invalid cgroup path %q: must be below %s", path, UnifiedMountpoint)
	}
	root, err := mountOf(path)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("invalid cgroup path %q: not below %s", path, root)
	}
	var created []string
	defer func() {
		if retErr != nil {
			for i := len(created) - 1; i >= 0; i-- {
				_ = os.Remove(created[i])
			}
		}
	}()
	cur := root
	elems := strings.Split(rel, "/")
	for i, e := range elems {
		// Give the next level the controllers cur has.
		if err := enableControllers(cur); err != nil {
			return err
		}
		cur = filepath.Join(cur, e)
		if err := os.Mkdir(cur, 0o755); err != nil {
			if !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("create cgroup %s: %w", cur, err)
			}
		} else {
			created = append(created, cur)
			if c != nil && c.OwnerUID != nil && i == len(elems)-1 {
				if err := chownCgroup(cur, *c.OwnerUID); err != nil {
					return err
				}
			}
		}
		typ, err := cgroups.ReadFile(cur, "cgroup.type")
		if err != nil {
			return err
		}
		if strings.TrimSpace(typ) == "domain invalid" {
			if err := cgroups.WriteFile(cur, "cgroup.type", "threaded"); err != nil {
				return err
			}
		}
	}
	return nil
}

// enableControllers enables, in dir's cgroup.subtree_control, every
// controller listed in dir's cgroup.controllers that is not on yet. A
// controller the kernel refuses (a threaded subtree, processes in dir) is
// left off; writing its files later reports it missing.
func enableControllers(dir string) error {
	avail, err := cgroups.ReadFile(dir, "cgroup.controllers")
	if err != nil {
		return err
	}
	on, err := cgroups.ReadFile(dir, "cgroup.subtree_control")
	if err != nil {
		return err
	}
	enabled := map[string]bool{}
	for _, c := range strings.Fields(on) {
		enabled[c] = true
	}
	var want []string
	for _, c := range strings.Fields(avail) {
		if !enabled[c] {
			want = append(want, "+"+c)
		}
	}
	if len(want) == 0 {
		return nil
	}
	if err := cgroups.WriteFile(dir, "cgroup.subtree_control", strings.Join(want, " ")); err == nil {
		return nil
	}
	for _, w := range want {
		_ = cgroups.WriteFile(dir, "cgroup.subtree_control", w)
	}
	return nil
}

// chownCgroup gives uid the cgroup directory and the files a delegated
// owner needs to write (see the cgroup v2 delegation documentation).
func chownCgroup(dir string, uid int) error {
	files := []string{"", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads"}
	if b, err := os.ReadFile("/sys/kernel/cgroup/delegate"); err == nil {
		files = append([]string{""}, strings.Fields(string(b))...)
	}
	for _, f := range files {
		p := filepath.Join(dir, f)
		if err := os.Lchown(p, uid, -1); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("chown cgroup %s to uid %d: %w", p, uid, err)
		}
	}
	return nil
}
