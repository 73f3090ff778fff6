//go:build linux && cgo

package seccomp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// The filters under test are loaded in a re-executed copy of the test
// binary, never in the test process itself.
const (
	childEnv  = "SECCOMP_TEST_CHILD"  // scenario: "probe" or "notify"
	configEnv = "SECCOMP_TEST_CONFIG" // JSON configs.Seccomp
	probesEnv = "SECCOMP_TEST_PROBES" // JSON []probe
)

// probe is one raw system call the child makes after loading the filter.
type probe struct {
	Label string     `json:"label"`
	Nr    uintptr    `json:"nr"`
	Args  [3]uintptr `json:"args"`
}

func TestMain(m *testing.M) {
	if scenario := os.Getenv(childEnv); scenario != "" {
		os.Exit(runChild(scenario))
	}
	os.Exit(m.Run())
}

// runChild loads the filter from the environment on a locked thread with
// no_new_privs set, runs the scenario and prints "label=result" lines.
func runChild(scenario string) int {
	runtime.LockOSThread()
	// No core files from SIGSYS deaths.
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	time.AfterFunc(20*time.Second, func() {
		fmt.Fprintln(os.Stderr, "child timed out")
		os.Exit(3)
	})

	var config configs.Seccomp
	if err := json.Unmarshal([]byte(os.Getenv(configEnv)), &config); err != nil {
		fmt.Fprintln(os.Stderr, "bad config:", err)
		return 2
	}
	var probes []probe
	if p := os.Getenv(probesEnv); p != "" {
		if err := json.Unmarshal([]byte(p), &probes); err != nil {
			fmt.Fprintln(os.Stderr, "bad probes:", err)
			return 2
		}
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "no_new_privs:", err)
		return 2
	}
	fd, err := InitSeccomp(&config)
	if err != nil {
		fmt.Printf("init=error: %v\n", err)
		return 0
	}
	if fd >= 0 {
		fmt.Println("init=fd")
	} else {
		fmt.Println("init=ok")
	}

	switch scenario {
	case "probe":
		for _, p := range probes {
			_, _, errno := unix.Syscall(p.Nr, p.Args[0], p.Args[1], p.Args[2])
			fmt.Printf("%s=%s\n", p.Label, errnoResult(errno))
		}
	case "notify":
		// A second goroutine (on another thread) answers the notified
		// getppid with a made-up value.
		go func() {
			req, err := libseccomp.NotifReceive(libseccomp.ScmpFd(fd))
			if err != nil {
				fmt.Fprintln(os.Stderr, "notif receive:", err)
				os.Exit(4)
			}
			resp := &libseccomp.ScmpNotifResp{ID: req.ID, Val: 4242}
			if err := libseccomp.NotifRespond(libseccomp.ScmpFd(fd), resp); err != nil {
				fmt.Fprintln(os.Stderr, "notif respond:", err)
				os.Exit(4)
			}
		}()
		ppid, _, errno := unix.Syscall(unix.SYS_GETPPID, 0, 0, 0)
		fmt.Printf("getppid=%s %d\n", errnoResult(errno), ppid)
	default:
		fmt.Fprintln(os.Stderr, "unknown scenario", scenario)
		return 2
	}
	return 0
}

func errnoResult(errno unix.Errno) string {
	if errno == 0 {
		return "ok"
	}
	return unix.ErrnoName(errno)
}

// childResult is what a child run printed and how it ended.
type childResult struct {
	lines  map[string]string
	stdout string
	stderr string
	state  *os.ProcessState
}

// runSeccompChild re-executes the test binary with the scenario, config and
// probes, and collects its output.
func runSeccompChild(t *testing.T, scenario string, config *configs.Seccomp, probes []probe) childResult {
	t.Helper()
	cfg, err := json.Marshal(config)
	if err != nil {
		t.Fatal(err)
	}
	prb, err := json.Marshal(probes)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+scenario, configEnv+"="+string(cfg), probesEnv+"="+string(prb))
	if os.Getenv("GORACE") == "" {
		// A race-enabled child otherwise sleeps a second at exit.
		cmd.Env = append(cmd.Env, "GORACE=atexit_sleep_ms=0")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("run child: %v", err)
	}
	res := childResult{lines: map[string]string{}, stdout: stdout.String(), stderr: stderr.String(), state: cmd.ProcessState}
	for _, line := range strings.Split(res.stdout, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			res.lines[k] = v
		}
	}
	return res
}

// requireLoaded fails the test unless the child loaded its filter and
// exited normally.
func requireLoaded(t *testing.T, res childResult) {
	t.Helper()
	if res.lines["init"] != "ok" && res.lines["init"] != "fd" {
		t.Fatalf("filter not loaded: stdout %q stderr %q", res.stdout, res.stderr)
	}
	if !res.state.Success() {
		t.Fatalf("child ended with %v: stdout %q stderr %q", res.state, res.stdout, res.stderr)
	}
}
