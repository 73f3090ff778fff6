package validate

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/configs"
)

// withFlags sets the seccomp filter flags of a config that already has a
// seccomp section.
func withFlags(flags ...specs.LinuxSeccompFlag) func(*configs.Config) {
	return func(c *configs.Config) { c.Seccomp.Flags = flags }
}

func TestValidateSeccompFlags(t *testing.T) {
	notify := all(seccompWith(&configs.Syscall{Name: "mkdir", Action: configs.Notify}), func(c *configs.Config) {
		c.Seccomp.ListenerPath = "/run/listener.sock"
	})
	runValidationCases(t, []validationCase{
		{name: "the log flag is valid", mutate: all(seccompWith(), withFlags(specs.LinuxSeccompFlagLog))},
		{name: "the spec allow flag is valid", mutate: all(seccompWith(), withFlags(specs.LinuxSeccompFlagSpecAllow))},
		{name: "the tsync flag is valid", mutate: all(seccompWith(), withFlags("SECCOMP_FILTER_FLAG_TSYNC"))},
		{name: "tsync together with a notify rule is valid", mutate: all(notify, withFlags("SECCOMP_FILTER_FLAG_TSYNC"))},
		{name: "wait killable recv with a notify rule is valid", mutate: all(notify, withFlags(specs.LinuxSeccompFlagWaitKillableRecv))},
		{name: "an empty flag list is valid", mutate: all(seccompWith(), withFlags())},
		{name: "an unknown flag is rejected by name", mutate: all(seccompWith(), withFlags(specs.LinuxSeccompFlagLog, "SECCOMP_FILTER_FLAG_BOGUS")), field: "seccomp.flags[1]"},
		{name: "a flag spelled in lower case is rejected", mutate: all(seccompWith(), withFlags("seccomp_filter_flag_log")), field: "seccomp.flags[0]"},
		{name: "wait killable recv without a notify rule is rejected", mutate: all(seccompWith(), withFlags(specs.LinuxSeccompFlagWaitKillableRecv)), field: "seccomp.flags"},
	})
}
