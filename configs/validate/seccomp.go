package validate

import (
	"fmt"

	"github.com/b7f961b7/libcontainer/configs"
)

// maxSyscallArgs is the number of system-call arguments (index 0..5).
const maxSyscallArgs = 6

// seccompCheck rejects unknown actions and operators, NOTIFY as the
// default action, NOTIFY on write(2) (the listener's own traffic would
// deadlock), NOTIFY without a listener path, null or unnamed rules and
// null or out-of-range argument conditions.
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
	return nil
}

// validAction reports whether a is one of the defined seccomp actions.
func validAction(a configs.Action) bool {
	return a >= configs.Kill && a <= configs.KillProcess
}
