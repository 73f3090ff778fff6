package integration

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
	"github.com/b7f961b7/libcontainer/specconv"
)

const defaultMountFlags = unix.MS_NOEXEC | unix.MS_NOSUID | unix.MS_NODEV

// requireRoot skips tests that need real namespaces, mounts and cgroups.
func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates namespaces, mounts and cgroups")
	}
}

var (
	rootfsOnce sync.Once
	rootfsDir  string
	rootfsErr  error
)

// templateRootfs returns the busybox rootfs built by scripts/mkrootfs.sh
// (or named by LIBCONTAINER_TEST_ROOTFS), building it on first use.
func templateRootfs(t testing.TB) string {
	t.Helper()
	rootfsOnce.Do(func() {
		if dir := os.Getenv("LIBCONTAINER_TEST_ROOTFS"); dir != "" {
			rootfsDir = dir
			return
		}
		repo, err := filepath.Abs("..")
		if err != nil {
			rootfsErr = err
			return
		}
		rootfsDir = filepath.Join(repo, ".cache", "rootfs")
		if _, err := os.Stat(filepath.Join(rootfsDir, "bin", "busybox")); err == nil {
			return
		}
		out, err := exec.Command("bash", filepath.Join(repo, "scripts", "mkrootfs.sh"), rootfsDir).CombinedOutput()
		if err != nil {
			rootfsErr = errors.New("mkrootfs.sh: " + err.Error() + ": " + string(out))
		}
	})
	if rootfsErr != nil {
		t.Fatalf("test rootfs: %v", rootfsErr)
	}
	return rootfsDir
}

// newRootfs copies the template rootfs into a temp dir of the test.
func newRootfs(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rootfs")
	if out, err := exec.Command("cp", "-a", templateRootfs(t), dir).CombinedOutput(); err != nil {
		t.Fatalf("copy rootfs: %v: %s", err, out)
	}
	return dir
}

// cgroupName gives each test its own cgroup path.
func cgroupName(t testing.TB) string {
	return "/libct-test/" + strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
}

// newTemplateConfig is a typical container: its own rootfs copy, new mount,
// uts, ipc, pid and net namespaces, the usual mounts and devices, the
// default capabilities, a cgroup of its own.
func newTemplateConfig(t testing.TB) *configs.Config {
	t.Helper()
	var allowed []*devices.Rule
	var devs []*devices.Device
	for _, d := range specconv.AllowedDevices {
		allowed = append(allowed, &d.Rule)
		if d.Path != "" {
			devs = append(devs, d)
		}
	}
	caps := []string{
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
		"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
		"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
	}
	return &configs.Config{
		Rootfs: newRootfs(t),
		Capabilities: &configs.Capabilities{
			Bounding: caps, Effective: caps, Permitted: caps,
		},
		Namespaces: configs.Namespaces{
			{Type: configs.NEWNS}, {Type: configs.NEWUTS}, {Type: configs.NEWIPC},
			{Type: configs.NEWPID}, {Type: configs.NEWNET},
		},
		Cgroups: &configs.Cgroup{
			Path:      cgroupName(t),
			Resources: &configs.Resources{Devices: allowed},
		},
		MaskPaths:     []string{"/proc/kcore", "/sys/firmware"},
		ReadonlyPaths: []string{"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"},
		Devices:       devs,
		Hostname:      "integration",
		Mounts: []*configs.Mount{
			{Source: "proc", Destination: "/proc", Device: "proc", Flags: defaultMountFlags},
			{Source: "tmpfs", Destination: "/dev", Device: "tmpfs", Flags: unix.MS_NOSUID | unix.MS_STRICTATIME, Data: "mode=755"},
			{Source: "devpts", Destination: "/dev/pts", Device: "devpts", Flags: unix.MS_NOSUID | unix.MS_NOEXEC, Data: "newinstance,ptmxmode=0666,mode=0620,gid=5"},
			{Source: "mqueue", Destination: "/dev/mqueue", Device: "mqueue", Flags: defaultMountFlags},
			{Source: "shm", Destination: "/dev/shm", Device: "tmpfs", Flags: defaultMountFlags, Data: "mode=1777,size=65536k"},
			{Source: "sysfs", Destination: "/sys", Device: "sysfs", Flags: defaultMountFlags | unix.MS_RDONLY},
		},
		Networks: []*configs.Network{{Type: "loopback", Address: "127.0.0.1/0", Gateway: "localhost"}},
		Rlimits:  []configs.Rlimit{{Type: unix.RLIMIT_NOFILE, Hard: 1025, Soft: 1025}},
	}
}

// newFactory returns a factory with a state root in a temp dir.
func newFactory(t testing.TB) libcontainer.Factory {
	t.Helper()
	f, err := libcontainer.New(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// newContainer creates a container and destroys it when the test ends.
func newContainer(t testing.TB, config *configs.Config) libcontainer.Container {
	t.Helper()
	c, err := newFactory(t).Create(containerID(t), config)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { destroyContainer(t, c) })
	return c
}

// containerID derives a valid container id from the test name.
func containerID(t testing.TB) string {
	id := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		}
		return '_'
	}, t.Name())
	if len(id) > 200 {
		id = id[len(id)-200:]
	}
	return id
}

// destroyContainer kills whatever runs and removes the container.
func destroyContainer(t testing.TB, c libcontainer.Container) {
	t.Helper()
	_ = c.Signal(unix.SIGKILL, true)
	if st, _ := c.Status(); st == libcontainer.Paused {
		_ = c.Resume()
	}
	_ = c.Signal(unix.SIGKILL, false)
	for i := 0; i < 100; i++ {
		if st, _ := c.Status(); st == libcontainer.Stopped || st == libcontainer.Created {
			break
		}
		waitABit()
	}
	if err := c.Destroy(); err != nil {
		t.Errorf("destroy: %v", err)
	}
}

// runResult is what a finished container process left.
type runResult struct {
	Stdout, Stderr string
	ExitCode       int
}

// runContainer runs args as the init of a new container, waits for it and
// destroys the container. The error is from Run; a failed exit is in the
// result.
func runContainer(t testing.TB, config *configs.Config, args ...string) (runResult, error) {
	t.Helper()
	c, err := newFactory(t).Create(containerID(t), config)
	if err != nil {
		return runResult{}, err
	}
	defer destroyContainer(t, c)
	var stdout, stderr bytes.Buffer
	p := &libcontainer.Process{
		Args:   args,
		Env:    standardEnvironment,
		Stdin:  nil,
		Stdout: &stdout,
		Stderr: &stderr,
		Init:   true,
	}
	if err := c.Run(p); err != nil {
		return runResult{Stdout: stdout.String(), Stderr: stderr.String()}, err
	}
	ps, err := p.Wait()
	res := runResult{Stdout: stdout.String(), Stderr: stderr.String()}
	if ps != nil {
		res.ExitCode = ps.ExitCode()
		if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.ExitCode = 128 + int(ws.Signal())
		}
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return res, err
	}
	return res, nil
}

// mustRun is runContainer for a process expected to exit 0.
func mustRun(t testing.TB, config *configs.Config, args ...string) string {
	t.Helper()
	res, err := runContainer(t, config, args...)
	if err != nil {
		t.Fatalf("run %v: %v (stderr: %s)", args, err, res.Stderr)
	}
	if res.ExitCode != 0 {
		t.Fatalf("run %v: exit %d, stdout %q, stderr %q", args, res.ExitCode, res.Stdout, res.Stderr)
	}
	return res.Stdout
}

var standardEnvironment = []string{
	"HOME=/root",
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOSTNAME=integration",
	"TERM=xterm",
}

// stateLeftBeyondStateJSON lists what a container's state directory holds
// besides state.json, which a created container has from Create on (so
// that any process can Load and Destroy it).
func stateLeftBeyondStateJSON(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		if e.Name() != "state.json" {
			left = append(left, e.Name())
		}
	}
	return left
}

// hostMounts returns the host's mount table as this test can judge it: the
// mount points other test packages, running in parallel, make under their
// own temp dirs are left out; this test's temp dirs and everything outside
// the temp dir stay in.
func hostMounts(t *testing.T) string {
	t.Helper()
	own := filepath.Dir(t.TempDir()) + "/"
	tmp := filepath.Clean(os.TempDir()) + "/"
	var keep []string
	for _, line := range strings.Split(readFile(t, "/proc/self/mountinfo"), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		mp := f[4]
		if strings.HasPrefix(mp+"/", tmp) && !strings.HasPrefix(mp+"/", own) {
			continue
		}
		keep = append(keep, strings.Join(f[4:], " "))
	}
	return strings.Join(keep, "\n")
}
