package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// runState implements "nsinit state": print the container's State() as
// indented JSON.
func runState(g *globals, args []string) (int, error) {
	fs := g.newFlagSet("state", "")
	if err := fs.Parse(args); err != nil {
		return 2, nil
	}
	if fs.NArg() != 0 {
		return 2, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	id, err := g.containerID()
	if err != nil {
		return 1, err
	}
	factory, err := g.factory()
	if err != nil {
		return 1, err
	}
	c, err := factory.Load(id)
	if err != nil {
		return 1, fmt.Errorf("load container %q: %w", id, err)
	}
	st, err := c.State()
	if err != nil {
		return 1, fmt.Errorf("container %q state: %w", id, err)
	}
	data, err := json.MarshalIndent(st, "", "\t")
	if err != nil {
		return 1, fmt.Errorf("encode state: %w", err)
	}
	if _, err := os.Stdout.Write(append(data, '\n')); err != nil {
		return 1, err
	}
	return 0, nil
}
