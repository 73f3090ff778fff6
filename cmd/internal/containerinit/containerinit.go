// Package containerinit turns a command's binary into the init process of
// a container when the library re-executes it as "<binary> init".
package containerinit

import (
	"fmt"
	"os"
	"runtime"

	"github.com/b7f961b7/libcontainer"
)

// RunIfRequested becomes the container's init when os.Args[1] is "init",
// and otherwise returns at once. Call it from the main package's init
// function, so that it runs before main. As init it never returns:
// StartInitialization execs the container process, and a failure is
// reported on stderr as "<prog> init: ..." with exit status 1.
func RunIfRequested(prog string) {
	if len(os.Args) < 2 || os.Args[1] != "init" {
		return
	}
	runtime.GOMAXPROCS(1)
	runtime.LockOSThread()
	factory, err := libcontainer.New("")
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s init: %v\n", prog, err)
		os.Exit(1)
	}
	if err := factory.StartInitialization(); err != nil {
		fmt.Fprintf(os.Stderr, "%s init: %v\n", prog, err)
		os.Exit(1)
	}
	// StartInitialization execs the container process and never returns on success.
	fmt.Fprintf(os.Stderr, "%s init: initialization returned without starting the container process\n", prog)
	os.Exit(1)
}
