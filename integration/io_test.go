package integration

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
)

// The I/O helper mode runs in a separate process of the test binary: it
// loads a container another process created (so it is not the init's
// parent) and reports what it can see and do.
func init() {
	if os.Getenv("LIBCT_IO_HELPER") != "loaded-exit" {
		return
	}
	out, err := loadedExit(os.Getenv("LIBCT_ROOT"), os.Getenv("LIBCT_ID"))
	if err != nil {
		out.Error = err.Error()
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
	os.Exit(0)
}

// loadedExitReport is what the loaded-exit helper found.
type loadedExitReport struct {
	StatusBefore string `json:"status_before"`
	ExecExit     string `json:"exec_exit"`
	ExecSignaled string `json:"exec_signaled"`
	StatusAfter  string `json:"status_after"`
	SignalAfter  string `json:"signal_after"`
	Error        string `json:"error,omitempty"`
}

// loadedExit loads container id, runs two processes in it (one exits 4,
// one is killed by SIGTERM), then sends SIGTERM to the init (whose trap
// exits) and waits for it through a pidfd, as a non-parent must.
func loadedExit(root, id string) (r loadedExitReport, err error) {
	f, err := libcontainer.New(root)
	if err != nil {
		return r, err
	}
	c, err := f.Load(id)
	if err != nil {
		return r, err
	}
	st, err := c.Status()
	if err != nil {
		return r, err
	}
	r.StatusBefore = st.String()
	exit := &libcontainer.Process{Args: []string{"sh", "-c", "exit 4"}, Env: standardEnvironment}
	if err := c.Run(exit); err != nil {
		return r, fmt.Errorf("run exec: %w", err)
	}
	ps, _ := exit.Wait()
	r.ExecExit = exitOf(ps)
	sleeper := &libcontainer.Process{Args: []string{"sleep", "1000"}, Env: standardEnvironment}
	if err := c.Run(sleeper); err != nil {
		return r, fmt.Errorf("run sleeper: %w", err)
	}
	if err := sleeper.Signal(unix.SIGTERM); err != nil {
		return r, fmt.Errorf("signal sleeper: %w", err)
	}
	ps, _ = sleeper.Wait()
	r.ExecSignaled = exitOf(ps)
	state, err := c.State()
	if err != nil {
		return r, err
	}
	pidfd, err := unix.PidfdOpen(state.InitProcessPid, 0)
	if err != nil {
		return r, err
	}
	defer unix.Close(pidfd)
	if err := c.Signal(unix.SIGTERM, false); err != nil {
		return r, fmt.Errorf("signal init: %w", err)
	}
	if n, err := unix.Poll([]unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}, 10000); err != nil || n != 1 {
		return r, fmt.Errorf("init did not exit after SIGTERM (poll %d, %v)", n, err)
	}
	if st, err = c.Status(); err != nil {
		return r, err
	}
	r.StatusAfter = st.String()
	r.SignalAfter = fmt.Sprint(c.Signal(unix.SIGTERM, false))
	return r, nil
}

// exitOf describes how a process ended: "exit N" or "signal NAME".
func exitOf(ps *os.ProcessState) string {
	if ps == nil {
		return "no process state"
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "signal " + unix.SignalName(ws.Signal())
	}
	return fmt.Sprintf("exit %d", ps.ExitCode())
}

// readAllWithin reads r to EOF in the background and fails the test if
// that takes longer than d (a writer end left open somewhere).
func readAllWithin(t *testing.T, r io.Reader, d time.Duration) <-chan string {
	t.Helper()
	ch := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		ch <- string(b)
	}()
	out := make(chan string, 1)
	go func() {
		select {
		case s := <-ch:
			out <- s
		case <-time.After(d):
			out <- "<timeout: no EOF>"
		}
	}()
	return out
}

// closeFiles closes the given files, which must be *os.File.
func closeFiles(t *testing.T, fs ...any) {
	t.Helper()
	for _, f := range fs {
		if err := f.(*os.File).Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStdioPipesRoundTrip(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	// No capability lets the process open a pipe it does not own: the
	// reopen through /proc below works only because InitializeIO gave
	// the pipes to the container user.
	cfg.Capabilities = &configs.Capabilities{}
	c := newContainer(t, cfg)
	p := &libcontainer.Process{
		Args: []string{"sh", "-c", `stat -L -c %u:%g /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 >&2
while read l; do echo "out:$l"; echo "err:$l" >&2; done
echo reopened > /proc/self/fd/1
exit 5`},
		Env:  standardEnvironment,
		User: "1000:1000",
		Init: true,
	}
	pio, err := p.InitializeIO(1000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(p); err != nil {
		t.Fatal(err)
	}
	// The container's ends now live in the container; the caller closes
	// its copies so that EOF can be seen.
	closeFiles(t, p.Stdin, p.Stdout, p.Stderr)
	stdout := readAllWithin(t, pio.Stdout, 10*time.Second)
	stderr := readAllWithin(t, pio.Stderr, 10*time.Second)
	if _, err := io.WriteString(pio.Stdin, "a\nb\n"); err != nil {
		t.Fatal(err)
	}
	pio.Stdin.Close()
	ps, err := p.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || exitOf(ps) != "exit 5" {
		t.Fatalf("wait: %v, %s; want exit 5", err, exitOf(ps))
	}
	if got, want := <-stdout, "out:a\nout:b\nreopened\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if got, want := <-stderr, "1000:1000\n1000:1000\n1000:1000\nerr:a\nerr:b\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}

func TestExtraFilesReachTheProcessAndNothingElse(t *testing.T) {
	requireRoot(t)
	// A descriptor the caller opened without O_CLOEXEC must not leak.
	leak, err := unix.Open("/dev/null", unix.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(leak) })
	c, _ := startLongRunning(t, newTemplateConfig(t))
	cases := []struct {
		name string
		init bool
	}{
		{"an init gets its extra files as fds 3 and 4 and no other fd", true},
		{"an exec'd process gets its extra files as fds 3 and 4 and no other fd", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r3, w3, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r3.Close()
			in := filepath.Join(t.TempDir(), "in")
			if err := os.WriteFile(in, []byte("from-fd4\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			f4, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f4.Close()
			// The program ends as sleep, holding what it inherited; its
			// fds are read from here, not raced by a shell's own pipes.
			p := &libcontainer.Process{
				Args:       []string{"sh", "-c", "cat <&4 >&3; exec sleep 1000"},
				Env:        standardEnvironment,
				Stderr:     os.Stderr,
				ExtraFiles: []*os.File{w3, f4},
				Init:       tc.init,
			}
			target := c
			if tc.init {
				target = newContainer(t, newTemplateConfig(t))
			}
			if err := target.Run(p); err != nil {
				t.Fatal(err)
			}
			closeFiles(t, w3)
			fd3 := readAllWithin(t, r3, 10*time.Second)
			pid, err := p.Pid()
			if err != nil {
				t.Fatal(err)
			}
			var fds string
			for i := 0; i < 500; i++ {
				if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); string(b) == "sleep\n" {
					var names []string
					entries, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
					for _, e := range entries {
						names = append(names, e.Name())
					}
					fds = strings.Join(names, " ")
					break
				}
				waitABit()
			}
			if err := p.Signal(unix.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if ps, _ := p.Wait(); exitOf(ps) != "signal SIGKILL" {
				t.Fatalf("wait: %s", exitOf(ps))
			}
			if got := <-fd3; got != "from-fd4\n" {
				t.Errorf("fd 3 carried %q, want %q", got, "from-fd4\n")
			}
			if fds != "0 1 2 3 4" {
				t.Errorf("open fds %q, want only 0 1 2 3 4", fds)
			}
		})
	}
}

func TestDetachedProcessUsesTheCallersFiles(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	stdinPath, stderrPath := filepath.Join(dir, "stdin"), filepath.Join(dir, "stderr")
	if err := os.WriteFile(stdinPath, []byte("given\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdin, err := os.Open(stdinPath)
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := os.Create(stderrPath)
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer outR.Close()
	c := newContainer(t, newTemplateConfig(t))
	p := &libcontainer.Process{
		Args:   []string{"sh", "-c", "read l; echo \"stdout:$l\"; echo \"stderr:$l\" >&2"},
		Env:    standardEnvironment,
		Stdin:  stdin,
		Stdout: outW,
		Stderr: stderr,
		Init:   true,
	}
	if err := c.Start(p); err != nil {
		t.Fatal(err)
	}
	// A detached caller keeps nothing: once its copies are closed the
	// process alone holds the files.
	closeFiles(t, stdin, outW, stderr)
	st, err := c.State()
	if err != nil {
		t.Fatal(err)
	}
	var pipeSt unix.Stat_t
	if err := unix.Fstat(int(outR.Fd()), &pipeSt); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("pipe:[%d]", pipeSt.Ino); len(st.ExternalDescriptors) != 3 || st.ExternalDescriptors[1] != want {
		t.Errorf("external descriptors %q, want stdout %s", st.ExternalDescriptors, want)
	}
	if !strings.HasSuffix(st.ExternalDescriptors[0], stdinPath) || !strings.HasSuffix(st.ExternalDescriptors[2], stderrPath) {
		t.Errorf("external descriptors %q, want stdin %s and stderr %s", st.ExternalDescriptors, stdinPath, stderrPath)
	}
	out := readAllWithin(t, outR, 10*time.Second)
	if err := c.Exec(); err != nil {
		t.Fatal(err)
	}
	if got := <-out; got != "stdout:given\n" {
		t.Errorf("stdout %q, want %q", got, "stdout:given\n")
	}
	if ps, err := p.Wait(); err != nil {
		t.Fatalf("wait: %v (%s)", err, exitOf(ps))
	}
	if got := readFile(t, stderrPath); got != "stderr:given\n" {
		t.Errorf("stderr file %q, want %q", got, "stderr:given\n")
	}
}

// trapTerm is an init that exits 7 on SIGTERM once it says it is ready:
// a pid 1 ignores signals it has no handler for.
const trapTerm = `trap 'exit 7' TERM; echo ready; while :; do sleep 1 & wait; done`

// startReady runs args as the init of a new container and waits until it
// prints a line on stdout.
func startReady(t *testing.T, cfg *configs.Config, args ...string) (libcontainer.Container, *libcontainer.Process) {
	t.Helper()
	c := newContainer(t, cfg)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := &libcontainer.Process{Args: args, Env: standardEnvironment, Stdout: w, Stderr: os.Stderr, Init: true}
	if err := c.Run(p); err != nil {
		w.Close()
		t.Fatal(err)
	}
	w.Close()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- s
	}()
	select {
	case <-line:
	case <-time.After(10 * time.Second):
		t.Fatal("the init did not say it is ready")
	}
	return c, p
}

func TestExitCodesAndSignalsAreReported(t *testing.T) {
	requireRoot(t)
	running, _ := startLongRunning(t, newTemplateConfig(t))
	cases := []struct {
		name   string
		init   bool
		args   []string
		signal unix.Signal // sent with Process.Signal after start; 0: none
		want   string
	}{
		{"an init's exit code is reported", true, []string{"sh", "-c", "exit 3"}, 0, "exit 3"},
		{"an init killed by SIGKILL reports the signal", true, []string{"sleep", "1000"}, unix.SIGKILL, "signal SIGKILL"},
		{"an init that traps SIGTERM reports its own exit code", true, []string{"sh", "-c", trapTerm}, unix.SIGTERM, "exit 7"},
		{"an exec'd process's exit code is reported", false, []string{"sh", "-c", "exit 4"}, 0, "exit 4"},
		{"an exec'd process killed by SIGTERM reports the signal", false, []string{"sleep", "1000"}, unix.SIGTERM, "signal SIGTERM"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p *libcontainer.Process
			if tc.init && tc.signal == unix.SIGTERM {
				_, p = startReady(t, newTemplateConfig(t), tc.args...)
			} else {
				p = &libcontainer.Process{Args: tc.args, Env: standardEnvironment, Init: tc.init}
				c := running
				if tc.init {
					c = newContainer(t, newTemplateConfig(t))
				}
				if err := c.Run(p); err != nil {
					t.Fatal(err)
				}
			}
			if tc.signal != 0 {
				if err := p.Signal(tc.signal); err != nil {
					t.Fatal(err)
				}
			}
			ps, err := p.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("wait error %v, want an *exec.ExitError", err)
			}
			if got := exitOf(ps); got != tc.want {
				t.Fatalf("process ended with %s, want %s", got, tc.want)
			}
			if err := p.Signal(unix.SIGTERM); !errors.Is(err, unix.ESRCH) {
				t.Fatalf("signal to a finished process: %v, want ESRCH", err)
			}
		})
	}
}

// TestLoadedContainerReportsExitAndTakesSignals checks what a process that
// did not start the container can do. It cannot wait(2) for the init (not
// its child): it sees the init's exit as Status Stopped (a zombie counts as
// stopped), signals through a pidfd, and waits for the processes it starts
// itself like any parent.
func TestLoadedContainerReportsExitAndTakesSignals(t *testing.T) {
	requireRoot(t)
	f := newFactory(t)
	c, err := f.Create("loaded-exit", newTemplateConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { destroyContainer(t, c) })
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := &libcontainer.Process{Args: []string{"sh", "-c", trapTerm}, Env: standardEnvironment, Stdout: w, Init: true}
	if err := c.Run(p); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if s, _ := bufio.NewReader(r).ReadString('\n'); s != "ready\n" {
		t.Fatalf("init said %q", s)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LIBCT_IO_HELPER=loaded-exit",
		"LIBCT_ROOT="+f.(*libcontainer.LinuxFactory).Root, "LIBCT_ID=loaded-exit")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v: %s", err, out)
	}
	var rep loadedExitReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("helper said %q: %v", out, err)
	}
	want := loadedExitReport{
		StatusBefore: "running",
		ExecExit:     "exit 4",
		ExecSignaled: "signal SIGTERM",
		StatusAfter:  "stopped",
		SignalAfter:  libcontainer.ErrNotRunning.Error(),
	}
	if rep != want {
		t.Fatalf("loaded container:\n got %+v\nwant %+v", rep, want)
	}
	// The creator, the init's parent, still gets the exit status.
	if ps, _ := p.Wait(); exitOf(ps) != "exit 7" {
		t.Fatalf("creator's wait: %s, want exit 7", exitOf(ps))
	}
}
