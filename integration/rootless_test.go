package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
	"github.com/b7f961b7/libcontainer/specconv"
)

// The unprivileged host user the rootless tests run the library as, and
// its subordinate id range in /etc/subuid and /etc/subgid.
const (
	rootlessName    = "libct-rootless"
	rootlessUID     = 23456
	subIDStart      = 200000
	subIDCount      = 65536
	rootlessCaseEnv = "LIBCT_CASE"
)

// rootlessMapsFor returns the id maps of a rootless container: the user's
// own id as the container's root, plus (multi) its subordinate range for
// container ids 1 and up, which needs newuidmap and newgidmap.
func rootlessMapsFor(multi bool) []configs.IDMap {
	maps := []configs.IDMap{{ContainerID: 0, HostID: rootlessUID, Size: 1}}
	if multi {
		maps = append(maps, configs.IDMap{ContainerID: 1, HostID: subIDStart, Size: subIDCount})
	}
	return maps
}

// rootlessUser creates the test user and group (uid and gid 23456) with
// subordinate id ranges, and removes them when the test ends. Test runs
// in several processes at once take turns (a lock file in /run).
func rootlessUser(t *testing.T) {
	t.Helper()
	// Another run of these tests (another test binary) would share the
	// user, its ranges and the delegated cgroup: take turns.
	lock, err := os.OpenFile("/run/libct-rootless-test.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		lock.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { lock.Close() }) // runs last: releases the lock
	id := strconv.Itoa(rootlessUID)
	if out, err := exec.Command("getent", "passwd", id).Output(); err == nil {
		if name, _, _ := strings.Cut(string(out), ":"); name != rootlessName {
			t.Skipf("uid %d, needed for the rootless test user, belongs to %q", rootlessUID, name)
		}
	} else {
		run := func(args ...string) {
			if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				t.Fatalf("%v: %v: %s", args, err, out)
			}
		}
		// useradd may create /etc/subuid and /etc/subgid (empty): take
		// away what it made.
		for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
			if _, err := os.Stat(f); errors.Is(err, os.ErrNotExist) {
				t.Cleanup(func() {
					if st, err := os.Stat(f); err == nil && st.Size() == 0 {
						_ = os.Remove(f)
					}
				})
			}
		}
		run("groupadd", "-g", id, rootlessName)
		run("useradd", "-M", "-N", "-g", id, "-u", id, "-s", "/usr/sbin/nologin",
			"-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", rootlessName)
		t.Cleanup(func() {
			if out, err := exec.Command("userdel", rootlessName).CombinedOutput(); err != nil {
				t.Errorf("userdel: %v: %s", err, out)
			}
			if out, err := exec.Command("groupdel", rootlessName).CombinedOutput(); err != nil && !strings.Contains(string(out), "does not exist") {
				t.Errorf("groupdel: %v: %s", err, out)
			}
		})
	}
	line := fmt.Sprintf("%s:%d:%d", rootlessName, subIDStart, subIDCount)
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		addLine(t, f, line)
	}
}

// addLine appends line to file (created if missing) unless it is there,
// and takes it out again when the test ends (removing the file if the
// test created it and nothing else was added).
func addLine(t *testing.T, file, line string) {
	t.Helper()
	b, err := os.ReadFile(file)
	created := errors.Is(err, os.ErrNotExist)
	if err != nil && !created {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l == line {
			return
		}
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(line + "\n")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("remove %q from %s: %v", line, file, err)
			return
		}
		var keep []string
		for _, l := range strings.SplitAfter(string(b), "\n") {
			if strings.TrimSuffix(l, "\n") != line {
				keep = append(keep, l)
			}
		}
		if created && len(keep) == 0 {
			if err := os.Remove(file); err != nil {
				t.Errorf("remove %s: %v", file, err)
			}
			return
		}
		if err := os.WriteFile(file, []byte(strings.Join(keep, "")), 0o644); err != nil {
			t.Errorf("remove %q from %s: %v", line, file, err)
		}
	})
}

// rootlessBinary copies the test binary where the test user can run it.
func rootlessBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "libct-rootless-bin-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	bin := filepath.Join(dir, "integration.test")
	dst, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// rootlessRun runs the test binary as the test user in the "rootless"
// helper mode for one case, with a rootfs and a state root of its own,
// and returns the helper's output. With a delegated cgroup (a path
// relative to the hierarchy roots) the helper starts in that cgroup,
// which the test user owns, as a login manager would arrange it.
func rootlessRun(t *testing.T, bin, name string, multi bool, delegated string) (string, error) {
	t.Helper()
	maps := rootlessMapsFor(multi)
	rootfs := newRootfs(t)
	shiftOwnership(t, rootfs, maps)
	makeReachable(t, rootfs)
	state := filepath.Join(filepath.Dir(rootfs), "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(state, rootlessUID, rootlessUID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = []string{
		"LIBCT_HELPER=rootless",
		rootlessCaseEnv + "=" + name,
		"LIBCT_ROOT=" + state,
		"LIBCT_ROOTFS=" + rootfs,
		"LIBCT_MULTI=" + strconv.FormatBool(multi),
		"LIBCT_CGROUP=" + delegated,
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: rootlessUID, Gid: rootlessUID, Groups: []uint32{}},
		Pdeathsig:  syscall.SIGKILL,
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	var gate io.WriteCloser
	if delegated != "" {
		dirs := delegateCgroup(t, delegated)
		var err error
		if gate, err = cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			if err := os.WriteFile(filepath.Join(d, "cgroup.procs"), []byte(strconv.Itoa(cmd.Process.Pid)), 0); err != nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("move the helper into %s: %v", d, err)
			}
		}
		gate.Close()
	} else if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if entries, _ := os.ReadDir(state); len(entries) > 0 {
		t.Errorf("the rootless helper left state behind: %v", entries)
	}
	return strings.TrimSpace(out.String()), err
}

// delegateCgroup makes the cgroup rel in every hierarchy and gives it to
// the test user; it returns the directories and removes them when the
// test ends (the container cgroups below them must be gone by then).
func delegateCgroup(t *testing.T, rel string) []string {
	t.Helper()
	hierarchies, err := filepath.Glob("/sys/fs/cgroup/*/cgroup.procs")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, h := range hierarchies {
		h = filepath.Dir(h)
		dir := h
		for _, part := range strings.Split(strings.Trim(rel, "/"), "/") {
			parent := dir
			dir = filepath.Join(dir, part)
			if err := os.Mkdir(dir, 0o755); err != nil {
				if errors.Is(err, os.ErrExist) {
					continue
				}
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) && !errors.Is(err, unix.EBUSY) {
					t.Errorf("remove delegated cgroup: %v", err)
				}
			})
			// A new cpuset has no cpus or memory nodes until given its
			// parent's.
			for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
				if b, err := os.ReadFile(filepath.Join(parent, f)); err == nil {
					if err := os.WriteFile(filepath.Join(dir, f), b, 0); err != nil {
						t.Fatalf("copy %s to %s: %v", f, dir, err)
					}
				}
			}
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range append(entries, nil) {
			p := dir
			if e != nil {
				p = filepath.Join(dir, e.Name())
			}
			if err := os.Chown(p, rootlessUID, rootlessUID); err != nil {
				t.Fatal(err)
			}
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

func TestRootless(t *testing.T) {
	requireRoot(t) // to create the unprivileged user the library then runs as
	rootlessUser(t)
	bin := rootlessBinary(t)

	lifecycle := func(multi bool, setgroups string) string {
		m := mapLines(rootlessMapsFor(multi))
		return "status: running\nexec: 0 0\n" + m + "\n" + m + "\n" + setgroups + "\nrootless\nlo\n" +
			"processes: 2\nexit: 7\nstatus: stopped\ndestroyed"
	}
	for _, tc := range []struct {
		name  string
		cas   string
		multi bool
		// delegated is a cgroup the test user owns and starts in.
		delegated string
		want      string // the helper's exact output, or
		fail      string // a part of the error it must report
	}{
		{name: "a container with the user's own id only starts, execs, is signalled and destroyed",
			cas: "lifecycle", want: lifecycle(false, "deny")},
		{name: "a container with subordinate id ranges gets them through newuidmap and newgidmap",
			cas: "lifecycle", multi: true, want: lifecycle(true, "allow")},
		{name: "signalling all processes of a loaded container without a cgroup goes through the pid namespace",
			cas: "signal-all", want: "before: 3\nexit: 137\nstatus: stopped"},
		{name: "a time namespace carries its offsets",
			cas: "timens", want: "uptime shifted"},
		{name: "a delegated cgroup holds the container with its limits, freezer and cleanup",
			cas: "delegated", delegated: "/libct-test/rootless-delegated",
			want: "pids.max: 10\nprocesses: 2\nstatus: paused\nstatus: running\nexit: 137\ncgroup removed"},
		{name: "resource limits without a delegated cgroup are refused at start",
			cas: "limits", fail: "cannot set pids limit: container could not join or create cgroup"},
		{name: "a veth network is refused",
			cas: "veth", fail: `networks[1].type "veth": a rootless runtime cannot create host network interfaces`},
		{name: "moving a host network device is refused",
			cas: "netdevices", fail: "network devices cannot be moved by a rootless runtime"},
		{name: "an unprivileged caller must say it is rootless",
			cas: "not-rootless", fail: "rootless_euid \"false\": the library runs as unprivileged uid 23456"},
		{name: "subordinate ids the user does not own are refused by newuidmap",
			cas: "foreign-ids", multi: true, fail: "newuidmap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := rootlessRun(t, bin, tc.cas, tc.multi, tc.delegated)
			t.Logf("helper output:\n%s", out)
			if tc.fail != "" {
				if err == nil || !strings.Contains(out, tc.fail) {
					t.Fatalf("helper: %v, output:\n%s\nwant a failure containing %q", err, out, tc.fail)
				}
				return
			}
			if err != nil {
				t.Fatalf("helper: %v, output:\n%s", err, out)
			}
			if out != tc.want {
				t.Fatalf("helper output:\n%s\nwant:\n%s", out, tc.want)
			}
		})
	}
}

// rootlessHelper is the "rootless" helper mode: it runs as the
// unprivileged test user and uses the library for the case named by
// LIBCT_CASE, printing what it saw. It exits 1 with the error printed on
// failure.
func rootlessHelper() int {
	multi := os.Getenv("LIBCT_MULTI") == "true"
	cfg := rootlessContainerConfig(os.Getenv("LIBCT_ROOTFS"), rootlessMapsFor(multi))
	if cg := os.Getenv("LIBCT_CGROUP"); cg != "" {
		// Wait (until stdin closes) for the test to move us into the
		// delegated cgroup, and make the container's cgroup below it.
		_, _ = io.Copy(io.Discard, os.Stdin)
		cfg.Cgroups.Path = cg + "/ctr"
		cfg.Cgroups.Resources.PidsLimit = 10
	}
	factory, err := libcontainer.New(os.Getenv("LIBCT_ROOT"),
		libcontainer.NewuidmapPath("/usr/bin/newuidmap"), libcontainer.NewgidmapPath("/usr/bin/newgidmap"))
	if err == nil {
		err = rootlessCase(factory, cfg, os.Getenv(rootlessCaseEnv), os.Stdout)
	}
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	return 0
}

// rootlessContainerConfig is a typical rootless container: all the usual
// namespaces plus a user namespace with maps, loopback networking, no
// cgroup of its own (the cgroup config has no path: the library tries a
// cgroup named for the container below the user's own and goes without
// it when the user may not create one).
func rootlessContainerConfig(rootfs string, maps []configs.IDMap) *configs.Config {
	var allowed []*devices.Rule
	var devs []*devices.Device
	for _, d := range specconv.AllowedDevices {
		allowed = append(allowed, &d.Rule)
		if d.Path != "" {
			devs = append(devs, d)
		}
	}
	caps := []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID", "CAP_KILL", "CAP_NET_BIND_SERVICE"}
	devpts := "newinstance,ptmxmode=0666,mode=0620"
	if len(maps) > 1 {
		devpts += ",gid=5" // the tty group is mapped only with the subordinate range
	}
	return &configs.Config{
		Rootfs:       rootfs,
		Capabilities: &configs.Capabilities{Bounding: caps, Effective: caps, Permitted: caps},
		Namespaces: configs.Namespaces{
			{Type: configs.NEWNS}, {Type: configs.NEWUTS}, {Type: configs.NEWIPC},
			{Type: configs.NEWPID}, {Type: configs.NEWNET}, {Type: configs.NEWUSER},
		},
		UidMappings:     maps,
		GidMappings:     maps,
		RootlessEUID:    true,
		RootlessCgroups: true,
		Cgroups:         &configs.Cgroup{Resources: &configs.Resources{Devices: allowed}},
		MaskPaths:       []string{"/proc/kcore", "/sys/firmware"},
		ReadonlyPaths:   []string{"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"},
		Devices:         devs,
		Hostname:        "rootless",
		Mounts: []*configs.Mount{
			{Source: "proc", Destination: "/proc", Device: "proc", Flags: defaultMountFlags},
			{Source: "tmpfs", Destination: "/dev", Device: "tmpfs", Flags: unix.MS_NOSUID | unix.MS_STRICTATIME, Data: "mode=755"},
			{Source: "devpts", Destination: "/dev/pts", Device: "devpts", Flags: unix.MS_NOSUID | unix.MS_NOEXEC, Data: devpts},
			{Source: "mqueue", Destination: "/dev/mqueue", Device: "mqueue", Flags: defaultMountFlags},
			{Source: "shm", Destination: "/dev/shm", Device: "tmpfs", Flags: defaultMountFlags, Data: "mode=1777,size=65536k"},
			{Source: "sysfs", Destination: "/sys", Device: "sysfs", Flags: defaultMountFlags | unix.MS_RDONLY},
		},
		Networks: []*configs.Network{{Type: "loopback", Address: "127.0.0.1/0", Gateway: "localhost"}},
	}
}

// rootlessCase runs one case of the rootless helper.
func rootlessCase(factory libcontainer.Factory, cfg *configs.Config, name string, out io.Writer) error {
	const id = "rootless"
	switch name {
	case "veth":
		cfg.Networks = append(cfg.Networks, &configs.Network{Type: "veth", Name: "eth0", HostInterfaceName: "vethrl0", Address: "10.200.0.2/24", Mtu: 1500})
	case "netdevices":
		cfg.NetDevices = map[string]*configs.LinuxNetDevice{"dummy0": {}}
	case "not-rootless":
		cfg.RootlessEUID = false
	case "limits":
		cfg.Cgroups.Resources.PidsLimit = 10
	case "foreign-ids":
		cfg.UidMappings = append(cfg.UidMappings, configs.IDMap{ContainerID: 70000, HostID: 400000, Size: 10})
	case "timens":
		cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWTIME})
		cfg.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Secs: tenDays}}
	}
	c, err := factory.Create(id, cfg)
	if err != nil {
		return err
	}
	defer func() {
		_ = c.Signal(unix.SIGKILL, true)
		_ = c.Destroy()
	}()
	run := func(args ...string) (*libcontainer.Process, error) {
		p := &libcontainer.Process{Args: args, Env: standardEnvironment, Init: true}
		return p, c.Run(p)
	}
	switch name {
	case "lifecycle":
		init, err := run("sh", "-c", `trap "exit 7" TERM; sleep 1000 & wait`)
		if err != nil {
			return err
		}
		st, _ := c.Status()
		fmt.Fprintln(out, "status:", st)
		var eo, ee bytes.Buffer
		p := &libcontainer.Process{
			Args: []string{"sh", "-c", `echo $(id -u) $(id -g); awk '{print $1, $2, $3}' /proc/self/uid_map /proc/self/gid_map
cat /proc/self/setgroups; hostname; ls /sys/class/net`},
			Env: standardEnvironment, Stdout: &eo, Stderr: &ee,
		}
		if err := c.Run(p); err != nil {
			return fmt.Errorf("exec: %w", err)
		}
		if _, err := p.Wait(); err != nil {
			return fmt.Errorf("exec: %w: %s", err, ee.String())
		}
		fmt.Fprint(out, "exec: ", eo.String())
		// The exec'd process has been reaped: the init's sh and its
		// sleep are left.
		pids, err := waitProcesses(c, 2)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "processes:", len(pids))
		if err := c.Signal(unix.SIGTERM, false); err != nil {
			return fmt.Errorf("signal: %w", err)
		}
		ps, _ := init.Wait()
		fmt.Fprintln(out, "exit:", exitCode(ps))
		st, _ = c.Status()
		fmt.Fprintln(out, "status:", st)
		if err := c.Destroy(); err != nil {
			return fmt.Errorf("destroy: %w", err)
		}
		fmt.Fprintln(out, "destroyed")
	case "signal-all":
		init, err := run("sh", "-c", "sleep 1000 & sleep 1000 & wait")
		if err != nil {
			return err
		}
		pids, err := waitProcesses(c, 3)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "before:", len(pids))
		// Signal through the container as another process would load it.
		loaded, err := factory.Load(id)
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
		if err := loaded.Signal(unix.SIGKILL, true); err != nil {
			return fmt.Errorf("signal all: %w", err)
		}
		ps, _ := init.Wait()
		fmt.Fprintln(out, "exit:", exitCode(ps))
		st, _ := c.Status()
		fmt.Fprintln(out, "status:", st)
	case "delegated":
		init, err := run("sh", "-c", "sleep 1000 & wait")
		if err != nil {
			return err
		}
		st, err := c.State()
		if err != nil {
			return err
		}
		limit, err := os.ReadFile(filepath.Join(st.CgroupPaths["pids"], "pids.max"))
		if err != nil {
			return err
		}
		fmt.Fprint(out, "pids.max: ", string(limit))
		pids, err := waitProcesses(c, 2)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "processes:", len(pids))
		for _, step := range []func() error{c.Pause, c.Resume} {
			if err := step(); err != nil {
				return err
			}
			s, _ := c.Status()
			fmt.Fprintln(out, "status:", s)
		}
		if err := c.Signal(unix.SIGKILL, true); err != nil {
			return fmt.Errorf("signal all: %w", err)
		}
		ps, _ := init.Wait()
		fmt.Fprintln(out, "exit:", exitCode(ps))
		if err := c.Destroy(); err != nil {
			return fmt.Errorf("destroy: %w", err)
		}
		for _, p := range st.CgroupPaths {
			if _, err := os.Stat(p); err == nil {
				return fmt.Errorf("cgroup %s left behind", p)
			}
		}
		fmt.Fprintln(out, "cgroup removed")
	case "timens":
		var o bytes.Buffer
		p := &libcontainer.Process{Args: []string{"cat", "/proc/uptime"}, Env: standardEnvironment, Stdout: &o, Init: true}
		if err := c.Run(p); err != nil {
			return err
		}
		if _, err := p.Wait(); err != nil {
			return err
		}
		host, err := os.ReadFile("/proc/uptime")
		if err != nil {
			return err
		}
		in, _, _ := strings.Cut(o.String(), " ")
		h, _, _ := strings.Cut(string(host), " ")
		vi, _ := strconv.ParseFloat(in, 64)
		vh, _ := strconv.ParseFloat(h, 64)
		if d := vi - vh; d < tenDays-5 || d > tenDays+0.01 {
			return fmt.Errorf("uptime in the container %s, on the host %s", in, h)
		}
		fmt.Fprintln(out, "uptime shifted")
	default:
		if _, err := run("true"); err != nil {
			return err
		}
		return fmt.Errorf("case %q: the container started", name)
	}
	return nil
}

// waitProcesses waits (up to 5 s) until the container has n processes,
// and returns them.
func waitProcesses(c libcontainer.Container, n int) ([]int, error) {
	for i := 0; ; i++ {
		pids, err := c.Processes()
		if err != nil {
			return nil, fmt.Errorf("processes: %w", err)
		}
		if len(pids) == n || i == 500 {
			return pids, nil
		}
		waitABit()
	}
}
