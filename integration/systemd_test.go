package integration

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndtr/gocapability/capability"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// This file runs the systemd cgroup driver's tests against a real systemd:
// the host has no systemd as PID 1, so the test starts Debian's systemd as
// PID 1 of a container made with this library (its own pid, mount, cgroup
// and network namespaces, the host's /usr bind-mounted read-only, a
// minimal /etc) and then execs the cgroups/systemd test binary into it,
// where the driver talks to that systemd over /run/systemd/private.

// systemdBinaries are where Debian's systemd package puts PID 1's binary.
var systemdBinaries = []string{"/usr/lib/systemd/systemd", "/lib/systemd/systemd"}

// systemdTestTarget is the only unit the container's systemd is asked to
// start: nothing but the manager itself runs (no services, no getty).
const systemdTestTarget = `[Unit]
Description=libcontainer systemd driver test
DefaultDependencies=no
`

func TestRealSystemdCgroupDriver(t *testing.T) {
	requireRoot(t)
	sdBin := ""
	for _, p := range systemdBinaries {
		if _, err := os.Stat(p); err == nil {
			sdBin = p
			break
		}
	}
	if sdBin == "" {
		t.Skipf("systemd is not installed (none of %v exists); install Debian's systemd package", systemdBinaries)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go tool is not on PATH, cannot build the cgroups/systemd test binary: %v", err)
	}

	binDir := t.TempDir()
	build := exec.Command(goBin, "test", "-c", "-o", filepath.Join(binDir, "systemd.test"), "../cgroups/systemd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the cgroups/systemd test binary: %v\n%s", err, out)
	}

	t.Run("the host cgroup layout (v1 or hybrid: legacy manager, v2: unified manager) drives systemd", func(t *testing.T) {
		runDriverTestsUnderSystemd(t, sdBin, binDir, false)
	})
	t.Run("cgroup2 at /sys/fs/cgroup: the unified manager drives systemd", func(t *testing.T) {
		if !cgroups.IsCgroup2UnifiedMode() && !cgroups.IsCgroup2HybridMode() {
			t.Skip("the host has no cgroup2 hierarchy to give the container")
		}
		runDriverTestsUnderSystemd(t, sdBin, binDir, true)
	})
}

// runDriverTestsUnderSystemd starts systemd (the binary sdBin) as PID 1 of
// a new container, waits until it is up, then runs the cgroups/systemd
// test binary in binDir inside it. With unified, the container's
// /sys/fs/cgroup is a cgroup2 mount, so systemd runs in unified mode and
// the driver picks its unified manager; otherwise it gets the host's
// cgroup tree (hybrid here) and the legacy manager.
func runDriverTestsUnderSystemd(t *testing.T, sdBin, binDir string, unified bool) {
	t.Helper()
	var out lockedBuffer
	cfg := systemdContainerConfig(t, binDir, unified)
	c := newContainer(t, cfg)
	init := &libcontainer.Process{
		Args:   []string{sdBin, "--unit=libct-test.target"},
		Env:    append([]string{"container=libcontainer"}, standardEnvironment...),
		Stdout: &out,
		Stderr: &out,
		Init:   true,
	}
	if err := c.Run(init); err != nil {
		t.Fatalf("start systemd as the container's PID 1: %v\n%s", err, out.String())
	}
	pid, err := init.Pid()
	if err != nil {
		t.Fatal(err)
	}
	waitForSystemd(t, pid, out.String)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("systemd's state:\n%s", sdExec(t, c, cfg, "systemctl", "--no-pager", "status"))
		}
	})

	start := time.Now()
	testOut, err := sdExecErr(c, cfg, "/libct-bin/systemd.test", "-test.v", "-test.count=1", "-test.run", "^TestRealSystemd")
	t.Logf("driver tests inside the container (%v):\n%s", time.Since(start).Round(time.Millisecond), testOut)
	if err != nil {
		t.Errorf("driver tests against the container's systemd failed: %v", err)
	}
	if regexp.MustCompile(`(?m)^--- SKIP: TestRealSystemd`).MatchString(testOut) {
		t.Errorf("driver tests skipped inside the container; see the output above")
	}
	if !strings.Contains(testOut, "--- PASS: TestRealSystemd") {
		t.Errorf("no driver test reported PASS; see the output above")
	}
}

// sdExec runs args in the container and returns its output, the error
// appended.
func sdExec(t *testing.T, c libcontainer.Container, cfg *configs.Config, args ...string) string {
	t.Helper()
	out, err := sdExecErr(c, cfg, args...)
	if err != nil {
		out += "\n(" + err.Error() + ")"
	}
	return out
}

// sdExecErr runs args in the container with the init's capabilities and
// LIBCT_REAL_SYSTEMD=1, and returns its combined output and any run or
// exit error.
func sdExecErr(c libcontainer.Container, cfg *configs.Config, args ...string) (string, error) {
	var out lockedBuffer
	p := &libcontainer.Process{
		Args:         args,
		Env:          append([]string{"LIBCT_REAL_SYSTEMD=1", "container=libcontainer"}, standardEnvironment...),
		Stdout:       &out,
		Stderr:       &out,
		Capabilities: cfg.Capabilities,
		Cwd:          "/",
	}
	if err := c.Run(p); err != nil {
		return out.String(), fmt.Errorf("exec %v: %w", args, err)
	}
	ps, err := p.Wait()
	if err == nil && !ps.Success() {
		err = fmt.Errorf("exec %v: %s", args, ps)
	}
	return out.String(), err
}

// systemdContainerConfig is a container whose PID 1 can be systemd: new
// pid, mount, uts, ipc, net and cgroup namespaces, the cgroup tree mounted
// read-write (systemd manages its own subtree), tmpfs on /run, /tmp and
// /var, the host's /usr read-only and the test binary at /libct-bin.
func systemdContainerConfig(t *testing.T, binDir string, unified bool) *configs.Config {
	t.Helper()
	base := t.TempDir()
	rootfs := filepath.Join(base, "rootfs")
	etc := filepath.Join(base, "etc")
	for _, d := range []string{"usr", "etc", "proc", "sys", "dev", "run", "tmp", "var", "libct-bin", "root"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// usrmerge: the top-level program and library directories are links
	// into /usr on the host, and so in the container.
	for _, d := range []string{"bin", "sbin", "lib", "lib64"} {
		target, err := os.Readlink("/" + d)
		if err != nil {
			t.Skipf("host /%s is not a usrmerge symlink (%v); this test only handles merged-/usr hosts", d, err)
		}
		if err := os.Symlink(target, filepath.Join(rootfs, d)); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"machine-id":                            "0123456789abcdef0123456789abcdef\n",
		"os-release":                            "ID=libct-test\nNAME=\"libcontainer systemd test\"\n",
		"passwd":                                "root:x:0:0:root:/root:/bin/sh\n",
		"group":                                 "root:x:0:\n",
		"hostname":                              "systemd-test\n",
		"systemd/system/libct-test.target":      systemdTestTarget,
		"systemd/system.conf.d/libct-test.conf": "[Manager]\nDefaultTimeoutStartSec=10s\nDefaultTimeoutStopSec=5s\n",
	}
	for name, content := range files {
		p := filepath.Join(etc, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var allowed []*devices.Rule
	allowed = append(allowed, &devices.Rule{Type: devices.WildcardDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "rwm", Allow: true})
	caps := boundingCaps(t)
	tmpfs := func(dst string) *configs.Mount {
		return &configs.Mount{Source: "tmpfs", Destination: dst, Device: "tmpfs", Flags: unix.MS_NOSUID | unix.MS_NODEV, Data: "mode=755"}
	}
	bind := func(src, dst string, ro bool) *configs.Mount {
		flags := unix.MS_BIND | unix.MS_REC
		if ro {
			flags |= unix.MS_RDONLY
		}
		return &configs.Mount{Source: src, Destination: dst, Device: "bind", Flags: flags}
	}
	cgroupMount := &configs.Mount{Source: "cgroup", Destination: "/sys/fs/cgroup", Device: "cgroup", Flags: defaultMountFlags}
	if unified {
		cgroupMount = &configs.Mount{Source: "cgroup2", Destination: "/sys/fs/cgroup", Device: "cgroup2", Flags: defaultMountFlags}
	}
	return &configs.Config{
		Rootfs: rootfs,
		Capabilities: &configs.Capabilities{
			Bounding: caps, Effective: caps, Permitted: caps,
		},
		Namespaces: configs.Namespaces{
			{Type: configs.NEWNS}, {Type: configs.NEWUTS}, {Type: configs.NEWIPC},
			{Type: configs.NEWPID}, {Type: configs.NEWNET}, {Type: configs.NEWCGROUP},
		},
		Cgroups: &configs.Cgroup{
			Path:      cgroupName(t),
			Resources: &configs.Resources{Devices: allowed},
		},
		Devices:  standardDevices(),
		Hostname: "systemd-test",
		Mounts: []*configs.Mount{
			{Source: "proc", Destination: "/proc", Device: "proc", Flags: defaultMountFlags},
			{Source: "tmpfs", Destination: "/dev", Device: "tmpfs", Flags: unix.MS_NOSUID | unix.MS_STRICTATIME, Data: "mode=755"},
			{Source: "devpts", Destination: "/dev/pts", Device: "devpts", Flags: unix.MS_NOSUID | unix.MS_NOEXEC, Data: "newinstance,ptmxmode=0666,mode=0620,gid=5"},
			{Source: "mqueue", Destination: "/dev/mqueue", Device: "mqueue", Flags: defaultMountFlags},
			{Source: "shm", Destination: "/dev/shm", Device: "tmpfs", Flags: defaultMountFlags, Data: "mode=1777,size=65536k"},
			{Source: "sysfs", Destination: "/sys", Device: "sysfs", Flags: defaultMountFlags | unix.MS_RDONLY},
			cgroupMount,
			bind("/usr", "/usr", true),
			bind(etc, "/etc", false),
			bind(binDir, "/libct-bin", true),
			tmpfs("/run"), tmpfs("/tmp"), tmpfs("/var"),
		},
		Networks: []*configs.Network{{Type: "loopback", Address: "127.0.0.1/0", Gateway: "localhost"}},
	}
}

// standardDevices are the device nodes every container gets.
func standardDevices() []*devices.Device {
	var devs []*devices.Device
	for _, d := range []struct {
		path         string
		major, minor int64
	}{
		{"/dev/null", 1, 3}, {"/dev/zero", 1, 5}, {"/dev/full", 1, 7},
		{"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
	} {
		devs = append(devs, &devices.Device{
			Rule:     devices.Rule{Type: devices.CharDevice, Major: d.major, Minor: d.minor, Permissions: "rwm", Allow: true},
			Path:     d.path,
			FileMode: 0o666,
		})
	}
	return devs
}

// boundingCaps lists, as CAP_ names, every capability this process may
// pass on (its bounding set), so systemd gets all that the host allows.
func boundingCaps(t *testing.T) []string {
	t.Helper()
	c, err := capability.NewPid2(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Load(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, cp := range capability.List() {
		if cp > capability.CAP_LAST_CAP || !c.Get(capability.BOUNDING, cp) {
			continue
		}
		names = append(names, "CAP_"+strings.ToUpper(cp.String()))
	}
	return names
}

// waitForSystemd waits until the container's systemd (host pid) has
// finished starting up: its private bus socket exists and
// /run/systemd/system says it is the init system.
func waitForSystemd(t *testing.T, pid int, log func() string) {
	t.Helper()
	root := "/proc/" + strconv.Itoa(pid) + "/root"
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, errSock := os.Stat(root + "/run/systemd/private")
		_, errDir := os.Stat(root + "/run/systemd/system")
		if errSock == nil && errDir == nil {
			return
		}
		if err := unix.Kill(pid, 0); err != nil {
			t.Fatalf("systemd exited before it was up (%v); its output:\n%s", err, log())
		}
		if time.Now().After(deadline) {
			t.Fatalf("systemd not up after 20s (private socket: %v, /run/systemd/system: %v); its output:\n%s",
				errSock, errDir, log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lockedBuffer is a bytes.Buffer safe for the concurrent writers of a
// container process's stdout and stderr.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
