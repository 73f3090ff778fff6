package seccomp

import (
	"fmt"
	"sort"

	"github.com/b7f961b7/libcontainer/configs"
)

// operators maps the OCI runtime-spec operator names to configs.Operator.
var operators = map[string]configs.Operator{
	"SCMP_CMP_NE":        configs.NotEqualTo,
	"SCMP_CMP_LT":        configs.LessThan,
	"SCMP_CMP_LE":        configs.LessThanOrEqualTo,
	"SCMP_CMP_EQ":        configs.EqualTo,
	"SCMP_CMP_GE":        configs.GreaterThanOrEqualTo,
	"SCMP_CMP_GT":        configs.GreaterThan,
	"SCMP_CMP_MASKED_EQ": configs.MaskEqualTo,
}

// actions maps the OCI runtime-spec action names to configs.Action.
var actions = map[string]configs.Action{
	"SCMP_ACT_KILL":         configs.Kill,
	"SCMP_ACT_ERRNO":        configs.Errno,
	"SCMP_ACT_TRAP":         configs.Trap,
	"SCMP_ACT_ALLOW":        configs.Allow,
	"SCMP_ACT_TRACE":        configs.Trace,
	"SCMP_ACT_LOG":          configs.Log,
	"SCMP_ACT_NOTIFY":       configs.Notify,
	"SCMP_ACT_KILL_THREAD":  configs.KillThread,
	"SCMP_ACT_KILL_PROCESS": configs.KillProcess,
}

// archs maps the OCI runtime-spec architecture names to the names
// libseccomp understands (as stored in configs.Seccomp.Architectures).
var archs = map[string]string{
	"SCMP_ARCH_X86":         "x86",
	"SCMP_ARCH_X86_64":      "amd64",
	"SCMP_ARCH_X32":         "x32",
	"SCMP_ARCH_ARM":         "arm",
	"SCMP_ARCH_AARCH64":     "arm64",
	"SCMP_ARCH_MIPS":        "mips",
	"SCMP_ARCH_MIPS64":      "mips64",
	"SCMP_ARCH_MIPS64N32":   "mips64n32",
	"SCMP_ARCH_MIPSEL":      "mipsel",
	"SCMP_ARCH_MIPSEL64":    "mipsel64",
	"SCMP_ARCH_MIPSEL64N32": "mipsel64n32",
	"SCMP_ARCH_PPC":         "ppc",
	"SCMP_ARCH_PPC64":       "ppc64",
	"SCMP_ARCH_PPC64LE":     "ppc64le",
	"SCMP_ARCH_RISCV64":     "riscv64",
	"SCMP_ARCH_S390":        "s390",
	"SCMP_ARCH_S390X":       "s390x",
	// Additions beyond runc v1.1, present in runtime-spec v1.3.0.
	"SCMP_ARCH_PARISC":      "parisc",
	"SCMP_ARCH_PARISC64":    "parisc64",
	"SCMP_ARCH_LOONGARCH64": "loong64",
	"SCMP_ARCH_M68K":        "m68k",
	"SCMP_ARCH_SH":          "sh",
	"SCMP_ARCH_SHEB":        "sheb",
}

// ConvertStringToOperator returns the configs.Operator named by an OCI
// operator string such as "SCMP_CMP_EQ", or an error naming the string.
func ConvertStringToOperator(in string) (configs.Operator, error) {
	if op, ok := operators[in]; ok {
		return op, nil
	}
	return 0, fmt.Errorf("string %s is not a valid operator for seccomp", in)
}

// ConvertStringToAction returns the configs.Action named by an OCI action
// string such as "SCMP_ACT_ERRNO", or an error naming the string.
func ConvertStringToAction(in string) (configs.Action, error) {
	if act, ok := actions[in]; ok {
		return act, nil
	}
	return 0, fmt.Errorf("string %s is not a valid action for seccomp", in)
}

// ConvertStringToArch returns the libseccomp architecture name ("amd64",
// "x86", ...) for an OCI architecture string such as "SCMP_ARCH_X86_64", or
// an error naming the string.
func ConvertStringToArch(in string) (string, error) {
	if arch, ok := archs[in]; ok {
		return arch, nil
	}
	return "", fmt.Errorf("string %s is not a valid arch for seccomp", in)
}

// KnownOperators returns the sorted OCI operator names this package accepts.
func KnownOperators() []string { return sortedKeys(operators) }

// KnownActions returns the sorted OCI action names this package accepts.
func KnownActions() []string { return sortedKeys(actions) }

// KnownArchs returns the sorted OCI architecture names this package accepts.
func KnownArchs() []string { return sortedKeys(archs) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
