package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/containerd/console"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/utils"
)

// terminal connects nsinit's own terminal to the pseudo-terminal the library
// creates inside the container. The library sends the pty master over the
// console socket; nsinit copies bytes both ways and keeps the sizes in step.
type terminal struct {
	sock    *os.File        // our end of the console socket
	peer    *os.File        // the end handed to the process (Process.ConsoleSocket)
	master  console.Console // pty master received from the container
	current console.Console // nsinit's stdin when it is a terminal, else nil
	output  chan struct{}   // closed when the master→stdout copy ends
}

// newTerminal creates the console socket pair and, when stdin is a
// terminal, remembers it so that attach can put it in raw mode.
func newTerminal() (*terminal, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("console socket pair: %w", err)
	}
	t := &terminal{
		sock:   os.NewFile(uintptr(fds[0]), "console-socket"),
		peer:   os.NewFile(uintptr(fds[1]), "console-socket-peer"),
		output: make(chan struct{}),
	}
	if cur, err := console.ConsoleFromFile(os.Stdin); err == nil {
		t.current = cur
	}
	return t, nil
}

// size returns the width and height of nsinit's terminal (0, 0 if none).
func (t *terminal) size() (uint16, uint16) {
	if t.current == nil {
		return 0, 0
	}
	ws, err := t.current.Size()
	if err != nil {
		return 0, 0
	}
	return ws.Width, ws.Height
}

// attach receives the pty master, puts nsinit's terminal in raw mode and
// starts copying between the two.
func (t *terminal) attach() error {
	_ = t.peer.Close()
	f, err := utils.RecvFd(t.sock)
	if err != nil {
		return fmt.Errorf("receive pty master: %w", err)
	}
	master, err := console.ConsoleFromFile(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("pty master: %w", err)
	}
	t.master = master
	if t.current != nil {
		if err := t.current.SetRaw(); err != nil {
			return fmt.Errorf("set terminal raw: %w", err)
		}
		t.resize()
	}
	go func() { _, _ = io.Copy(master, os.Stdin) }()
	go func() {
		defer close(t.output)
		_, _ = io.Copy(os.Stdout, master)
	}()
	return nil
}

// resize copies nsinit's terminal size to the container's pty.
func (t *terminal) resize() {
	if t == nil || t.master == nil || t.current == nil {
		return
	}
	if ws, err := t.current.Size(); err == nil {
		_ = t.master.Resize(ws)
	}
}

// drain waits briefly for the container's last output to reach stdout. The
// copy ends when every holder of the pty slave has closed it; processes left
// in the background could keep it open, hence the bound.
func (t *terminal) drain() {
	if t.master == nil {
		return
	}
	select {
	case <-t.output:
	case <-time.After(time.Second):
	}
}

// close restores nsinit's terminal and releases the pty and socket.
func (t *terminal) close() {
	if t.current != nil {
		_ = t.current.Reset()
	}
	if t.master != nil {
		_ = t.master.Close()
	}
	_ = t.sock.Close()
	_ = t.peer.Close()
}
