package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// This file sets up the "cgroup" config mount type: the v1 tree of
// hierarchies on a tmpfs (with "unified" on a hybrid host) or the cgroup2
// hierarchy, as the container's own cgroups or, with a cgroup namespace,
// real cgroup mounts.

// cgroupMountFlags are always set on the mounts that make up a "cgroup"
// config mount.
const cgroupMountFlags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC

// mountCgroup sets up a "cgroup" config mount.
func mountCgroup(cfg *configs.Config, root string, m *configs.Mount, dest string) error {
	rel, err := resolveMountDest(root, dest, "cgroup", true)
	if err != nil {
		return err
	}
	cgroupNS := cfg.Namespaces.Contains(configs.NEWCGROUP)
	if cgroups.IsCgroup2UnifiedMode() {
		return mountCgroupV2(root, rel, m, cgroupNS)
	}
	return mountCgroupV1(cfg, root, rel, m, cgroupNS)
}

// mountCgroupV1 builds the v1 cgroup tree: a tmpfs at the destination with
// one directory per hierarchy holding either the container's own cgroup
// (bind mounted from the host) or, with a cgroup namespace, a real cgroup
// mount; comounted controllers get symlinks, and on a hybrid host the
// cgroup2 hierarchy appears as "unified". With MS_RDONLY everything,
// the tmpfs included, ends read-only (CVE-2023-25809).
func mountCgroupV1(cfg *configs.Config, root, rel string, m *configs.Mount, cgroupNS bool) error {
	t, err := openCheckedTarget(root, rel, targetDir)
	if err != nil {
		return err
	}
	defer t.Close()
	opts, err := splitMountData(formatMountLabel("mode=755", cfg.MountLabel))
	if err != nil {
		return err
	}
	tmpfsAttrs, _ := mountAttrFromFlags(cgroupMountFlags)
	tmpfs, err := newFSMount("tmpfs", "tmpfs", opts, nil, tmpfsAttrs)
	if err != nil {
		return err
	}
	defer tmpfs.Close()
	if err := attachMount(tmpfs, t); err != nil {
		return err
	}
	hierarchies, err := cgroups.GetCgroupMounts(false)
	if err != nil {
		return fmt.Errorf("list cgroup hierarchies: %w", err)
	}
	own, err := cgroups.ParseCgroupFile("/proc/self/cgroup")
	if err != nil {
		return err
	}
	attrs, _ := mountAttrFromFlags(m.Flags | cgroupMountFlags)
	for _, h := range hierarchies {
		name := filepath.Base(h.Mountpoint)
		var sub *os.File
		if cgroupNS {
			sub, err = newFSMount("cgroup", "cgroup", cgroupV1Options(h.Subsystems), nil, attrs)
		} else {
			var src string
			if src, err = ownCgroupDir(h.Mountpoint, h.Root, h.GetOwnCgroup, own); err == nil {
				sub, err = bindCgroupDir(src, attrs)
			}
		}
		if err != nil {
			return fmt.Errorf("cgroup hierarchy %s: %w", name, err)
		}
		err = attachInTmpfs(tmpfs, t, name, sub)
		sub.Close()
		if err != nil {
			return err
		}
		for _, link := range cgroupComountLinks(name) {
			if err := unix.Symlinkat(name, int(tmpfs.Fd()), link); err != nil && !errors.Is(err, unix.EEXIST) {
				return fmt.Errorf("symlink %s -> %s: %w", filepath.Join(t.full, link), name, err)
			}
		}
	}
	if cgroups.IsCgroup2HybridMode() {
		var sub *os.File
		if cgroupNS {
			sub, err = newFSMount("cgroup2", "cgroup2", nil, nil, attrs)
		} else {
			sub, err = bindOwnCgroup2(own, attrs)
		}
		if err != nil {
			return fmt.Errorf("cgroup2 hierarchy: %w", err)
		}
		err = attachInTmpfs(tmpfs, t, "unified", sub)
		sub.Close()
		if err != nil {
			return err
		}
	}
	if m.Flags&unix.MS_RDONLY != 0 {
		if err := setMountAttr(tmpfs, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, false); err != nil {
			return err
		}
	}
	return applyPropagation(tmpfs, propagationFlags(m.Flags, m.PropagationFlags))
}

// v2Cgroup picks the cgroup2 entry of a parsed /proc/self/cgroup.
func v2Cgroup(own map[string]string) (string, error) {
	p, ok := own[""]
	if !ok {
		return "", errors.New("no cgroup2 entry in /proc/self/cgroup")
	}
	return p, nil
}

// mountCgroupV2 mounts the cgroup2 hierarchy of a pure v2 host: a real
// cgroup2 mount with a cgroup namespace (falling back to a bind when the
// kernel refuses it), otherwise a bind of the container's own cgroup.
func mountCgroupV2(root, rel string, m *configs.Mount, cgroupNS bool) error {
	t, err := openCheckedTarget(root, rel, targetDir)
	if err != nil {
		return err
	}
	defer t.Close()
	attrs, _ := mountAttrFromFlags(m.Flags)
	var mnt *os.File
	if cgroupNS {
		opts, err := splitMountData(m.Data)
		if err != nil {
			return err
		}
		mnt, err = newFSMount("cgroup2", "cgroup2", opts, nil, attrs)
		if err != nil && !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.EBUSY) {
			return err
		}
	}
	if mnt == nil {
		own, err := cgroups.ParseCgroupFile("/proc/self/cgroup")
		if err != nil {
			return err
		}
		if mnt, err = bindOwnCgroup2(own, attrs); err != nil {
			return err
		}
	}
	defer mnt.Close()
	if err := attachMount(mnt, t); err != nil {
		return err
	}
	return applyPropagation(mnt, propagationFlags(m.Flags, m.PropagationFlags))
}

// cgroupV1Options are the fsconfig options that mount the v1 hierarchy
// with the given subsystems ("name=x" entries name a named hierarchy).
func cgroupV1Options(subsystems []string) []mountOption {
	var opts []mountOption
	controllers := 0
	for _, s := range subsystems {
		if name, ok := strings.CutPrefix(s, cgroups.CgroupNamePrefix); ok {
			opts = append(opts, mountOption{key: "name", value: name, hasValue: true})
			continue
		}
		opts = append(opts, mountOption{key: s})
		controllers++
	}
	if controllers == 0 {
		opts = append(opts, mountOption{key: "none"})
	}
	return opts
}

// cgroupComountLinks returns the symlink names for a hierarchy directory
// named after comounted controllers ("cpu,cpuacct" gives cpu and
// cpuacct); a single controller gives none.
func cgroupComountLinks(dir string) []string {
	parts := strings.Split(dir, ",")
	if len(parts) < 2 {
		return nil
	}
	var links []string
	for _, p := range parts {
		if p != "" && p != dir && !strings.Contains(p, "=") {
			links = append(links, p)
		}
	}
	return links
}

// ownCgroupDir returns the host directory of this process's cgroup in the
// hierarchy mounted at mountpoint (whose mounted root is mroot).
func ownCgroupDir(mountpoint, mroot string, pick func(map[string]string) (string, error), own map[string]string) (string, error) {
	cg, err := pick(own)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(mroot, cg)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("own cgroup %s is outside the mounted hierarchy root %s", cg, mroot)
	}
	return filepath.Join(mountpoint, rel), nil
}

// bindOwnCgroup2 clones this process's own cgroup2 directory (own is the
// parsed /proc/self/cgroup) as a detached mount with the given attributes.
func bindOwnCgroup2(own map[string]string, attrs uint64) (*os.File, error) {
	mp, mroot, err := cgroups.FindCgroupMountpointAndRoot("", "")
	if err != nil {
		return nil, err
	}
	src, err := ownCgroupDir(mp, mroot, v2Cgroup, own)
	if err != nil {
		return nil, err
	}
	return bindCgroupDir(src, attrs)
}

// bindCgroupDir clones the host cgroup directory src as a detached mount
// with the given attributes.
func bindCgroupDir(src string, attrs uint64) (*os.File, error) {
	tree, err := cloneMountTree(unix.AT_FDCWD, src, false)
	if err != nil {
		return nil, err
	}
	if err := setMountAttr(tree, &unix.MountAttr{Attr_set: attrs}, false); err != nil {
		tree.Close()
		return nil, err
	}
	return tree, nil
}

// attachInTmpfs creates the directory name in the freshly attached tmpfs
// (parent is its pinned mount point) and attaches mnt there.
func attachInTmpfs(tmpfs *os.File, parent *mountTarget, name string, mnt *os.File) error {
	if err := unix.Mkdirat(int(tmpfs.Fd()), name, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("mkdir %s: %w", filepath.Join(parent.full, name), err)
	}
	fd, err := unix.Openat(int(tmpfs.Fd()), name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", filepath.Join(parent.full, name), err)
	}
	t := &mountTarget{
		f:    os.NewFile(uintptr(fd), name),
		rel:  filepath.Join(parent.rel, name),
		full: filepath.Join(parent.full, name),
	}
	defer t.Close()
	return attachMount(mnt, t)
}
