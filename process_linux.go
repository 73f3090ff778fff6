package libcontainer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fs"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/system"
	"github.com/b7f961b7/libcontainer/utils"
)

// parentProcess is the host side of a process started in a container: the
// init (init true) or a process joining the container. It spawns the
// re-exec'd binary, puts it in the cgroups, drives nsenter and the Go init
// over the init pipe, and then stands for the container process.
type parentProcess struct {
	c       *linuxContainer
	process *Process
	init    bool
	config  *initConfig

	cmd       *exec.Cmd
	pipe      *syncPipe
	childPipe *os.File
	bootstrap []byte

	// Set once the final process is known.
	pidNum  int
	handle  *os.Process
	forked  bool // the final process is a child of nsenter's first process
	copying sync.WaitGroup
	toClose []*os.File // our ends of stdio copies, closed after exit

	externalDescriptors []string

	sealed bool // runs the sealed copy of the binary

	waitOnce  sync.Once
	waitState *os.ProcessState
	waitErr   error

	createHooksRan bool // prestart and createRuntime have run
}

// newParentProcess prepares (but does not start) the host side of process.
func (c *linuxContainer) newParentProcess(p *Process) (*parentProcess, error) {
	exe := c.factory.InitPath
	parentEnd, childEnd, err := utils.NewSockPair("init")
	if err != nil {
		return nil, fmt.Errorf("init pipe: %w", err)
	}
	cmd := &exec.Cmd{Path: exe, Args: c.factory.InitArgs}
	cmd.ExtraFiles = append([]*os.File(nil), p.ExtraFiles...)
	cmd.ExtraFiles = append(cmd.ExtraFiles, childEnd)
	pipeFd := 3 + len(cmd.ExtraFiles) - 1
	initType := "setns"
	if p.Init {
		initType = "standard"
		cmd.Dir = c.config.Rootfs
	}
	cmd.Env = []string{
		"_LIBCONTAINER_INITPIPE=" + strconv.Itoa(pipeFd),
		"_LIBCONTAINER_INITTYPE=" + initType,
		// The init does one thing at a time; a fixed GOMAXPROCS also
		// keeps the Go runtime from opening the cgroup's cpu files to
		// size itself (fds the init would hold until exec).
		"GOMAXPROCS=" + initGOMAXPROCS(),
	}
	if p.Init {
		// The init opens the fifo by this O_PATH fd: it cannot reach the
		// state directory itself.
		fifo, err := os.OpenFile(filepath.Join(c.root, execFifoFilename), unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			parentEnd.Close()
			childEnd.Close()
			return nil, fmt.Errorf("open exec fifo: %w", err)
		}
		cmd.ExtraFiles = append(cmd.ExtraFiles, fifo)
		cmd.Env = append(cmd.Env, "_LIBCONTAINER_FIFOFD="+strconv.Itoa(3+len(cmd.ExtraFiles)-1))
	}
	if p.ConsoleSocket != nil {
		cmd.ExtraFiles = append(cmd.ExtraFiles, p.ConsoleSocket)
		cmd.Env = append(cmd.Env, "_LIBCONTAINER_CONSOLE="+strconv.Itoa(3+len(cmd.ExtraFiles)-1))
	}

	pp := &parentProcess{
		c:         c,
		process:   p,
		init:      p.Init,
		config:    c.newInitConfig(p),
		cmd:       cmd,
		pipe:      newSyncPipe(parentEnd),
		childPipe: childEnd,
	}
	if p.Init {
		if err := pp.addIDMappedMounts(); err != nil {
			pp.abandon()
			return nil, err
		}
	}
	if err := pp.setupStdio(); err != nil {
		pp.abandon()
		return nil, err
	}
	var nsMaps map[configs.NamespaceType]string
	var cloneFlags uintptr
	if p.Init {
		nsMaps = make(map[configs.NamespaceType]string)
		for _, ns := range c.config.Namespaces {
			if ns.Path != "" {
				nsMaps[ns.Type] = ns.Path
			}
		}
		cloneFlags = c.config.Namespaces.CloneFlags()
	} else {
		nsMaps = c.currentState().NamespacePaths
		// A process joining only enters the container's namespaces that
		// differ from ours; entering our own user namespace fails.
		for t, path := range nsMaps {
			if sameNamespace(path, fmt.Sprintf("/proc/self/ns/%s", configs.NsName(t))) {
				delete(nsMaps, t)
			}
		}
	}
	pp.bootstrap, err = c.bootstrapData(cloneFlags, nsMaps, p.Init)
	if err != nil {
		pp.abandon()
		return nil, err
	}
	return pp, nil
}

// initGOMAXPROCS is the caller's GOMAXPROCS setting, or 1.
func initGOMAXPROCS() string {
	if v := os.Getenv("GOMAXPROCS"); v != "" {
		return v
	}
	return "1"
}

// sameNamespace reports whether two namespace files name one namespace.
func sameNamespace(a, b string) bool {
	var sa, sb unix.Stat_t
	if unix.Stat(a, &sa) != nil || unix.Stat(b, &sb) != nil {
		return false
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino
}

// setupStdio passes *os.File streams through and copies any other reader
// or writer through a pipe of our own (not exec.Cmd's, whose Wait would
// wait for the first process of the bootstrap, not the container process).
func (p *parentProcess) setupStdio() error {
	pr := p.process
	if f, ok := pr.Stdin.(*os.File); ok || pr.Stdin == nil {
		if ok {
			p.cmd.Stdin = f
		}
	} else {
		r, w, err := os.Pipe()
		if err != nil {
			return err
		}
		p.cmd.Stdin = r
		p.toClose = append(p.toClose, r)
		go func() {
			_, _ = io.Copy(w, pr.Stdin)
			w.Close()
		}()
	}
	out := func(dst io.Writer) (*os.File, error) {
		if dst == nil {
			return nil, nil
		}
		if f, ok := dst.(*os.File); ok {
			return f, nil
		}
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		p.toClose = append(p.toClose, w)
		p.copying.Add(1)
		go func() {
			defer p.copying.Done()
			_, _ = io.Copy(dst, r)
			r.Close()
		}()
		return w, nil
	}
	var err error
	if p.cmd.Stdout, err = out(pr.Stdout); err != nil {
		return err
	}
	if sameWriter(pr.Stdout, pr.Stderr) {
		// One pipe and one copier, as exec.Cmd does: two copiers
		// would Write to the caller's writer concurrently.
		p.cmd.Stderr = p.cmd.Stdout
		return nil
	}
	f, err := out(pr.Stderr)
	if err != nil {
		return err
	}
	if f != nil {
		p.cmd.Stderr = f
	}
	return nil
}

// sameWriter reports whether a and b are the same non-nil writer (writers
// of a type that cannot be compared are never the same).
func sameWriter(a, b io.Writer) bool {
	if a == nil || b == nil || !reflect.TypeOf(a).Comparable() {
		return false
	}
	return a == b
}

// closeFiles closes the child's ends we hold after the child has them.
func (p *parentProcess) closeFiles() {
	p.childPipe.Close()
	for _, f := range p.toClose {
		f.Close()
	}
	p.toClose = nil
	for _, f := range p.cmd.ExtraFiles[len(p.process.ExtraFiles):] {
		if f != p.process.ConsoleSocket {
			f.Close()
		}
	}
}

// abandon releases everything a prepared but never started process holds:
// the child's files and our end of the init pipe.
func (p *parentProcess) abandon() {
	p.closeFiles()
	p.pipe.f.Close()
}

// start runs the whole start protocol. On error the processes it made are
// killed and reaped and, for an init, the cgroup is removed.
func (p *parentProcess) start() (err error) {
	// No fd of ours may reach the container but stdio and ExtraFiles
	// (CVE-2024-21626): Go passes only those, but a caller's fd opened
	// without O_CLOEXEC would be inherited.
	if err := utils.CloseExecFrom(3); err != nil {
		return fmt.Errorf("mark fds close-on-exec: %w", err)
	}
	cgroupFd := p.cloneIntoCgroup()
	err = p.startCmd()
	if err != nil && cgroupFd >= 0 {
		// The kernel refused to clone into the cgroup: start plainly
		// and move the process in afterwards.
		unix.Close(cgroupFd)
		cgroupFd = -1
		p.cmd = cloneCmd(p.cmd)
		p.cmd.SysProcAttr = nil
		err = p.startCmd()
	}
	if cgroupFd >= 0 {
		unix.Close(cgroupFd)
	}
	p.closeFiles()
	if err != nil {
		p.pipe.f.Close()
		if p.init {
			_ = p.c.cgroupManager.Destroy()
		}
		return fmt.Errorf("start init: %w", err)
	}
	defer func() {
		if err != nil {
			p.terminate()
			if p.init {
				_ = p.c.returnNetDevices(p.config.NetDevices)
				_ = p.c.cgroupManager.Destroy()
			}
			p.pipe.f.Close()
		}
	}()
	if cgroupFd < 0 {
		if err := p.joinCgroups(p.cmd.Process.Pid); err != nil {
			return err
		}
	}
	if _, err := p.pipe.f.Write(p.bootstrap); err != nil {
		return fmt.Errorf("send bootstrap data: %w", err)
	}
	if err := p.bootstrapDone(); err != nil {
		return err
	}
	if p.init {
		if err := p.setupNetworks(); err != nil {
			return err
		}
	}
	if err := utils.WriteJSON(p.pipe.f, p.config); err != nil {
		return fmt.Errorf("send init config: %w", err)
	}
	if err := p.serve(); err != nil {
		return err
	}
	p.pipe.f.Close()
	p.process.ops = p
	return nil
}

// startCmd starts the command, from the sealed copy of the binary when
// that is what it runs.
func (p *parentProcess) startCmd() (err error) {
	if p.cmd.Path == sealedPlaceholder || p.sealed {
		p.sealed = true
		p.cmd, err = startSealed(p.cmd)
		return err
	}
	return p.cmd.Start()
}

// cloneIntoCgroup prepares, on a cgroup2-only host with the cgroupfs
// driver, to clone the process straight into its cgroup (clone3
// CLONE_INTO_CGROUP): an init's cgroup is made and limited first. Moving a
// process between cgroups afterwards takes the kernel's threadgroup lock
// for writing, which can wait a whole RCU grace period. It returns the
// cgroup directory fd the command will use, or -1 to move the process in
// after it started.
func (p *parentProcess) cloneIntoCgroup() int {
	cg := p.c.config.Cgroups
	if !cgroups.IsCgroup2UnifiedMode() || cg == nil || cg.Systemd || cg.Rootless {
		return -1
	}
	cm := p.c.cgroupManager
	dir := cm.Path("")
	if p.init {
		if err := p.joinCgroups(-1); err != nil {
			_ = cm.Destroy()
			return -1 // joinCgroups reports it again after the start
		}
	} else if len(p.process.SubCgroupPaths) > 0 {
		paths, err := subCgroupPaths(cm.GetPaths(), p.process.SubCgroupPaths)
		if err != nil {
			return -1
		}
		dir = paths[""]
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	p.cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}
	return fd
}

// joinCgroups puts pid in the container's cgroups before it does anything:
// an init creates them and gets the limits at once; a joining process
// enters the saved paths (and its sub-cgroups).
func (p *parentProcess) joinCgroups(pid int) error {
	cm := p.c.cgroupManager
	if p.init {
		if err := cm.Apply(pid); err != nil {
			return fmt.Errorf("apply cgroups: %w", err)
		}
		if r := p.c.config.Cgroups.Resources; r != nil {
			if err := cm.Set(r); err != nil {
				return fmt.Errorf("set cgroup resources: %w", err)
			}
		}
		return nil
	}
	paths := cm.GetPaths()
	if len(p.process.SubCgroupPaths) > 0 {
		var err error
		if paths, err = subCgroupPaths(paths, p.process.SubCgroupPaths); err != nil {
			return err
		}
	}
	if err := cgroups.EnterPid(paths, pid); err != nil {
		return fmt.Errorf("join container cgroups: %w", err)
	}
	return nil
}

// subCgroupPaths returns the container's cgroup paths with sub paths below
// them; a sub path must stay under the container's cgroup.
func subCgroupPaths(paths, sub map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(paths))
	for k, v := range paths {
		out[k] = v
	}
	for ctrl, rel := range sub {
		join := func(k string) error {
			base, ok := paths[k]
			if !ok {
				return fmt.Errorf("sub-cgroup: unknown controller %q", k)
			}
			dir := filepath.Join(base, utils.CleanPath("/"+rel))
			if !utils.IsLexicallyInRoot(base, dir) {
				return fmt.Errorf("sub-cgroup %q escapes the container cgroup", rel)
			}
			if k == "cpuset" {
				// A new v1 cpuset has no cpus and mems and refuses
				// processes (ENOSPC): it inherits its parent's.
				if err := (&fs.CpusetGroup{}).ApplyDir(dir, nil, -1); err != nil {
					return err
				}
			} else if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			out[k] = dir
			return nil
		}
		if ctrl == "" {
			for k := range paths {
				if err := join(k); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := join(ctrl); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bootstrapDone answers nsenter's requests until it names the final pid.
func (p *parentProcess) bootstrapDone() error {
	for {
		m, err := p.pipe.recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return p.earlyExitError()
			}
			return err
		}
		switch m.Type {
		case syncUsermap:
			reply := "ok\n"
			if err := p.c.writeIDMaps(p.cmd.Process.Pid); err != nil {
				reply = err.Error() + "\n"
				_, _ = p.pipe.f.Write([]byte(reply))
				return err
			}
			if _, err := p.pipe.f.Write([]byte(reply)); err != nil {
				return err
			}
		case syncPid:
			return p.adopt(m.Pid, m.Forked)
		default:
			return fmt.Errorf("nsenter: unexpected message %q", m.Type)
		}
	}
}

// adopt makes pid the container process. When nsenter forked it, its first
// process exits now and is reaped here.
func (p *parentProcess) adopt(pid int, forked bool) error {
	p.pidNum, p.forked = pid, forked
	if !forked {
		p.handle = p.cmd.Process
		return nil
	}
	h, err := os.FindProcess(pid)
	if err != nil {
		return fmt.Errorf("find init %d: %w", pid, err)
	}
	p.handle = h
	st, err := p.cmd.Process.Wait()
	if err != nil {
		return fmt.Errorf("wait for nsenter: %w", err)
	}
	if !st.Success() {
		return fmt.Errorf("nsenter exited: %s", st)
	}
	return nil
}

// setupNetworks makes the host side of the container's interfaces and moves
// them into its network namespace.
func (p *parentProcess) setupNetworks() (err error) {
	if p.c.config.Namespaces.Contains(configs.NEWNET) && p.c.config.Namespaces.PathOf(configs.NEWNET) == "" {
		if p.config.VethPeers, err = p.c.createVeths(p.pidNum); err != nil {
			return err
		}
	}
	if p.config.NetDevices, err = p.c.moveNetDevices(p.pidNum); err != nil {
		return err
	}
	return nil
}

// earlyExitError explains a child that closed the pipe without a word.
func (p *parentProcess) earlyExitError() error {
	st, err := p.cmd.Process.Wait()
	if err != nil {
		return fmt.Errorf("%w: init exited early", ErrInit)
	}
	return fmt.Errorf("%w: init exited early: %s", ErrInit, st)
}

// serve handles the Go init's sync messages until it closes the pipe.
func (p *parentProcess) serve() error {
	for {
		m, err := p.pipe.recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch m.Type {
		case procHooks:
			if err := p.runCreateHooks(); err != nil {
				return err
			}
			if err := p.pipe.sendType(procResume); err != nil {
				return err
			}
		case procReady:
			if p.init {
				if !p.createHooksRan {
					if err := p.runCreateHooks(); err != nil {
						return err
					}
				}
				if err := p.recordInit(); err != nil {
					return err
				}
			}
			if err := p.pipe.sendType(procRun); err != nil {
				return err
			}
		case procSeccomp:
			if err := p.sendSeccompListener(); err != nil {
				return err
			}
			if err := p.pipe.sendType(procSeccompDone); err != nil {
				return err
			}
		default:
			return fmt.Errorf("init pipe: unexpected message %q", m.Type)
		}
	}
}

// runCreateHooks runs the prestart and createRuntime hooks.
func (p *parentProcess) runCreateHooks() error {
	c := p.c
	c.initPid = p.pidNum
	st := c.ociState(Created)
	st.Pid = p.pidNum
	st.Status = specs.StateCreating
	p.createHooksRan = true
	for _, name := range []configs.HookName{configs.Prestart, configs.CreateRuntime} {
		if err := c.config.Hooks[name].RunHooks(st); err != nil {
			return fmt.Errorf("%s hook: %w", name, err)
		}
	}
	return nil
}

// recordInit makes the container know its init and saves state.json, so
// that another process can load the container from now on.
func (p *parentProcess) recordInit() error {
	c := p.c
	st, err := system.Stat(p.pidNum)
	if err != nil {
		return fmt.Errorf("stat init: %w", err)
	}
	c.initProc = p
	c.initPid = p.pidNum
	c.initStart = st.StartTime
	c.created = time.Now().UTC()
	for i := 0; i < 3; i++ {
		l, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", p.pidNum, i))
		if err != nil {
			l = ""
		}
		p.externalDescriptors = append(p.externalDescriptors, l)
	}
	return c.saveState()
}

// terminate kills and reaps whatever this start made.
func (p *parentProcess) terminate() {
	if p.handle != nil {
		_ = p.handle.Kill()
	}
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		if p.handle != p.cmd.Process {
			_, _ = p.cmd.Process.Wait()
		}
	}
	if p.handle != nil {
		_, _ = p.wait()
	}
}

// wait waits for the container process and then for its output copies.
func (p *parentProcess) wait() (*os.ProcessState, error) {
	p.waitOnce.Do(func() {
		p.waitState, p.waitErr = p.handle.Wait()
		p.copying.Wait()
		if p.waitErr == nil && !p.waitState.Success() {
			p.waitErr = &exec.ExitError{ProcessState: p.waitState}
		}
		if p.init && p.waitState != nil && !p.c.config.Namespaces.Contains(configs.NEWPID) {
			// Without a private pid namespace nothing kills the init's
			// descendants when it exits: do it.
			if p.c.cgroupManager.Exists() {
				if pids, _ := p.c.cgroupManager.GetAllPids(); len(pids) > 0 {
					for _, pid := range pids {
						_ = unix.Kill(pid, unix.SIGKILL)
					}
				}
			}
		}
	})
	return p.waitState, p.waitErr
}

func (p *parentProcess) signal(sig os.Signal) error {
	s, ok := sig.(unix.Signal)
	if !ok {
		return errors.New("os: unsupported signal type")
	}
	if err := p.handle.Signal(s); err != nil {
		if errors.Is(err, os.ErrProcessDone) {
			return unix.ESRCH
		}
		return err
	}
	return nil
}

func (p *parentProcess) pid() int { return p.pidNum }
