package libcontainer

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// afterRelease runs once the init has been released through the exec fifo
// (fifoFd, our non-blocking read end). The init keeps its write end open,
// close-on-exec, while it runs the startContainer hooks and execs the user
// program: end of file means the program runs (or the init died), and any
// bytes are the init's error. Then the poststart hooks run, as the
// runtime-spec places them: after the user program started, before the
// start operation returns. A failed poststart hook kills the container.
func (c *linuxContainer) afterRelease(fifoFd int) error {
	msg, err := readToEOF(fifoFd)
	if err != nil {
		return fmt.Errorf("wait for the container program: %w", err)
	}
	if len(msg) > 0 {
		c.killReleased()
		return fmt.Errorf("%w: %s", ErrInit, msg)
	}
	status, err := c.currentStatus()
	if err != nil {
		return err
	}
	if err := c.config.Hooks[configs.Poststart].RunHooks(c.ociState(status)); err != nil {
		c.killReleased()
		return fmt.Errorf("poststart hook: %w", err)
	}
	return nil
}

// killReleased kills a released init that failed, waits for its death and
// removes the cgroup; Destroy removes the rest.
func (c *linuxContainer) killReleased() {
	c.killInit()
	_ = c.destroyResources()
}

// readToEOF reads the non-blocking fd until every writer has closed it.
func readToEOF(fd int) ([]byte, error) {
	var out bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		switch {
		case n > 0:
			out.Write(buf[:n])
			continue
		case err == nil:
			return out.Bytes(), nil // n == 0: end of file
		case errors.Is(err, unix.EINTR):
			continue
		case !errors.Is(err, unix.EAGAIN):
			return out.Bytes(), err
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, -1); err != nil && !errors.Is(err, unix.EINTR) {
			return out.Bytes(), err
		}
	}
}
