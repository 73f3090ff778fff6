package libcontainer

import (
	"fmt"
	"os"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/apparmor"
	"github.com/b7f961b7/libcontainer/configs"
)

// standardInit sets up a new container and execs its init program.
type standardInit struct {
	pipe      *syncPipe
	cfg       *initConfig
	fifoFd    int
	consoleFd int
}

func (i *standardInit) run() error {
	cfg := i.cfg
	config := cfg.Config
	if err := checkEnv(cfg.Env); err != nil {
		return err
	}
	if err := joinSessionKeyring(cfg); err != nil {
		return err
	}
	if err := setupNetwork(config, cfg.VethPeers); err != nil {
		return err
	}
	if err := configureNetDevices(cfg.NetDevices); err != nil {
		return err
	}
	if err := setupRoutes(config); err != nil {
		return err
	}
	hooks := func() error {
		if err := syncParent(i.pipe, syncMsg{Type: procHooks}, procResume); err != nil {
			return err
		}
		return runContainerHooks(cfg, configs.CreateContainer)
	}
	if err := bindSysfsWhereRefused(config); err != nil {
		return err
	}
	if err := adoptIDMappedMounts(cfg.IDMappedMounts, config.Mounts); err != nil {
		return err
	}
	if err := prepareRootfs(config, hooks); err != nil {
		return err
	}
	closeIDMappedMounts()
	if cfg.CreateConsole {
		if err := setupConsole(i.consoleFd, cfg, true); err != nil {
			return err
		}
	}
	if config.Namespaces.Contains(configs.NEWNS) {
		if err := finalizeRootfs(config); err != nil {
			return err
		}
	}
	if config.Hostname != "" {
		if err := unix.Sethostname([]byte(config.Hostname)); err != nil {
			return fmt.Errorf("sethostname %q: %w", config.Hostname, err)
		}
	}
	if config.Domainname != "" {
		if err := unix.Setdomainname([]byte(config.Domainname)); err != nil {
			return fmt.Errorf("setdomainname %q: %w", config.Domainname, err)
		}
	}
	if err := apparmor.ApplyProfile(cfg.AppArmorProfile); err != nil {
		return fmt.Errorf("apply apparmor profile %q: %w", cfg.AppArmorProfile, err)
	}
	if err := writeSysctls(config.Sysctl); err != nil {
		return err
	}
	for _, p := range config.ReadonlyPaths {
		if err := readonlyPath(p); err != nil {
			return fmt.Errorf("readonly path %s: %w", p, err)
		}
	}
	for _, p := range config.MaskPaths {
		if err := maskPath(p, config.MountLabel); err != nil {
			return fmt.Errorf("mask path %s: %w", p, err)
		}
	}
	if config.ParentDeathSignal != 0 {
		if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(config.ParentDeathSignal), 0, 0, 0); err != nil {
			return fmt.Errorf("set parent death signal: %w", err)
		}
	}
	if cfg.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("set no_new_privs: %w", err)
		}
	}
	if err := syncParent(i.pipe, syncMsg{Type: procReady}, procRun); err != nil {
		return err
	}
	path, guards, err := prepareExec(i.pipe, cfg, i.fifoFd)
	if err != nil {
		return err
	}
	// Tell the parent we are done: it reads EOF. From here on an error can
	// only reach our stderr.
	i.pipe.f.Close()

	// Wait for Exec: opening the fifo for writing blocks until the parent
	// opens it for reading.
	fifo, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(i.fifoFd), os.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return reportLate(fmt.Errorf("open exec fifo: %w", err))
	}
	if _, err := fifo.Write([]byte("0")); err != nil {
		return reportLate(fmt.Errorf("write exec fifo: %w", err))
	}
	unix.Close(i.fifoFd)
	// The fifo stays open, close-on-exec, until the user program runs:
	// Exec reads its end of file then, or the error written here.
	err = runContainerHooks(cfg, configs.StartContainer)
	if err == nil {
		// Landlock, then the seccomp filter: its load is our last
		// system call before execve.
		err = guards.enforce(nil)
	}
	if err == nil {
		err = execProcess(path, cfg)
	}
	_, _ = fifo.Write([]byte(err.Error()))
	fifo.Close()
	return reportLate(err)
}

// reportLate prints an error that happens after the init pipe is closed.
func reportLate(err error) error {
	if err != nil {
		fmt.Fprintf(os.Stderr, "container init: %v\n", err)
	}
	return err
}

// runContainerHooks runs hooks that live in the container (createContainer,
// startContainer) with the OCI state as the container sees it: its pid is
// the init's in the container's pid namespace, its status "creating" for
// createContainer and "created" for startContainer.
func runContainerHooks(cfg *initConfig, name configs.HookName) error {
	hooks := cfg.Config.Hooks[name]
	if len(hooks) == 0 {
		return nil
	}
	st := ociStateOf(cfg.ContainerID, cfg.Config, Created, unix.Getpid())
	if name == configs.CreateContainer {
		st.Status = specs.StateCreating
	}
	if err := hooks.RunHooks(st); err != nil {
		return fmt.Errorf("%s hook: %w", name, err)
	}
	return nil
}
