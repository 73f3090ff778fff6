package libcontainer

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/b7f961b7/libcontainer/configs"
	"golang.org/x/sys/unix"
)

var errInvalidProcess = errors.New("invalid process")

// processOperations is what a started Process can do; the parent side of
// an init or a joining process implements it.
type processOperations interface {
	wait() (*os.ProcessState, error)
	signal(sig os.Signal) error
	pid() int
}

// Process describes a process to start in a container: the init (Init true)
// or one that joins a running container.
type Process struct {
	// Args is the program and its arguments; Args[0] is looked up in the
	// container's PATH when it has no slash.
	Args []string
	// Env is the process environment, "KEY=value" entries.
	Env []string
	// User is "user", "uid", "user:group", "uid:gid" or a mix, resolved in
	// the container's /etc/passwd and /etc/group; numeric means an id.
	User string
	// AdditionalGroups are names or gids added to the process's groups.
	AdditionalGroups []string
	// Cwd is the working directory, an absolute container path.
	Cwd string

	// Stdin, Stdout and Stderr are the process's standard streams. An
	// *os.File is passed as is; anything else is copied through a pipe.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// ExtraFiles become fds 3, 4, ... of the process.
	ExtraFiles []*os.File

	// ConsoleWidth and ConsoleHeight size the terminal made for
	// ConsoleSocket.
	ConsoleWidth  uint16
	ConsoleHeight uint16

	// Capabilities overrides Config.Capabilities when not nil.
	Capabilities *configs.Capabilities
	// AppArmorProfile overrides Config.AppArmorProfile when not empty.
	AppArmorProfile string
	// Label overrides Config.ProcessLabel when not empty.
	Label string
	// NoNewPrivileges overrides Config.NoNewPrivileges when not nil.
	NoNewPrivileges *bool
	// Rlimits replaces Config.Rlimits when not empty.
	Rlimits []configs.Rlimit

	// ConsoleSocket, when set, is an AF_UNIX socket over which the master of
	// a new pseudo-terminal is sent; the process gets the slave as stdio.
	ConsoleSocket *os.File

	// Init marks the container's init process (new namespaces); otherwise
	// the process joins the running container.
	Init bool

	ops processOperations

	// LogLevel is accepted for compatibility; the child reports errors over
	// the init pipe and does not log.
	LogLevel string

	// SubCgroupPaths, for a joining process, places it in a sub-cgroup of
	// the container's: key "" for every controller, or per controller.
	SubCgroupPaths map[string]string
}

// Wait waits for the process to exit and returns its state. A non-zero exit
// or death by signal is also reported as an *exec.ExitError.
func (p Process) Wait() (*os.ProcessState, error) {
	if p.ops == nil {
		return nil, errInvalidProcess
	}
	return p.ops.wait()
}

// Pid returns the process's pid as seen from the caller's pid namespace.
func (p Process) Pid() (int, error) {
	if p.ops == nil {
		return math.MinInt32, errInvalidProcess
	}
	return p.ops.pid(), nil
}

// Signal sends sig to the process. Only unix.Signal values are accepted;
// the kill(2) error is returned as is.
func (p Process) Signal(sig os.Signal) error {
	if p.ops == nil {
		return errInvalidProcess
	}
	return p.ops.signal(sig)
}

// IO holds the caller's ends of the pipes made by InitializeIO.
type IO struct {
	Stdin  io.WriteCloser
	Stdout io.ReadCloser
	Stderr io.ReadCloser
}

// InitializeIO makes three pipes, gives the process their container ends
// and returns the caller's ends. All six ends are owned by rootuid:rootgid
// so that the container's user can use them. On error nothing stays open.
func (p *Process) InitializeIO(rootuid, rootgid int) (i *IO, err error) {
	var fds []*os.File
	defer func() {
		if err != nil {
			for _, f := range fds {
				f.Close()
			}
		}
	}()
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err != nil {
			return nil, nil, err
		}
		fds = append(fds, r, w)
		return r, w, nil
	}
	i = &IO{}
	r, w, err := pipe()
	if err != nil {
		return nil, err
	}
	p.Stdin, i.Stdin = r, w
	if r, w, err = pipe(); err != nil {
		return nil, err
	}
	i.Stdout, p.Stdout = r, w
	if r, w, err = pipe(); err != nil {
		return nil, err
	}
	i.Stderr, p.Stderr = r, w
	for _, f := range fds {
		if err := unix.Fchown(int(f.Fd()), rootuid, rootgid); err != nil {
			return nil, fmt.Errorf("chown stdio pipe: %w", err)
		}
	}
	return i, nil
}
