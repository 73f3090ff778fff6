package validate

import (
	"errors"
	"fmt"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/seccomp"
)

// maxSyscallArgs is the number of system-call arguments (index 0..5).
const maxSyscallArgs = 6

// seccompCheck rejects unknown actions and operators, NOTIFY as the
// default action, NOTIFY on write(2) (the listener's own traffic would
// deadlock), NOTIFY without a listener path, null or unnamed rules and
// null or out-of-range argument conditions, and filter flags that are
// unknown, meaningless (WAIT_KILLABLE_RECV without a NOTIFY rule) or not
// supported by the running kernel.
func seccompCheck(config *configs.Config) error {
	sc := config.Seccomp
	if sc == nil {
		return nil
	}
	if !validAction(sc.DefaultAction) {
		return invalid("seccomp.default_action", fmt.Sprint(sc.DefaultAction), "not a valid action for seccomp")
	}
	if sc.DefaultAction == configs.Notify {
		return invalid("seccomp.default_action", fmt.Sprint(sc.DefaultAction), "SCMP_ACT_NOTIFY cannot be used as the default action")
	}
	notify := false
	for i, s := range sc.Syscalls {
		field := fmt.Sprintf("seccomp.syscalls[%d]", i)
		if s == nil {
			return invalid(field, "", "must not be null")
		}
		if s.Name == "" {
			return invalid(field+".name", "", "must not be empty")
		}
		if !validAction(s.Action) {
			return invalid(field+".action", fmt.Sprint(s.Action), "not a valid action for seccomp")
		}
		if s.Action == configs.Notify {
			if s.Name == "write" {
				return invalid(field+".action", fmt.Sprint(s.Action), "SCMP_ACT_NOTIFY cannot be used for the write syscall")
			}
			notify = true
		}
		for j, a := range s.Args {
			af := fmt.Sprintf("%s.args[%d]", field, j)
			if a == nil {
				return invalid(af, "", "must not be null")
			}
			if a.Index >= maxSyscallArgs {
				return invalid(af+".index", fmt.Sprint(a.Index), "must be below %d", maxSyscallArgs)
			}
			if a.Op < configs.EqualTo || a.Op > configs.MaskEqualTo {
				return invalid(af+".op", fmt.Sprint(a.Op), "not a valid operator for seccomp")
			}
		}
	}
	if notify && sc.ListenerPath == "" {
		return invalid("seccomp.listener_path", "", "SCMP_ACT_NOTIFY needs a listener path")
	}
	return seccompFlagsCheck(sc)
}

// seccompFlagsCheck rejects unknown filter flags by name, and a set of
// flags the filter could not be loaded with on this kernel.
func seccompFlagsCheck(sc *configs.Seccomp) error {
	known := map[string]bool{}
	for _, name := range seccomp.KnownFlags() {
		known[name] = true
	}
	for i, flag := range sc.Flags {
		if !known[string(flag)] {
			return invalid(fmt.Sprintf("seccomp.flags[%d]", i), string(flag), "not a known seccomp filter flag (known: %q)", seccomp.KnownFlags())
		}
	}
	if err := seccomp.CheckFlags(sc); err != nil {
		if errors.Is(err, seccomp.ErrFlagsUnsupported) {
			return invalidCause("seccomp.flags", fmt.Sprint(sc.Flags), err, "not supported by the running kernel")
		}
		return invalidCause("seccomp.flags", fmt.Sprint(sc.Flags), err, "invalid seccomp filter flags")
	}
	return nil
}

// validAction reports whether a is one of the defined seccomp actions.
func validAction(a configs.Action) bool {
	return a >= configs.Kill && a <= configs.KillProcess
}
