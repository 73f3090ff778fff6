package integration

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
)

func TestRunReportsOutputAndExitCode(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name     string
		args     []string
		stdout   string
		exitCode int
	}{
		{"a program's stdout reaches the caller", []string{"echo", "hello"}, "hello\n", 0},
		{"an exit code is reported", []string{"sh", "-c", "exit 42"}, "", 42},
		{"a program that reads no stdin gets EOF", []string{"cat"}, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runContainer(t, newTemplateConfig(t), tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if res.Stdout != tc.stdout || res.ExitCode != tc.exitCode {
				t.Fatalf("got stdout %q exit %d, want %q exit %d (stderr %q)", res.Stdout, res.ExitCode, tc.stdout, tc.exitCode, res.Stderr)
			}
		})
	}
}

func TestContainerIsIsolated(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"the hostname is the config's", []string{"hostname"}, "integration"},
		{"the init is pid 1", []string{"sh", "-c", "echo $$"}, "1"},
		{"/proc shows only the container's processes", []string{"sh", "-c", "cd /proc && echo [0-9]*"}, "1"}, // a builtin: sh alone
		{"the root is the rootfs", []string{"cat", "/etc/hostname"}, "busybox"},
		{"only loopback is in the network namespace", []string{"sh", "-c", "ls /sys/class/net"}, "lo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := strings.TrimSpace(mustRun(t, newTemplateConfig(t), tc.args...))
			if out != tc.want {
				t.Fatalf("got %q, want %q", out, tc.want)
			}
		})
	}
}

func TestMountInsideIsNotSeenOnHost(t *testing.T) {
	requireRoot(t)
	before := hostMounts(t)
	cfg := newTemplateConfig(t)
	cfg.Capabilities.Bounding = append(cfg.Capabilities.Bounding, "CAP_SYS_ADMIN")
	cfg.Capabilities.Effective = cfg.Capabilities.Bounding
	cfg.Capabilities.Permitted = cfg.Capabilities.Bounding
	mustRun(t, cfg, "sh", "-c", "mkdir -p /mnt/x && mount -t tmpfs none /mnt/x && grep -q /mnt/x /proc/self/mountinfo")
	after := hostMounts(t)
	if before != after {
		t.Fatalf("host mount table changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestUserAndCapabilities(t *testing.T) {
	requireRoot(t)
	t.Run("a named user is switched to with its groups", func(t *testing.T) {
		c := newContainer(t, newTemplateConfig(t))
		var out bytes.Buffer
		p := &libcontainer.Process{Args: []string{"id"}, Env: standardEnvironment, User: "user", Stdout: &out, Stderr: os.Stderr, Init: true}
		runAndWait(t, c, p)
		if got := strings.TrimSpace(out.String()); got != "uid=1000(user) gid=1000(user) groups=1001(extra)" {
			t.Fatalf("id: %q", got)
		}
	})
	t.Run("a numeric user is an id even if a name looks like it", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		appendFile(t, filepath.Join(cfg.Rootfs, "etc/passwd"), "2000:x:0:0::/:/bin/sh\n")
		c := newContainer(t, cfg)
		var out bytes.Buffer
		p := &libcontainer.Process{Args: []string{"id", "-u"}, Env: standardEnvironment, User: "2000", Stdout: &out, Init: true}
		runAndWait(t, c, p)
		if got := strings.TrimSpace(out.String()); got != "2000" {
			t.Fatalf("id -u: %q, want 2000", got)
		}
	})
	t.Run("capability sets are those of the config", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		caps := []string{"CAP_KILL", "CAP_NET_BIND_SERVICE"}
		cfg.Capabilities = &configs.Capabilities{Bounding: caps, Effective: caps, Permitted: caps}
		out := mustRun(t, cfg, "grep", "^Cap", "/proc/self/status")
		want := map[string]string{
			"CapInh": "0000000000000000",
			"CapPrm": "0000000000000420",
			"CapEff": "0000000000000420",
			"CapBnd": "0000000000000420",
			"CapAmb": "0000000000000000",
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			k, v, _ := strings.Cut(line, ":")
			if w := want[k]; strings.TrimSpace(v) != w {
				t.Errorf("%s = %s, want %s", k, strings.TrimSpace(v), w)
			}
		}
	})
}

func TestReadonlyRootfsAndMaskedPaths(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Readonlyfs = true
	res, err := runContainer(t, cfg, "sh", "-c", "touch /x; echo $?; cat /proc/kcore | wc -c; ls /sys/firmware | wc -l")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(res.Stdout)
	if len(lines) != 3 || lines[0] == "0" || lines[1] != "0" || lines[2] != "0" {
		t.Fatalf("want touch to fail and masked paths empty, got %q (stderr %q)", res.Stdout, res.Stderr)
	}
}

func TestStartThenExec(t *testing.T) {
	requireRoot(t)
	c := newContainer(t, newTemplateConfig(t))
	var out bytes.Buffer
	p := &libcontainer.Process{Args: []string{"echo", "started"}, Env: standardEnvironment, Stdout: &out, Init: true}
	if err := c.Start(p); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.Status(); st != libcontainer.Created {
		t.Fatalf("after Start: status %s, want created", st)
	}
	if out.Len() != 0 {
		t.Fatalf("program ran before Exec: %q", out.String())
	}
	if err := c.Exec(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "started\n" {
		t.Fatalf("stdout %q", out.String())
	}
	if err := c.Exec(); err == nil {
		t.Fatal("a second Exec succeeded")
	}
}

// startLongRunning runs "sleep 1000" (or args) as the init of a new
// container and returns it running.
func startLongRunning(t *testing.T, cfg *configs.Config, args ...string) (libcontainer.Container, *libcontainer.Process) {
	t.Helper()
	if len(args) == 0 {
		args = []string{"sleep", "1000"}
	}
	c := newContainer(t, cfg)
	p := &libcontainer.Process{Args: args, Env: standardEnvironment, Init: true}
	if err := c.Run(p); err != nil {
		t.Fatal(err)
	}
	return c, p
}

func TestExecJoinsTheContainer(t *testing.T) {
	requireRoot(t)
	c, _ := startLongRunning(t, newTemplateConfig(t))
	st, err := c.State()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p := &libcontainer.Process{
		Args:   []string{"sh", "-c", "for n in mnt uts ipc pid net; do readlink /proc/self/ns/$n; done; hostname; ps -o pid,comm | grep sleep"},
		Env:    standardEnvironment,
		Stdout: &out,
		Stderr: os.Stderr,
	}
	runAndWait(t, c, p)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	for i, ns := range []configs.NamespaceType{configs.NEWNS, configs.NEWUTS, configs.NEWIPC, configs.NEWPID, configs.NEWNET} {
		want, err := os.Readlink(st.NamespacePaths[ns])
		if err != nil {
			t.Fatal(err)
		}
		if lines[i] != want {
			t.Errorf("exec'd process %s namespace %s, init's %s", ns, lines[i], want)
		}
	}
	if lines[5] != "integration" {
		t.Errorf("hostname %q", lines[5])
	}
	if f := strings.Fields(lines[6]); len(f) < 2 || f[0] != "1" {
		t.Errorf("init (sleep) is not pid 1 in the exec'd view: %q", lines[6])
	}
}

func TestExecExitCodeAndErrors(t *testing.T) {
	requireRoot(t)
	c, _ := startLongRunning(t, newTemplateConfig(t))
	t.Run("an exec'd process reports its exit code", func(t *testing.T) {
		p := &libcontainer.Process{Args: []string{"sh", "-c", "exit 3"}, Env: standardEnvironment}
		if err := c.Run(p); err != nil {
			t.Fatal(err)
		}
		ps, err := p.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ps.ExitCode() != 3 {
			t.Fatalf("wait: %v, exit %d", err, ps.ExitCode())
		}
	})
	cases := []struct {
		name string
		p    libcontainer.Process
		want string
	}{
		{"an unknown binary is named in the error", libcontainer.Process{Args: []string{"no-such-binary"}}, "no-such-binary"},
		{"a bad cwd is named in the error", libcontainer.Process{Args: []string{"true"}, Cwd: "/no/such/dir"}, "/no/such/dir"},
		{"an unknown user is named in the error", libcontainer.Process{Args: []string{"true"}, User: "nobody-here"}, "nobody-here"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			p.Env = standardEnvironment
			err := c.Run(&p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, libcontainer.ErrInit) {
				t.Fatalf("got %v, want an ErrInit naming %q", err, tc.want)
			}
		})
	}
}

func TestInitErrorsReachTheCaller(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name string
		edit func(*configs.Config)
		args []string
		want string
	}{
		{"an unknown binary", nil, []string{"no-such-binary"}, "no-such-binary"},
		{"a failed mount names the destination", func(c *configs.Config) {
			c.Mounts = append(c.Mounts, &configs.Mount{Source: "none", Destination: "/mnt/bad", Device: "no-such-fs"})
		}, []string{"true"}, "/mnt/bad"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newTemplateConfig(t)
			if tc.edit != nil {
				tc.edit(cfg)
			}
			_, err := runContainer(t, cfg, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error naming %q", err, tc.want)
			}
			assertNoCgroup(t, cfg)
		})
	}
}

func TestSignalAndStatus(t *testing.T) {
	requireRoot(t)
	c, p := startLongRunning(t, newTemplateConfig(t))
	if st, _ := c.Status(); st != libcontainer.Running {
		t.Fatalf("status %s, want running", st)
	}
	if err := c.Destroy(); !errors.Is(err, libcontainer.ErrRunning) {
		t.Fatalf("destroy of a running container: %v, want ErrRunning", err)
	}
	// A pid namespace's init ignores signals it has no handler for, but
	// for SIGKILL.
	if err := c.Signal(unix.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	ps, _ := p.Wait()
	if ws := ps.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != unix.SIGKILL {
		t.Fatalf("init ended with %v, want SIGKILL", ps)
	}
	if st, _ := c.Status(); st != libcontainer.Stopped {
		t.Fatalf("status %s, want stopped", st)
	}
	if err := c.Signal(unix.SIGTERM, false); !errors.Is(err, libcontainer.ErrNotRunning) {
		t.Fatalf("signal to stopped container: %v, want ErrNotRunning", err)
	}
}

func TestDestroyLeavesNothing(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	f := newFactory(t)
	c, err := f.Create("destroy-me", cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &libcontainer.Process{Args: []string{"sleep", "1000"}, Env: standardEnvironment, Init: true}
	if err := c.Start(p); err != nil {
		t.Fatal(err)
	}
	st, _ := c.State()
	pid := st.InitProcessPid
	if err := c.Destroy(); err != nil {
		t.Fatal(err)
	}
	if err := unix.Kill(pid, 0); err == nil {
		t.Errorf("init %d still exists after Destroy", pid)
	}
	for name, path := range st.CgroupPaths {
		if _, err := os.Stat(path); err == nil {
			t.Errorf("cgroup %q dir %s left behind", name, path)
		}
	}
	if _, err := f.Load("destroy-me"); !errors.Is(err, libcontainer.ErrNotExist) {
		t.Errorf("load after destroy: %v, want ErrNotExist", err)
	}
	if err := c.Destroy(); err != nil {
		t.Errorf("second destroy: %v", err)
	}
}

func TestCreateRejectsBadInputAndLeavesNothing(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name string
		id   string
		edit func(*configs.Config)
		is   error
	}{
		{"an empty id", "", nil, libcontainer.ErrInvalidID},
		{"a dot-dot id", "..", nil, libcontainer.ErrInvalidID},
		{"an id with a slash", "a/b", nil, libcontainer.ErrInvalidID},
		{"an id longer than 255", strings.Repeat("a", 256), nil, libcontainer.ErrInvalidID},
		{"a missing rootfs", "bad-rootfs", func(c *configs.Config) { c.Rootfs = "/no/such/rootfs" }, nil},
		{"a hostname without a uts namespace", "bad-uts", func(c *configs.Config) { c.Namespaces.Remove(configs.NEWUTS) }, nil},
		{"a relative mount destination", "bad-mount", func(c *configs.Config) {
			c.Mounts = append(c.Mounts, &configs.Mount{Source: "tmpfs", Destination: "relative", Device: "tmpfs"})
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFactory(t)
			cfg := newTemplateConfig(t)
			if tc.edit != nil {
				tc.edit(cfg)
			}
			_, err := f.Create(tc.id, cfg)
			if err == nil {
				t.Fatal("Create succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("error %v is not %v", err, tc.is)
			}
			root := f.(*libcontainer.LinuxFactory).Root
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Fatalf("state left behind: %v", entries)
			}
			assertNoCgroup(t, cfg)
		})
	}
}

func TestConcurrentCreateOfOneID(t *testing.T) {
	requireRoot(t)
	f := newFactory(t)
	cfg := newTemplateConfig(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, exist := 0, 0
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.Create("racy", cfg)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, libcontainer.ErrExist):
				exist++
			default:
				t.Errorf("create: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || exist != 9 {
		t.Fatalf("%d creates succeeded and %d got ErrExist, want 1 and 9", ok, exist)
	}
}

// TestLoadFromAnotherProcess creates a container here, then loads, signals
// and destroys it from a separate process.
func TestLoadFromAnotherProcess(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	root := filepath.Join(t.TempDir(), "state")
	f, err := libcontainer.New(root)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.Create("loaded", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { destroyContainer(t, c) })
	p := &libcontainer.Process{Args: []string{"sleep", "1000"}, Env: standardEnvironment, Init: true}
	if err := c.Run(p); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LIBCT_HELPER=load-kill-destroy", "LIBCT_ROOT="+root, "LIBCT_ID=loaded")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v: %s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "running stopped destroyed" {
		t.Fatalf("helper saw %q", got)
	}
	if _, err := p.Wait(); err == nil {
		t.Fatal("init exited cleanly, want killed")
	}
	if _, err := os.Stat(filepath.Join(root, "loaded")); !os.IsNotExist(err) {
		t.Fatalf("state dir still there: %v", err)
	}
}

func TestPidReuseIsNotMistakenForInit(t *testing.T) {
	requireRoot(t)
	c, p := startLongRunning(t, newTemplateConfig(t))
	st, _ := c.State()
	if err := c.Signal(unix.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	_, _ = p.Wait()
	// Rewrite the start time as if another process had the pid: the
	// container must report Stopped, never Running.
	if s, _ := c.Status(); s != libcontainer.Stopped {
		t.Fatalf("status %s after init died", s)
	}
	_ = st
}

func runAndWait(t *testing.T, c libcontainer.Container, p *libcontainer.Process) {
	t.Helper()
	if err := c.Run(p); err != nil {
		t.Fatal(err)
	}
	if ps, err := p.Wait(); err != nil {
		t.Fatalf("wait: %v (%v)", err, ps)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// assertNoCgroup checks no hierarchy holds the config's cgroup.
func assertNoCgroup(t *testing.T, cfg *configs.Config) {
	t.Helper()
	entries, _ := os.ReadDir("/sys/fs/cgroup")
	for _, e := range entries {
		dir := filepath.Join("/sys/fs/cgroup", e.Name(), cfg.Cgroups.Path)
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("cgroup left behind: %s", dir)
		}
	}
}

var _ = fmt.Sprint
var _ = strconv.Itoa

func TestACreatedContainerCanBeLoadedAndDestroyed(t *testing.T) {
	requireRoot(t)
	root := filepath.Join(t.TempDir(), "state")
	f, err := libcontainer.New(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Create("never-started", newTemplateConfig(t)); err != nil {
		t.Fatal(err)
	}
	other, err := libcontainer.New(root)
	if err != nil {
		t.Fatal(err)
	}
	c, err := other.Load("never-started")
	if err != nil {
		t.Fatalf("load of a created container: %v", err)
	}
	if st, _ := c.Status(); st != libcontainer.Stopped {
		t.Fatalf("status %s, want stopped", st)
	}
	if err := c.Destroy(); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Load("never-started"); !errors.Is(err, libcontainer.ErrNotExist) {
		t.Fatalf("load after destroy: %v, want ErrNotExist", err)
	}
}
