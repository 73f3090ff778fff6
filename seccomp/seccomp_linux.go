//go:build linux && cgo

package seccomp

import (
	"errors"
	"fmt"
	"log/slog"
	"math"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/seccomp/patchbpf"
)

// Enabled reports whether this build can load seccomp filters.
const Enabled = true

// notifyMinAPI is the libseccomp API level that supports SCMP_ACT_NOTIFY.
const notifyMinAPI = 6

// InitSeccomp builds the filter described by config and loads it into the
// calling thread (and the threads it later creates; TSYNC only when config
// asks for it). It returns the seccomp user-notification listener fd when
// a rule uses the Notify action, otherwise -1. The caller must have set
// no_new_privs or hold CAP_SYS_ADMIN. Syscall names libseccomp does not
// know are skipped, and a rule whose action equals the default action is
// dropped. Unless the default action is allow or log, syscalls newer than
// libseccomp's tables fail with ENOSYS instead of taking the default
// action (package patchbpf). It is Compile followed by Filter.Load.
func InitSeccomp(config *configs.Seccomp) (int, error) {
	f, err := Compile(config)
	if err != nil {
		return -1, err
	}
	return f.Load()
}

// Filter is a seccomp filter compiled from a configs.Seccomp and ready to
// be loaded. Build it with Compile.
type Filter struct {
	prog   *patchbpf.Program
	notify bool
}

// Compile checks config and builds its filter (with the ENOSYS prologue
// and the filter flags) without loading it, so that every error other than
// the kernel refusing the final load is found while the caller can still
// report it. It refuses what InitSeccomp refuses: a nil config, Notify as
// the default action or for write(2), a nil rule, an invalid action,
// operator, argument index, architecture, return value or filter flag.
func Compile(config *configs.Seccomp) (*Filter, error) {
	if config == nil {
		return nil, errors.New("cannot initialize seccomp: config is nil")
	}
	if config.DefaultAction == configs.Notify {
		return nil, errors.New("seccomp: SCMP_ACT_NOTIFY cannot be used as the default action")
	}
	usesNotify := false
	for i, call := range config.Syscalls {
		if call == nil {
			return nil, fmt.Errorf("seccomp: syscalls[%d] is nil", i)
		}
		if call.Action == configs.Notify {
			if call.Name == "write" {
				return nil, errors.New("seccomp: SCMP_ACT_NOTIFY cannot be used for the write syscall")
			}
			usesNotify = true
		}
	}
	if usesNotify {
		api, err := libseccomp.GetAPI()
		if err != nil {
			return nil, fmt.Errorf("seccomp: SCMP_ACT_NOTIFY needs libseccomp API level %d: %w", notifyMinAPI, err)
		}
		if api < notifyMinAPI {
			return nil, fmt.Errorf("seccomp: SCMP_ACT_NOTIFY needs libseccomp API level %d, have %d", notifyMinAPI, api)
		}
	}

	defaultAction, err := scmpAction(config.DefaultAction, config.DefaultErrnoRet)
	if err != nil {
		return nil, fmt.Errorf("seccomp default action: %w", err)
	}
	filter, err := libseccomp.NewFilter(defaultAction)
	if err != nil {
		return nil, fmt.Errorf("seccomp: create filter: %w", err)
	}
	defer filter.Release()

	for _, name := range config.Architectures {
		arch, err := libseccomp.GetArchFromString(name)
		if err != nil {
			return nil, fmt.Errorf("seccomp architecture %q: %w", name, err)
		}
		if err := filter.AddArch(arch); err != nil {
			return nil, fmt.Errorf("seccomp: add architecture %q: %w", name, err)
		}
	}
	for _, call := range config.Syscalls {
		if err := addSyscallRules(filter, call, defaultAction); err != nil {
			return nil, err
		}
	}

	prog, err := patchbpf.Patch(config, filter)
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	return &Filter{prog: prog, notify: usesNotify}, nil
}

// NeedsListener reports whether loading the filter yields a
// user-notification listener fd (a rule uses the Notify action).
func (f *Filter) NeedsListener() bool { return f.notify }

// Load installs the filter into the calling thread and returns the
// user-notification listener fd, or -1 when no rule uses Notify. Its only
// system call is the one that loads the filter, so it can be the last
// step before execve(2): the filter then needs to allow nothing the
// runtime does, only the execve. The caller must have set no_new_privs or
// hold CAP_SYS_ADMIN.
func (f *Filter) Load() (int, error) {
	fd, err := f.prog.Load()
	if err != nil {
		return -1, fmt.Errorf("seccomp: load filter: %w", err)
	}
	return fd, nil
}

// Version returns the major, minor and micro version of the linked libseccomp.
func Version() (uint, uint, uint) {
	return libseccomp.GetLibraryVersion()
}

// scmpAction converts a configs.Action (with its optional errno/trace return
// value) to the libseccomp action. Errno and Trace return EPERM unless ret
// is given.
func scmpAction(act configs.Action, ret *uint) (libseccomp.ScmpAction, error) {
	switch act {
	case configs.Kill, configs.KillThread:
		return libseccomp.ActKillThread, nil
	case configs.KillProcess:
		return libseccomp.ActKillProcess, nil
	case configs.Trap:
		return libseccomp.ActTrap, nil
	case configs.Allow:
		return libseccomp.ActAllow, nil
	case configs.Log:
		return libseccomp.ActLog, nil
	case configs.Notify:
		return libseccomp.ActNotify, nil
	case configs.Errno, configs.Trace:
		code := uint(unix.EPERM)
		if ret != nil {
			code = *ret
		}
		if code > math.MaxInt16 {
			return libseccomp.ActInvalid, fmt.Errorf("return value %d is out of range (0..%d)", code, math.MaxInt16)
		}
		base := libseccomp.ActErrno
		if act == configs.Trace {
			base = libseccomp.ActTrace
		}
		return base.SetReturnCode(int16(code)), nil
	default:
		return libseccomp.ActInvalid, fmt.Errorf("invalid action %d", act)
	}
}

// scmpOperator converts a configs.Operator to the libseccomp comparison.
func scmpOperator(op configs.Operator) (libseccomp.ScmpCompareOp, error) {
	switch op {
	case configs.EqualTo:
		return libseccomp.CompareEqual, nil
	case configs.NotEqualTo:
		return libseccomp.CompareNotEqual, nil
	case configs.GreaterThan:
		return libseccomp.CompareGreater, nil
	case configs.GreaterThanOrEqualTo:
		return libseccomp.CompareGreaterEqual, nil
	case configs.LessThan:
		return libseccomp.CompareLess, nil
	case configs.LessThanOrEqualTo:
		return libseccomp.CompareLessOrEqual, nil
	case configs.MaskEqualTo:
		return libseccomp.CompareMaskedEqual, nil
	default:
		return libseccomp.CompareInvalid, fmt.Errorf("invalid operator %d", op)
	}
}

// scmpCondition converts one argument condition. MaskEqualTo compares
// (arg & Value) with ValueTwo.
func scmpCondition(arg *configs.Arg) (libseccomp.ScmpCondition, error) {
	if arg == nil {
		return libseccomp.ScmpCondition{}, errors.New("argument condition is nil")
	}
	op, err := scmpOperator(arg.Op)
	if err != nil {
		return libseccomp.ScmpCondition{}, err
	}
	if op == libseccomp.CompareMaskedEqual {
		return libseccomp.MakeCondition(arg.Index, op, arg.Value, arg.ValueTwo)
	}
	return libseccomp.MakeCondition(arg.Index, op, arg.Value)
}

// addSyscallRules adds the rule(s) for one configs.Syscall to filter.
// Conditions on different argument indexes must all hold (one rule, AND);
// when any index repeats, every condition becomes its own rule (OR), because
// libseccomp cannot AND two conditions on one argument (CVE-2017-18367).
func addSyscallRules(filter *libseccomp.ScmpFilter, call *configs.Syscall, defaultAction libseccomp.ScmpAction) error {
	action, err := scmpAction(call.Action, call.ErrnoRet)
	if err != nil {
		return fmt.Errorf("seccomp syscall %q: %w", call.Name, err)
	}
	if action == defaultAction {
		// libseccomp refuses such rules; they are redundant anyway.
		return nil
	}
	nr, err := libseccomp.GetSyscallFromName(call.Name)
	if err != nil {
		slog.Debug("seccomp: skipping syscall unknown to libseccomp", "syscall", call.Name)
		return nil
	}

	if len(call.Args) == 0 {
		if err := filter.AddRule(nr, action); err != nil {
			return fmt.Errorf("seccomp: add rule for syscall %q: %w", call.Name, err)
		}
		return nil
	}

	conds := make([]libseccomp.ScmpCondition, 0, len(call.Args))
	seen := make(map[uint]bool, len(call.Args))
	repeated := false
	for i, arg := range call.Args {
		cond, err := scmpCondition(arg)
		if err != nil {
			return fmt.Errorf("seccomp syscall %q args[%d]: %w", call.Name, i, err)
		}
		if seen[cond.Argument] {
			repeated = true
		}
		seen[cond.Argument] = true
		conds = append(conds, cond)
	}

	if !repeated {
		if err := filter.AddRuleConditional(nr, action, conds); err != nil {
			return fmt.Errorf("seccomp: add conditional rule for syscall %q: %w", call.Name, err)
		}
		return nil
	}
	for _, cond := range conds {
		if err := filter.AddRuleConditional(nr, action, []libseccomp.ScmpCondition{cond}); err != nil {
			return fmt.Errorf("seccomp: add conditional rule for syscall %q: %w", call.Name, err)
		}
	}
	return nil
}
