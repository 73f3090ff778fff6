package specconv

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/seccomp"
)

// SetupSeccomp converts an OCI seccomp profile. A nil profile, or one with
// neither a default action nor syscall rules, gives nil. Each syscall name
// of a rule becomes its own configs.Syscall. Filter flags are carried over
// after checking each name; a profile that lists no flags at all (nil, as
// opposed to an empty list) gets SECCOMP_FILTER_FLAG_SPEC_ALLOW when the
// running kernel supports it, as runc and crun do: the filter then does not
// force the costly speculative-store-bypass mitigation on the container.
func SetupSeccomp(config *specs.LinuxSeccomp) (*configs.Seccomp, error) {
	if config == nil {
		return nil, nil
	}
	if config.DefaultAction == "" && len(config.Syscalls) == 0 {
		return nil, nil
	}
	flags, err := seccompFlags(config.Flags)
	if err != nil {
		return nil, err
	}

	out := &configs.Seccomp{
		DefaultErrnoRet:  config.DefaultErrnoRet,
		ListenerPath:     config.ListenerPath,
		ListenerMetadata: config.ListenerMetadata,
		Flags:            flags,
		Syscalls:         []*configs.Syscall{},
	}
	for i, arch := range config.Architectures {
		a, err := seccomp.ConvertStringToArch(string(arch))
		if err != nil {
			return nil, fmt.Errorf("linux.seccomp.architectures[%d]: %w", i, err)
		}
		out.Architectures = append(out.Architectures, a)
	}
	def, err := seccomp.ConvertStringToAction(string(config.DefaultAction))
	if err != nil {
		return nil, fmt.Errorf("linux.seccomp.defaultAction: %w", err)
	}
	out.DefaultAction = def

	for i, call := range config.Syscalls {
		action, err := seccomp.ConvertStringToAction(string(call.Action))
		if err != nil {
			return nil, fmt.Errorf("linux.seccomp.syscalls[%d].action: %w", i, err)
		}
		args := make([]*configs.Arg, 0, len(call.Args))
		for j, a := range call.Args {
			op, err := seccomp.ConvertStringToOperator(string(a.Op))
			if err != nil {
				return nil, fmt.Errorf("linux.seccomp.syscalls[%d].args[%d].op: %w", i, j, err)
			}
			args = append(args, &configs.Arg{Index: a.Index, Value: a.Value, ValueTwo: a.ValueTwo, Op: op})
		}
		for _, name := range call.Names {
			out.Syscalls = append(out.Syscalls, &configs.Syscall{
				Name:     name,
				Action:   action,
				ErrnoRet: call.ErrnoRet,
				Args:     args,
			})
		}
	}
	return out, nil
}

// seccompFlags checks the names of an OCI profile's filter flags and
// returns them; nil (no flags field at all) gives the default,
// SECCOMP_FILTER_FLAG_SPEC_ALLOW, when the kernel has it.
func seccompFlags(in []specs.LinuxSeccompFlag) ([]specs.LinuxSeccompFlag, error) {
	if in == nil {
		def := &configs.Seccomp{Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagSpecAllow}}
		if seccomp.CheckFlags(def) == nil {
			return def.Flags, nil
		}
		return nil, nil
	}
	known := map[string]bool{}
	for _, name := range seccomp.KnownFlags() {
		known[name] = true
	}
	out := make([]specs.LinuxSeccompFlag, 0, len(in))
	for i, flag := range in {
		if !known[string(flag)] {
			return nil, fmt.Errorf("linux.seccomp.flags[%d]: seccomp flag %q is not supported (known: %q)", i, flag, seccomp.KnownFlags())
		}
		out = append(out, flag)
	}
	return out, nil
}
