package integration

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/apparmor"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/configs/validate"
	"github.com/b7f961b7/libcontainer/selinux"
	"github.com/b7f961b7/libcontainer/specconv"
)

// Regression tests for the escapes of
// /work/shared/reference/security-cases.md that are not about mounts
// (those are in security_mounts_test.go). Each attacks from inside a real
// container with the probe binary (testdata/probe) and checks, besides
// the attack's own outcome, the host-side oracles that apply:
//
//	O2 the test process's mount table is unchanged,
//	O3 the test binary (the runtime's /proc/self/exe) is unchanged,
//	O4 the test process's fd table is unchanged,
//	O5 the container's cgroup is gone,
//	O6 no child of the test process is left running.

var (
	probeOnce sync.Once
	probePath string
	probeErr  error
)

// probeBinary builds testdata/probe as a static binary once per test
// binary, into .cache/probe next to the test rootfs.
func probeBinary(t testing.TB) string {
	t.Helper()
	probeOnce.Do(func() {
		repo, err := filepath.Abs("..")
		if err != nil {
			probeErr = err
			return
		}
		dir := filepath.Join(repo, ".cache", "probe")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			probeErr = err
			return
		}
		tmp := filepath.Join(dir, fmt.Sprintf("probe.%d", os.Getpid()))
		cmd := exec.Command("go", "build", "-trimpath", "-o", tmp, "./testdata/probe")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			os.Remove(tmp)
			probeErr = fmt.Errorf("build probe: %v: %s", err, out)
			return
		}
		probePath = filepath.Join(dir, "probe")
		probeErr = os.Rename(tmp, probePath)
	})
	if probeErr != nil {
		t.Fatalf("probe binary: %v", probeErr)
	}
	return probePath
}

// addProbe puts the probe binary at /probe in rootfs.
func addProbe(t testing.TB, rootfs string) {
	t.Helper()
	src, err := os.ReadFile(probeBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "probe"), src, 0o755); err != nil {
		t.Fatal(err)
	}
}

// probeConfig is the template config with the probe in its rootfs.
func probeConfig(t testing.TB) *configs.Config {
	t.Helper()
	cfg := newTemplateConfig(t)
	addProbe(t, cfg.Rootfs)
	return cfg
}

// testBinaryHash returns the sha256 of the running test binary, which is
// what the library re-executes as the container init.
func testBinaryHash(t testing.TB) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// hostFdTable lists the test process's fds with their targets.
func hostFdTable(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var fds []string
	for _, e := range entries {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue // the directory listing itself, closed by now
		}
		fds = append(fds, e.Name()+" -> "+target)
	}
	slices.Sort(fds)
	return fds
}

// liveTestChildren lists the test process's children that have not exited.
func liveTestChildren(t testing.TB) []string {
	t.Helper()
	self := strconv.Itoa(os.Getpid())
	matches, _ := filepath.Glob("/proc/[0-9]*/stat")
	var kids []string
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) > 1 && f[1] == self && f[0] != "Z" && f[0] != "X" {
			kids = append(kids, s[:i+1])
		}
	}
	return kids
}

var secWarmOnce sync.Once

// warmUpOnce runs one container so that what the library opens once per
// process (the sealed copy of the binary, Go's poller) exists before a
// test takes its fd snapshot.
func warmUpOnce(t *testing.T) {
	t.Helper()
	secWarmOnce.Do(func() {
		cfg := newTemplateConfig(t)
		res, err := runContainer(t, cfg, "true")
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("warm-up container: %v %+v", err, res)
		}
	})
}

// watchHostOracles records the host-side oracles O2, O3, O4 now and checks them,
// with O5 for cfg's cgroup and O6, when the test ends. Call it before the
// container is created, so that the check runs after its destruction.
func watchHostOracles(t *testing.T, cfg *configs.Config) {
	t.Helper()
	warmUpOnce(t)
	mounts := hostMounts(t)
	hash := testBinaryHash(t)
	fds := hostFdTable(t)
	t.Cleanup(func() {
		if after := hostMounts(t); after != mounts {
			t.Errorf("O2: the host mount table changed")
		}
		if after := testBinaryHash(t); after != hash {
			t.Errorf("O3: the runtime binary changed: sha256 %s, was %s", after, hash)
		}
		if after := hostFdTable(t); !slices.Equal(sealedCopyAnyFd(after), sealedCopyAnyFd(fds)) {
			t.Errorf("O4: the test process's fds changed:\nbefore %q\nafter  %q", fds, after)
		}
		if cfg != nil {
			assertNoCgroup(t, cfg)
		}
		if kids := liveTestChildren(t); len(kids) > 0 {
			t.Errorf("O6: processes left behind: %q", kids)
		}
	})
}

// sealedCopyAnyFd names the library's sealed copy of the binary by what
// it is, not by its fd number: the library replaces the copy (same count,
// new fd) when a container holds the old one open for writing.
func sealedCopyAnyFd(fds []string) []string {
	out := make([]string, 0, len(fds))
	for _, f := range fds {
		if strings.HasSuffix(f, "/memfd:libcontainer-init (deleted)") {
			f = "sealed init copy"
		}
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// lines parses "key: value" output lines into a map (the last one wins)
// and also returns them in order.
func probeLines(out string) (map[string]string, []string) {
	m := map[string]string{}
	var all []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		all = append(all, l)
		if k, v, ok := strings.Cut(l, ": "); ok {
			m[k] = v
		}
	}
	return m, all
}

// secRunWithStdout runs p in c with its stdout on a pipe and returns a
// reader of it; the pipe is closed at the end of the test.
func secRunWithStdout(t *testing.T, c libcontainer.Container, p *libcontainer.Process) *bufio.Reader {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	p.Stdout = w
	if p.Stderr == nil {
		p.Stderr = os.Stderr
	}
	err = c.Run(p)
	w.Close()
	if err != nil {
		t.Fatalf("run %v: %v", p.Args, err)
	}
	return bufio.NewReader(r)
}

// expectProbeLine reads the next line of r and fails unless it is want.
func expectProbeLine(t *testing.T, r *bufio.Reader, want string) {
	t.Helper()
	got, err := r.ReadString('\n')
	if err != nil || strings.TrimSpace(got) != want {
		t.Fatalf("read %q, %v; want %q", got, err, want)
	}
}

// secExec runs args in the running container c and returns its stdout;
// it must exit 0.
func secExec(t *testing.T, c libcontainer.Container, p *libcontainer.Process) string {
	t.Helper()
	var out, errOut bytes.Buffer
	p.Stdout, p.Stderr = &out, &errOut
	if p.Env == nil {
		p.Env = standardEnvironment
	}
	if err := c.Run(p); err != nil {
		t.Fatalf("exec %v: %v", p.Args, err)
	}
	if _, err := p.Wait(); err != nil {
		t.Fatalf("exec %v: %v (stdout %q, stderr %q)", p.Args, err, out.String(), errOut.String())
	}
	return out.String()
}

// TestLandlockConfinesWrites checks the optional Landlock ruleset
// (configs.Landlock, beyond the runtime-spec): a container process may
// write only beneath the paths a rule grants write on, as an init and as a
// joining process, also when a seccomp notify filter makes the init
// enforce its guards before it writes the exec fifo.
func TestLandlockConfinesWrites(t *testing.T) {
	requireRoot(t)
	script := "/probe write /tmp/allowed; /probe write /etc/denied; /probe write /root/denied"
	want := map[string]string{
		"write /tmp/allowed": "ok",
		"write /etc/denied":  "EACCES",
		"write /root/denied": "EACCES",
	}
	check := func(t *testing.T, rootfs, out string) {
		t.Helper()
		got, _ := probeLines(out)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %q, want %q (output %q)", k, got[k], v, out)
			}
		}
		if _, err := os.Stat(filepath.Join(rootfs, "etc/denied")); err == nil {
			t.Error("the denied file exists in the rootfs")
		}
	}
	for _, notify := range []bool{false, true} {
		name := "an init and a joining process"
		if notify {
			name += ", with a seccomp notify filter"
		}
		t.Run(name+" write only where a rule allows", func(t *testing.T) {
			cfg := probeConfig(t)
			cfg.Landlock = &configs.Landlock{
				BestEffort: true,
				Rules: []configs.LandlockRule{
					{Path: "/", Access: []string{configs.LandlockRead, configs.LandlockExec}},
					{Path: "/tmp", Access: []string{configs.LandlockRead, configs.LandlockWrite}},
				},
			}
			if notify {
				agent := newNotifyListener(t)
				cfg.NoNewPrivileges = true
				cfg.Seccomp = allowDefault(&configs.Syscall{Name: "getppid", Action: configs.Notify})
				cfg.Seccomp.ListenerPath = agent.path
			}
			watchHostOracles(t, cfg)
			c := newContainer(t, cfg)
			init := &libcontainer.Process{Args: []string{"sh", "-c", script + "; /probe sleep"}, Env: standardEnvironment, Init: true}
			r := secRunWithStdout(t, c, init)
			var out strings.Builder
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					t.Fatalf("init output %q: %v", out.String(), err)
				}
				if strings.TrimSpace(line) == "ready" {
					break
				}
				out.WriteString(line)
			}
			check(t, cfg.Rootfs, out.String())
			if err := os.Remove(filepath.Join(cfg.Rootfs, "tmp/allowed")); err != nil {
				t.Fatal(err)
			}
			check(t, cfg.Rootfs, secExec(t, c, &libcontainer.Process{Args: []string{"sh", "-c", script}}))
		})
	}
}

// When TestSealedInitBinaryCannotBeOverwritten execs a "#!/proc/self/exe"
// script in a container, the kernel runs this binary (the runtime the
// attacker hopes to grab) there as "/proc/self/exe <script>": stay a
// moment, long enough for the attacker to open /proc/<pid>/exe, and exit.
func init() {
	if len(os.Args) > 1 && os.Args[0] == "/proc/self/exe" && os.Args[1] != "init" {
		time.Sleep(100 * time.Millisecond)
		os.Exit(0)
	}
}

// TestSealedInitBinary covers CVE-2019-5736 (a) and H1: a container's init
// runs from a sealed memfd copy of the runtime binary, never from the
// binary itself, and every container of the process shares one copy.
func TestSealedInitBinary(t *testing.T) {
	requireRoot(t)
	watchHostOracles(t, nil)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var inits []int
	for i := 0; i < 2; i++ {
		cfg := newTemplateConfig(t)
		cfg.Cgroups.Path += strconv.Itoa(i)
		t.Cleanup(func() { assertNoCgroup(t, cfg) })
		c, err := newFactory(t).Create(fmt.Sprintf("%s-%d", containerID(t), i), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { destroyContainer(t, c) })
		// Created: the init waits, still running the runtime binary.
		if err := c.Start(&libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Init: true}); err != nil {
			t.Fatal(err)
		}
		st, err := c.State()
		if err != nil {
			t.Fatal(err)
		}
		inits = append(inits, st.InitProcessPid)
	}
	var first unix.Stat_t
	for i, pid := range inits {
		path := fmt.Sprintf("/proc/%d/exe", pid)
		target, err := os.Readlink(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(target, "/memfd:") || target == exe {
			t.Errorf("init %d runs %q, want a memfd copy, never %s", pid, target, exe)
		}
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			f.Close()
			t.Errorf("init %d: its binary opens for writing", pid)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		seals, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
		var st unix.Stat_t
		if err == nil {
			err = unix.Fstat(int(f.Fd()), &st)
		}
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE; seals&want != want {
			t.Errorf("init %d: seals %#x, want at least %#x", pid, seals, want)
		}
		if i == 0 {
			first = st
		} else if st.Dev != first.Dev || st.Ino != first.Ino {
			t.Errorf("the two inits run different copies of the binary: a copy is made per container")
		}
	}
	copies := 0
	for _, fd := range hostFdTable(t) {
		if strings.Contains(fd, "memfd:libcontainer-init") {
			copies++
		}
	}
	if copies != 1 {
		t.Errorf("the test process holds %d sealed copies of its binary, want 1", copies)
	}
}

// hostLibMounts gives cfg the host's library directories (/lib, /lib64,
// /usr/lib, /usr/lib64 as the host has them: the same symlinks, read-only
// bind mounts of the directories), so that a copy of the dynamically
// linked test binary can run in the container.
func hostLibMounts(t *testing.T, cfg *configs.Config) {
	t.Helper()
	for _, dir := range []string{"/lib", "/lib64", "/usr/lib", "/usr/lib64"} {
		st, err := os.Lstat(dir)
		if err != nil {
			continue
		}
		inRoot := filepath.Join(cfg.Rootfs, dir)
		if st.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, inRoot); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(inRoot, 0o755); err != nil {
			t.Fatal(err)
		}
		cfg.Mounts = append(cfg.Mounts, &configs.Mount{
			Source: dir, Destination: dir, Device: "bind",
			Flags: unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY,
		})
	}
}

// TestSealedInitBinaryCannotBeOverwritten is the CVE-2019-5736 exploit
// (b): the container replaces /bin/sh with "#!/proc/self/exe", so that a
// process the host execs as /bin/sh turns into the runtime binary inside
// the container; the init grabs /proc/<pid>/exe of every new process and
// tries to write through it. It only ever reaches the sealed copy, never
// the host binary (O3).
func TestSealedInitBinaryCannotBeOverwritten(t *testing.T) {
	requireRoot(t)
	cfg := probeConfig(t)
	hostLibMounts(t, cfg)
	sh := filepath.Join(cfg.Rootfs, "bin", "sh")
	if err := os.Remove(sh); err != nil {
		t.Fatal(err)
	}
	writeFile(t, sh, "#!/proc/self/exe\n")
	if err := os.Chmod(sh, 0o755); err != nil {
		t.Fatal(err)
	}
	watchHostOracles(t, cfg)
	c := newContainer(t, cfg)
	init := &libcontainer.Process{Args: []string{"/probe", "grab-exe", "20s"}, Env: standardEnvironment, Init: true}
	r := secRunWithStdout(t, c, init)
	expectProbeLine(t, r, "ready")
	for i := 0; i < 10; i++ {
		p := &libcontainer.Process{Args: []string{"/bin/sh"}, Env: standardEnvironment, Stderr: os.Stderr}
		if err := c.Run(p); err != nil {
			t.Fatalf("exec %d: %v", i, err)
		}
		if _, err := p.Wait(); err != nil {
			t.Fatalf("exec %d: %v", i, err)
		}
	}
	if err := c.Signal(unix.SIGUSR1, false); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	if _, err := init.Wait(); err != nil {
		t.Fatalf("probe: %v", err)
	}
	t.Logf("probe:\n%s", rest)
	_, all := probeLines(string(rest))
	grabbed := 0
	for _, l := range all {
		switch {
		case strings.HasPrefix(l, "grabbed "):
			target, n, _ := strings.Cut(strings.TrimPrefix(l, "grabbed "), ": ")
			if !strings.HasPrefix(target, "/memfd:libcontainer-init") {
				t.Errorf("the container grabbed %q, not the sealed copy", target)
			}
			k, _ := strconv.Atoi(n)
			grabbed += k
		case strings.HasPrefix(l, "opened ") && !strings.HasSuffix(l, "write EPERM"):
			t.Errorf("a write through a grabbed exe did not fail with EPERM: %s", l)
		}
	}
	if grabbed == 0 {
		t.Fatalf("the probe grabbed no runtime process; the exploit did not run (output %q)", rest)
	}
}

// usernsProbeConfig is the probe config in a user namespace (container
// ids 0..65535 are host ids 100000..), its rootfs owned by the container's
// ids, with caps (the template's plus extra) in every set.
func usernsProbeConfig(t *testing.T, extra ...string) *configs.Config {
	t.Helper()
	cfg := probeConfig(t)
	maps := []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUSER})
	cfg.UidMappings, cfg.GidMappings = maps, maps
	shiftOwnership(t, cfg.Rootfs, maps)
	makeReachable(t, cfg.Rootfs)
	caps := append(slices.Clone(cfg.Capabilities.Bounding), extra...)
	cfg.Capabilities = &configs.Capabilities{Bounding: caps, Effective: caps, Permitted: caps}
	return cfg
}

// checkAttackFailed fails the test for every attack line of the probe
// that succeeded, and when the probe attacked nothing.
func checkAttackFailed(t *testing.T, out string) {
	t.Helper()
	_, all := probeLines(out)
	attempts := 0
	for _, l := range all {
		k, v, ok := strings.Cut(l, ": ")
		if !ok || k == "held" || k == "fd-list" {
			continue
		}
		attempts++
		if v == "ok" || strings.HasPrefix(v, "ok ") {
			t.Errorf("attack %q succeeded: %s", k, v)
		}
	}
	if attempts == 0 {
		t.Fatalf("the probe attacked nothing: %q", out)
	}
}

// TestHeldProcessesCannotBeAttacked covers CVE-2016-9962 and H9: while a
// container process still runs the runtime binary and holds host fds
// (an init in the created state, a process joining the container held in
// its user lookup right before execve), the container's other processes,
// root with the container's capabilities, can neither ptrace it nor read
// its environment, memory, fds, exe, cwd or root. In a user namespace the
// attacker even has CAP_SYS_PTRACE there: only the helper's not being
// dumpable stops it. The attacked process then goes on normally.
func TestHeldProcessesCannotBeAttacked(t *testing.T) {
	requireRoot(t)
	configsUnderTest := []struct {
		name string
		make func(t *testing.T) *configs.Config
	}{
		{"without a user namespace", func(t *testing.T) *configs.Config { return probeConfig(t) }},
		{"in a user namespace with CAP_SYS_PTRACE", func(t *testing.T) *configs.Config { return usernsProbeConfig(t, "CAP_SYS_PTRACE") }},
	}
	for _, cc := range configsUnderTest {
		t.Run("the init of a created container "+cc.name, func(t *testing.T) {
			cfg := cc.make(t)
			watchHostOracles(t, cfg)
			c := newContainer(t, cfg)
			var initOut bytes.Buffer
			init := &libcontainer.Process{Args: []string{"echo", "init ran"}, Env: standardEnvironment, Stdout: &initOut, Init: true}
			if err := c.Start(init); err != nil {
				t.Fatal(err)
			}
			checkAttackFailed(t, secExec(t, c, &libcontainer.Process{Args: []string{"/probe", "attack", "1"}}))
			if err := c.Exec(); err != nil {
				t.Fatal(err)
			}
			if _, err := init.Wait(); err != nil || initOut.String() != "init ran\n" {
				t.Fatalf("the attacked init: %v, output %q", err, initOut.String())
			}
		})
		t.Run("a process joining a container "+cc.name+", held before execve", func(t *testing.T) {
			cfg := cc.make(t)
			watchHostOracles(t, cfg)
			c := newContainer(t, cfg)
			passwd := readFile(t, filepath.Join(cfg.Rootfs, "etc/passwd"))
			init := &libcontainer.Process{Args: []string{"/probe", "hold-attack", "/etc/passwd", passwd}, Env: standardEnvironment, Init: true}
			r := secRunWithStdout(t, c, init)
			expectProbeLine(t, r, "ready")
			// Held in its user lookup (the FIFO) until the probe attacked it.
			out := secExec(t, c, &libcontainer.Process{Args: []string{"id", "-u"}})
			if strings.TrimSpace(out) != "0" {
				t.Fatalf("the attacked process printed %q, want 0", out)
			}
			var attack strings.Builder
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					t.Fatalf("probe output %q: %v", attack.String(), err)
				}
				if strings.TrimSpace(line) == "released" {
					break
				}
				attack.WriteString(line)
			}
			if !strings.HasPrefix(attack.String(), "held: 1\n") {
				t.Fatalf("the probe did not find exactly the held process: %q", attack.String())
			}
			checkAttackFailed(t, attack.String())
		})
	}
}

// fdNumbers returns the fd numbers of the probe's "fds" output and the
// whole "N -> target" lines.
func fdNumbers(t *testing.T, out string) ([]int, []string) {
	t.Helper()
	var nums []int
	var all []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		n, _, ok := strings.Cut(l, " -> ")
		fd, err := strconv.Atoi(n)
		if !ok || err != nil {
			t.Fatalf("bad fds line %q in %q", l, out)
		}
		nums = append(nums, fd)
		all = append(all, l)
	}
	return nums, all
}

// TestNoHostFdReachesTheContainer covers CVE-2024-21626 (b) and H2: a
// host fd the caller left open without O_CLOEXEC reaches neither the
// runtime's container processes nor the programs they exec; a program sees
// exactly stdio and the ExtraFiles it was given, as an init and as a
// process joining the container.
func TestNoHostFdReachesTheContainer(t *testing.T) {
	requireRoot(t)
	leak, err := unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY, 0) // no O_CLOEXEC, on purpose
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(leak) })
	var leaked unix.Stat_t
	if err := unix.Fstat(leak, &leaked); err != nil {
		t.Fatal(err)
	}
	cfg := probeConfig(t)
	watchHostOracles(t, cfg)
	extra, err := os.CreateTemp(t.TempDir(), "extra")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { extra.Close() })

	c := newContainer(t, cfg)
	var initOut bytes.Buffer
	init := &libcontainer.Process{Args: []string{"/probe", "fds"}, Env: standardEnvironment, Stdout: &initOut, Init: true}
	if err := c.Start(init); err != nil {
		t.Fatal(err)
	}
	t.Run("the created init holds no host fd", func(t *testing.T) {
		st, err := c.State()
		if err != nil {
			t.Fatal(err)
		}
		var root unix.Stat_t
		if err := unix.Stat(cfg.Rootfs, &root); err != nil {
			t.Fatal(err)
		}
		dir := fmt.Sprintf("/proc/%d/fd", st.InitProcessPid)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			var fst unix.Stat_t
			if err := unix.Stat(filepath.Join(dir, e.Name()), &fst); err != nil {
				continue // an anonymous inode or a socket
			}
			target, _ := os.Readlink(filepath.Join(dir, e.Name()))
			if fst.Dev == leaked.Dev && fst.Ino == leaked.Ino {
				t.Errorf("the init holds the caller's leaked fd as fd %s (%s)", e.Name(), target)
			}
			if fst.Mode&unix.S_IFMT == unix.S_IFDIR && (fst.Dev != root.Dev || fst.Ino != root.Ino) && !onProcfs(t, filepath.Join(dir, e.Name())) {
				t.Errorf("the init holds a directory other than its root or its procfs handle as fd %s (%s)", e.Name(), target)
			}
		}
	})
	if err := c.Exec(); err != nil {
		t.Fatal(err)
	}
	if _, err := init.Wait(); err != nil {
		t.Fatalf("init: %v", err)
	}
	if nums, all := fdNumbers(t, initOut.String()); !slices.Equal(nums, []int{0, 1, 2}) {
		t.Errorf("the init's program has fds %q, want only 0, 1, 2", all)
	}

	c2, _ := startLongRunning(t, cfg, "sleep", "1000")
	for _, tc := range []struct {
		name  string
		extra []*os.File
		want  []int
	}{
		{"a joining process gets stdio only", nil, []int{0, 1, 2}},
		{"a joining process gets stdio and its ExtraFiles", []*os.File{extra}, []int{0, 1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := secExec(t, c2, &libcontainer.Process{Args: []string{"/probe", "fds"}, ExtraFiles: tc.extra})
			nums, all := fdNumbers(t, out)
			if !slices.Equal(nums, tc.want) {
				t.Fatalf("fds %q, want %v", all, tc.want)
			}
			if len(tc.extra) > 0 && !strings.HasSuffix(all[3], filepath.Base(extra.Name())) {
				t.Fatalf("fd 3 is %q, want the extra file %s", all[3], extra.Name())
			}
		})
	}
}

// cwdInsideRootfs checks the probe's getcwd output: the kernel reports an
// absolute path, and it names the very directory "." is, in the rootfs.
func cwdInsideRootfs(t *testing.T, rootfs, out string) {
	t.Helper()
	got, _ := probeLines(out)
	wd, stat := got["getcwd"], got["stat"]
	if !strings.HasPrefix(wd, "/") || strings.Contains(wd, "unreachable") {
		t.Fatalf("the process runs in %q, outside the container's root (%q)", wd, out)
	}
	var st unix.Stat_t
	if err := unix.Stat(filepath.Join(rootfs, wd), &st); err != nil {
		t.Fatalf("cwd %q: %v", wd, err)
	}
	if want := fmt.Sprintf("%d:%d", st.Dev, st.Ino); stat != want {
		t.Fatalf("cwd %q is %s, but %s in the rootfs is %s", wd, stat, wd, want)
	}
}

// TestCwdAndArgsThroughProcFdStayInside covers CVE-2024-21626 (a), (c)
// and (d): a working directory or a program reached through
// /proc/self/fd/N of the runtime's own fds never leads out of the
// container. Each attempt fails or lands inside the rootfs.
func TestCwdAndArgsThroughProcFdStayInside(t *testing.T) {
	requireRoot(t)
	t.Run("an init's cwd /proc/self/fd/N", func(t *testing.T) {
		for n := 3; n <= 20; n++ {
			cfg := probeConfig(t)
			cfg.Cgroups.Path += strconv.Itoa(n)
			c, err := newFactory(t).Create(fmt.Sprintf("%s-%d", containerID(t), n), cfg)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			p := &libcontainer.Process{Args: []string{"/probe", "getcwd"}, Env: standardEnvironment, Cwd: fmt.Sprintf("/proc/self/fd/%d", n), Stdout: &out, Init: true}
			err = c.Run(p)
			t.Logf("fd %d: %v", n, err)
			if err == nil {
				if _, err := p.Wait(); err != nil {
					t.Fatalf("fd %d: %v", n, err)
				}
				cwdInsideRootfs(t, cfg.Rootfs, out.String())
			}
			destroyContainer(t, c)
			assertNoCgroup(t, cfg)
		}
	})
	cfg := probeConfig(t)
	watchHostOracles(t, cfg)
	c, _ := startLongRunning(t, cfg)
	t.Run("a joining process's cwd /proc/self/fd/N", func(t *testing.T) {
		for n := 3; n <= 20; n++ {
			var out bytes.Buffer
			p := &libcontainer.Process{Args: []string{"/probe", "getcwd"}, Env: standardEnvironment, Cwd: fmt.Sprintf("/proc/self/fd/%d", n), Stdout: &out}
			if err := c.Run(p); err == nil {
				if _, err := p.Wait(); err != nil {
					t.Fatalf("fd %d: %v", n, err)
				}
				cwdInsideRootfs(t, cfg.Rootfs, out.String())
			}
		}
	})
	t.Run("a cwd the container made a symlink to /proc/self/fd/N", func(t *testing.T) {
		for n := 3; n <= 10; n++ {
			link := fmt.Sprintf("/w%d", n)
			secExec(t, c, &libcontainer.Process{Args: []string{"ln", "-s", fmt.Sprintf("/proc/self/fd/%d", n), link}})
			var out bytes.Buffer
			p := &libcontainer.Process{Args: []string{"/probe", "getcwd"}, Env: standardEnvironment, Cwd: link, Stdout: &out}
			if err := c.Run(p); err == nil {
				if _, err := p.Wait(); err != nil {
					t.Fatalf("fd %d: %v", n, err)
				}
				cwdInsideRootfs(t, cfg.Rootfs, out.String())
			}
		}
	})
	t.Run("a program /proc/self/fd/N is refused", func(t *testing.T) {
		for n := 3; n <= 10; n++ {
			prog := fmt.Sprintf("/proc/self/fd/%d", n)
			p := &libcontainer.Process{Args: []string{prog}, Env: standardEnvironment}
			if err := c.Run(p); !errors.Is(err, libcontainer.ErrInit) {
				_, _ = p.Wait()
				t.Errorf("exec %s: %v, want a refusal", prog, err)
			}
			icfg := probeConfig(t)
			icfg.Cgroups.Path += "-prog" + strconv.Itoa(n)
			if _, err := runContainer(t, icfg, prog); err == nil {
				t.Errorf("init %s started", prog)
			}
			assertNoCgroup(t, icfg)
		}
	})
}

// onProcfs reports whether path (followed) is on a procfs.
func onProcfs(t *testing.T, path string) bool {
	t.Helper()
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		t.Fatalf("statfs %s: %v", path, err)
	}
	return fs.Type == unix.PROC_SUPER_MAGIC
}

// TestNumericUserIsAnID covers CVE-2016-3697: a numeric user is an id,
// even when the image's /etc/passwd has a user of that name with uid 0.
func TestNumericUserIsAnID(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	appendFile(t, filepath.Join(cfg.Rootfs, "etc/passwd"), "1000:x:0:0::/:/bin/sh\n")
	watchHostOracles(t, cfg)
	c, _ := startLongRunning(t, cfg)
	for _, user := range []string{"1000", "1000:1000"} {
		t.Run("user "+user+" runs as uid and gid 1000, never root", func(t *testing.T) {
			out := secExec(t, c, &libcontainer.Process{Args: []string{"sh", "-c", "id -u; id -g"}, User: user})
			if got := strings.Fields(out); !slices.Equal(got, []string{"1000", "1000"}) {
				t.Fatalf("uid, gid %q, want 1000 1000", got)
			}
		})
	}
}

// TestSessionKeyringIsPrivate covers H14: every container process gets a
// new session keyring named for the container, never the caller's, and
// two containers never share one; NoNewKeyring keeps the caller's.
func TestSessionKeyringIsPrivate(t *testing.T) {
	requireRoot(t)
	host, err := unix.KeyctlInt(unix.KEYCTL_GET_KEYRING_ID, unix.KEY_SPEC_SESSION_KEYRING, 0, 0, 0)
	if err != nil {
		t.Skipf("the test process has no session keyring to compare with: %v", err)
	}
	keyring := func(t *testing.T, out string) (int, string) {
		t.Helper()
		got, _ := probeLines(out)
		f := strings.Fields(got["keyring"])
		if len(f) != 2 {
			t.Fatalf("keyring output %q", out)
		}
		id, _ := strconv.Atoi(f[0])
		desc := f[1]
		return id, desc[strings.LastIndexByte(desc, ';')+1:]
	}
	seen := map[int]string{}
	for i := 0; i < 2; i++ {
		cfg := probeConfig(t)
		cfg.Cgroups.Path += strconv.Itoa(i)
		c, err := newFactory(t).Create(fmt.Sprintf("%s-%d", containerID(t), i), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { destroyContainer(t, c) })
		init := &libcontainer.Process{Args: []string{"sh", "-c", "/probe keyring; exec sleep 1000"}, Env: standardEnvironment, Init: true}
		r := secRunWithStdout(t, c, init)
		line, _ := r.ReadString('\n')
		for who, out := range map[string]string{
			"init":            line,
			"joining process": secExec(t, c, &libcontainer.Process{Args: []string{"/probe", "keyring"}}),
		} {
			id, name := keyring(t, out)
			if name != "_ses."+c.ID() {
				t.Errorf("container %d %s: session keyring %q, want _ses.%s", i, who, name, c.ID())
			}
			if id == host {
				t.Errorf("container %d %s: shares the caller's session keyring %d", i, who, host)
			}
			if other, ok := seen[id]; ok {
				t.Errorf("container %d %s: keyring %d is also %s's", i, who, id, other)
			}
			seen[id] = fmt.Sprintf("container %d %s", i, who)
		}
	}
	t.Run("NoNewKeyring keeps the caller's session keyring", func(t *testing.T) {
		cfg := probeConfig(t)
		cfg.NoNewKeyring = true
		if id, _ := keyring(t, mustRun(t, cfg, "/probe", "keyring")); id != host {
			t.Fatalf("keyring %d, want the caller's %d", id, host)
		}
	})
}

// exampleConfig converts the library's example spec (the default masked
// and read-only paths of the runtime-spec templates) for a rootfs copy.
func exampleConfig(t *testing.T) *configs.Config {
	t.Helper()
	spec := specconv.Example()
	spec.Root.Path = newRootfs(t)
	spec.Root.Readonly = false
	cfg, err := specconv.CreateLibcontainerConfig(&specconv.CreateOpts{CgroupName: "unused", Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Cgroups.Path = cgroupName(t)
	cfg.Cgroups.Name, cfg.Cgroups.Parent = "", ""
	return cfg
}

// TestDefaultMaskedAndReadonlyPaths covers H6 for the default set of the
// example spec: masked files read empty, masked directories are empty and
// cannot be written, read-only paths refuse writes.
func TestDefaultMaskedAndReadonlyPaths(t *testing.T) {
	requireRoot(t)
	cfg := exampleConfig(t)
	if len(cfg.MaskPaths) < 10 || len(cfg.ReadonlyPaths) < 5 {
		t.Fatalf("the example has masked %q and read-only %q, want the runtime-spec default sets", cfg.MaskPaths, cfg.ReadonlyPaths)
	}
	watchHostOracles(t, cfg)
	script := `for p in "$@"; do
  if [ -d "$p" ]; then
    echo "masked-dir $p $(ls -A "$p" | wc -l) $(touch "$p/x" 2>/dev/null && echo writable || echo refused)"
  elif [ -e "$p" ]; then
    echo "masked-file $p $(cat "$p" | wc -c) $(stat -c '%t:%T' "$p")"
  fi
done
for p in ` + strings.Join(cfg.ReadonlyPaths, " ") + `; do
  if [ -e "$p" ]; then echo "readonly $p $(mopts "$p" | tr , '\n' | grep -x ro)"; fi
done
(echo x > /proc/sys/kernel/hostname) 2>&1 | grep -o 'Read-only file system'`
	out := mustRun(t, cfg, append([]string{"sh", "-c", shHelpers + script, "sh"}, cfg.MaskPaths...)...)
	// Every path of the sets that this kernel has must show up.
	want := map[string]bool{}
	for _, p := range append(slices.Clone(cfg.MaskPaths), cfg.ReadonlyPaths...) {
		if _, err := os.Stat(p); err == nil {
			want[p] = true
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 4 && f[0] == "masked-dir":
			delete(want, f[1])
			if f[2] != "0" || f[3] != "refused" {
				t.Errorf("masked directory %s: %s entries, %s", f[1], f[2], f[3])
			}
		case len(f) == 4 && f[0] == "masked-file":
			delete(want, f[1])
			if f[2] != "0" || f[3] != "1:3" {
				t.Errorf("masked file %s: %s bytes, device %s; want empty, the null device", f[1], f[2], f[3])
			}
		case len(f) >= 2 && f[0] == "readonly":
			delete(want, f[1])
			if len(f) != 3 || f[2] != "ro" {
				t.Errorf("read-only path %s is not mounted read-only: %q", f[1], l)
			}
		case l == "Read-only file system":
		default:
			t.Errorf("unexpected output line %q", l)
		}
	}
	if !strings.Contains(out, "Read-only file system") {
		t.Errorf("a write to /proc/sys did not fail with EROFS: %q", out)
	}
	if len(want) > 0 {
		t.Errorf("paths the host has but the container did not report as masked or read-only: %v (output %q)", want, out)
	}
}

// TestNoNewPrivileges covers H7: with no_new_privs the kernel says so in
// /proc/self/status, and a setuid-root binary run by an ordinary user
// keeps that user's ids; without it the binary gets euid 0.
func TestNoNewPrivileges(t *testing.T) {
	requireRoot(t)
	if b, err := os.ReadFile("/proc/self/status"); err == nil && strings.Contains(string(b), "NoNewPrivs:\t1") {
		t.Skip("the test process itself has no_new_privs, so its absence cannot be shown")
	}
	cfg := probeConfig(t)
	suid := filepath.Join(cfg.Rootfs, "probe-suid")
	if err := os.Link(filepath.Join(cfg.Rootfs, "probe"), suid); err != nil {
		t.Fatal(err)
	}
	if err := unix.Chmod(suid, 0o4755); err != nil {
		t.Fatal(err)
	}
	watchHostOracles(t, cfg)
	c, _ := startLongRunning(t, cfg)
	yes, no := true, false
	for _, tc := range []struct {
		name      string
		nnp       *bool
		flag, ids string
	}{
		{"with no_new_privs a setuid binary changes no id", &yes, "1", "uids: 1000 1000 1000"},
		{"without it a setuid binary gets euid 0", &no, "0", "uids: 1000 0 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := secExec(t, c, &libcontainer.Process{Args: []string{"sh", "-c", "/probe status; /probe-suid ids"}, User: "1000", NoNewPrivileges: tc.nnp})
			got, _ := probeLines(out)
			if got["NoNewPrivs"] != tc.flag || "uids: "+got["uids"] != tc.ids {
				t.Fatalf("NoNewPrivs %q, %s; want %s, %s", got["NoNewPrivs"], "uids: "+got["uids"], tc.flag, tc.ids)
			}
		})
	}
}

// TestAppArmorProfileWithoutAppArmor checks that asking for an AppArmor
// profile on a host without AppArmor fails with an error wrapping
// apparmor.ErrApparmorNotEnabled before anything is made.
func TestAppArmorProfileWithoutAppArmor(t *testing.T) {
	requireRoot(t)
	if apparmor.IsEnabled() {
		t.Skip("AppArmor is enabled on this host; this test is about hosts without it")
	}
	t.Run("for the container", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		cfg.AppArmorProfile = "libct-test-profile"
		watchHostOracles(t, cfg)
		f := newFactory(t)
		c, err := f.Create(containerID(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { destroyContainer(t, c) })
		err = c.Run(&libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Init: true})
		if !errors.Is(err, apparmor.ErrApparmorNotEnabled) || !strings.Contains(err.Error(), "libct-test-profile") {
			t.Fatalf("run: %v, want an error wrapping apparmor.ErrApparmorNotEnabled naming the profile", err)
		}
		if left := stateLeftBeyondStateJSON(filepath.Join(f.(*libcontainer.LinuxFactory).Root, c.ID())); len(left) != 0 {
			t.Errorf("state left behind: %v", left)
		}
		if st, _ := c.Status(); st != libcontainer.Stopped {
			t.Errorf("status %s, want stopped", st)
		}
	})
	t.Run("for one process", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		watchHostOracles(t, cfg)
		c, _ := startLongRunning(t, cfg)
		err := c.Run(&libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, AppArmorProfile: "libct-test-profile"})
		if !errors.Is(err, apparmor.ErrApparmorNotEnabled) {
			t.Fatalf("exec: %v, want an error wrapping apparmor.ErrApparmorNotEnabled", err)
		}
		if procs, _ := c.Processes(); len(procs) != 1 {
			t.Errorf("the container holds %v, want its init only", procs)
		}
	})
}

// TestSELinuxLabelsWithoutSELinux checks that SELinux labels asked for on
// a host without SELinux fail clearly: a process label in the config at
// Create, a process's label or the mount label at Run, wrapping
// selinux.ErrDisabled, before anything is made.
func TestSELinuxLabelsWithoutSELinux(t *testing.T) {
	requireRoot(t)
	if selinux.Enabled() {
		t.Skip("SELinux is enabled on this host; this test is about hosts without it")
	}
	const label = "system_u:system_r:container_t:s0:c1,c2"
	t.Run("a process label in the config is refused at Create", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		cfg.ProcessLabel = label
		_, err := newFactory(t).Create(containerID(t), cfg)
		if !errors.Is(err, validate.ErrInvalidConfig) || !strings.Contains(err.Error(), "selinux") {
			t.Fatalf("create: %v, want ErrInvalidConfig about selinux", err)
		}
	})
	t.Run("a mount label is refused at Run", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		cfg.MountLabel = label
		watchHostOracles(t, cfg)
		if _, err := runContainer(t, cfg, "true"); !errors.Is(err, selinux.ErrDisabled) {
			t.Fatalf("run: %v, want an error wrapping selinux.ErrDisabled", err)
		}
	})
	t.Run("a process's label is refused at Run", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		watchHostOracles(t, cfg)
		c, _ := startLongRunning(t, cfg)
		err := c.Run(&libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Label: label})
		if !errors.Is(err, selinux.ErrDisabled) || !strings.Contains(err.Error(), label) {
			t.Fatalf("exec: %v, want an error wrapping selinux.ErrDisabled naming the label", err)
		}
	})
}

// The "run-held" helper of TestProcessStopsWhenItsParentDies: a separate
// process of the test binary that starts a container process, so that the
// test can kill it (the container process's parent) while that process
// is held in its user lookup.
func init() {
	if os.Getenv("LIBCT_SEC_HELPER") != "run-held" {
		return
	}
	err := runHeld(os.Getenv("LIBCT_ROOT"), os.Getenv("LIBCT_ID"), os.Getenv("LIBCT_CONFIG"))
	fmt.Println("helper:", err)
	os.Exit(1)
}

// runHeld creates the container from the config file and runs its init,
// or (no config) loads it and runs a joining process; either runs
// "touch /ran". It returns only if Run does.
func runHeld(root, id, config string) error {
	f, err := libcontainer.New(root)
	if err != nil {
		return err
	}
	p := &libcontainer.Process{Args: []string{"touch", "/ran"}, Env: standardEnvironment}
	var c libcontainer.Container
	if config != "" {
		b, err := os.ReadFile(config)
		if err != nil {
			return err
		}
		var cfg configs.Config
		if err := json.Unmarshal(b, &cfg); err != nil {
			return err
		}
		if c, err = f.Create(id, &cfg); err != nil {
			return err
		}
		p.Init = true
	} else if c, err = f.Load(id); err != nil {
		return err
	}
	return c.Run(p)
}

// holdFifo replaces the rootfs's /etc/passwd with a FIFO, so that the next
// container process to look up its user blocks there.
func holdFifo(t *testing.T, rootfs string) string {
	t.Helper()
	fifo := filepath.Join(rootfs, "etc/passwd")
	if err := os.Remove(fifo); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	return fifo
}

// waitHeld waits until a process has the FIFO open for reading and returns
// our write end; the reader then blocks in read(2) until we write.
func waitHeld(t *testing.T, fifo string) int {
	t.Helper()
	var fd int
	eventually(t, 10*time.Second, "a container process opens "+fifo, func() bool {
		var err error
		fd, err = unix.Open(fifo, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		return err == nil
	})
	return fd
}

// release lets the held process go on: a regular passwd file replaces the
// FIFO and the reader gets the content and end of file.
func release(t *testing.T, fifo string, fd int) {
	t.Helper()
	content := "root:x:0:0:root:/root:/bin/sh\n"
	if err := unix.SetNonblock(fd, false); err != nil {
		t.Fatal(err)
	}
	if _, err := unix.Write(fd, []byte(content)); err != nil {
		t.Fatal(err)
	}
	writeFile(t, fifo+".new", content)
	if err := os.Rename(fifo+".new", fifo); err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
}

// TestProcessStopsWhenItsParentDies checks the last check a container
// process makes before it execs: if the process that started it died
// during setup, it must not go on (nobody would wait for it). The parent
// is a helper process killed while the container process is held in its
// user lookup; in a PID namespace the container process sees parent pid
// 0 before and after, so only its init pipe can tell.
func TestProcessStopsWhenItsParentDies(t *testing.T) {
	requireRoot(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	helper := func(t *testing.T, root, id, config string) *exec.Cmd {
		t.Helper()
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "LIBCT_SEC_HELPER=run-held", "LIBCT_ROOT="+root, "LIBCT_ID="+id, "LIBCT_CONFIG="+config)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd
	}
	kill := func(t *testing.T, cmd *exec.Cmd) {
		t.Helper()
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
	}

	t.Run("a joining process whose parent died does not run its program", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		watchHostOracles(t, cfg)
		root := filepath.Join(t.TempDir(), "state")
		f, err := libcontainer.New(root)
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.Create(containerID(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { destroyContainer(t, c) })
		init := &libcontainer.Process{Args: []string{"sleep", "1000"}, Env: standardEnvironment, Init: true}
		if err := c.Run(init); err != nil {
			t.Fatal(err)
		}
		fifo := holdFifo(t, cfg.Rootfs)
		cmd := helper(t, root, c.ID(), "")
		fd := waitHeld(t, fifo)
		kill(t, cmd)
		release(t, fifo, fd)
		time.Sleep(500 * time.Millisecond)
		if _, err := os.Stat(filepath.Join(cfg.Rootfs, "ran")); err == nil {
			t.Fatal("the orphaned process ran its program")
		}
		eventually(t, 5*time.Second, "only the init is left in the container", func() bool {
			procs, err := c.Processes()
			return err == nil && len(procs) == 1
		})
		if err := c.Signal(unix.SIGKILL, false); err != nil {
			t.Fatal(err)
		}
		_, _ = init.Wait()
	})

	t.Run("an init whose parent died does not stay behind", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		watchHostOracles(t, cfg)
		fifo := holdFifo(t, cfg.Rootfs)
		b, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		config := filepath.Join(t.TempDir(), "config.json")
		writeFile(t, config, string(b))
		root := filepath.Join(t.TempDir(), "state")
		cmd := helper(t, root, containerID(t), config)
		fd := waitHeld(t, fifo)
		// The init is past procReady: its state is saved.
		f, err := libcontainer.New(root)
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.Load(containerID(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := c.Destroy(); err != nil {
				t.Errorf("destroy: %v", err)
			}
		})
		st, err := c.State()
		if err != nil {
			t.Fatal(err)
		}
		kill(t, cmd)
		release(t, fifo, fd)
		eventually(t, 5*time.Second, "the orphaned init exits", func() bool { return processGone(st.InitProcessPid) })
		if _, err := os.Stat(filepath.Join(cfg.Rootfs, "ran")); err == nil {
			t.Fatal("the orphaned init ran its program")
		}
	})
}

// TestSetgroupsDeniedInUnprivilegedUserNamespace covers H11 (and the
// kernel's CVE-2014-8989): in a user namespace whose maps an unprivileged
// user wrote (setgroups "deny"), root in the container cannot drop its
// supplementary groups with setgroups(2), which could lift group-based
// denials; the container still starts. When root wrote the maps,
// setgroups stays allowed.
func TestSetgroupsDeniedInUnprivilegedUserNamespace(t *testing.T) {
	requireRoot(t)
	maps := []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	for _, tc := range []struct {
		name   string
		deny   bool
		policy string
		result string
	}{
		{"a user namespace with setgroups denied refuses it", true, "deny", "EPERM"},
		{"a user namespace root mapped allows it", false, "allow", "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := probeConfig(t)
			watchHostOracles(t, cfg)
			cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUSER, Path: hostUserNS(t, maps, tc.deny)})
			shiftOwnership(t, cfg.Rootfs, maps)
			makeReachable(t, cfg.Rootfs)
			got, _ := probeLines(mustRun(t, cfg, "/probe", "setgroups"))
			if got["policy"] != tc.policy || got["setgroups"] != tc.result {
				t.Fatalf("setgroups policy %q, setgroups() %q; want %q, %q", got["policy"], got["setgroups"], tc.policy, tc.result)
			}
		})
	}
}
