package integration

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
)

// hookScript logs one line per run: hook name, $HOOK_ENV, argument count,
// mount namespace, and the state read from stdin.
const hookScript = `#!/bin/sh
state=$(cat)
echo "$1|$HOOK_ENV|$#|$(readlink /proc/self/ns/mnt)|$state" >> "$2"
`

// hookLine is one parsed line of the hook log.
type hookLine struct {
	name, env, argc, mntNS string
	state                  specs.State
}

// readHookLog parses the hook log at path.
func readHookLog(t *testing.T, path string) []hookLine {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []hookLine
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.SplitN(l, "|", 5)
		if len(f) != 5 {
			t.Fatalf("bad hook log line %q", l)
		}
		h := hookLine{name: f[0], env: f[1], argc: f[2], mntNS: f[3]}
		if err := json.Unmarshal([]byte(f[4]), &h.state); err != nil {
			t.Fatalf("hook %s got state %q: %v", h.name, f[4], err)
		}
		out = append(out, h)
	}
	return out
}

// loggingHooks installs the logging script in the rootfs and returns a
// command hook per lifecycle point. Hooks run in the runtime's namespaces
// and createContainer (before pivot_root, the host root still visible) use
// host paths; startContainer runs in the container and uses its paths.
func loggingHooks(t *testing.T, cfg *configs.Config) (log string) {
	t.Helper()
	script := filepath.Join(cfg.Rootfs, "hook.sh")
	if err := os.WriteFile(script, []byte(hookScript), 0o755); err != nil {
		t.Fatal(err)
	}
	log = filepath.Join(cfg.Rootfs, "hooks.log")
	hook := func(name configs.HookName, path, log string) configs.Hook {
		return configs.NewCommandHook(configs.Command{
			Path: path,
			Args: []string{path, string(name), log},
			Env:  []string{"HOOK_ENV=env-" + string(name), "PATH=/usr/bin:/bin"},
		})
	}
	cfg.Hooks = configs.Hooks{}
	for _, name := range []configs.HookName{configs.Prestart, configs.CreateRuntime, configs.CreateContainer, configs.Poststart, configs.Poststop} {
		cfg.Hooks[name] = configs.HookList{hook(name, script, log)}
	}
	cfg.Hooks[configs.StartContainer] = configs.HookList{hook(configs.StartContainer, "/hook.sh", "/hooks.log")}
	return log
}

func TestHooksFireOnceInOrderWithState(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Labels = []string{"bundle=/test/bundle", "com.example.key=value"}
	log := loggingHooks(t, cfg)
	// Function hooks run in the runtime process, after the command hook
	// of the same point.
	var mu sync.Mutex
	var funcSeen []string
	for _, name := range []configs.HookName{configs.Prestart, configs.CreateRuntime, configs.Poststart, configs.Poststop} {
		name := name
		cfg.Hooks[name] = append(cfg.Hooks[name], configs.NewFunctionHook(func(s *specs.State) error {
			mu.Lock()
			defer mu.Unlock()
			funcSeen = append(funcSeen, string(name)+" "+string(s.Status)+" "+strconv.Itoa(s.Pid))
			return nil
		}))
	}
	f := newFactory(t)
	c, err := f.Create("hooks", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { destroyContainer(t, c) })
	p := &libcontainer.Process{Args: []string{"sleep", "1000"}, Env: standardEnvironment, Init: true}
	if err := c.Start(p); err != nil {
		t.Fatal(err)
	}
	if got := len(readHookLog(t, log)); got != 3 {
		t.Fatalf("after Start %d hooks ran, want 3 (prestart, createRuntime, createContainer)", got)
	}
	if err := c.Exec(); err != nil {
		t.Fatal(err)
	}
	st, err := c.State()
	if err != nil {
		t.Fatal(err)
	}
	initPid := st.InitProcessPid
	containerMnt, err := os.Readlink(st.NamespacePaths[configs.NEWNS])
	if err != nil {
		t.Fatal(err)
	}
	hostMnt, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Signal(unix.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	_, _ = p.Wait()
	for i := 0; i < 2; i++ {
		if err := c.Destroy(); err != nil {
			t.Fatalf("destroy #%d: %v", i+1, err)
		}
	}
	// Each hook in the container sees its pid as the container does (1);
	// the others see the runtime's view.
	want := []struct {
		name   configs.HookName
		status specs.ContainerState
		pid    int
		mntNS  string
	}{
		{configs.Prestart, specs.StateCreating, initPid, hostMnt},
		{configs.CreateRuntime, specs.StateCreating, initPid, hostMnt},
		{configs.CreateContainer, specs.StateCreating, 1, containerMnt},
		{configs.StartContainer, specs.StateCreated, 1, containerMnt},
		{configs.Poststart, specs.StateRunning, initPid, hostMnt},
		{configs.Poststop, specs.StateStopped, 0, hostMnt},
	}
	got := readHookLog(t, log)
	if len(got) != len(want) {
		var names []string
		for _, h := range got {
			names = append(names, h.name)
		}
		t.Fatalf("hooks ran %v, want each of the %d kinds once", names, len(want))
	}
	for i, w := range want {
		h := got[i]
		t.Run(string(w.name)+" runs in its place with its env, args and state", func(t *testing.T) {
			if h.name != string(w.name) {
				t.Fatalf("hook #%d is %s, want %s", i, h.name, w.name)
			}
			if h.env != "env-"+string(w.name) || h.argc != "2" {
				t.Errorf("env %q, argc %s; want env-%s, 2", h.env, h.argc, w.name)
			}
			if h.mntNS != w.mntNS {
				t.Errorf("ran in mount namespace %s, want %s", h.mntNS, w.mntNS)
			}
			s := h.state
			if s.ID != "hooks" || s.Status != w.status || s.Pid != w.pid || s.Bundle != "/test/bundle" ||
				s.Annotations["com.example.key"] != "value" || s.Version != specs.Version {
				t.Errorf("state %+v, want id hooks, status %s, pid %d, bundle /test/bundle, annotation com.example.key=value", s, w.status, w.pid)
			}
		})
	}
	wantFunc := []string{
		"prestart creating " + strconv.Itoa(initPid),
		"createRuntime creating " + strconv.Itoa(initPid),
		"poststart running " + strconv.Itoa(initPid),
		"poststop stopped 0",
	}
	if strings.Join(funcSeen, ",") != strings.Join(wantFunc, ",") {
		t.Errorf("function hooks saw %q, want %q", funcSeen, wantFunc)
	}
}

func TestCreateHooksFireWithoutAMountNamespace(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Namespaces.Remove(configs.NEWNS)
	cfg.Mounts, cfg.MaskPaths, cfg.ReadonlyPaths, cfg.Devices = nil, nil, nil, nil
	// Without a mount namespace nothing is mounted for the container: the
	// init needs a /proc in its root, so the test mounts one.
	proc := filepath.Join(cfg.Rootfs, "proc")
	if err := unix.Mount("proc", proc, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Unmount(proc, unix.MNT_DETACH) })
	log := loggingHooks(t, cfg)
	mustRun(t, cfg, "true")
	var names []string
	for _, h := range readHookLog(t, log) {
		names = append(names, h.name)
	}
	if got, want := strings.Join(names, ","), "prestart,createRuntime,createContainer,startContainer,poststart,poststop"; got != want {
		t.Fatalf("hooks ran %s, want %s", got, want)
	}
}

// hangingHook is a command hook whose shell waits on a child forever; it
// records the child's pid in pidFile.
func hangingHook(pidFile string) configs.Hook {
	timeout := 300 * time.Millisecond
	return configs.NewCommandHook(configs.Command{
		Path:    "/bin/sh",
		Args:    []string{"sh", "-c", `sleep 100 & echo $! > "$1"; wait`, "sh", pidFile},
		Timeout: &timeout,
	})
}

func TestHangingHookIsKilledAndStartFailsCleanly(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name    configs.HookName
		created bool // the hook runs after the container was created
	}{
		{configs.Prestart, false},
		{configs.CreateRuntime, false},
		{configs.CreateContainer, false},
		{configs.StartContainer, true},
		{configs.Poststart, true},
	}
	for _, tc := range cases {
		t.Run("a "+string(tc.name)+" hook past its timeout is killed and named in the error", func(t *testing.T) {
			cfg := newTemplateConfig(t)
			// Hooks in the container's pid namespace write a pid we
			// cannot check from here; the namespace dies with the init.
			pidFile := filepath.Join(t.TempDir(), "hook.pid")
			inContainer := tc.name == configs.CreateContainer || tc.name == configs.StartContainer
			if inContainer {
				pidFile = "/dev/null"
			}
			var initPid int
			cfg.Hooks = configs.Hooks{
				configs.Prestart: {configs.NewFunctionHook(func(s *specs.State) error {
					initPid = s.Pid
					return nil
				})},
			}
			cfg.Hooks[tc.name] = append(cfg.Hooks[tc.name], hangingHook(pidFile))
			f := newFactory(t)
			c, err := f.Create("hanging", cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { destroyContainer(t, c) })
			p := &libcontainer.Process{Args: []string{"sleep", "1000"}, Env: standardEnvironment, Init: true}
			start := time.Now()
			err = c.Run(p)
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("Run succeeded with a hanging hook")
			}
			if msg := err.Error(); !strings.Contains(msg, string(tc.name)+" hook") || !strings.Contains(msg, "timeout") {
				t.Fatalf("error %q does not name the %s hook and its timeout", msg, tc.name)
			}
			if elapsed > 5*time.Second {
				t.Fatalf("Run took %s with a 300ms hook timeout", elapsed)
			}
			if !inContainer {
				b, err := os.ReadFile(pidFile)
				if err != nil {
					t.Fatal(err)
				}
				if pid, _ := strconv.Atoi(strings.TrimSpace(string(b))); !processGone(pid) {
					t.Errorf("the hook's child %q is still alive", b)
				}
			}
			if !processGone(initPid) {
				t.Errorf("the init %d is still alive", initPid)
			}
			assertNoCgroup(t, cfg)
			if st, err := c.Status(); err != nil || st != libcontainer.Stopped {
				t.Errorf("status %s (%v), want stopped", st, err)
			}
			// Another process can still load what is left, see it
			// stopped, and destroy it.
			if loaded, err := f.Load("hanging"); err != nil {
				t.Errorf("load after a failed start: %v", err)
			} else if st, _ := loaded.Status(); st != libcontainer.Stopped {
				t.Errorf("loaded status %s, want stopped", st)
			}
			if err := c.Destroy(); err != nil {
				t.Fatal(err)
			}
			if entries, _ := os.ReadDir(f.(*libcontainer.LinuxFactory).Root); len(entries) != 0 {
				t.Errorf("state left after Destroy: %v", entries)
			}
		})
	}
}

// processGone reports whether pid has exited (a zombie has), allowing a
// killed process a moment to die.
func processGone(pid int) bool {
	if pid <= 0 {
		return false
	}
	for i := 0; i < 100; i++ {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		if s := string(b); strings.Contains(s[strings.LastIndexByte(s, ')'):], ") Z ") {
			return true
		}
		waitABit()
	}
	return false
}

func TestPoststopRunsOnceFromALoadedContainer(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	log := loggingHooks(t, cfg)
	cfg.Hooks = configs.Hooks{configs.Poststop: cfg.Hooks[configs.Poststop]}
	f := newFactory(t)
	c, err := f.Create("poststop", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { destroyContainer(t, c) })
	p := &libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Init: true}
	if err := c.Run(p); err != nil {
		t.Fatal(err)
	}
	_, _ = p.Wait()
	// Another object, as another process would have, destroys it; then
	// the creator's Destroy finds nothing to do.
	loaded, err := f.Load("poststop")
	if err != nil {
		t.Fatal(err)
	}
	if err := loaded.Destroy(); err != nil {
		t.Fatal(err)
	}
	if err := c.Destroy(); err != nil {
		t.Fatal(err)
	}
	got := readHookLog(t, log)
	if len(got) != 1 || got[0].name != "poststop" || got[0].state.Status != specs.StateStopped || got[0].state.ID != "poststop" {
		t.Fatalf("hooks ran %+v, want poststop once with the stopped state", got)
	}
}
