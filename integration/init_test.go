package integration

import (
	"fmt"
	"os"
	"runtime"

	"github.com/b7f961b7/libcontainer"
	_ "github.com/b7f961b7/libcontainer/nsenter"
)

// The test binary doubles as the container init: the library re-executes
// it as "<binary> init", and nsenter has already run by the time init()
// does.
func init() {
	if len(os.Args) < 2 || os.Args[1] != "init" {
		return
	}
	runtime.GOMAXPROCS(1)
	runtime.LockOSThread()
	factory, err := libcontainer.New("")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := factory.StartInitialization(); err != nil {
		os.Exit(1)
	}
	panic("StartInitialization returned without error")
}
