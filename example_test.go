package libcontainer_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
	_ "github.com/b7f961b7/libcontainer/nsenter"
	"github.com/b7f961b7/libcontainer/specconv"
)

// A host binary dispatches "init" to the library before anything else:
// the library re-executes the binary as the container's init.
func init() {
	if len(os.Args) > 1 && os.Args[1] == "init" {
		runtime.GOMAXPROCS(1)
		runtime.LockOSThread()
		factory, _ := libcontainer.New("")
		if err := factory.StartInitialization(); err != nil {
			os.Exit(1)
		}
	}
}

// Example runs "echo" in a new container with its own mount, UTS, IPC,
// PID and network namespaces, then removes the container. It needs root
// and the test rootfs (make rootfs).
func Example() {
	rootfs := os.Getenv("LIBCONTAINER_TEST_ROOTFS") // set by make test
	if rootfs == "" {
		rootfs = ".cache/rootfs"
	}
	rootfs, err := filepath.Abs(rootfs)
	if err != nil {
		log.Fatal(err)
	}
	state, err := os.MkdirTemp("", "libcontainer-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(state)

	factory, err := libcontainer.New(state)
	if err != nil {
		log.Fatal(err)
	}
	config := &configs.Config{
		Rootfs:     rootfs,
		Readonlyfs: true,
		Hostname:   "example",
		Namespaces: configs.Namespaces{
			{Type: configs.NEWNS}, {Type: configs.NEWUTS}, {Type: configs.NEWIPC},
			{Type: configs.NEWPID}, {Type: configs.NEWNET},
		},
		Cgroups: &configs.Cgroup{
			Path:      "/libcontainer-example",
			Resources: &configs.Resources{Devices: allowedRules()},
		},
		Mounts: []*configs.Mount{
			{Source: "proc", Destination: "/proc", Device: "proc", Flags: unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
		},
		Networks: []*configs.Network{{Type: "loopback"}},
	}
	container, err := factory.Create("example", config)
	if err != nil {
		log.Fatal(err)
	}
	defer container.Destroy()

	var out strings.Builder
	process := &libcontainer.Process{
		Args:   []string{"sh", "-c", "echo hello from $(hostname), pid $$"},
		Env:    []string{"PATH=/bin"},
		Stdout: &out,
		Stderr: os.Stderr,
		Init:   true,
	}
	if err := container.Run(process); err != nil {
		log.Fatal(err)
	}
	if _, err := process.Wait(); err != nil {
		log.Fatal(err)
	}
	fmt.Print(out.String())
	// Output: hello from example, pid 1
}

// allowedRules is the default device allow list of the OCI spec.
func allowedRules() []*devices.Rule {
	var rules []*devices.Rule
	for _, d := range specconv.AllowedDevices {
		rules = append(rules, &d.Rule)
	}
	return rules
}
