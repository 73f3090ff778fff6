package configs

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// shHook returns a command hook running script with /bin/sh.
func shHook(t *testing.T, script string, timeout *time.Duration) CommandHook {
	t.Helper()
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skipf("hook tests need /bin/sh: %v", err)
	}
	return NewCommandHook(Command{
		Path:    "/bin/sh",
		Args:    []string{"sh", "-c", script},
		Env:     []string{"PATH=/usr/bin:/bin"},
		Timeout: timeout,
	})
}

func TestKnownHookNamesStartWithPrestart(t *testing.T) {
	want := []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}
	if got := KnownHookNames(); !reflect.DeepEqual(got, want) {
		t.Errorf("KnownHookNames = %v, want %v", got, want)
	}
}

func TestCommandHookReceivesStateOnStdin(t *testing.T) {
	out := filepath.Join(t.TempDir(), "state.json")
	hook := shHook(t, "cat > "+out, nil)
	state := &specs.State{Version: "1.0.2", ID: "ctr", Status: specs.StateCreated, Pid: 7, Bundle: "/b"}
	if err := hook.Run(state); err != nil {
		t.Fatalf("Run: %v", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("read hook output: %v", err)
	}
	var got specs.State
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("hook stdin is not state JSON: %v (%q)", err, b)
	}
	if !reflect.DeepEqual(&got, state) {
		t.Errorf("hook saw %+v, want %+v", got, *state)
	}
}

func TestCommandHookFailures(t *testing.T) {
	short := 200 * time.Millisecond
	tests := []struct {
		name     string
		script   string
		timeout  *time.Duration
		contains []string
	}{
		{
			name:     "a non-zero exit reports stdout and stderr",
			script:   "echo to-out; echo to-err >&2; exit 3",
			contains: []string{"exit status 3", "to-out", "to-err"},
		},
		{
			name:     "a hook past its timeout is killed and reported",
			script:   "echo started; exec sleep 10",
			timeout:  &short,
			contains: []string{"hook ran past specified timeout of 0.2s", "started"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := shHook(t, tt.script, tt.timeout).Run(&specs.State{})
			if err == nil {
				t.Fatal("Run succeeded")
			}
			for _, c := range tt.contains {
				if !strings.Contains(err.Error(), c) {
					t.Errorf("error %q does not contain %q", err, c)
				}
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("Run took %v", time.Since(start))
			}
		})
	}
}

func TestCommandHookWithinTimeoutSucceeds(t *testing.T) {
	long := 10 * time.Second
	if err := shHook(t, "exit 0", &long).Run(&specs.State{}); err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestCommandHookDoesNotSearchPath(t *testing.T) {
	if _, err := exec.LookPath("true"); err != nil {
		t.Skipf("needs a true binary in PATH: %v", err)
	}
	t.Chdir(t.TempDir())
	err := NewCommandHook(Command{Path: "true", Args: []string{"true"}}).Run(&specs.State{})
	if err == nil {
		t.Error("a bare program name was found through PATH")
	}
}

func TestRunHooksStopsAtFirstFailureAndNamesIt(t *testing.T) {
	var ran []int
	mk := func(i int, err error) Hook {
		return NewFunctionHook(func(*specs.State) error {
			ran = append(ran, i)
			return err
		})
	}
	boom := errors.New("boom")
	hooks := HookList{mk(0, nil), mk(1, boom), mk(2, nil)}
	err := hooks.RunHooks(&specs.State{})
	if err == nil || err.Error() != "error running hook #1: boom" || !errors.Is(err, boom) {
		t.Errorf("RunHooks error = %v", err)
	}
	if !reflect.DeepEqual(ran, []int{0, 1}) {
		t.Errorf("hooks run = %v, want [0 1]", ran)
	}
}

func TestHooksJSON(t *testing.T) {
	timeout := 3 * time.Second
	cmd := Command{Path: "/bin/true", Args: []string{"true"}, Env: []string{"A=1"}, Dir: "/", Timeout: &timeout}
	hooks := Hooks{
		Prestart:  HookList{NewCommandHook(cmd), NewFunctionHook(func(*specs.State) error { return nil })},
		Poststop:  HookList{NewCommandHook(cmd)},
		Poststart: HookList{},
	}
	b, err := json.Marshal(&hooks)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}

	t.Run("marshalling writes all six names and drops function hooks", func(t *testing.T) {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		for _, n := range KnownHookNames() {
			if _, ok := raw[n]; !ok {
				t.Errorf("key %q missing in %s", n, b)
			}
		}
		if string(raw["poststart"]) != "null" {
			t.Errorf("empty list written as %s, want null", raw["poststart"])
		}
		var pre []Command
		if err := json.Unmarshal(raw["prestart"], &pre); err != nil || len(pre) != 1 {
			t.Errorf("prestart = %s (%v), want the one command hook", raw["prestart"], err)
		}
	})

	t.Run("unmarshalling restores command hooks and drops empty lists", func(t *testing.T) {
		var back Hooks
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		want := Hooks{Prestart: HookList{NewCommandHook(cmd)}, Poststop: HookList{NewCommandHook(cmd)}}
		if !reflect.DeepEqual(back, want) {
			t.Errorf("got %#v, want %#v", back, want)
		}
	})
}
