package libcontainer

import (
	"encoding/json"
	"fmt"
	"net"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/seccomp"
	"github.com/b7f961b7/libcontainer/utils"
)

// loadSeccomp loads the filter into the container process. A filter with
// notify actions yields a listener fd, which the parent takes (with
// pidfd_getfd) and hands to the config's listener before we close it.
func loadSeccomp(pipe *syncPipe, cfg *configs.Seccomp) error {
	fd, err := seccomp.InitSeccomp(cfg)
	if err != nil {
		return fmt.Errorf("load seccomp filter: %w", err)
	}
	if fd < 0 {
		return nil
	}
	defer unix.Close(fd)
	return syncParent(pipe, syncMsg{Type: procSeccomp, Fd: fd}, procSeccompDone)
}

// sendSeccompListener copies the child's notify fd and sends it, with the
// OCI container process state, to Seccomp.ListenerPath as the runtime-spec
// describes (SCM_RIGHTS, one fd named "seccompFd").
func (p *parentProcess) sendSeccompListener(childFd int) error {
	cfg := p.c.config.Seccomp
	if cfg == nil || cfg.ListenerPath == "" {
		return fmt.Errorf("seccomp notify fd received but no listener path is set")
	}
	pidfd, err := unix.PidfdOpen(p.pidNum, 0)
	if err != nil {
		return fmt.Errorf("seccomp listener: pidfd_open: %w", err)
	}
	defer unix.Close(pidfd)
	fd, err := unix.PidfdGetfd(pidfd, childFd, 0)
	if err != nil {
		return fmt.Errorf("seccomp listener: pidfd_getfd: %w", err)
	}
	defer unix.Close(fd)

	state := specs.ContainerProcessState{
		Version:  specs.Version,
		Fds:      []string{specs.SeccompFdName},
		Pid:      p.pidNum,
		Metadata: cfg.ListenerMetadata,
		State:    *p.c.ociState(Created),
	}
	state.State.Pid = p.pidNum
	msg, err := json.Marshal(state)
	if err != nil {
		return err
	}
	conn, err := net.Dial("unix", cfg.ListenerPath)
	if err != nil {
		return fmt.Errorf("seccomp listener %s: %w", cfg.ListenerPath, err)
	}
	defer conn.Close()
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("seccomp listener %s: not a unix socket", cfg.ListenerPath)
	}
	f, err := uc.File()
	if err != nil {
		return err
	}
	defer f.Close()
	if err := utils.SendFds(f, msg, fd); err != nil {
		return fmt.Errorf("seccomp listener %s: %w", cfg.ListenerPath, err)
	}
	return nil
}
