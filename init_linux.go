package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/capabilities"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/keys"
	"github.com/b7f961b7/libcontainer/selinux"
	"github.com/b7f961b7/libcontainer/system"
	"github.com/b7f961b7/libcontainer/user"
	"github.com/b7f961b7/libcontainer/utils"
)

// initConfig is what the parent sends the container side after nsenter:
// the process to run and the container's config.
type initConfig struct {
	Args             []string              `json:"args"`
	Env              []string              `json:"env"`
	Cwd              string                `json:"cwd"`
	Capabilities     *configs.Capabilities `json:"capabilities"`
	ProcessLabel     string                `json:"process_label"`
	AppArmorProfile  string                `json:"apparmor_profile"`
	NoNewPrivileges  bool                  `json:"no_new_privileges"`
	User             string                `json:"user"`
	AdditionalGroups []string              `json:"additional_groups"`
	Config           *configs.Config       `json:"config"`
	PassedFilesCount int                   `json:"passed_files_count"`
	ContainerID      string                `json:"containerid"`
	Rlimits          []configs.Rlimit      `json:"rlimits"`
	CreateConsole    bool                  `json:"create_console"`
	ConsoleWidth     uint16                `json:"console_width"`
	ConsoleHeight    uint16                `json:"console_height"`
	RootlessEUID     bool                  `json:"rootless_euid"`
	RootlessCgroups  bool                  `json:"rootless_cgroups"`
	// VethPeers names the container ends of veth pairs the parent made.
	VethPeers []vethPeer `json:"veth_peers,omitempty"`
	// NetDevices are the host interfaces moved into the container.
	NetDevices []netDevice `json:"net_devices,omitempty"`
	// IDMappedMounts maps the index of each idmapped config mount to the
	// fd of the detached mount the parent made for it.
	IDMappedMounts map[int]int `json:"idmapped_mounts,omitempty"`
}

// newInitConfig merges a Process into the container's config.
func (c *linuxContainer) newInitConfig(p *Process) *initConfig {
	cfg := &initConfig{
		Args:             p.Args,
		Env:              p.Env,
		Cwd:              p.Cwd,
		Capabilities:     c.config.Capabilities,
		ProcessLabel:     c.config.ProcessLabel,
		AppArmorProfile:  c.config.AppArmorProfile,
		NoNewPrivileges:  c.config.NoNewPrivileges,
		User:             p.User,
		AdditionalGroups: p.AdditionalGroups,
		Config:           c.config,
		PassedFilesCount: len(p.ExtraFiles),
		ContainerID:      c.id,
		Rlimits:          c.config.Rlimits,
		CreateConsole:    p.ConsoleSocket != nil,
		ConsoleWidth:     p.ConsoleWidth,
		ConsoleHeight:    p.ConsoleHeight,
		RootlessEUID:     c.config.RootlessEUID,
		RootlessCgroups:  c.config.RootlessCgroups,
	}
	if p.Capabilities != nil {
		cfg.Capabilities = p.Capabilities
	}
	if p.Label != "" {
		cfg.ProcessLabel = p.Label
	}
	if p.AppArmorProfile != "" {
		cfg.AppArmorProfile = p.AppArmorProfile
	}
	if p.NoNewPrivileges != nil {
		cfg.NoNewPrivileges = *p.NoNewPrivileges
	}
	if len(p.Rlimits) > 0 {
		cfg.Rlimits = p.Rlimits
	}
	return cfg
}

// StartInitialization is the container side: it runs in the re-exec'd
// binary after nsenter, reads its config from the init pipe, sets the
// container up and execs the user's program. It returns only on failure,
// after reporting the error to the parent.
func (l *LinuxFactory) StartInitialization() (err error) {
	runtime.LockOSThread()
	fd, err := strconv.Atoi(os.Getenv("_LIBCONTAINER_INITPIPE"))
	if err != nil {
		return fmt.Errorf("_LIBCONTAINER_INITPIPE: %w", err)
	}
	pipe := newSyncPipe(os.NewFile(uintptr(fd), "init-pipe"))
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("panic in container init: %v\n%s", e, debug.Stack())
		}
		if err != nil {
			_ = pipe.send(syncMsg{Type: procError, Message: err.Error()})
		}
		pipe.f.Close()
	}()

	fifoFd := -1
	if s := os.Getenv("_LIBCONTAINER_FIFOFD"); s != "" {
		if fifoFd, err = strconv.Atoi(s); err != nil {
			return fmt.Errorf("_LIBCONTAINER_FIFOFD: %w", err)
		}
	}
	consoleFd := -1
	if s := os.Getenv("_LIBCONTAINER_CONSOLE"); s != "" {
		if consoleFd, err = strconv.Atoi(s); err != nil {
			return fmt.Errorf("_LIBCONTAINER_CONSOLE: %w", err)
		}
	}
	initType := os.Getenv("_LIBCONTAINER_INITTYPE")
	// Nothing of the host's environment reaches the container process.
	os.Clearenv()

	var cfg initConfig
	if err := pipe.dec.Decode(&cfg); err != nil {
		return fmt.Errorf("read init config: %w", err)
	}
	switch initType {
	case "standard":
		return (&standardInit{pipe: pipe, cfg: &cfg, fifoFd: fifoFd, consoleFd: consoleFd}).run()
	case "setns":
		return (&setnsInit{pipe: pipe, cfg: &cfg, consoleFd: consoleFd}).run()
	default:
		return fmt.Errorf("unknown init type %q", initType)
	}
}

// syncParent sends msg and waits for the parent's answer of type want.
func syncParent(pipe *syncPipe, msg syncMsg, want syncType) error {
	if err := pipe.send(msg); err != nil {
		return err
	}
	_, err := pipe.expect(want)
	return err
}

// setupUser switches to the configured user and groups, resolved in the
// container's /etc/passwd and /etc/group, and sets HOME if unset.
func setupUser(cfg *initConfig) error {
	defaults := &user.ExecUser{Uid: 0, Gid: 0, Home: "/"}
	passwd, _ := user.GetPasswdPath()
	group, _ := user.GetGroupPath()
	eu, err := user.GetExecUserPath(cfg.User, defaults, passwd, group)
	if err != nil {
		return fmt.Errorf("resolve user %q: %w", cfg.User, err)
	}
	var groups []int
	if len(cfg.AdditionalGroups) > 0 {
		if groups, err = user.GetAdditionalGroupsPath(cfg.AdditionalGroups, group); err != nil {
			return fmt.Errorf("resolve additional groups: %w", err)
		}
	}
	// The ids must be mapped in a user namespace, or set*id fails with a
	// confusing EINVAL.
	if _, err := cfg.Config.HostUID(eu.Uid); err != nil {
		return fmt.Errorf("cannot set uid to unmapped user %d: %w", eu.Uid, err)
	}
	if _, err := cfg.Config.HostGID(eu.Gid); err != nil {
		return fmt.Errorf("cannot set gid to unmapped group %d: %w", eu.Gid, err)
	}
	if cfg.RootlessEUID && len(groups) > 0 {
		return errors.New("cannot set any additional groups in a rootless container")
	}
	if !setgroupsDenied() {
		all := append(append([]int{}, eu.Sgids...), groups...)
		if err := unix.Setgroups(all); err != nil {
			return fmt.Errorf("setgroups: %w", err)
		}
	}
	if err := unix.Setresgid(eu.Gid, eu.Gid, eu.Gid); err != nil {
		return fmt.Errorf("setgid %d: %w", eu.Gid, err)
	}
	if err := unix.Setresuid(eu.Uid, eu.Uid, eu.Uid); err != nil {
		return fmt.Errorf("setuid %d: %w", eu.Uid, err)
	}
	if envValue(cfg.Env, "HOME") == "" {
		home := eu.Home
		if home == "" {
			home = "/"
		}
		cfg.Env = append(cfg.Env, "HOME="+home)
	}
	return nil
}

// setgroupsDenied reports whether our user namespace denies setgroups.
func setgroupsDenied() bool {
	b, err := os.ReadFile("/proc/self/setgroups")
	return err == nil && strings.TrimSpace(string(b)) == "deny"
}

// envValue returns the value of key in env, "" if absent.
func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// checkEnv rejects environment entries that are not KEY=value.
func checkEnv(env []string) error {
	for _, e := range env {
		k, _, ok := strings.Cut(e, "=")
		if !ok || k == "" || strings.ContainsRune(e, 0) {
			return fmt.Errorf("invalid environment variable %q", e)
		}
	}
	return nil
}

// finalizeProcess does what every container process needs before exec:
// close inherited fds on exec, rlimits, working directory, user and
// capabilities. The caller holds the OS thread.
func finalizeProcess(cfg *initConfig) error {
	// Only stdio and the ExtraFiles survive exec (CVE-2024-21626).
	if err := utils.CloseExecFrom(3 + cfg.PassedFilesCount); err != nil {
		return fmt.Errorf("close fds: %w", err)
	}
	for _, rl := range cfg.Rlimits {
		lim := unix.Rlimit{Cur: rl.Soft, Max: rl.Hard}
		if err := unix.Prlimit(0, rl.Type, &lim, nil); err != nil {
			return fmt.Errorf("set rlimit %d (soft %d, hard %d): %w", rl.Type, rl.Soft, rl.Hard, err)
		}
	}
	caps, err := capabilities.New(cfg.Capabilities)
	if err != nil {
		return err
	}
	if cfg.Capabilities != nil {
		if err := caps.ApplyBoundingSet(); err != nil {
			return fmt.Errorf("apply bounding set: %w", err)
		}
	}
	// Keep the permitted set across the uid change; ApplyCaps sets the
	// final sets afterwards.
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set keep caps: %w", err)
	}
	if err := setupUser(cfg); err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("clear keep caps: %w", err)
	}
	if cfg.Capabilities != nil {
		if err := caps.ApplyCaps(); err != nil {
			return fmt.Errorf("apply capabilities: %w", err)
		}
	}
	if err := changeDir(cfg.Cwd); err != nil {
		return err
	}
	return nil
}

// prepareExec does, for an init (fifoFd its exec fifo) and a joining
// process (fifoFd -1) alike, what comes between the parent's go-ahead and
// the last steps before execve: the SELinux exec label, an early seccomp
// filter (without no_new_privs it needs CAP_SYS_ADMIN, so before the caps
// drop), user, caps and cwd, personality, the program's path, the parent
// check, and the Landlock and late seccomp guards, built while an error
// can still reach the parent.
func prepareExec(pipe *syncPipe, cfg *initConfig, fifoFd int) (string, *execGuards, error) {
	if err := selinux.SetProcessLabel(cfg.ProcessLabel); err != nil {
		return "", nil, fmt.Errorf("set process label: %w", err)
	}
	if cfg.Config.Seccomp != nil && !cfg.NoNewPrivileges {
		if err := loadSeccomp(pipe, cfg.Config.Seccomp); err != nil {
			return "", nil, err
		}
	}
	if err := finalizeProcess(cfg); err != nil {
		return "", nil, err
	}
	if err := applyPersonality(cfg.Config.Personality); err != nil {
		return "", nil, err
	}
	path, err := lookPath(cfg)
	if err != nil {
		return "", nil, err
	}
	if err := checkParent(pipe); err != nil {
		return "", nil, err
	}
	guards, err := prepareExecGuards(pipe, cfg, fifoFd)
	if err != nil {
		return "", nil, err
	}
	return path, guards, nil
}

// changeDir enters the working directory as the container user and checks
// it is inside the container's root: a cwd reached through a leaked fd
// would be outside it (CVE-2024-21626).
func changeDir(cwd string) error {
	if cwd == "" {
		return nil
	}
	if !filepath.IsAbs(cwd) {
		return fmt.Errorf("cwd %q must be an absolute path", cwd)
	}
	if err := unix.Chdir(cwd); err != nil {
		return fmt.Errorf("chdir to cwd (%q) set in config.json failed: %w", cwd, err)
	}
	wd, err := unix.Getwd()
	if err != nil || !filepath.IsAbs(wd) {
		return fmt.Errorf("cwd %q is outside of container mount namespace root", cwd)
	}
	return nil
}

// lookPath finds the program in the container's PATH (from the process env)
// and refuses programs reached through /proc/self/fd (CVE-2024-21626).
func lookPath(cfg *initConfig) (string, error) {
	if len(cfg.Args) == 0 {
		return "", errors.New("process args are empty")
	}
	name := cfg.Args[0]
	path := name
	if !strings.Contains(name, "/") {
		dirs := envValue(cfg.Env, "PATH")
		if dirs == "" {
			dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		}
		path = ""
		for _, dir := range filepath.SplitList(dirs) {
			if dir == "" {
				dir = "."
			}
			p := filepath.Join(dir, name)
			if isExecutable(p) {
				path = p
				break
			}
		}
		if path == "" {
			return "", fmt.Errorf("exec: %q: %w", name, exec.ErrNotFound)
		}
	} else if !isExecutable(path) {
		return "", fmt.Errorf("exec: %q: %w", name, exec.ErrNotFound)
	}
	// A program reached through /proc (such as /proc/self/fd/N, one of
	// our own fds) could be a host file: refuse it, whether the path
	// names /proc itself, resolves into it, or cannot be resolved as
	// ordinary symlinks (magic links such as "socket:[N]").
	if under := filepath.Clean(path); under == "/proc" || strings.HasPrefix(under, "/proc/") {
		return "", fmt.Errorf("exec: %q is under /proc: refused", name)
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("exec: %q: cannot resolve its path: %w", name, err)
	}
	if target == "/proc" || strings.HasPrefix(target, "/proc/") {
		return "", fmt.Errorf("exec: %q resolves into /proc (%s): refused", name, target)
	}
	return path, nil
}

// isExecutable reports whether path (followed) is a regular file with an
// execute bit.
func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// joinSessionKeyring gives the container a fresh session keyring, so that
// it never sees the host's keys.
func joinSessionKeyring(cfg *initConfig) error {
	if cfg.Config.NoNewKeyring {
		return nil
	}
	// The new keyring gets the process's SELinux label (a no-op without
	// a label; an error when a label is asked for and SELinux is off).
	if err := selinux.SetKeyLabel(cfg.ProcessLabel); err != nil {
		return err
	}
	if _, err := keys.JoinSessionKeyring("_ses." + cfg.ContainerID); err != nil {
		// Kernels without keyrings, or that refuse them in a user
		// namespace, are not an error: there is no keyring to leak.
		if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EDQUOT) {
			return nil
		}
		return fmt.Errorf("join session keyring: %w", err)
	}
	return nil
}

// errParentGone is returned by checkParent: the process that started us
// died during setup, so nobody would track or clean up after us.
var errParentGone = errors.New("the parent process that started the container process is gone")

// checkParent returns errParentGone when the parent that started us died:
// its end of the init pipe is closed. Comparing parent pids would not
// tell: in a new or joined PID namespace the parent lives outside and
// getppid() is 0 before and after a reparenting, and a seccomp filter
// loaded early may answer getppid itself. The caller must stop then (an
// init, as pid 1 of its namespace, cannot SIGKILL itself).
func checkParent(pipe *syncPipe) error {
	fds := []unix.PollFd{{Fd: int32(pipe.f.Fd()), Events: unix.POLLRDHUP}}
	for {
		n, err := unix.Poll(fds, 0)
		if err == unix.EINTR {
			continue
		}
		if err == nil && n > 0 && fds[0].Revents&(unix.POLLRDHUP|unix.POLLHUP|unix.POLLERR) != 0 {
			return errParentGone
		}
		return nil
	}
}

// execProcess replaces the process with the user's program.
func execProcess(path string, cfg *initConfig) error {
	if err := system.Exec(path, cfg.Args, cfg.Env); err != nil {
		return fmt.Errorf("exec %s: %w", cfg.Args[0], err)
	}
	return nil
}
