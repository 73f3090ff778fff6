//go:build linux && cgo

package seccomp

import (
	"errors"
	"os"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestFiltersLoadWithEachFlag(t *testing.T) {
	for _, flag := range []specs.LinuxSeccompFlag{
		specs.LinuxSeccompFlagLog,
		specs.LinuxSeccompFlagSpecAllow,
		"SECCOMP_FILTER_FLAG_TSYNC",
	} {
		t.Run(string(flag)+" loads and the rules still apply", func(t *testing.T) {
			t.Parallel()
			config := allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Errno, ErrnoRet: uintPtr(uint(unix.ENOMSG))})
			config.Flags = []specs.LinuxSeccompFlag{flag}
			res := runSeccompChild(t, "probe", config, []probe{getpgid("getpgid", 0), {Label: "getppid", Nr: unix.SYS_GETPPID}})
			requireLoaded(t, res)
			if res.lines["getpgid"] != "ENOMSG" || res.lines["getppid"] != "ok" {
				t.Fatalf("getpgid %q getppid %q, want ENOMSG and ok", res.lines["getpgid"], res.lines["getppid"])
			}
		})
	}
	for _, flag := range []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagWaitKillableRecv, "SECCOMP_FILTER_FLAG_TSYNC"} {
		t.Run(string(flag)+" with a notify rule still hands out a working listener", func(t *testing.T) {
			t.Parallel()
			config := allowAll(&configs.Syscall{Name: "getppid", Action: configs.Notify})
			config.Flags = []specs.LinuxSeccompFlag{flag}
			res := runSeccompChild(t, "notify", config, nil)
			if res.lines["init"] != "fd" {
				t.Fatalf("want a listener fd: stdout %q stderr %q", res.stdout, res.stderr)
			}
			requireLoaded(t, res)
			if got := res.lines["getppid"]; got != "ok 4242" {
				t.Fatalf("getppid = %q, want the listener's answer \"ok 4242\"", got)
			}
		})
	}
}

func TestCompileRefusesBadFlagsAndLoadsNothing(t *testing.T) {
	tests := []struct {
		name    string
		flags   []specs.LinuxSeccompFlag
		wantErr string
	}{
		{"an unknown flag is refused by name", []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_BOGUS"}, `unknown seccomp filter flag "SECCOMP_FILTER_FLAG_BOGUS"`},
		{"wait killable recv without a notify rule is refused", []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagWaitKillableRecv}, "needs a rule with the SCMP_ACT_NOTIFY action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			config := allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Errno})
			config.Flags = tc.flags
			if _, err := Compile(config); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Compile: %v, want an error containing %q", err, tc.wantErr)
			}
			if err := CheckFlags(config); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("CheckFlags: %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
	t.Run("a good config compiles in the test process without filtering it", func(t *testing.T) {
		config := allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Errno})
		config.Flags = []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog}
		f, err := Compile(config)
		if err != nil {
			t.Fatal(err)
		}
		if f.NeedsListener() {
			t.Fatal("NeedsListener is true without a notify rule")
		}
		status, err := os.ReadFile("/proc/self/status")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(status), "\nSeccomp:\t0\n") {
			t.Fatal("the test process is filtered after Compile")
		}
	})
}

func TestCheckFlagsAsksTheKernel(t *testing.T) {
	notify := allowAll(&configs.Syscall{Name: "getppid", Action: configs.Notify})
	tests := []struct {
		name   string
		config *configs.Seccomp
		flags  []specs.LinuxSeccompFlag
		err    error
	}{
		{"no flags pass", allowAll(), nil, nil},
		{"log passes", allowAll(), []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog}, nil},
		{"spec allow passes", allowAll(), []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagSpecAllow}, nil},
		{"a notify rule alone passes", notify, nil, nil},
		{"wait killable recv with a notify rule passes on Linux 5.19 and later", notify, []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagWaitKillableRecv}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := *tc.config
			c.Flags = tc.flags
			if err := CheckFlags(&c); !errors.Is(err, tc.err) {
				t.Fatalf("CheckFlags: %v, want %v", err, tc.err)
			}
		})
	}
}

func TestKnownFlagsAreTheRuntimeSpecOnes(t *testing.T) {
	want := "SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"
	if got := strings.Join(KnownFlags(), " "); got != want {
		t.Fatalf("KnownFlags() = %q, want %q", got, want)
	}
}
