package libcontainer

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/apparmor"
)

// setnsInit runs a process inside a running container. nsenter has joined
// the container's namespaces and made us non-dumpable, so the container's
// processes cannot ptrace us or open our fds until exec (CVE-2016-9962).
type setnsInit struct {
	pipe      *syncPipe
	cfg       *initConfig
	consoleFd int
}

func (i *setnsInit) run() error {
	cfg := i.cfg
	if err := checkEnv(cfg.Env); err != nil {
		return err
	}
	if err := joinSessionKeyring(cfg); err != nil {
		return err
	}
	if cfg.CreateConsole {
		if err := setupConsole(i.consoleFd, cfg, false); err != nil {
			return err
		}
	}
	if cfg.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("set no_new_privs: %w", err)
		}
	}
	if err := apparmor.ApplyProfile(cfg.AppArmorProfile); err != nil {
		return fmt.Errorf("apply apparmor profile %q: %w", cfg.AppArmorProfile, err)
	}
	path, guards, err := prepareExec(i.pipe, cfg, -1)
	if err != nil {
		return err
	}
	// The init pipe closes on exec: the parent reads end of file once the
	// program runs, or, if enforcing the guards or execve fails, our
	// error (StartInitialization sends it).
	unix.CloseOnExec(int(i.pipe.f.Fd()))
	// Landlock, then the seccomp filter: its load is our last system call
	// before execve.
	if err := guards.enforce(nil); err != nil {
		return err
	}
	return execProcess(path, cfg)
}
