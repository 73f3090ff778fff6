//go:build linux

package patchbpf

import (
	"errors"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestFilterFlags(t *testing.T) {
	notify := []*configs.Syscall{{Name: "getppid", Action: configs.Notify}}
	tests := []struct {
		name    string
		config  configs.Seccomp
		want    uint
		wantErr bool
	}{
		{name: "no flags and no notify rule give no bits", config: configs.Seccomp{}, want: 0},
		{name: "each listed flag gives its bit", config: configs.Seccomp{Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog, specs.LinuxSeccompFlagSpecAllow}},
			want: unix.SECCOMP_FILTER_FLAG_LOG | unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW},
		{name: "a notify rule adds the listener bit", config: configs.Seccomp{Syscalls: notify}, want: unix.SECCOMP_FILTER_FLAG_NEW_LISTENER},
		{name: "tsync with a listener adds tsync esrch", config: configs.Seccomp{Syscalls: notify, Flags: []specs.LinuxSeccompFlag{FlagTSYNC}},
			want: unix.SECCOMP_FILTER_FLAG_NEW_LISTENER | unix.SECCOMP_FILTER_FLAG_TSYNC | unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH},
		{name: "tsync alone is only tsync", config: configs.Seccomp{Flags: []specs.LinuxSeccompFlag{FlagTSYNC}}, want: unix.SECCOMP_FILTER_FLAG_TSYNC},
		{name: "wait killable recv with a listener is kept", config: configs.Seccomp{Syscalls: notify, Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagWaitKillableRecv}},
			want: unix.SECCOMP_FILTER_FLAG_NEW_LISTENER | unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
		{name: "wait killable recv without a listener is an error", config: configs.Seccomp{Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagWaitKillableRecv}}, wantErr: true},
		{name: "an unknown flag is an error", config: configs.Seccomp{Flags: []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_NEW_LISTENER"}}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FilterFlags(&tc.config)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("FilterFlags = %#x, want an error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("FilterFlags = %#x, %v; want %#x", got, err, tc.want)
			}
		})
	}
}

func TestFlagsSupportedProbesWithoutLoading(t *testing.T) {
	tests := []struct {
		name  string
		flags uint
		err   error
	}{
		{"no flags are supported", 0, nil},
		{"the log flag is supported", unix.SECCOMP_FILTER_FLAG_LOG, nil},
		{"a bit the kernel does not define is refused", 1 << 20, ErrFlagsUnsupported},
		{"wait killable recv without a listener is refused by the kernel", unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, ErrFlagsUnsupported},
		{"tsync with a listener but without esrch is refused by the kernel", unix.SECCOMP_FILTER_FLAG_TSYNC | unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, ErrFlagsUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := FlagsSupported(tc.flags); !errors.Is(err, tc.err) {
				t.Fatalf("FlagsSupported(%#x) = %v, want %v", tc.flags, err, tc.err)
			}
		})
	}
}
