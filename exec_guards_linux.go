package libcontainer

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/seccomp"
)

// execGuards are the restrictions a container process puts on itself
// right before execve(2): the Landlock ruleset and, when no_new_privs
// lets it be loaded last, the seccomp filter. Both are built while an
// error can still reach the parent over the init pipe; enforcing them is
// then a few system calls, the filter's load last, so that the filter has
// to allow nothing the runtime does except the execve of the user's
// program.
type execGuards struct {
	landlock int             // prepared ruleset fd, -1 for none
	filter   *seccomp.Filter // compiled, not loaded; nil for none
}

// prepareExecGuards builds the guards of cfg. fifoFd is the init's O_PATH
// fd of the exec fifo (-1 for a joining process): Landlock must let the
// init open it for writing. A filter with a Notify rule is loaded at once
// (after the Landlock ruleset is enforced), because its listener fd must
// reach the parent over the init pipe; such a filter must then also allow
// what the process does until execve (closing the pipe and, for an init,
// writing the exec fifo and running the startContainer hooks).
func prepareExecGuards(pipe *syncPipe, cfg *initConfig, fifoFd int) (*execGuards, error) {
	var writeFds []int
	if fifoFd >= 0 {
		writeFds = append(writeFds, fifoFd)
	}
	rfd, err := prepareLandlock(cfg.Config.Landlock, writeFds...)
	if err != nil {
		return nil, err
	}
	g := &execGuards{landlock: rfd}
	if cfg.Config.Seccomp != nil && cfg.NoNewPrivileges {
		f, err := seccomp.Compile(cfg.Config.Seccomp)
		if err != nil {
			g.release()
			return nil, fmt.Errorf("load seccomp filter: %w", err)
		}
		g.filter = f
		if f.NeedsListener() {
			if err := g.enforce(pipe); err != nil {
				return nil, err
			}
		}
	}
	return g, nil
}

// enforce applies what is not applied yet: the Landlock ruleset, then the
// seccomp filter. pipe is needed only by a filter with a notify listener,
// which prepareExecGuards loads while the pipe is open.
func (g *execGuards) enforce(pipe *syncPipe) error {
	if g.landlock >= 0 {
		rfd := g.landlock
		g.landlock = -1
		if err := restrictLandlock(rfd); err != nil {
			return err
		}
	}
	if g.filter != nil {
		f := g.filter
		g.filter = nil
		return loadSeccompFilter(pipe, f)
	}
	return nil
}

// release drops what was prepared and not enforced.
func (g *execGuards) release() {
	if g.landlock >= 0 {
		_ = unix.Close(g.landlock)
		g.landlock = -1
	}
	g.filter = nil
}
