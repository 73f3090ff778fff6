package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// This file turns a detached bind tree into an idmapped mount, creating
// the user namespace for the mappings when the config gives no path.

// pidfdGetUserNamespace is PIDFD_GET_USER_NAMESPACE, _IO(0xFF, 9)
// (Linux 6.11): it returns a user namespace fd of the process a pidfd
// refers to.
const pidfdGetUserNamespace = 0xFF09

// applyIDMapping turns the detached bind tree into an idmapped mount. The
// user namespace comes from UserNSPath, or is created from the mappings
// (which then count in the caller's user namespace, so this is refused
// inside the container's own user namespace).
func applyIDMapping(tree *os.File, idm *configs.MountIDMapping, inUserNS bool) error {
	var ns *os.File
	if idm.UserNSPath != "" {
		f, err := os.OpenFile(idm.UserNSPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("idmapped mount: open user namespace: %w", err)
		}
		ns = f
	} else {
		if inUserNS {
			return errors.New("idmapped mount: uid/gid mappings cannot be set up from inside the container's user namespace; give UserNSPath instead")
		}
		f, err := newMappedUserNS(idm.UIDMappings, idm.GIDMappings)
		if err != nil {
			return err
		}
		ns = f
	}
	defer ns.Close()
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP, Userns_fd: uint64(ns.Fd())}
	if err := setMountAttr(tree, attr, idm.Recursive); err != nil {
		return fmt.Errorf("idmapped mount: %w", err)
	}
	return nil
}

// newMappedUserNS returns an fd of a new user namespace with the given
// mappings. A child is started in a new user namespace, stopped by ptrace
// before it runs any instruction of the program; the mappings are written
// through the host /proc under the child's host pid (init may be in a new
// pid namespace while /proc is still the host's, so the pid os/exec knows
// cannot be used there), the namespace is taken through the child's pidfd
// and the child killed.
func newMappedUserNS(uids, gids []configs.IDMap) (*os.File, error) {
	if len(uids) == 0 || len(gids) == 0 {
		return nil, errors.New("idmapped mount: both uid and gid mappings are required")
	}
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = []string{}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUSER,
		Ptrace:     true,
		Pdeathsig:  syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("idmapped mount: start user namespace holder: %w", err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	pidfd, err := unix.PidfdOpen(cmd.Process.Pid, 0)
	if err != nil {
		return nil, fmt.Errorf("idmapped mount: pidfd_open: %w", err)
	}
	defer unix.Close(pidfd)
	hostPid, err := pidfdHostPid(pidfd)
	if err != nil {
		return nil, fmt.Errorf("idmapped mount: %w", err)
	}
	for file, m := range map[string][]configs.IDMap{"uid_map": uids, "gid_map": gids} {
		var b strings.Builder
		for _, r := range m {
			fmt.Fprintf(&b, "%d %d %d\n", r.ContainerID, r.HostID, r.Size)
		}
		p := "/proc/" + strconv.Itoa(hostPid) + "/" + file
		if err := os.WriteFile(p, []byte(b.String()), 0); err != nil {
			return nil, fmt.Errorf("idmapped mount: write %s: %w", file, err)
		}
	}
	nsfd, err := unix.IoctlRetInt(pidfd, pidfdGetUserNamespace)
	if err != nil {
		return nil, fmt.Errorf("idmapped mount: get user namespace of holder: %w", err)
	}
	unix.CloseOnExec(nsfd)
	return os.NewFile(uintptr(nsfd), "userns"), nil
}

// pidfdHostPid returns the pid of the process pidfd refers to, as seen by
// the procfs mounted at /proc (the "Pid:" line of its fdinfo).
func pidfdHostPid(pidfd int) (int, error) {
	b, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(pidfd))
	if err != nil {
		return 0, fmt.Errorf("read pidfd info: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Pid:"); ok {
			pid, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || pid <= 0 {
				return 0, fmt.Errorf("pidfd info: bad pid %q", v)
			}
			return pid, nil
		}
	}
	return 0, errors.New("pidfd info has no Pid line")
}
