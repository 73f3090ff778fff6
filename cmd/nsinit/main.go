// Command nsinit is the reference command-line front end of the library. It
// runs containers described by a container.json in the current directory:
//
//	nsinit spec                  write a default container.json for ./rootfs
//	nsinit run [flags] CMD...    create, run CMD as init, wait, destroy
//	nsinit exec [flags] CMD...   join the running container, or run CMD as its init
//	nsinit state                 print the container state as JSON
//	nsinit destroy               kill the container's init and destroy it
//
// Global flags (accepted before or after the subcommand): --root DIR (state
// root, default /run/nsinit) and --id ID (container id, default the name of
// the current directory).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/b7f961b7/libcontainer/cmd/internal/containerinit"
	_ "github.com/b7f961b7/libcontainer/nsenter"
)

// init turns the binary into the container's init process when the library
// re-executes it as "nsinit init". This must happen before main runs.
func init() {
	containerinit.RunIfRequested("nsinit")
}

// command is one nsinit subcommand: it parses its own flags from args and
// returns the exit status nsinit should end with.
type command struct {
	name    string
	summary string
	run     func(g *globals, args []string) (int, error)
}

var commands = []command{
	{"spec", "write a default container.json for ./rootfs", runSpec},
	{"run", "create the container, run CMD as its init, wait and destroy it", runRun},
	{"exec", "join the running container, or run CMD as its init if none runs", runExec},
	{"state", "print the container state as JSON", runState},
	{"destroy", "kill the container's init and destroy the container", runDestroy},
}

func main() {
	g := &globals{}
	fs := flag.NewFlagSet("nsinit", flag.ContinueOnError)
	g.register(fs)
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if fs.NArg() == 0 {
		usage(fs)
		os.Exit(2)
	}
	name, args := fs.Arg(0), fs.Args()[1:]
	for _, c := range commands {
		if c.name != name {
			continue
		}
		status, err := c.run(g, args)
		if err != nil {
			fmt.Fprintf(os.Stderr, "nsinit %s: %v\n", name, err)
			if status == 0 {
				status = 1
			}
		}
		os.Exit(status)
	}
	fmt.Fprintf(os.Stderr, "nsinit: unknown command %q\n", name)
	usage(fs)
	os.Exit(2)
}

// usage prints the command summary and the global flags.
func usage(fs *flag.FlagSet) {
	out := fs.Output()
	fmt.Fprintln(out, "usage: nsinit [--root DIR] [--id ID] COMMAND [ARGS...]")
	fmt.Fprintln(out, "\nRun in a directory holding container.json and its rootfs.\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(out, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(out, "\nGlobal flags:")
	fs.PrintDefaults()
}
