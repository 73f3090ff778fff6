package utils

import (
	"os/exec"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   int
	}{
		{"a clean exit is zero", "exit 0", 0},
		{"an exit code is passed through", "exit 3", 3},
		{"SIGKILL becomes 137", "kill -KILL $$", 128 + int(unix.SIGKILL)},
		{"SIGTERM becomes 143", "kill -TERM $$", 128 + int(unix.SIGTERM)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command("/bin/sh", "-c", tt.script)
			_ = cmd.Run()
			if cmd.ProcessState == nil {
				t.Fatal("/bin/sh did not run")
			}
			ws := unix.WaitStatus(cmd.ProcessState.Sys().(syscall.WaitStatus))
			if got := ExitStatus(ws); got != tt.want {
				t.Errorf("ExitStatus = %d, want %d", got, tt.want)
			}
		})
	}
}
