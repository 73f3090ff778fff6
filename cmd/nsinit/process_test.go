package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestEnvFlag(t *testing.T) {
	tests := []struct {
		value   string
		wantErr bool
	}{
		{"A=1", false},
		{"EMPTY=", false},
		{"B=x=y", false},
		{"NOVALUE", true},
		{"=1", true},
	}
	for _, tc := range tests {
		t.Run("value "+tc.value, func(t *testing.T) {
			var e envList
			err := e.Set(tc.value)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Set(%q) error = %v, want error %v", tc.value, err, tc.wantErr)
			}
			if err == nil && !slices.Equal(e, envList{tc.value}) {
				t.Fatalf("list = %v", e)
			}
		})
	}
}

func TestProcessFromFlags(t *testing.T) {
	t.Run("puts PATH first, TERM for a tty, then the --env values", func(t *testing.T) {
		pf := processFlags{tty: true, user: "1000:1000", cwd: "/tmp", env: envList{"A=1"}}
		p, err := pf.process([]string{"sh"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Env, []string{defaultPath, "TERM=xterm", "A=1"}) {
			t.Errorf("env = %v", p.Env)
		}
		if p.User != "1000:1000" || p.Cwd != "/tmp" || !p.Init || !slices.Equal(p.Args, []string{"sh"}) {
			t.Errorf("process = %+v", p)
		}
	})
	t.Run("refuses an empty command", func(t *testing.T) {
		var pf processFlags
		if _, err := pf.process(nil, false); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   int
	}{
		{"success is 0", "exit 0", 0},
		{"an exit code is passed through", "exit 3", 3},
		{"death by signal is 128 plus the signal", "kill -KILL $$", 137},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("/bin/sh", "-c", tc.script)
			err := cmd.Run()
			got, serr := exitStatus(cmd.ProcessState, err)
			if serr != nil || got != tc.want {
				t.Fatalf("exitStatus = %d, %v; want %d", got, serr, tc.want)
			}
		})
	}
	t.Run("a missing process state is an error", func(t *testing.T) {
		if _, err := exitStatus(nil, nil); err == nil || !strings.Contains(err.Error(), "no process state") {
			t.Fatalf("error = %v", err)
		}
	})
}
