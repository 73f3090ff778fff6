package configs

import specs "github.com/opencontainers/runtime-spec/specs-go"

// Seccomp is a system-call filter: syscalls matching a rule get the rule's
// action, everything else gets DefaultAction.
type Seccomp struct {
	// DefaultAction is the action for syscalls that match no rule.
	DefaultAction Action `json:"default_action"`
	// Architectures are libseccomp architecture names ("amd64", "x86",
	// "arm64", ...) the filter covers in addition to the native one.
	Architectures []string `json:"architectures"`
	// Syscalls are the filter rules.
	Syscalls []*Syscall `json:"syscalls"`
	// DefaultErrnoRet is the errno returned when DefaultAction is Errno
	// (or Trace); nil uses EPERM.
	DefaultErrnoRet *uint `json:"default_errno_ret"`
	// ListenerPath is the unix socket the notify fd is sent to; required
	// when any rule uses Notify.
	ListenerPath string `json:"listener_path,omitempty"`
	// ListenerMetadata is opaque data sent along with the notify fd.
	ListenerMetadata string `json:"listener_metadata,omitempty"`
	// Flags are the seccomp(2) filter flags to load the filter with
	// (runtime-spec names such as "SECCOMP_FILTER_FLAG_LOG"); nil or empty
	// loads it with none. The user-notification listener flag is added
	// whenever a rule uses Notify, without being listed here.
	Flags []specs.LinuxSeccompFlag `json:"flags,omitempty"`
}

// Syscall is one seccomp rule: calls of Name whose arguments match all
// Args get Action.
type Syscall struct {
	// Name is the system call name.
	Name string `json:"name"`
	// Action is the action for matching calls.
	Action Action `json:"action"`
	// ErrnoRet is the errno returned for Errno/Trace; nil uses EPERM.
	ErrnoRet *uint `json:"errnoRet"`
	// Args are the argument conditions.
	Args []*Arg `json:"args"`
}

// Arg is a condition on one system-call argument.
type Arg struct {
	// Index is the argument position (0..5).
	Index uint `json:"index"`
	// Value is the operand compared with the argument.
	Value uint64 `json:"value"`
	// ValueTwo is the second operand (the expected value for MaskEqualTo).
	ValueTwo uint64 `json:"value_two"`
	// Op is the comparison.
	Op Operator `json:"op"`
}

// Action is what a seccomp filter does with a matching system call.
type Action int

// The seccomp actions; values are fixed by the configuration format.
const (
	// Kill kills the calling thread.
	Kill Action = iota + 1
	// Errno fails the call with an errno.
	Errno
	// Trap sends SIGSYS.
	Trap
	// Allow lets the call through.
	Allow
	// Trace notifies a ptrace tracer.
	Trace
	// Log allows the call and logs it.
	Log
	// Notify forwards the call to a user-space listener.
	Notify
	// KillThread kills the calling thread (explicit spelling of Kill).
	KillThread
	// KillProcess kills the whole process.
	KillProcess
)

// Operator is a seccomp argument comparison.
type Operator int

// The seccomp comparison operators; values are fixed by the configuration
// format.
const (
	// EqualTo matches arg == Value.
	EqualTo Operator = iota + 1
	// NotEqualTo matches arg != Value.
	NotEqualTo
	// GreaterThan matches arg > Value.
	GreaterThan
	// GreaterThanOrEqualTo matches arg >= Value.
	GreaterThanOrEqualTo
	// LessThan matches arg < Value.
	LessThan
	// LessThanOrEqualTo matches arg <= Value.
	LessThanOrEqualTo
	// MaskEqualTo matches arg & Value == ValueTwo.
	MaskEqualTo
)
