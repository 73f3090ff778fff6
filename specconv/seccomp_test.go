package specconv

import (
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestSetupSeccomp(t *testing.T) {
	errnoRet := uint(13)
	tests := []struct {
		name    string
		in      *specs.LinuxSeccomp
		want    *configs.Seccomp
		wantErr string
	}{
		{name: "a nil profile gives no filter", in: nil, want: nil},
		{name: "a profile without default action and syscalls gives no filter", in: &specs.LinuxSeccomp{}, want: nil},
		{
			name: "every name of a rule becomes its own syscall with shared conditions",
			in: &specs.LinuxSeccomp{
				DefaultAction:    specs.ActErrno,
				DefaultErrnoRet:  &errnoRet,
				Architectures:    []specs.Arch{specs.ArchX86_64, specs.ArchX86},
				ListenerPath:     "/run/listener.sock",
				ListenerMetadata: "meta",
				Syscalls: []specs.LinuxSyscall{
					{Names: []string{"read", "write"}, Action: specs.ActAllow},
					{Names: []string{"personality"}, Action: specs.ActErrno, ErrnoRet: &errnoRet,
						Args: []specs.LinuxSeccompArg{{Index: 0, Value: 8, ValueTwo: 0, Op: specs.OpEqualTo},
							{Index: 1, Value: 0xff, ValueTwo: 4, Op: specs.OpMaskedEqual}}},
					{Names: []string{"getppid"}, Action: specs.ActNotify},
				},
			},
			want: &configs.Seccomp{
				DefaultAction:    configs.Errno,
				DefaultErrnoRet:  &errnoRet,
				Architectures:    []string{"amd64", "x86"},
				ListenerPath:     "/run/listener.sock",
				ListenerMetadata: "meta",
				Flags:            []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagSpecAllow},
				Syscalls: []*configs.Syscall{
					{Name: "read", Action: configs.Allow, Args: []*configs.Arg{}},
					{Name: "write", Action: configs.Allow, Args: []*configs.Arg{}},
					{Name: "personality", Action: configs.Errno, ErrnoRet: &errnoRet, Args: []*configs.Arg{
						{Index: 0, Value: 8, Op: configs.EqualTo},
						{Index: 1, Value: 0xff, ValueTwo: 4, Op: configs.MaskEqualTo}}},
					{Name: "getppid", Action: configs.Notify, Args: []*configs.Arg{}},
				},
			},
		},
		{name: "an unknown default action is refused",
			in: &specs.LinuxSeccomp{DefaultAction: "SCMP_ACT_BOGUS"}, wantErr: "linux.seccomp.defaultAction: string SCMP_ACT_BOGUS is not a valid action"},
		{name: "an unknown architecture is refused",
			in: &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Architectures: []specs.Arch{"SCMP_ARCH_VAX"}}, wantErr: "linux.seccomp.architectures[0]: string SCMP_ARCH_VAX is not a valid arch"},
		{name: "an unknown rule action is refused",
			in:      &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"x"}, Action: "NOPE"}}},
			wantErr: "linux.seccomp.syscalls[0].action: string NOPE is not a valid action"},
		{name: "an unknown operator is refused",
			in: &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"x"}, Action: specs.ActErrno,
				Args: []specs.LinuxSeccompArg{{Op: "SCMP_CMP_XX"}}}}},
			wantErr: "linux.seccomp.syscalls[0].args[0].op: string SCMP_CMP_XX is not a valid operator"},
	}
	for _, flag := range []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog, specs.LinuxSeccompFlagSpecAllow, specs.LinuxSeccompFlagWaitKillableRecv, "SECCOMP_FILTER_FLAG_TSYNC"} {
		tests = append(tests, struct {
			name    string
			in      *specs.LinuxSeccomp
			want    *configs.Seccomp
			wantErr string
		}{
			name: "the filter flag " + string(flag) + " is carried over",
			in:   &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Flags: []specs.LinuxSeccompFlag{flag}},
			want: &configs.Seccomp{DefaultAction: configs.Allow, Flags: []specs.LinuxSeccompFlag{flag}, Syscalls: []*configs.Syscall{}},
		})
	}
	tests = append(tests, []struct {
		name    string
		in      *specs.LinuxSeccomp
		want    *configs.Seccomp
		wantErr string
	}{
		{name: "an empty flag list asks for no flags, not the default",
			in:   &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Flags: []specs.LinuxSeccompFlag{}},
			want: &configs.Seccomp{DefaultAction: configs.Allow, Flags: []specs.LinuxSeccompFlag{}, Syscalls: []*configs.Syscall{}}},
		{name: "an unknown filter flag is refused by name",
			in:      &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog, "SECCOMP_FILTER_FLAG_BOGUS"}},
			wantErr: `linux.seccomp.flags[1]: seccomp flag "SECCOMP_FILTER_FLAG_BOGUS" is not supported`},
	}...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SetupSeccomp(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
