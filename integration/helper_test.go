package integration

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
)

// Helper modes run in a separate process of the test binary, so tests can
// check what another process sees of a container.
func init() {
	switch os.Getenv("LIBCT_HELPER") {
	case "":
		return
	case "load-kill-destroy":
		os.Exit(loadKillDestroy(os.Getenv("LIBCT_ROOT"), os.Getenv("LIBCT_ID")))
	case "rootless":
		os.Exit(rootlessHelper())
	default:
		fmt.Fprintln(os.Stderr, "unknown LIBCT_HELPER")
		os.Exit(2)
	}
}

func loadKillDestroy(root, id string) int {
	fail := func(err error) int { fmt.Println(err); return 1 }
	f, err := libcontainer.New(root)
	if err != nil {
		return fail(err)
	}
	c, err := f.Load(id)
	if err != nil {
		return fail(err)
	}
	st, err := c.Status()
	if err != nil {
		return fail(err)
	}
	fmt.Print(st, " ")
	if err := c.Signal(unix.SIGKILL, false); err != nil {
		return fail(err)
	}
	s, _ := c.State()
	fd, err := unix.PidfdOpen(s.InitProcessPid, 0)
	if err == nil {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		_, _ = unix.Poll(fds, 5000)
	}
	// The creator has not reaped the init yet: a zombie is stopped too.
	st, _ = c.Status()
	fmt.Print(st, " ")
	if err := c.Destroy(); err != nil {
		return fail(err)
	}
	fmt.Println("destroyed")
	return 0
}
