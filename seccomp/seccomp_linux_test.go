//go:build linux && cgo

package seccomp

import (
	"strconv"
	"strings"
	"syscall"
	"testing"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

func uintPtr(v uint) *uint { return &v }

// allowAll is a config whose default lets everything through; tests add
// the rules they check.
func allowAll(rules ...*configs.Syscall) *configs.Seccomp {
	return &configs.Seccomp{DefaultAction: configs.Allow, Syscalls: rules}
}

func getpgid(label string, pid uintptr) probe {
	return probe{Label: label, Nr: unix.SYS_GETPGID, Args: [3]uintptr{pid}}
}

func TestInitSeccompRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name    string
		config  *configs.Seccomp
		wantErr string
	}{
		{"a nil config is refused", nil, "config is nil"},
		{"notify as the default action is refused",
			&configs.Seccomp{DefaultAction: configs.Notify}, "cannot be used as the default action"},
		{"notify on write is refused",
			allowAll(&configs.Syscall{Name: "write", Action: configs.Notify}), "cannot be used for the write syscall"},
		{"a nil syscall is refused",
			allowAll(nil), "syscalls[0] is nil"},
		{"an invalid default action is refused",
			&configs.Seccomp{DefaultAction: 0}, "invalid action 0"},
		{"an invalid rule action is refused",
			allowAll(&configs.Syscall{Name: "getpgid", Action: 99}), `syscall "getpgid": invalid action 99`},
		{"an invalid operator is refused",
			allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Errno, Args: []*configs.Arg{{Index: 0, Op: 42}}}), "invalid operator 42"},
		{"an argument index past 5 is refused",
			allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Errno, Args: []*configs.Arg{{Index: 6, Op: configs.EqualTo}}}), "up to 6 arguments"},
		{"an unknown architecture is refused",
			&configs.Seccomp{DefaultAction: configs.Allow, Architectures: []string{"vax"}}, `architecture "vax"`},
		{"an errnoRet past 16 bits is refused",
			allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Errno, ErrnoRet: uintPtr(70000)}), "return value 70000 is out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fd, err := InitSeccomp(tc.config)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got fd %d, err %v; want error containing %q", fd, err, tc.wantErr)
			}
			if fd != -1 {
				t.Fatalf("got fd %d with an error, want -1", fd)
			}
		})
	}
}

func TestVersionReportsLinkedLibseccomp(t *testing.T) {
	major, minor, micro := Version()
	if major < 2 {
		t.Fatalf("Version() = %d.%d.%d, want at least 2.x", major, minor, micro)
	}
	if !Enabled {
		t.Fatal("Enabled is false in a cgo build")
	}
}

func TestActionsReachTheSyscall(t *testing.T) {
	tests := []struct {
		name   string
		config *configs.Seccomp
		probes []probe
		want   map[string]string
	}{
		{
			name:   "errno with a custom errnoRet fails the call with that errno",
			config: allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Errno, ErrnoRet: uintPtr(uint(unix.ENOMSG))}),
			probes: []probe{getpgid("getpgid", 0), {Label: "getppid", Nr: unix.SYS_GETPPID}},
			want:   map[string]string{"getpgid": "ENOMSG", "getppid": "ok"},
		},
		{
			name:   "errno without errnoRet fails the call with EPERM",
			config: allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Errno}),
			probes: []probe{getpgid("getpgid", 0)},
			want:   map[string]string{"getpgid": "EPERM"},
		},
		{
			name:   "trace without a tracer fails the call with ENOSYS",
			config: allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Trace}),
			probes: []probe{getpgid("getpgid", 0)},
			want:   map[string]string{"getpgid": "ENOSYS"},
		},
		{
			name:   "log lets the call through",
			config: allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Log}),
			probes: []probe{getpgid("getpgid", 0)},
			want:   map[string]string{"getpgid": "ok"},
		},
		{
			name: "a syscall name libseccomp does not know is skipped",
			config: allowAll(
				&configs.Syscall{Name: "no_such_syscall", Action: configs.Errno},
				&configs.Syscall{Name: "getpgid", Action: configs.Errno, ErrnoRet: uintPtr(uint(unix.ENOMSG))},
			),
			probes: []probe{getpgid("getpgid", 0)},
			want:   map[string]string{"getpgid": "ENOMSG"},
		},
		{
			name:   "a rule with the default action is skipped",
			config: allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Allow}),
			probes: []probe{getpgid("getpgid", 0)},
			want:   map[string]string{"getpgid": "ok"},
		},
		{
			name: "extra architectures load and native rules still apply",
			config: &configs.Seccomp{
				DefaultAction: configs.Allow,
				Architectures: []string{"x86", "x32"},
				Syscalls:      []*configs.Syscall{{Name: "getpgid", Action: configs.Errno, ErrnoRet: uintPtr(uint(unix.ENOMSG))}},
			},
			probes: []probe{getpgid("getpgid", 0)},
			want:   map[string]string{"getpgid": "ENOMSG"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runSeccompChild(t, "probe", tc.config, tc.probes)
			requireLoaded(t, res)
			for label, want := range tc.want {
				if got := res.lines[label]; got != want {
					t.Errorf("%s: got %q, want %q", label, got, want)
				}
			}
		})
	}
}

func TestFatalActionsDeliverSIGSYS(t *testing.T) {
	tests := []struct {
		name   string
		action configs.Action
		// check reports whether the child died the expected way.
		check func(ws syscall.WaitStatus, stderr string) bool
	}{
		{"kill_process kills the process with SIGSYS", configs.KillProcess,
			func(ws syscall.WaitStatus, _ string) bool { return ws.Signaled() && ws.Signal() == syscall.SIGSYS }},
		// Go's runtime turns a trapped SIGSYS into a crash report naming
		// the signal and its si_code (1 = SYS_SECCOMP).
		{"trap sends a seccomp SIGSYS to the caller", configs.Trap,
			func(_ syscall.WaitStatus, stderr string) bool {
				return strings.Contains(stderr, "SIGSYS") && strings.Contains(stderr, "sigcode=1")
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runSeccompChild(t, "probe", allowAll(&configs.Syscall{Name: "getpgid", Action: tc.action}),
				[]probe{getpgid("getpgid", 0)})
			if res.lines["init"] != "ok" {
				t.Fatalf("filter not loaded: stdout %q stderr %q", res.stdout, res.stderr)
			}
			if got, ok := res.lines["getpgid"]; ok {
				t.Fatalf("getpgid returned %q, want the process to die", got)
			}
			if !tc.check(res.state.Sys().(syscall.WaitStatus), res.stderr) {
				t.Fatalf("child ended with %v, stderr %.200q", res.state, res.stderr)
			}
		})
	}
}

func TestArgumentOperators(t *testing.T) {
	enomsg := uintPtr(uint(unix.ENOMSG))
	// Each case fails getpgid(pid) with ENOMSG when the condition holds;
	// when it does not, getpgid returns success or ESRCH.
	tests := []struct {
		name    string
		arg     configs.Arg
		matches map[uintptr]bool
	}{
		{"EQ matches only the value", configs.Arg{Op: configs.EqualTo, Value: 5}, map[uintptr]bool{4: false, 5: true, 6: false}},
		{"NE matches everything but the value", configs.Arg{Op: configs.NotEqualTo, Value: 5}, map[uintptr]bool{4: true, 5: false, 6: true}},
		{"LT matches smaller values", configs.Arg{Op: configs.LessThan, Value: 5}, map[uintptr]bool{4: true, 5: false, 6: false}},
		{"LE matches smaller or equal values", configs.Arg{Op: configs.LessThanOrEqualTo, Value: 5}, map[uintptr]bool{4: true, 5: true, 6: false}},
		{"GT matches larger values", configs.Arg{Op: configs.GreaterThan, Value: 5}, map[uintptr]bool{4: false, 5: false, 6: true}},
		{"GE matches larger or equal values", configs.Arg{Op: configs.GreaterThanOrEqualTo, Value: 5}, map[uintptr]bool{4: false, 5: true, 6: true}},
		{"MASKED_EQ compares the masked argument with ValueTwo", configs.Arg{Op: configs.MaskEqualTo, Value: 0xf0, ValueTwo: 0x50},
			map[uintptr]bool{0x50: true, 0x5a: true, 0x65: false, 0x05: false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			arg := tc.arg
			config := allowAll(&configs.Syscall{Name: "getpgid", Action: configs.Errno, ErrnoRet: enomsg, Args: []*configs.Arg{&arg}})
			var probes []probe
			for v := range tc.matches {
				probes = append(probes, getpgid(labelOf(v), v))
			}
			res := runSeccompChild(t, "probe", config, probes)
			requireLoaded(t, res)
			for v, match := range tc.matches {
				got := res.lines[labelOf(v)]
				if got == "" {
					t.Fatalf("no result for getpgid(%#x): stdout %q", v, res.stdout)
				}
				if (got == "ENOMSG") != match {
					t.Errorf("getpgid(%#x) = %s, want matched=%v", v, got, match)
				}
			}
		})
	}
}

func labelOf(v uintptr) string {
	return "arg" + strconv.FormatUint(uint64(v), 16)
}

func TestArgumentConditionsCombine(t *testing.T) {
	enomsg := uintPtr(uint(unix.ENOMSG))
	getpriority := func(label string, which, who uintptr) probe {
		return probe{Label: label, Nr: unix.SYS_GETPRIORITY, Args: [3]uintptr{which, who}}
	}
	tests := []struct {
		name   string
		args   []*configs.Arg
		probes []probe
		want   map[string]bool // label -> matched (ENOMSG)
	}{
		{
			name: "conditions on different arguments must all hold",
			args: []*configs.Arg{
				{Index: 0, Op: configs.EqualTo, Value: unix.PRIO_PROCESS},
				{Index: 1, Op: configs.EqualTo, Value: 0},
			},
			probes: []probe{
				getpriority("both", unix.PRIO_PROCESS, 0),
				getpriority("first-only", unix.PRIO_PROCESS, 1),
				getpriority("second-only", unix.PRIO_PGRP, 0),
			},
			want: map[string]bool{"both": true, "first-only": false, "second-only": false},
		},
		{
			name: "conditions on the same argument match if any holds",
			args: []*configs.Arg{
				{Index: 0, Op: configs.EqualTo, Value: unix.PRIO_PROCESS},
				{Index: 0, Op: configs.EqualTo, Value: unix.PRIO_PGRP},
			},
			probes: []probe{
				getpriority("process", unix.PRIO_PROCESS, 0),
				getpriority("pgrp", unix.PRIO_PGRP, 0),
				getpriority("user", unix.PRIO_USER, 0),
			},
			want: map[string]bool{"process": true, "pgrp": true, "user": false},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			config := allowAll(&configs.Syscall{Name: "getpriority", Action: configs.Errno, ErrnoRet: enomsg, Args: tc.args})
			res := runSeccompChild(t, "probe", config, tc.probes)
			requireLoaded(t, res)
			for label, match := range tc.want {
				got := res.lines[label]
				if got == "" {
					t.Fatalf("no result for %s: stdout %q", label, res.stdout)
				}
				if (got == "ENOMSG") != match {
					t.Errorf("%s = %s, want matched=%v", label, got, match)
				}
			}
		})
	}
}

// knownNativeSyscalls returns every syscall name libseccomp knows for the
// native architecture below 1024.
func knownNativeSyscalls(t *testing.T) []string {
	t.Helper()
	var names []string
	for nr := 0; nr < 1024; nr++ {
		if name, err := libseccomp.ScmpSyscall(nr).GetName(); err == nil {
			names = append(names, name)
		}
	}
	if len(names) < 200 {
		t.Fatalf("libseccomp names only %d native syscalls", len(names))
	}
	return names
}

func TestSyscallsNewerThanLibseccompGetENOSYS(t *testing.T) {
	// Default: fail with ENOMSG. Every syscall libseccomp knows is allowed
	// except getpgid, so the Go runtime keeps working in the child.
	var rules []*configs.Syscall
	for _, name := range knownNativeSyscalls(t) {
		if name != "getpgid" {
			rules = append(rules, &configs.Syscall{Name: name, Action: configs.Allow})
		}
	}
	config := &configs.Seccomp{
		DefaultAction:   configs.Errno,
		DefaultErrnoRet: uintPtr(uint(unix.ENOMSG)),
		Syscalls:        rules,
	}
	res := runSeccompChild(t, "probe", config, []probe{
		{Label: "sys1000", Nr: 1000},
		getpgid("getpgid", 0),
		{Label: "getppid", Nr: unix.SYS_GETPPID},
	})
	requireLoaded(t, res)
	want := map[string]string{
		"sys1000": "ENOSYS", // beyond libseccomp's table: ENOSYS, not the default
		"getpgid": "ENOMSG", // known but not allowed: the default action
		"getppid": "ok",
	}
	for label, w := range want {
		if got := res.lines[label]; got != w {
			t.Errorf("%s: got %q, want %q", label, got, w)
		}
	}
}

func TestNotifyReturnsAListenerThatAnswersTheSyscall(t *testing.T) {
	config := allowAll(&configs.Syscall{Name: "getppid", Action: configs.Notify})
	res := runSeccompChild(t, "notify", config, nil)
	if res.lines["init"] != "fd" {
		t.Fatalf("want a listener fd from InitSeccomp: stdout %q stderr %q", res.stdout, res.stderr)
	}
	requireLoaded(t, res)
	if got := res.lines["getppid"]; got != "ok 4242" {
		t.Fatalf("getppid = %q, want the listener's made-up answer \"ok 4242\" (stderr %q)", got, res.stderr)
	}
}
