package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/b7f961b7/libcontainer"
)

// runExec implements "nsinit exec CMD...". When the pid file names a live
// init of a loadable, running container, CMD joins that container. Otherwise
// nsinit creates the container with CMD as init, records the init pid in the
// pid file while it runs, and destroys the container when it exits. Either
// way nsinit exits with CMD's status.
func runExec(g *globals, args []string) (int, error) {
	pf, cmd, ok := g.parseProcessFlags("exec", args)
	if !ok {
		return 2, nil
	}
	if len(cmd) == 0 {
		return 2, errors.New("no command given")
	}
	dir, err := g.dir()
	if err != nil {
		return 1, err
	}
	factory, err := g.factory()
	if err != nil {
		return 1, err
	}
	id, err := g.containerID()
	if err != nil {
		return 1, err
	}

	running, err := runningContainer(factory, dir, id)
	if err != nil {
		return 1, err
	}
	if running != nil {
		p, err := pf.process(cmd, false)
		if err != nil {
			return 2, err
		}
		return runAndWait(running, p, pf.tty, nil)
	}
	recordPid := func(pid int) error { return writePidFile(dir, pid) }
	forgetPid := func() {
		if err := removePidFile(dir); err != nil {
			fmt.Fprintf(os.Stderr, "nsinit exec: %v\n", err)
		}
	}
	return runNew(g, &pf, cmd, recordPid, forgetPid)
}

// runningContainer returns the container to join, or nil when a new one must
// be created. A pid file whose process is gone is removed, and a container
// left behind in the stopped state is destroyed, so that creating anew works.
func runningContainer(factory libcontainer.Factory, dir, id string) (libcontainer.Container, error) {
	pid, ok, err := readPidFile(dir)
	if err != nil {
		return nil, err
	}
	if ok && processAlive(pid) {
		c, err := factory.Load(id)
		if err != nil {
			return nil, fmt.Errorf("pid file names live process %d but container %q cannot be loaded: %w", pid, id, err)
		}
		status, err := c.Status()
		if err != nil {
			return nil, fmt.Errorf("container %q status: %w", id, err)
		}
		if status != libcontainer.Stopped {
			return c, nil
		}
	}
	if err := removePidFile(dir); err != nil {
		return nil, err
	}
	c, err := factory.Load(id)
	if errors.Is(err, libcontainer.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load container %q: %w", id, err)
	}
	status, err := c.Status()
	if err != nil {
		return nil, fmt.Errorf("container %q status: %w", id, err)
	}
	if status != libcontainer.Stopped {
		return nil, fmt.Errorf("container %q is %s but not recorded in the pid file; use \"nsinit destroy\" first", id, status)
	}
	if err := c.Destroy(); err != nil {
		return nil, fmt.Errorf("destroy stopped container %q: %w", id, err)
	}
	return nil, nil
}
