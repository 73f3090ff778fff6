package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/configs/validate"
)

// Seccomp through the whole library: the filter of the config is loaded
// into real container processes, which then make the system calls.

func errnoPtr(e unix.Errno) *uint { v := uint(e); return &v }

// seccompConfig is the probe config with filter sc, no_new_privs as
// given, and no core files for the processes the filter kills.
func seccompConfig(t *testing.T, sc *configs.Seccomp, nnp bool) *configs.Config {
	t.Helper()
	cfg := probeConfig(t)
	cfg.Seccomp = sc
	cfg.NoNewPrivileges = nnp
	cfg.Rlimits = append(cfg.Rlimits, configs.Rlimit{Type: unix.RLIMIT_CORE})
	return cfg
}

// probeSyscall is the probe command line that makes syscall nr.
func probeSyscall(nr int, args ...int) string {
	s := "/probe syscall " + strconv.Itoa(nr)
	for _, a := range args {
		s += " " + strconv.Itoa(a)
	}
	return s
}

// allowDefault is a filter that allows everything but the rules.
func allowDefault(rules ...*configs.Syscall) *configs.Seccomp {
	return &configs.Seccomp{DefaultAction: configs.Allow, Syscalls: rules}
}

// nativeSyscallNames lists every syscall libseccomp names for the native
// architecture.
func nativeSyscallNames(t *testing.T) []string {
	t.Helper()
	var names []string
	for nr := 0; nr < 1024; nr++ {
		if name, err := libseccomp.ScmpSyscall(nr).GetName(); err == nil {
			names = append(names, name)
		}
	}
	if len(names) < 300 {
		t.Fatalf("libseccomp names only %d syscalls", len(names))
	}
	return names
}

// lastKnownSyscall is the highest native syscall number libseccomp names.
func lastKnownSyscall(t *testing.T) int {
	t.Helper()
	for nr := 1023; nr >= 0; nr-- {
		if _, err := libseccomp.ScmpSyscall(nr).GetName(); err == nil {
			return nr
		}
	}
	t.Fatal("libseccomp names no syscall")
	return 0
}

func TestSeccompActions(t *testing.T) {
	requireRoot(t)
	sethostname := func(act configs.Action, ret *uint) *configs.Seccomp {
		return allowDefault(&configs.Syscall{Name: "sethostname", Action: act, ErrnoRet: ret})
	}
	sigsys := 128 + int(unix.SIGSYS)
	cases := []struct {
		name   string
		filter *configs.Seccomp
		script string
		stdout string
		exit   int
		stderr string
	}{
		{name: "errno with errnoRet fails the call with that errno",
			filter: sethostname(configs.Errno, errnoPtr(unix.EBADFD)),
			script: probeSyscall(unix.SYS_SETHOSTNAME), stdout: fmt.Sprintf("errno %d", unix.EBADFD)},
		{name: "errno without errnoRet fails the call with EPERM",
			filter: sethostname(configs.Errno, nil),
			script: probeSyscall(unix.SYS_SETHOSTNAME), stdout: "errno 1"},
		{name: "a default errno action uses defaultErrnoRet",
			filter: &configs.Seccomp{DefaultAction: configs.Errno, DefaultErrnoRet: errnoPtr(unix.EBADFD), Syscalls: allowAllBut(t, "sethostname")},
			script: probeSyscall(unix.SYS_SETHOSTNAME), stdout: fmt.Sprintf("errno %d", unix.EBADFD)},
		{name: "trace without a tracer fails the call with ENOSYS",
			filter: sethostname(configs.Trace, errnoPtr(unix.EBADFD)),
			script: probeSyscall(unix.SYS_SETHOSTNAME), stdout: fmt.Sprintf("errno %d", unix.ENOSYS)},
		{name: "log lets the call run",
			filter: allowDefault(&configs.Syscall{Name: "getppid", Action: configs.Log}),
			script: probeSyscall(unix.SYS_GETPPID), stdout: "ret 0"},
		{name: "allow rules let only their calls through a denying default",
			filter: &configs.Seccomp{DefaultAction: configs.Errno, Syscalls: allowAllBut(t, "sethostname")},
			script: probeSyscall(unix.SYS_SETHOSTNAME) + "; " + probeSyscall(unix.SYS_GETPPID), stdout: "errno 1\nret 0"},
		{name: "kill ends the process with SIGSYS",
			filter: sethostname(configs.Kill, nil),
			script: "hostname x; echo exit $?", stdout: fmt.Sprintf("exit %d", sigsys)},
		{name: "kill_thread ends a single-threaded process with SIGSYS",
			filter: sethostname(configs.KillThread, nil),
			script: "hostname x; echo exit $?", stdout: fmt.Sprintf("exit %d", sigsys)},
		{name: "kill_process ends a multi-threaded process with SIGSYS",
			filter: sethostname(configs.KillProcess, nil),
			script: probeSyscall(unix.SYS_SETHOSTNAME) + "; echo exit $?", stdout: fmt.Sprintf("exit %d", sigsys)},
		{name: "trap raises SIGSYS, which the Go runtime of the probe reports",
			filter: sethostname(configs.Trap, nil),
			script: probeSyscall(unix.SYS_SETHOSTNAME) + "; echo exit $?", stdout: "exit 2", stderr: "SIGSYS: bad system call"},
		{name: "extra architectures load and the native rules apply",
			filter: &configs.Seccomp{DefaultAction: configs.Allow, Architectures: []string{"x86", "x32"},
				Syscalls: []*configs.Syscall{{Name: "sethostname", Action: configs.Errno, ErrnoRet: errnoPtr(unix.EBADFD)}}},
			script: probeSyscall(unix.SYS_SETHOSTNAME), stdout: fmt.Sprintf("errno %d", unix.EBADFD)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := seccompConfig(t, tc.filter, true)
			watchHostOracles(t, cfg)
			res, err := runContainer(t, cfg, "sh", "-c", tc.script)
			if err != nil {
				t.Fatalf("run: %v (stderr %q)", err, res.Stderr)
			}
			if got := strings.TrimSpace(res.Stdout); got != tc.stdout || res.ExitCode != tc.exit {
				t.Fatalf("stdout %q exit %d, want %q exit %d (stderr %q)", got, res.ExitCode, tc.stdout, tc.exit, res.Stderr)
			}
			if !strings.Contains(res.Stderr, tc.stderr) {
				t.Fatalf("stderr %q does not contain %q", res.Stderr, tc.stderr)
			}
		})
	}
}

// allowAllBut allows every syscall libseccomp knows except the named ones.
func allowAllBut(t *testing.T, except ...string) []*configs.Syscall {
	t.Helper()
	var rules []*configs.Syscall
	for _, name := range nativeSyscallNames(t) {
		skip := false
		for _, e := range except {
			skip = skip || name == e
		}
		if !skip {
			rules = append(rules, &configs.Syscall{Name: name, Action: configs.Allow})
		}
	}
	return rules
}

func TestSeccompArgumentOperators(t *testing.T) {
	requireRoot(t)
	// getpriority(which, 0) with which 0..3; the rule fails the call with
	// EBADFD when its condition on "which" holds.
	cases := []struct {
		name    string
		arg     configs.Arg
		matches [4]bool
	}{
		{"== 1", configs.Arg{Value: 1, Op: configs.EqualTo}, [4]bool{false, true, false, false}},
		{"!= 1", configs.Arg{Value: 1, Op: configs.NotEqualTo}, [4]bool{true, false, true, true}},
		{"> 1", configs.Arg{Value: 1, Op: configs.GreaterThan}, [4]bool{false, false, true, true}},
		{">= 1", configs.Arg{Value: 1, Op: configs.GreaterThanOrEqualTo}, [4]bool{false, true, true, true}},
		{"< 1", configs.Arg{Value: 1, Op: configs.LessThan}, [4]bool{true, false, false, false}},
		{"<= 1", configs.Arg{Value: 1, Op: configs.LessThanOrEqualTo}, [4]bool{true, true, false, false}},
		{"& 2 == 2", configs.Arg{Value: 2, ValueTwo: 2, Op: configs.MaskEqualTo}, [4]bool{false, false, true, true}},
	}
	script := ""
	for which := 0; which < 4; which++ {
		script += probeSyscall(unix.SYS_GETPRIORITY, which, 0) + "; "
	}
	for _, tc := range cases {
		t.Run("the operator "+tc.name+" matches exactly its values", func(t *testing.T) {
			arg := tc.arg
			cfg := seccompConfig(t, allowDefault(&configs.Syscall{
				Name: "getpriority", Action: configs.Errno, ErrnoRet: errnoPtr(unix.EBADFD), Args: []*configs.Arg{&arg},
			}), true)
			out := strings.Split(strings.TrimSpace(mustRun(t, cfg, "sh", "-c", script)), "\n")
			if len(out) != 4 {
				t.Fatalf("output %q", out)
			}
			denied := fmt.Sprintf("errno %d", unix.EBADFD)
			for which, want := range tc.matches {
				if got := out[which] == denied; got != want {
					t.Errorf("getpriority(%d, 0): %q, rule matched %v, want %v", which, out[which], got, want)
				}
			}
		})
	}
}

// TestSeccompConditionsCombine covers CVE-2017-18367 (libseccomp-golang
// OR'd several conditions of one rule): conditions on different arguments
// must all hold, conditions on one argument are alternatives.
func TestSeccompConditionsCombine(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name           string
		args           []*configs.Arg
		stdout, stderr string
	}{
		{
			name: "write(2, buf, n) with n != 0 is denied, write(1, ...) is not: AND",
			args: []*configs.Arg{
				{Index: 0, Value: 2, Op: configs.EqualTo},
				{Index: 2, Value: 0, Op: configs.NotEqualTo},
			},
			stdout: "out\n", stderr: "",
		},
		{
			name: "write to fd 1 or fd 2 is denied: OR",
			args: []*configs.Arg{
				{Index: 0, Value: 1, Op: configs.EqualTo},
				{Index: 0, Value: 2, Op: configs.EqualTo},
			},
			stdout: "", stderr: "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := seccompConfig(t, allowDefault(&configs.Syscall{Name: "write", Action: configs.Errno, Args: tc.args}), true)
			res, err := runContainer(t, cfg, "sh", "-c", "ls /nonexistent; echo out")
			if err != nil {
				t.Fatal(err)
			}
			if res.Stdout != tc.stdout || res.Stderr != tc.stderr {
				t.Fatalf("stdout %q stderr %q, want %q and %q", res.Stdout, res.Stderr, tc.stdout, tc.stderr)
			}
		})
	}
}

// TestSeccompUnknownSyscallsGetENOSYS checks runc's patchbpf behaviour:
// syscalls newer than libseccomp's tables fail with ENOSYS (so programs
// fall back to older calls), not with the default action's EPERM.
func TestSeccompUnknownSyscallsGetENOSYS(t *testing.T) {
	requireRoot(t)
	last := lastKnownSyscall(t)
	for _, nnp := range []bool{true, false} {
		t.Run(fmt.Sprintf("with no_new_privs %v", nnp), func(t *testing.T) {
			cfg := seccompConfig(t, &configs.Seccomp{DefaultAction: configs.Errno, Syscalls: allowAllBut(t, "sethostname")}, nnp)
			out := mustRun(t, cfg, "sh", "-c", probeSyscall(last+1)+"; "+probeSyscall(1000)+"; "+probeSyscall(unix.SYS_SETHOSTNAME))
			want := fmt.Sprintf("errno %d\nerrno %d\nerrno %d", unix.ENOSYS, unix.ENOSYS, unix.EPERM)
			if got := strings.TrimSpace(out); got != want {
				t.Fatalf("syscalls %d, 1000, sethostname: %q, want %q", last+1, got, want)
			}
		})
	}
}

// TestSeccompFilterIsLoadedLast checks that with no_new_privs the filter
// is the last thing loaded before execve: a filter that denies everything
// the runtime does in a container process (files, fds, the init pipe,
// the exec fifo, ids, capabilities, prctl, mounts, Landlock) still starts
// the program, for an init and for a process joining the container.
func TestSeccompFilterIsLoadedLast(t *testing.T) {
	requireRoot(t)
	var rules []*configs.Syscall
	for _, name := range []string{
		"open", "openat", "openat2", "close", "close_range", "read", "write", "fcntl", "dup2", "dup3",
		"poll", "ppoll", "sendmsg", "recvmsg", "socket", "connect", "getdents64", "readlinkat",
		"newfstatat", "fstat", "statx", "chdir", "fchdir", "mount", "umount2", "pivot_root",
		"setresuid", "setresgid", "setgroups", "capget", "capset", "prctl", "keyctl", "seccomp",
		"landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", "personality",
		"kill", "tgkill", "getppid", "prlimit64", "setrlimit", "umask", "unshare", "setns",
	} {
		rules = append(rules, &configs.Syscall{Name: name, Action: configs.Errno, ErrnoRet: errnoPtr(unix.EBADFD)})
	}
	cfg := seccompConfig(t, allowDefault(rules...), true)
	cfg.Landlock = &configs.Landlock{BestEffort: true, Rules: []configs.LandlockRule{{Path: "/", Access: []string{"read", "write", "exec"}}}}
	watchHostOracles(t, cfg)
	c, init := startLongRunning(t, cfg)
	st, err := c.State()
	if err != nil {
		t.Fatal(err)
	}
	if comm := strings.TrimSpace(readFile(t, fmt.Sprintf("/proc/%d/comm", st.InitProcessPid))); comm != "sleep" {
		t.Fatalf("the init runs %q, want sleep", comm)
	}
	// The joining process gets the same filter: it starts too. (The
	// filter denies write, so it can only say so by its exit status.)
	p := &libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment}
	if err := c.Run(p); err != nil {
		t.Fatalf("exec: %v", err)
	}
	if ps, err := p.Wait(); err != nil {
		t.Fatalf("exec: %v %v", ps, err)
	}
	if err := c.Signal(unix.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	_, _ = init.Wait()
}

// TestSeccompStatusOfAContainerProcess checks what the kernel says about
// a filtered container process with no_new_privs: the flag is set and
// exactly one filter is loaded, in filter mode.
func TestSeccompStatusOfAContainerProcess(t *testing.T) {
	requireRoot(t)
	cfg := seccompConfig(t, allowDefault(&configs.Syscall{Name: "sethostname", Action: configs.Errno}), true)
	for _, who := range []string{"init", "joining process"} {
		t.Run("the "+who+" has no_new_privs and one filter", func(t *testing.T) {
			var out string
			if who == "init" {
				out = mustRun(t, cfg, "/probe", "status")
			} else {
				c, _ := startLongRunning(t, cfg)
				out = secExec(t, c, &libcontainer.Process{Args: []string{"/probe", "status"}})
			}
			got, _ := probeLines(out)
			for k, want := range map[string]string{"NoNewPrivs": "1", "Seccomp": "2", "Seccomp_filters": "1"} {
				if got[k] != want {
					t.Errorf("%s: %q, want %q", k, got[k], want)
				}
			}
		})
	}
}

// notifyListener is a seccomp agent: it accepts connections on a unix
// socket, records the container process state and the notify fd each
// one brings, and answers every notified syscall: getppid returns 4242,
// anything else succeeds without running.
type notifyListener struct {
	path   string
	ln     *net.UnixListener
	mu     sync.Mutex
	states []specs.ContainerProcessState
	errs   []error
	wg     sync.WaitGroup
}

func newNotifyListener(t *testing.T) *notifyListener {
	t.Helper()
	path := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l := &notifyListener{path: path, ln: ln}
	l.wg.Add(1)
	go l.accept()
	t.Cleanup(func() {
		ln.Close()
		l.wg.Wait()
		for _, err := range l.errs {
			t.Errorf("seccomp agent: %v", err)
		}
	})
	return l
}

func (l *notifyListener) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *notifyListener) accept() {
	defer l.wg.Done()
	for {
		conn, err := l.ln.AcceptUnix()
		if err != nil {
			return
		}
		buf := make([]byte, 64<<10)
		oob := make([]byte, unix.CmsgSpace(4*4))
		n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
		conn.Close()
		if err != nil {
			l.fail(err)
			continue
		}
		var fds []int
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err == nil {
			for i := range msgs {
				got, err := unix.ParseUnixRights(&msgs[i])
				if err == nil {
					fds = append(fds, got...)
				}
			}
		}
		var st specs.ContainerProcessState
		if err := json.Unmarshal(buf[:n], &st); err != nil {
			l.fail(fmt.Errorf("state %q: %w", buf[:n], err))
		}
		l.mu.Lock()
		l.states = append(l.states, st)
		l.mu.Unlock()
		if len(fds) != 1 {
			l.fail(fmt.Errorf("got %d fds, want 1", len(fds)))
			for _, fd := range fds {
				unix.Close(fd)
			}
			continue
		}
		l.wg.Add(1)
		go l.serve(fds[0])
	}
}

// serve answers the notifications of one filter until it has no users.
func (l *notifyListener) serve(fd int) {
	defer l.wg.Done()
	defer unix.Close(fd)
	for {
		req, err := libseccomp.NotifReceive(libseccomp.ScmpFd(fd))
		if err != nil {
			return // the filter's last process is gone
		}
		resp := &libseccomp.ScmpNotifResp{ID: req.ID}
		if name, _ := req.Data.Syscall.GetName(); name == "getppid" {
			resp.Val = 4242
		}
		if err := libseccomp.NotifRespond(libseccomp.ScmpFd(fd), resp); err != nil && !errors.Is(err, unix.ENOENT) {
			l.fail(fmt.Errorf("respond: %w", err))
		}
	}
}

func (l *notifyListener) received() []specs.ContainerProcessState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]specs.ContainerProcessState(nil), l.states...)
}

// TestSeccompNotifyListener checks the runtime-spec seccomp agent
// protocol end to end: the filter's notify fd reaches ListenerPath over a
// unix socket with the container process state, for the init and for a
// process joining the container, and the agent answers the notified
// syscalls in their place.
func TestSeccompNotifyListener(t *testing.T) {
	requireRoot(t)
	for _, tc := range []struct {
		name  string
		nnp   bool
		flags []specs.LinuxSeccompFlag
	}{
		{name: "with no_new_privs", nnp: true},
		{name: "without no_new_privs (the filter goes in before the capabilities drop)", nnp: false},
		{name: "with the wait killable recv flag", nnp: true, flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagWaitKillableRecv}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			agent := newNotifyListener(t)
			sc := allowDefault(
				&configs.Syscall{Name: "getppid", Action: configs.Notify},
				&configs.Syscall{Name: "mkdir", Action: configs.Notify},
				&configs.Syscall{Name: "mkdirat", Action: configs.Notify},
			)
			sc.ListenerPath = agent.path
			sc.ListenerMetadata = "agent-metadata"
			sc.Flags = tc.flags
			cfg := seccompConfig(t, sc, tc.nnp)
			watchHostOracles(t, cfg)
			c := newContainer(t, cfg)
			init := &libcontainer.Process{
				Args: []string{"sh", "-c", probeSyscall(unix.SYS_GETPPID) + "; mkdir /notified && echo mkdir-ok; ls -d /notified 2>/dev/null || echo absent; /probe sleep"},
				Env:  standardEnvironment, Init: true,
			}
			r := secRunWithStdout(t, c, init)
			for _, want := range []string{"ret 4242", "mkdir-ok", "absent", "ready"} {
				expectProbeLine(t, r, want)
			}
			if _, err := os.Stat(filepath.Join(cfg.Rootfs, "notified")); err == nil {
				t.Error("the notified mkdir ran")
			}
			out := secExec(t, c, &libcontainer.Process{Args: []string{"/probe", "syscall", strconv.Itoa(unix.SYS_GETPPID)}})
			if strings.TrimSpace(out) != "ret 4242" {
				t.Errorf("joining process: getppid %q, want the agent's 4242", out)
			}
			st, err := c.State()
			if err != nil {
				t.Fatal(err)
			}
			states := agent.received()
			if len(states) != 2 {
				t.Fatalf("the agent got %d connections, want 2 (init and joining process)", len(states))
			}
			for i, s := range states {
				if s.Version != specs.Version || len(s.Fds) != 1 || s.Fds[0] != specs.SeccompFdName ||
					s.Metadata != "agent-metadata" || s.State.ID != c.ID() {
					t.Errorf("state %d: %+v", i, s)
				}
			}
			if states[0].Pid != st.InitProcessPid || states[0].State.Pid != st.InitProcessPid || states[0].State.Status != specs.StateCreating {
				t.Errorf("init's state: pid %d, state pid %d, status %q; want pid %d, creating",
					states[0].Pid, states[0].State.Pid, states[0].State.Status, st.InitProcessPid)
			}
			if states[1].Pid == st.InitProcessPid || states[1].Pid <= 0 || states[1].State.Status != specs.StateRunning {
				t.Errorf("joining process's state: pid %d, status %q; want its own pid, running", states[1].Pid, states[1].State.Status)
			}
		})
	}
}

// TestSeccompFlags checks the filter flags: each one the kernel has loads
// and the filter applies; an unknown flag is refused at Create.
func TestSeccompFlags(t *testing.T) {
	requireRoot(t)
	for _, flag := range []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog, specs.LinuxSeccompFlagSpecAllow, "SECCOMP_FILTER_FLAG_TSYNC"} {
		t.Run(string(flag)+" loads and the filter applies", func(t *testing.T) {
			sc := allowDefault(&configs.Syscall{Name: "sethostname", Action: configs.Errno, ErrnoRet: errnoPtr(unix.EBADFD)})
			sc.Flags = []specs.LinuxSeccompFlag{flag}
			cfg := seccompConfig(t, sc, true)
			if got := strings.TrimSpace(mustRun(t, cfg, "sh", "-c", probeSyscall(unix.SYS_SETHOSTNAME))); got != fmt.Sprintf("errno %d", unix.EBADFD) {
				t.Fatalf("sethostname: %q", got)
			}
		})
	}
	t.Run("the log flag makes the kernel log errno actions, which it does not otherwise", func(t *testing.T) {
		// The audit record names the action without its errno.
		record := fmt.Sprintf(`comm="probe" exe="/probe" sig=0 arch=%x syscall=%d compat=0`, auditArch(t), unix.SYS_SETHOSTNAME)
		code := fmt.Sprintf("code=0x%x", unix.SECCOMP_RET_ERRNO)
		// The audit lines of such records, each unique by its serial.
		records := func() map[string]bool {
			m := map[string]bool{}
			for _, line := range strings.Split(kernelLog(t), "\n") {
				if strings.Contains(line, record) && strings.Contains(line, code) {
					m[line] = true
				}
			}
			return m
		}
		logged := func(before map[string]bool) bool {
			for line := range records() {
				if !before[line] {
					return true
				}
			}
			return false
		}
		for _, withFlag := range []bool{false, true} {
			sc := allowDefault(&configs.Syscall{Name: "sethostname", Action: configs.Errno})
			if withFlag {
				sc.Flags = []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog}
			}
			before := records()
			mustRun(t, seccompConfig(t, sc, true), "sh", "-c", probeSyscall(unix.SYS_SETHOSTNAME))
			if withFlag {
				eventually(t, 2*time.Second, "the audit record of the logged errno action shows up", func() bool { return logged(before) })
			} else if time.Sleep(200 * time.Millisecond); logged(before) {
				t.Fatal("an errno action was logged without the log flag")
			}
		}
	})
	t.Run("an unknown flag is refused at Create", func(t *testing.T) {
		sc := allowDefault()
		sc.Flags = []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_BOGUS"}
		cfg := seccompConfig(t, sc, true)
		_, err := newFactory(t).Create(containerID(t), cfg)
		if !errors.Is(err, validate.ErrInvalidConfig) || !strings.Contains(err.Error(), "SECCOMP_FILTER_FLAG_BOGUS") {
			t.Fatalf("Create: %v, want ErrInvalidConfig naming the flag", err)
		}
	})
}

// auditArch is the audit architecture of the native syscalls.
func auditArch(t *testing.T) uint32 {
	t.Helper()
	switch runtime.GOARCH {
	case "amd64":
		return unix.AUDIT_ARCH_X86_64
	case "arm64":
		return unix.AUDIT_ARCH_AARCH64
	}
	t.Skipf("no audit architecture known for %s", runtime.GOARCH)
	return 0
}

// kernelLog returns the kernel log as dmesg prints it.
func kernelLog(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("dmesg").Output()
	if err != nil {
		t.Skipf("the kernel log cannot be read (dmesg: %v), so the log flag cannot be observed", err)
	}
	return string(bytes.TrimSpace(out))
}
