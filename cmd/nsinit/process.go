package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/utils"
)

// defaultPath is the PATH a container process gets unless --env sets one.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// forwardedSignals are passed on from nsinit to the container process.
var forwardedSignals = []os.Signal{
	unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2,
}

// processFlags are the flags of the subcommands that start a process.
type processFlags struct {
	tty  bool
	user string
	cwd  string
	env  envList
}

// register adds the process flags to fs.
func (pf *processFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&pf.tty, "tty", false, "give the process a pseudo-terminal as stdin, stdout and stderr")
	fs.StringVar(&pf.user, "user", "", "user[:group] (names or ids) to run the process as")
	fs.StringVar(&pf.cwd, "cwd", "", "working directory of the process inside the container")
	fs.Var(&pf.env, "env", "KEY=VALUE environment variable (repeatable)")
}

// parseProcessFlags parses the flags of subcommand name, whose arguments
// after the flags are the command to run. ok is false after a flag error,
// which the flag package has already reported.
func (g *globals) parseProcessFlags(name string, args []string) (pf processFlags, cmd []string, ok bool) {
	fs := g.newFlagSet(name, "CMD [ARG...]")
	pf.register(fs)
	if err := fs.Parse(args); err != nil {
		return pf, nil, false
	}
	return pf, fs.Args(), true
}

// process returns a Process running args, configured from the flags.
func (pf *processFlags) process(args []string, init bool) (*libcontainer.Process, error) {
	if len(args) == 0 {
		return nil, errors.New("no command given")
	}
	env := []string{defaultPath}
	if pf.tty {
		env = append(env, "TERM=xterm")
	}
	env = append(env, pf.env...)
	return &libcontainer.Process{
		Args: args,
		Env:  env,
		User: pf.user,
		Cwd:  pf.cwd,
		Init: init,
	}, nil
}

// envList is a repeatable KEY=VALUE flag.
type envList []string

// String returns the variables joined by commas.
func (e *envList) String() string { return strings.Join(*e, ",") }

// Set appends one KEY=VALUE variable, rejecting a value without "=".
func (e *envList) Set(v string) error {
	if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
		return fmt.Errorf("env %q: want KEY=VALUE", v)
	}
	*e = append(*e, v)
	return nil
}

// runAndWait runs p in c with nsinit's stdio (or a pseudo-terminal when tty),
// calls started with the process id once it runs, forwards signals to it
// until it exits, and returns its exit status (128+N for death by signal N).
func runAndWait(c libcontainer.Container, p *libcontainer.Process, tty bool, started func(pid int) error) (int, error) {
	var term *terminal
	if tty {
		var err error
		if term, err = newTerminal(); err != nil {
			return 1, err
		}
		defer term.close()
		p.ConsoleSocket = term.peer
		p.ConsoleWidth, p.ConsoleHeight = term.size()
	} else {
		p.Stdin, p.Stdout, p.Stderr = os.Stdin, os.Stdout, os.Stderr
	}

	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwardedSignals...)
	if tty {
		signal.Notify(sigs, unix.SIGWINCH)
	}
	defer signal.Stop(sigs)

	if err := c.Run(p); err != nil {
		return 1, fmt.Errorf("run %q: %w", p.Args[0], err)
	}
	if term != nil {
		if err := term.attach(); err != nil {
			_ = p.Signal(unix.SIGKILL)
			_, _ = p.Wait()
			return 1, err
		}
	}
	pid, err := p.Pid()
	if err != nil {
		return 1, fmt.Errorf("process id: %w", err)
	}
	if started != nil {
		if err := started(pid); err != nil {
			_ = p.Signal(unix.SIGKILL)
			_, _ = p.Wait()
			return 1, err
		}
	}

	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case s := <-sigs:
				if s == unix.SIGWINCH {
					term.resize()
					continue
				}
				_ = p.Signal(s)
			}
		}
	}()
	state, err := p.Wait()
	close(done)
	if term != nil {
		term.drain()
	}
	return exitStatus(state, err)
}

// exitStatus converts the result of Process.Wait into a shell-style status.
func exitStatus(state *os.ProcessState, err error) (int, error) {
	if state == nil {
		if err == nil {
			err = errors.New("no process state")
		}
		return 1, fmt.Errorf("wait: %w", err)
	}
	ws, ok := state.Sys().(syscall.WaitStatus)
	if !ok {
		return state.ExitCode(), nil
	}
	return utils.ExitStatus(unix.WaitStatus(ws)), nil
}
