package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// This file makes the container's idmapped mounts on the host, before the
// init starts: a detached mount (a clone of the bind source, or a new
// tmpfs) gets its id mapping with mount_setattr(MOUNT_ATTR_IDMAP) and is
// handed to the init as an extra file, which attaches it at its
// destination (rootfs_idmap_linux.go). The mappings are host-relative,
// like Config.UidMappings, so the user namespace that carries them has to
// be made here: inside the container's own user namespace they could not
// be written.

// addIDMappedMounts makes the detached mount of every config mount with an
// IDMapping, appends it to the init's extra files and records its fd
// number under the mount's index in the init config. Files already
// appended are closed by closeFiles when this fails.
func (p *parentProcess) addIDMappedMounts() error {
	mounts := p.c.config.Mounts
	nss := idmapUserNamespaces{}
	defer nss.close()
	for i, m := range mounts {
		if m == nil || m.IDMapping == nil {
			continue
		}
		mnt, err := newIDMappedMount(p.c.config, m, nss)
		if err != nil {
			return fmt.Errorf("mounts[%d] (%s on %s): %w", i, m.Source, m.Destination, err)
		}
		p.cmd.ExtraFiles = append(p.cmd.ExtraFiles, mnt)
		if p.config.IDMappedMounts == nil {
			p.config.IDMappedMounts = make(map[int]int)
		}
		p.config.IDMappedMounts[i] = 3 + len(p.cmd.ExtraFiles) - 1
	}
	return nil
}

// newIDMappedMount returns the detached, idmapped mount for m: a clone of
// the bind source (with its submounts for MS_REC), or a new tmpfs with the
// mount's options. The mapping covers the submounts with
// IDMapping.Recursive.
func newIDMappedMount(cfg *configs.Config, m *configs.Mount, nss idmapUserNamespaces) (_ *os.File, err error) {
	var mnt *os.File
	tmpfs := false
	switch {
	case isBindMount(m):
		if m.Source == "" {
			return nil, errors.New("bind mount without a source")
		}
		mnt, err = cloneMountTree(unix.AT_FDCWD, m.Source, m.Flags&unix.MS_REC != 0)
	case m.Device == "tmpfs" && m.Flags&unix.MS_REMOUNT == 0:
		tmpfs = true
		mnt, err = newTmpfsForIDMap(cfg, m)
	default:
		return nil, fmt.Errorf("idmapped mounts are only supported for bind mounts and tmpfs, not %q", m.Device)
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			mnt.Close()
		}
	}()
	ns, err := nss.get(m.IDMapping)
	if err != nil {
		return nil, err
	}
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP, Userns_fd: uint64(ns.Fd())}
	if err := setMountAttr(mnt, attr, m.IDMapping.Recursive); err != nil {
		if tmpfs && errors.Is(err, unix.EINVAL) {
			return nil, fmt.Errorf("idmapped tmpfs: the kernel refuses it (idmapped tmpfs needs Linux 6.3 or later): %w", err)
		}
		return nil, fmt.Errorf("idmapped mount: %w", err)
	}
	return mnt, nil
}

// newTmpfsForIDMap creates the detached tmpfs of m with its data options,
// superblock flags and per-mount attributes, as mountFilesystem would;
// read-only, copy-up and the root directory's mode are left to the init.
func newTmpfsForIDMap(cfg *configs.Config, m *configs.Mount) (*os.File, error) {
	opts, err := splitMountData(formatMountLabel(m.Data, cfg.MountLabel))
	if err != nil {
		return nil, err
	}
	attrs, _ := mountAttrFromFlags(m.Flags &^ unix.MS_RDONLY)
	return newFSMount("tmpfs", m.Source, opts, superblockOptions(m.Flags), attrs)
}

// idmapUserNamespaces holds the user namespaces made for mount id
// mappings during one container start, one per distinct mapping, keyed by
// the mapping's text.
type idmapUserNamespaces map[string]*os.File

// get returns the user namespace for idm: the one at UserNSPath, or one
// made (or already made) with the uid and gid mappings. The caller must
// not close it; close releases all of them.
func (n idmapUserNamespaces) get(idm *configs.MountIDMapping) (*os.File, error) {
	key := "path:" + idm.UserNSPath
	if idm.UserNSPath == "" {
		if len(idm.UIDMappings) == 0 || len(idm.GIDMappings) == 0 {
			return nil, errors.New("idmapped mount: both uid and gid mappings are required")
		}
		key = "uid:" + idMapText(idm.UIDMappings) + "gid:" + idMapText(idm.GIDMappings)
	}
	if ns, ok := n[key]; ok {
		return ns, nil
	}
	var ns *os.File
	var err error
	if idm.UserNSPath != "" {
		ns, err = openUserNS(idm.UserNSPath)
	} else {
		ns, err = newIDMapUserNS(idm.UIDMappings, idm.GIDMappings)
	}
	if err != nil {
		return nil, err
	}
	n[key] = ns
	return ns, nil
}

// close releases every user namespace handle. The idmapped mounts made
// with them keep their namespaces alive.
func (n idmapUserNamespaces) close() {
	for k, ns := range n {
		ns.Close()
		delete(n, k)
	}
}

// idMapText renders maps as uid_map lines.
func idMapText(maps []configs.IDMap) string {
	var b strings.Builder
	for _, m := range maps {
		fmt.Fprintf(&b, "%d %d %d\n", m.ContainerID, m.HostID, m.Size)
	}
	return b.String()
}

// openUserNS opens the namespace file at path and checks that it is a
// user namespace.
func openUserNS(path string) (*os.File, error) {
	f, err := os.OpenFile(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("idmapped mount: open user namespace: %w", err)
	}
	kind, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_NSTYPE)
	if err != nil || kind != unix.CLONE_NEWUSER {
		f.Close()
		if err == nil {
			err = errors.New("not a user namespace")
		}
		return nil, fmt.Errorf("idmapped mount: userns_path %s: %w", path, err)
	}
	return f, nil
}

// newIDMapUserNS returns a handle on a new user namespace whose uid_map
// and gid_map hold uids and gids. A child is cloned into the namespace;
// os/exec writes its maps before it execs, and ptrace stops it at the
// exec before it runs a single instruction of the program. Its namespace
// is opened, then it is killed and reaped: the handle keeps the namespace.
func newIDMapUserNS(uids, gids []configs.IDMap) (*os.File, error) {
	cmd := &exec.Cmd{
		Path: "/proc/self/exe",
		Args: []string{"libcontainer-idmap-userns"},
		Env:  []string{},
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER,
			UidMappings: sysProcIDMaps(uids),
			GidMappings: sysProcIDMaps(gids),
			Ptrace:      true,
			Pdeathsig:   syscall.SIGKILL,
		},
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("idmapped mount: make a user namespace for the mapping: %w", err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	f, err := os.OpenFile(fmt.Sprintf("/proc/%d/ns/user", cmd.Process.Pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("idmapped mount: open the mapping's user namespace: %w", err)
	}
	return f, nil
}

// sysProcIDMaps converts config id maps for os/exec.
func sysProcIDMaps(maps []configs.IDMap) []syscall.SysProcIDMap {
	out := make([]syscall.SysProcIDMap, 0, len(maps))
	for _, m := range maps {
		out = append(out, syscall.SysProcIDMap{ContainerID: int(m.ContainerID), HostID: int(m.HostID), Size: int(m.Size)})
	}
	return out
}
