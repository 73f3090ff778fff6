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
// notify actions yields a listener fd, which goes to the parent over the
// init pipe (SCM_RIGHTS: the parent cannot take it with pidfd_getfd, since
// we are not dumpable) and on to the config's listener before we close it.
func loadSeccomp(pipe *syncPipe, cfg *configs.Seccomp) error {
	filter, err := seccomp.Compile(cfg)
	if err != nil {
		return fmt.Errorf("load seccomp filter: %w", err)
	}
	return loadSeccompFilter(pipe, filter)
}

// loadSeccompFilter loads a compiled filter and hands its listener fd, if
// any, to the parent.
func loadSeccompFilter(pipe *syncPipe, filter *seccomp.Filter) error {
	fd, err := filter.Load()
	if err != nil {
		return fmt.Errorf("load seccomp filter: %w", err)
	}
	if fd < 0 {
		return nil
	}
	defer unix.Close(fd)
	if err := syncParent(pipe, syncMsg{Type: procSeccomp}, procSeccompFd); err != nil {
		return err
	}
	if err := utils.SendFd(pipe.f, specs.SeccompFdName, uintptr(fd)); err != nil {
		return fmt.Errorf("send seccomp notify fd: %w", err)
	}
	_, err = pipe.expect(procSeccompDone)
	return err
}

// sendSeccompListener receives the child's notify fd over the init pipe
// and sends it, with the OCI container process state, to
// Seccomp.ListenerPath as the runtime-spec describes (SCM_RIGHTS, one fd
// named "seccompFd").
func (p *parentProcess) sendSeccompListener() error {
	cfg := p.c.config.Seccomp
	if cfg == nil || cfg.ListenerPath == "" {
		return fmt.Errorf("seccomp notify fd announced but no listener path is set")
	}
	// The child sends the fd only once asked, so that nothing of it is
	// buffered by the JSON decoder of the pipe (which would drop it).
	if err := p.pipe.sendType(procSeccompFd); err != nil {
		return err
	}
	f, err := utils.RecvFd(p.pipe.f)
	if err != nil {
		return fmt.Errorf("seccomp listener: receive notify fd: %w", err)
	}
	defer f.Close()
	fd := int(f.Fd())

	// An init's container is still being created; a process joining one
	// finds it created or running.
	status := Created
	if !p.init {
		if st, err := p.c.currentStatus(); err == nil {
			status = st
		}
	}
	state := specs.ContainerProcessState{
		Version:  specs.Version,
		Fds:      []string{specs.SeccompFdName},
		Pid:      p.pidNum,
		Metadata: cfg.ListenerMetadata,
		State:    *p.c.ociState(status),
	}
	if p.init {
		state.State.Status = specs.StateCreating
		state.State.Pid = p.pidNum
	}
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
	sock, err := uc.File()
	if err != nil {
		return err
	}
	defer sock.Close()
	if err := utils.SendFds(sock, msg, fd); err != nil {
		return fmt.Errorf("seccomp listener %s: %w", cfg.ListenerPath, err)
	}
	return nil
}
