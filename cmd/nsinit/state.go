package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// runState implements "nsinit state": print the container's State() as
// indented JSON.
func runState(g *globals, args []string) (int, error) {
	if status, err := g.parseNoArgs("state", args); status != 0 {
		return status, err
	}
	c, err := g.loadContainer()
	if err != nil {
		return 1, err
	}
	st, err := c.State()
	if err != nil {
		return 1, fmt.Errorf("container %q state: %w", c.ID(), err)
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
