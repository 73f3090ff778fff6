package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/b7f961b7/libcontainer/cmd/internal/defaultconfig"
)

// runSpec implements "nsinit spec": write a default container.json for
// ./rootfs with hostname "nsinit" and cgroup /nsinit-<dirname>.
func runSpec(g *globals, args []string) (int, error) {
	if status, err := g.parseNoArgs("spec", args); status != 0 {
		return status, err
	}
	dir, err := g.dir()
	if err != nil {
		return 1, err
	}
	cfg := defaultconfig.Config("rootfs", "nsinit", "/nsinit-"+filepath.Base(dir))
	if err := writeConfig(dir, cfg); err != nil {
		return 1, err
	}
	if _, err := os.Stat(filepath.Join(dir, "rootfs")); err != nil {
		fmt.Fprintf(os.Stderr, "nsinit spec: note: %s does not exist yet; put the container's root filesystem there\n", filepath.Join(dir, "rootfs"))
	}
	return 0, nil
}
