package main

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
)

// stopTimeout bounds how long destroy waits for a killed init to be gone.
const stopTimeout = 10 * time.Second

// runDestroy implements "nsinit destroy": load the container, SIGKILL its
// init if it still runs, wait for it to stop, destroy the container and
// remove the pid file.
func runDestroy(g *globals, args []string) (int, error) {
	if status, err := g.parseNoArgs("destroy", args); status != 0 {
		return status, err
	}
	dir, err := g.dir()
	if err != nil {
		return 1, err
	}
	c, err := g.loadContainer()
	if err != nil {
		return 1, err
	}
	if err := killInit(c); err != nil {
		return 1, err
	}
	if err := c.Destroy(); err != nil {
		return 1, fmt.Errorf("destroy container %q: %w", c.ID(), err)
	}
	if err := removePidFile(dir); err != nil {
		return 1, err
	}
	return 0, nil
}

// killInit sends SIGKILL to c's init unless c is stopped, and waits until the
// container reports Stopped.
func killInit(c libcontainer.Container) error {
	status, err := c.Status()
	if err != nil {
		return fmt.Errorf("container %q status: %w", c.ID(), err)
	}
	if status == libcontainer.Stopped {
		return nil
	}
	// An init that died since Status was read makes Signal report ErrNotRunning;
	// the loop below then sees Stopped.
	if err := c.Signal(unix.SIGKILL, false); err != nil && !errors.Is(err, libcontainer.ErrNotRunning) {
		return fmt.Errorf("kill init of container %q: %w", c.ID(), err)
	}
	deadline := time.Now().Add(stopTimeout)
	for {
		status, err := c.Status()
		if err != nil {
			return fmt.Errorf("container %q status: %w", c.ID(), err)
		}
		if status == libcontainer.Stopped {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("container %q still %s %v after SIGKILL", c.ID(), status, stopTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
