// Command lcbench measures the container lifecycle of the library in-process:
// N times it creates a container on a busybox rootfs, runs /bin/true as its
// init, waits for it and destroys the container. It prints the mean wall time
// per lifecycle as "mean_ms <float>" on stdout (bench/compare.sh reads it) and
// a short summary on stderr.
//
// Usage: lcbench [-n N] [-rootfs DIR] [-root DIR]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/cmd/internal/containerinit"
	"github.com/b7f961b7/libcontainer/cmd/internal/defaultconfig"
	_ "github.com/b7f961b7/libcontainer/nsenter"
)

// init turns the binary into the container's init process when the library
// re-executes it as "lcbench init". This must happen before main runs.
func init() {
	containerinit.RunIfRequested("lcbench")
}

func main() {
	n := flag.Int("n", 50, "number of lifecycles to time")
	rootfs := flag.String("rootfs", ".cache/rootfs", "busybox root filesystem (scripts/mkrootfs.sh builds one)")
	root := flag.String("root", "", "state root (default: a temporary directory, removed at exit)")
	flag.Parse()
	if err := run(*n, *rootfs, *root); err != nil {
		fmt.Fprintf(os.Stderr, "lcbench: %v\n", err)
		os.Exit(1)
	}
}

// run times n lifecycles and prints the results.
func run(n int, rootfs, root string) error {
	if n <= 0 {
		return fmt.Errorf("-n %d: need at least one iteration", n)
	}
	abs, err := filepath.Abs(rootfs)
	if err != nil {
		return fmt.Errorf("rootfs %q: %w", rootfs, err)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return fmt.Errorf("rootfs %q: %w", rootfs, err)
	}
	if _, err := os.Stat(filepath.Join(abs, "bin", "true")); err != nil {
		return fmt.Errorf("rootfs %q has no /bin/true (build it with scripts/mkrootfs.sh): %w", rootfs, err)
	}
	if root == "" {
		tmp, err := os.MkdirTemp("", "lcbench-state-")
		if err != nil {
			return fmt.Errorf("state root: %w", err)
		}
		defer os.RemoveAll(tmp)
		root = tmp
	}
	factory, err := libcontainer.New(root)
	if err != nil {
		return fmt.Errorf("factory at %s: %w", root, err)
	}

	// One untimed lifecycle warms caches and fails fast on a broken setup.
	if err := lifecycle(factory, abs, "warmup"); err != nil {
		return err
	}
	times := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := lifecycle(factory, abs, fmt.Sprint(i)); err != nil {
			return fmt.Errorf("iteration %d: %w", i, err)
		}
		times = append(times, time.Since(start))
	}

	var total time.Duration
	for _, d := range times {
		total += d
	}
	mean := total / time.Duration(n)
	slices.Sort(times)
	fmt.Fprintf(os.Stderr, "lcbench: %d lifecycles, mean %v, min %v, median %v, max %v\n",
		n, mean, times[0], times[n/2], times[n-1])
	fmt.Printf("mean_ms %.3f\n", float64(mean)/float64(time.Millisecond))
	return nil
}

// lifecycle creates a container, runs /bin/true as its init, waits for it
// and destroys the container. The container is destroyed on every path.
func lifecycle(factory libcontainer.Factory, rootfs, suffix string) (err error) {
	id := fmt.Sprintf("lcbench-%d-%s", os.Getpid(), suffix)
	cfg := defaultconfig.Config(rootfs, "lcbench", "/"+id)
	c, err := factory.Create(id, cfg)
	if err != nil {
		return fmt.Errorf("create %s: %w", id, err)
	}
	defer func() {
		if derr := c.Destroy(); derr != nil && err == nil {
			err = fmt.Errorf("destroy %s: %w", id, derr)
		}
	}()
	p := &libcontainer.Process{
		Args:   []string{"/bin/true"},
		Env:    []string{"PATH=/bin"},
		Stdout: os.Stderr,
		Stderr: os.Stderr,
		Init:   true,
	}
	if err := c.Run(p); err != nil {
		return fmt.Errorf("run in %s: %w", id, err)
	}
	state, err := p.Wait()
	if err != nil {
		return fmt.Errorf("wait in %s: %w", id, err)
	}
	if !state.Success() {
		return fmt.Errorf("/bin/true in %s: %v", id, state)
	}
	return nil
}
