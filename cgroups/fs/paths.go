package fs

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/b7f961b7/libcontainer/cgroups"
	cgpath "github.com/b7f961b7/libcontainer/cgroups/internal/path"
	"github.com/b7f961b7/libcontainer/configs"
)

var (
	rootOnce sync.Once
	root     string
	rootErr  error
)

// cgroupRoot returns the directory holding the v1 hierarchies:
// /sys/fs/cgroup when the cgroup mounts live there, otherwise the parent
// of the first cgroup mount found in mountinfo.
func cgroupRoot() (string, error) {
	rootOnce.Do(func() {
		mounts, err := cgroups.GetCgroupMounts(false)
		if err != nil {
			rootErr = err
			return
		}
		for _, m := range mounts {
			if strings.HasPrefix(m.Mountpoint, "/sys/fs/cgroup/") {
				root = "/sys/fs/cgroup"
				return
			}
		}
		root = filepath.Dir(mounts[0].Mountpoint)
	})
	return root, rootErr
}

// initPaths computes the cgroup path of every controller that has a
// hierarchy, plus the "" entry of the cgroup2 hierarchy on a hybrid host.
func initPaths(cg *configs.Cgroup) (map[string]string, error) {
	inner, err := cgpath.Inner(cg)
	if err != nil {
		return nil, err
	}
	if inner == "/" {
		return nil, fmt.Errorf("invalid cgroup Path %q: the hierarchy root cannot be a container cgroup", cg.Path)
	}
	rt, err := cgroupRoot()
	if err != nil {
		return nil, err
	}
	paths := make(map[string]string)
	for _, sys := range subsystems {
		name := sys.Name()
		p, err := subsysPath(rt, inner, name)
		if err != nil {
			if cgroups.IsNotFound(err) {
				if name == "devices" && !cg.SkipDevices {
					return nil, fmt.Errorf("cgroup v1 devices hierarchy is required: %w", err)
				}
				continue
			}
			return nil, err
		}
		paths[name] = p
	}
	if cgroups.IsCgroup2HybridMode() {
		p, err := subsysPath(rt, inner, "")
		if err != nil && !cgroups.IsNotFound(err) {
			return nil, err
		}
		if err == nil {
			paths[""] = p
		}
	}
	return paths, nil
}

// subsysPath returns the directory of the cgroup inner in the hierarchy
// of subsystem ("" = the hybrid cgroup2 hierarchy): absolute inner paths
// start at the hierarchy's mountpoint, relative ones at this process's own
// cgroup in it.
func subsysPath(rt, inner, subsystem string) (string, error) {
	if filepath.IsAbs(inner) {
		var mnt string
		var err error
		if subsystem == "" {
			mnt, _, err = cgroups.FindCgroupMountpointAndRoot("", "")
		} else {
			mnt, err = cgroups.FindCgroupMountpoint(rt, subsystem)
		}
		if err != nil {
			return "", err
		}
		return cgpath.Under(mnt, inner)
	}
	parent, err := cgroups.GetOwnCgroupPath(subsystem)
	if err != nil {
		return "", err
	}
	return cgpath.Under(parent, inner)
}
