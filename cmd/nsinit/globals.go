package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/b7f961b7/libcontainer"
)

// defaultRoot is where nsinit keeps container state unless --root says otherwise.
const defaultRoot = "/run/nsinit"

// globals holds the flags every subcommand accepts.
type globals struct {
	root string
	id   string
}

// register adds the global flags to fs. Registering them on the top-level set
// and on each subcommand's set lets them appear before or after the command.
func (g *globals) register(fs *flag.FlagSet) {
	if g.root == "" {
		g.root = defaultRoot
	}
	fs.StringVar(&g.root, "root", g.root, "directory holding container state")
	fs.StringVar(&g.id, "id", g.id, "container id (default: name of the current directory)")
}

// dir returns the absolute path of the container directory (the working directory).
func (g *globals) dir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("get working directory: %w", err)
	}
	return wd, nil
}

// containerID returns --id, or the base name of the container directory.
func (g *globals) containerID() (string, error) {
	if g.id != "" {
		return g.id, nil
	}
	dir, err := g.dir()
	if err != nil {
		return "", err
	}
	return filepath.Base(dir), nil
}

// factory opens the state root as a libcontainer factory.
func (g *globals) factory() (libcontainer.Factory, error) {
	f, err := libcontainer.New(g.root)
	if err != nil {
		return nil, fmt.Errorf("open state root %s: %w", g.root, err)
	}
	return f, nil
}

// loadContainer loads the container (--id, or the directory name) from the
// state root.
func (g *globals) loadContainer() (libcontainer.Container, error) {
	id, err := g.containerID()
	if err != nil {
		return nil, err
	}
	factory, err := g.factory()
	if err != nil {
		return nil, err
	}
	c, err := factory.Load(id)
	if err != nil {
		return nil, fmt.Errorf("load container %q: %w", id, err)
	}
	return c, nil
}

// parseNoArgs parses the flags of subcommand name, which takes no
// arguments. A non-zero status is what the subcommand must end with (and
// err, if set): 2 after a flag error (which the flag package has already
// reported) or when arguments were given.
func (g *globals) parseNoArgs(name string, args []string) (status int, err error) {
	fs := g.newFlagSet(name, "")
	if err := fs.Parse(args); err != nil {
		return 2, nil
	}
	if fs.NArg() != 0 {
		return 2, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return 0, nil
}

// newFlagSet returns a flag set for subcommand name with the global flags on it.
func (g *globals) newFlagSet(name, argsUsage string) *flag.FlagSet {
	fs := flag.NewFlagSet("nsinit "+name, flag.ContinueOnError)
	g.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: nsinit %s [flags] %s\n", name, argsUsage)
		fs.PrintDefaults()
	}
	return fs
}
