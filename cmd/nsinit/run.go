package main

import (
	"fmt"
	"os"

	"github.com/b7f961b7/libcontainer"
)

// runRun implements "nsinit run CMD...": create the container, run CMD as
// its init, wait for it, destroy the container and exit with CMD's status.
// It never joins an existing container.
func runRun(g *globals, args []string) (int, error) {
	pf, cmd, ok := g.parseProcessFlags("run", args)
	if !ok {
		return 2, nil
	}
	return runNew(g, &pf, cmd, nil, nil)
}

// runNew creates the container from container.json, runs cmd as its init
// (calling started with the init's pid, see runAndWait), waits for it and
// destroys the container, calling done, if set, just before the destroy.
// It returns the init's exit status.
func runNew(g *globals, pf *processFlags, cmd []string, started func(pid int) error, done func()) (int, error) {
	p, err := pf.process(cmd, true)
	if err != nil {
		return 2, err
	}
	c, err := createContainer(g)
	if err != nil {
		return 1, err
	}
	defer destroyContainer(c)
	if done != nil {
		defer done()
	}
	return runAndWait(c, p, pf.tty, started)
}

// createContainer loads container.json from the container directory and
// creates the container under the state root.
func createContainer(g *globals) (libcontainer.Container, error) {
	dir, err := g.dir()
	if err != nil {
		return nil, err
	}
	id, err := g.containerID()
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(dir)
	if err != nil {
		return nil, err
	}
	factory, err := g.factory()
	if err != nil {
		return nil, err
	}
	c, err := factory.Create(id, cfg)
	if err != nil {
		return nil, fmt.Errorf("create container %q: %w", id, err)
	}
	return c, nil
}

// destroyContainer destroys c, reporting (not returning) a failure so that
// the process's exit status stays what nsinit exits with.
func destroyContainer(c libcontainer.Container) {
	if err := c.Destroy(); err != nil {
		fmt.Fprintf(os.Stderr, "nsinit: destroy container %q: %v\n", c.ID(), err)
	}
}
