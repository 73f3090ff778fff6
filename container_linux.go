package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/utils"
)

const execFifoFilename = "exec.fifo"

// BaseContainer is the part of a container's API that needs no cgroup
// freezer or CRIU.
type BaseContainer interface {
	// ID returns the container's id.
	ID() string
	// Status derives the container's status from the kernel.
	Status() (Status, error)
	// State returns the container's state (what state.json holds).
	State() (*State, error)
	// OCIState returns the state in the OCI runtime-spec form.
	OCIState() (*specs.State, error)
	// Config returns a copy of the container's config.
	Config() configs.Config
	// Processes returns the pids of every process in the container's
	// cgroup, in the caller's pid namespace.
	Processes() ([]int, error)
	// Stats returns cgroup and network statistics.
	Stats() (*Stats, error)
	// Set applies config's cgroup resources to the running container and
	// saves config.
	Set(config configs.Config) error
	// Start starts process: the init (process.Init) is left waiting for
	// Exec, after the prestart, createRuntime and createContainer hooks;
	// any other process joins the running container and runs.
	Start(process *Process) (err error)
	// Run is Start, followed by Exec for an init.
	Run(process *Process) (err error)
	// Destroy kills what is left of a created or stopped container and
	// removes its cgroups and state. A second call returns nil.
	Destroy() error
	// Signal sends s to the init, or with all to every process of the
	// container.
	Signal(s os.Signal, all bool) error
	// Exec lets a created init exec the user's program. It returns once
	// the program runs (the startContainer hooks ran before it, in the
	// container) and the poststart hooks have run; a failure of either
	// kind of hook kills the container and is returned.
	Exec() error
}

// Container is a container: BaseContainer plus pause, resume, events and
// checkpoint/restore.
type Container interface {
	BaseContainer
	// Checkpoint saves the container with CRIU.
	Checkpoint(criuOpts *CriuOpts) error
	// Restore restores a checkpointed container with CRIU.
	Restore(process *Process, criuOpts *CriuOpts) error
	// Pause freezes every process of the container.
	Pause() error
	// Resume thaws a paused container.
	Resume() error
	// NotifyOOM returns a channel that receives a value on each OOM kill in
	// the container and is closed when the container's cgroup goes away.
	NotifyOOM() (<-chan struct{}, error)
	// NotifyMemoryPressure returns a channel that receives a value when the
	// container's memory pressure reaches level.
	NotifyMemoryPressure(level PressureLevel) (<-chan struct{}, error)
}

// linuxContainer is the only Container implementation. Every method holds
// its mutex.
type linuxContainer struct {
	m sync.Mutex

	id            string
	root          string // state directory
	config        *configs.Config
	factory       *LinuxFactory
	cgroupManager cgroups.Manager

	// The init, when one was started by or loaded into this object.
	initProc  *parentProcess // nil when loaded from state
	initPid   int
	initStart uint64
	created   time.Time
	loaded    bool
	state     *State // last saved state (loaded containers)
}

func (c *linuxContainer) ID() string { return c.id }

func (c *linuxContainer) Config() configs.Config { return *c.config }

func (c *linuxContainer) Status() (Status, error) {
	c.m.Lock()
	defer c.m.Unlock()
	return c.currentStatus()
}

// currentStatus derives the status: no live init (same pid and start time)
// is Stopped, a frozen cgroup is Paused, an exec fifo is Created.
func (c *linuxContainer) currentStatus() (Status, error) {
	if !processAlive(c.initPid, c.initStart) {
		return Stopped, nil
	}
	st, err := c.cgroupManager.GetFreezerState()
	if err != nil {
		return Stopped, fmt.Errorf("container %s: freezer state: %w", c.id, err)
	}
	if st == configs.Frozen {
		return Paused, nil
	}
	if _, err := os.Lstat(filepath.Join(c.root, execFifoFilename)); err == nil {
		return Created, nil
	}
	return Running, nil
}

func (c *linuxContainer) State() (*State, error) {
	c.m.Lock()
	defer c.m.Unlock()
	return c.currentState(), nil
}

// currentState builds the state from what the object knows.
func (c *linuxContainer) currentState() *State {
	pid := c.initPid
	if !processAlive(c.initPid, c.initStart) {
		pid = 0
	}
	st := &State{
		BaseState: BaseState{
			ID:                   c.id,
			Config:               *c.config,
			InitProcessPid:       c.initPid,
			InitProcessStartTime: c.initStart,
			Created:              c.created,
		},
		Rootless:       c.config.RootlessEUID && c.config.RootlessCgroups,
		CgroupPaths:    c.cgroupManager.GetPaths(),
		NamespacePaths: make(map[configs.NamespaceType]string),
	}
	if c.state != nil {
		st.ExternalDescriptors = c.state.ExternalDescriptors
	}
	if c.initProc != nil {
		st.ExternalDescriptors = c.initProc.externalDescriptors
	}
	if pid > 0 {
		for _, ns := range c.config.Namespaces {
			st.NamespacePaths[ns.Type] = ns.GetPath(pid)
		}
		for _, t := range configs.NamespaceTypes() {
			if !configs.IsNamespaceSupported(t) {
				continue
			}
			if _, ok := st.NamespacePaths[t]; !ok {
				ns := configs.Namespace{Type: t}
				st.NamespacePaths[t] = ns.GetPath(pid)
			}
		}
	}
	return st
}

func (c *linuxContainer) OCIState() (*specs.State, error) {
	c.m.Lock()
	defer c.m.Unlock()
	status, err := c.currentStatus()
	if err != nil {
		return nil, err
	}
	return c.ociState(status), nil
}

func (c *linuxContainer) ociState(status Status) *specs.State {
	pid := c.initPid
	if status == Stopped {
		pid = 0
	}
	return ociStateOf(c.id, c.config, status, pid)
}

// ociStateOf builds the OCI state of a container: the bundle and the
// annotations come from the config's labels.
func ociStateOf(id string, config *configs.Config, status Status, pid int) *specs.State {
	bundle, annotations := utils.Annotations(config.Labels)
	return &specs.State{
		Version:     specs.Version,
		ID:          id,
		Status:      specs.ContainerState(status.String()),
		Pid:         pid,
		Bundle:      bundle,
		Annotations: annotations,
	}
}

func (c *linuxContainer) Processes() ([]int, error) {
	c.m.Lock()
	defer c.m.Unlock()
	if !c.cgroupManager.Exists() && c.hasPrivatePidNS() {
		if st, _ := c.currentStatus(); st == Stopped {
			return nil, nil
		}
		return pidNSProcesses(c.initPid)
	}
	pids, err := c.cgroupManager.GetAllPids()
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if st, _ := c.currentStatus(); st == Stopped {
				return nil, nil
			}
		}
		return nil, fmt.Errorf("unable to get all container pids: %w", err)
	}
	return pids, nil
}

func (c *linuxContainer) Set(config configs.Config) error {
	c.m.Lock()
	defer c.m.Unlock()
	status, err := c.currentStatus()
	if err != nil {
		return err
	}
	if status == Stopped {
		return ErrNotRunning
	}
	if config.Cgroups == nil || config.Cgroups.Resources == nil {
		return errors.New("set: config has no cgroup resources")
	}
	old := c.config.Cgroups.Resources
	if err := c.cgroupManager.Set(config.Cgroups.Resources); err != nil {
		// Put the old limits back; the caller sees the first error.
		if old != nil {
			_ = c.cgroupManager.Set(old)
		}
		return fmt.Errorf("set cgroup resources: %w", err)
	}
	c.config = &config
	return c.saveState()
}

func (c *linuxContainer) Start(process *Process) error {
	c.m.Lock()
	defer c.m.Unlock()
	return c.start(process)
}

func (c *linuxContainer) Run(process *Process) error {
	c.m.Lock()
	defer c.m.Unlock()
	if err := c.start(process); err != nil {
		return err
	}
	if process.Init {
		return c.exec()
	}
	return nil
}

func (c *linuxContainer) Exec() error {
	c.m.Lock()
	defer c.m.Unlock()
	return c.exec()
}

// start starts an init or a joining process; the lock is held.
func (c *linuxContainer) start(process *Process) (err error) {
	if process == nil {
		return errors.New("start: process is nil")
	}
	if len(process.Args) == 0 {
		return errors.New("start: process args are empty")
	}
	if err := checkSecurityOptions(c.config, process); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if c.config.Cgroups != nil && c.config.Cgroups.Resources != nil && c.config.Cgroups.Resources.SkipDevices {
		return errors.New("can't start container with SkipDevices set")
	}
	status, err := c.currentStatus()
	if err != nil {
		return err
	}
	if process.Init {
		if status != Stopped {
			return fmt.Errorf("start %s: %w", c.id, ErrHasInit)
		}
		if c.initPid != 0 {
			// A stopped container cannot be started again.
			return fmt.Errorf("start %s: %w: init has exited", c.id, ErrNotRunning)
		}
		fifo := filepath.Join(c.root, execFifoFilename)
		if err := c.makeExecFifo(fifo); err != nil {
			return err
		}
		defer func() {
			if err != nil {
				os.Remove(fifo)
			}
		}()
	} else {
		switch status {
		case Stopped:
			return fmt.Errorf("exec in %s: %w", c.id, ErrNotRunning)
		case Paused:
			return fmt.Errorf("exec in %s: %w", c.id, ErrPaused)
		}
	}
	p, err := c.newParentProcess(process)
	if err != nil {
		return err
	}
	// The poststart hooks run in exec, once the user program runs.
	if err := p.start(); err != nil {
		return err
	}
	if !process.Init {
		// Reap it as soon as it exits, whether or not the caller waits
		// (Wait returns the same result): a pid namespace's init cannot
		// finish exiting while a process of the namespace is an unreaped
		// zombie of ours.
		go func() { _, _ = p.wait() }()
	}
	return nil
}

// makeExecFifo creates the fifo the init blocks on until Exec, owned by
// the container's root user.
func (c *linuxContainer) makeExecFifo(path string) error {
	uid, err := c.config.HostRootUID()
	if err != nil {
		return err
	}
	gid, err := c.config.HostRootGID()
	if err != nil {
		return err
	}
	if err := unix.Mkfifo(path, 0o622); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("start %s: %w: exec fifo exists", c.id, ErrHasInit)
		}
		return fmt.Errorf("create exec fifo: %w", err)
	}
	// Mkfifo obeys the umask; set the mode the init's user needs.
	if err := unix.Chmod(path, 0o622); err != nil {
		os.Remove(path)
		return fmt.Errorf("chmod exec fifo: %w", err)
	}
	if err := unix.Chown(path, uid, gid); err != nil {
		os.Remove(path)
		return fmt.Errorf("chown exec fifo: %w", err)
	}
	return nil
}

// exec releases a created init: it opens the fifo, waits for the init's
// byte or its death (no polling: poll(2) on the fifo and a pidfd), removes
// the fifo, then waits for the user program to run and runs the poststart
// hooks (afterRelease).
func (c *linuxContainer) exec() error {
	path := filepath.Join(c.root, execFifoFilename)
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return errors.New("cannot start an already running container")
	}
	// The pidfd first: until we open the fifo the init is blocked opening
	// it, so it cannot exit in between and be mistaken for a dead one.
	pidfd, err := c.initPidfd()
	if err != nil {
		return err
	}
	defer unix.Close(pidfd)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return errors.New("cannot start an already running container")
		}
		return fmt.Errorf("open exec fifo: %w", err)
	}
	defer unix.Close(fd)
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(pidfd), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("wait for init: %w", err)
		}
		break
	}
	buf := make([]byte, 1)
	n, err := unix.Read(fd, buf)
	if n == 1 && err == nil {
		if err := os.Remove(path); err != nil {
			return err
		}
		return c.afterRelease(fd)
	}
	if fds[1].Revents != 0 {
		return errors.New("container process is already dead")
	}
	return errors.New("exec fifo is empty: container init did not signal that it is ready")
}

// initPidfd opens a pidfd for the init and checks it still is our init.
func (c *linuxContainer) initPidfd() (int, error) {
	fd, err := unix.PidfdOpen(c.initPid, 0)
	if err != nil {
		return -1, fmt.Errorf("container %s: init %d: %w", c.id, c.initPid, err)
	}
	if !processAlive(c.initPid, c.initStart) {
		unix.Close(fd)
		return -1, fmt.Errorf("container %s: %w", c.id, ErrNotRunning)
	}
	return fd, nil
}

func (c *linuxContainer) Signal(s os.Signal, all bool) error {
	c.m.Lock()
	defer c.m.Unlock()
	sig, ok := s.(unix.Signal)
	if !ok {
		return errors.New("os: unsupported signal type")
	}
	status, err := c.currentStatus()
	if err != nil {
		return err
	}
	if all {
		if !c.cgroupManager.Exists() {
			if status == Stopped {
				return nil
			}
			return c.signalPidNS(sig)
		}
		return c.signalAll(sig)
	}
	if status == Stopped {
		return ErrNotRunning
	}
	pidfd, err := c.initPidfd()
	if err != nil {
		return err
	}
	defer unix.Close(pidfd)
	// A pidfd names this very process: a reused pid is never signalled.
	if err := unix.PidfdSendSignal(pidfd, sig, nil, 0); err != nil {
		return err
	}
	if status == Paused && sig == unix.SIGKILL {
		// Frozen tasks die only once thawed.
		_ = c.cgroupManager.Freeze(configs.Thawed)
	}
	return nil
}

// signalAll signals every process in the container's cgroup with the cgroup
// frozen, so that none can fork away meanwhile.
func (c *linuxContainer) signalAll(sig unix.Signal) error {
	// Without a usable freezer (none configured, or the kernel has
	// none) the processes are signalled all the same.
	frozen := c.cgroupManager.Freeze(configs.Frozen) == nil
	pids, err := c.cgroupManager.GetAllPids()
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, pid := range pids {
		if err := unix.Kill(pid, sig); err != nil && err != unix.ESRCH {
			errs = append(errs, fmt.Errorf("signal %d: %w", pid, err))
		}
	}
	if frozen {
		if err := c.cgroupManager.Freeze(configs.Thawed); err != nil {
			errs = append(errs, fmt.Errorf("thaw container: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (c *linuxContainer) Destroy() error {
	c.m.Lock()
	defer c.m.Unlock()
	status, err := c.currentStatus()
	if err != nil {
		return err
	}
	switch status {
	case Running:
		return fmt.Errorf("destroy %s: %w", c.id, ErrRunning)
	case Paused:
		return fmt.Errorf("destroy %s: %w", c.id, ErrPaused)
	case Created:
		c.killInit()
		if c.initProc != nil {
			_, _ = c.initProc.wait()
		}
	case Stopped:
		// Reap an init of ours that nobody waited for, which also
		// releases the pidfd its handle holds (the exit status stays
		// available to a later Process.Wait).
		if c.initProc != nil {
			_, _ = c.initProc.wait()
		}
	}
	return c.destroy()
}

// destroy removes a stopped container: the processes left in its cgroup,
// the cgroup, the state directory; then the poststop hooks, at most once.
func (c *linuxContainer) destroy() error {
	if _, err := os.Stat(c.root); errors.Is(err, os.ErrNotExist) {
		return nil // already destroyed
	}
	errs := []error{c.destroyResources()}
	if err := c.returnNetDevices(nil); err != nil {
		errs = append(errs, fmt.Errorf("return net devices: %w", err))
	}
	if err := os.RemoveAll(c.root); err != nil {
		errs = append(errs, fmt.Errorf("remove state dir: %w", err))
	}
	if err := c.config.Hooks[configs.Poststop].RunHooks(c.ociState(Stopped)); err != nil {
		errs = append(errs, fmt.Errorf("poststop hook: %w", err))
	}
	return errors.Join(errs...)
}

// destroyResources removes the container's cgroups; the manager kills any
// process left in them first.
func (c *linuxContainer) destroyResources() error {
	if err := c.cgroupManager.Destroy(); err != nil {
		return fmt.Errorf("remove cgroup: %w", err)
	}
	return nil
}

// killInit SIGKILLs the init, through a pidfd so a reused pid is never hit,
// and waits until it has died.
func (c *linuxContainer) killInit() {
	if pidfd, err := c.initPidfd(); err == nil {
		_ = unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0)
		waitPidfd(pidfd)
		unix.Close(pidfd)
	}
}

// waitPidfd blocks until the process behind pidfd has exited.
func waitPidfd(pidfd int) {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	for {
		if _, err := unix.Poll(fds, -1); err != unix.EINTR {
			return
		}
	}
}

func (c *linuxContainer) Pause() error {
	c.m.Lock()
	defer c.m.Unlock()
	status, err := c.currentStatus()
	if err != nil {
		return err
	}
	switch status {
	case Running, Created:
	default:
		return fmt.Errorf("pause %s: %w", c.id, ErrNotRunning)
	}
	if err := c.cgroupManager.Freeze(configs.Frozen); err != nil {
		return fmt.Errorf("pause %s: %w", c.id, err)
	}
	return nil
}

func (c *linuxContainer) Resume() error {
	c.m.Lock()
	defer c.m.Unlock()
	status, err := c.currentStatus()
	if err != nil {
		return err
	}
	if status != Paused {
		return fmt.Errorf("resume %s: %w", c.id, ErrNotPaused)
	}
	if err := c.cgroupManager.Freeze(configs.Thawed); err != nil {
		return fmt.Errorf("resume %s: %w", c.id, err)
	}
	return nil
}

// saveState writes state.json for the current state.
func (c *linuxContainer) saveState() error {
	st := c.currentState()
	if err := writeStateFile(c.root, st); err != nil {
		return err
	}
	c.state = st
	return nil
}
