//go:build linux

package patchbpf

import (
	"errors"
	"fmt"
	"sort"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// FlagTSYNC is the runtime-spec name of SECCOMP_FILTER_FLAG_TSYNC, which
// the specs-go package has no constant for.
const FlagTSYNC specs.LinuxSeccompFlag = "SECCOMP_FILTER_FLAG_TSYNC"

// flagBits maps the runtime-spec names of the seccomp filter flags a
// config may ask for to their seccomp(2) bits.
var flagBits = map[specs.LinuxSeccompFlag]uint{
	FlagTSYNC:                              unix.SECCOMP_FILTER_FLAG_TSYNC,
	specs.LinuxSeccompFlagLog:              unix.SECCOMP_FILTER_FLAG_LOG,
	specs.LinuxSeccompFlagSpecAllow:        unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	specs.LinuxSeccompFlagWaitKillableRecv: unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
}

// KnownFlags returns the sorted runtime-spec names of the filter flags a
// configs.Seccomp may list.
func KnownFlags() []string {
	names := make([]string, 0, len(flagBits))
	for name := range flagBits {
		names = append(names, string(name))
	}
	sort.Strings(names)
	return names
}

// usesNotify reports whether a rule of config has the Notify action.
func usesNotify(config *configs.Seccomp) bool {
	for _, call := range config.Syscalls {
		if call != nil && call.Action == configs.Notify {
			return true
		}
	}
	return false
}

// FilterFlags returns the seccomp(2) flags config's filter is loaded with:
// the flags config lists, plus SECCOMP_FILTER_FLAG_NEW_LISTENER when a
// rule uses Notify (and SECCOMP_FILTER_FLAG_TSYNC_ESRCH when TSYNC is
// asked for along with a listener, a combination the kernel refuses
// otherwise). An unknown flag, or WAIT_KILLABLE_RECV without a Notify
// rule (it only changes how a notifying task waits), is an error naming
// the flag.
func FilterFlags(config *configs.Seccomp) (uint, error) {
	if config == nil {
		return 0, errors.New("seccomp flags: config is nil")
	}
	var flags uint
	for i, name := range config.Flags {
		bit, ok := flagBits[name]
		if !ok {
			return 0, fmt.Errorf("seccomp flags[%d]: unknown seccomp filter flag %q", i, name)
		}
		flags |= bit
	}
	if usesNotify(config) {
		flags |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
		if flags&unix.SECCOMP_FILTER_FLAG_TSYNC != 0 {
			flags |= unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH
		}
	} else if flags&unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV != 0 {
		return 0, fmt.Errorf("seccomp flag %q needs a rule with the SCMP_ACT_NOTIFY action", specs.LinuxSeccompFlagWaitKillableRecv)
	}
	return flags, nil
}

// ErrFlagsUnsupported is wrapped by FlagsSupported when the running
// kernel refuses a combination of filter flags.
var ErrFlagsUnsupported = errors.New("seccomp filter flags not supported by this kernel")

// FlagsSupported reports whether the running kernel accepts flags for
// seccomp(SECCOMP_SET_MODE_FILTER). It asks the kernel without a program:
// once the flags pass the kernel's checks, reading the missing program
// fails with EFAULT; an unknown flag or combination fails with EINVAL
// first. Nothing is ever loaded.
func FlagsSupported(flags uint) error {
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(flags), 0)
	switch errno {
	case unix.EFAULT:
		return nil
	case unix.EINVAL:
		return fmt.Errorf("flags %#x: %w", flags, ErrFlagsUnsupported)
	case unix.ENOSYS:
		if flags == 0 {
			return nil // prctl(PR_SET_SECCOMP) loads a filter without flags
		}
		return fmt.Errorf("flags %#x: seccomp(2) is missing: %w", flags, ErrFlagsUnsupported)
	case 0:
		// Impossible without a program; never report a flag as
		// supported on an answer we do not understand.
		return fmt.Errorf("flags %#x: seccomp(2) accepted a NULL program", flags)
	default:
		return fmt.Errorf("flags %#x: probe seccomp(2): %w", flags, errno)
	}
}
