package integration

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
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
	mounts := readFile(t, "/proc/self/mountinfo")
	hash := testBinaryHash(t)
	fds := hostFdTable(t)
	t.Cleanup(func() {
		if after := readFile(t, "/proc/self/mountinfo"); after != mounts {
			t.Errorf("O2: the host mount table changed")
		}
		if after := testBinaryHash(t); after != hash {
			t.Errorf("O3: the runtime binary changed: sha256 %s, was %s", after, hash)
		}
		if after := hostFdTable(t); !slices.Equal(after, fds) {
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

// TestLandlockConfinesWrites checks the optional Landlock ruleset: the
// container may write only beneath the paths a rule grants write on.
func TestLandlockConfinesWrites(t *testing.T) {
	requireRoot(t)
	cfg := probeConfig(t)
	cfg.Landlock = &configs.Landlock{
		BestEffort: true,
		Rules: []configs.LandlockRule{
			{Path: "/", Access: []string{configs.LandlockRead, configs.LandlockExec}},
			{Path: "/tmp", Access: []string{configs.LandlockRead, configs.LandlockWrite}},
		},
	}
	watchHostOracles(t, cfg)
	out := mustRun(t, cfg, "sh", "-c", "/probe write /tmp/allowed; /probe write /etc/denied; /probe write /root/denied")
	got, _ := probeLines(out)
	want := map[string]string{
		"write /tmp/allowed": "ok",
		"write /etc/denied":  "EACCES",
		"write /root/denied": "EACCES",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (output %q)", k, got[k], v, out)
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.Rootfs, "etc/denied")); err == nil {
		t.Error("the denied file exists in the rootfs")
	}
}

var _ = unix.Getpid
