package seccomp

import (
	"slices"
	"strings"
	"testing"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestConvertStringToOperator(t *testing.T) {
	tests := []struct {
		in      string
		want    configs.Operator
		wantErr bool
	}{
		{"SCMP_CMP_EQ", configs.EqualTo, false},
		{"SCMP_CMP_NE", configs.NotEqualTo, false},
		{"SCMP_CMP_LT", configs.LessThan, false},
		{"SCMP_CMP_LE", configs.LessThanOrEqualTo, false},
		{"SCMP_CMP_GT", configs.GreaterThan, false},
		{"SCMP_CMP_GE", configs.GreaterThanOrEqualTo, false},
		{"SCMP_CMP_MASKED_EQ", configs.MaskEqualTo, false},
		{"SCMP_CMP_XX", 0, true},
		{"scmp_cmp_eq", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in+" converts as expected", func(t *testing.T) {
			got, err := ConvertStringToOperator(tc.in)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), tc.in+" is not a valid operator") {
					t.Fatalf("got %v, %v; want an error naming %q", got, err, tc.in)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestConvertStringToAction(t *testing.T) {
	tests := []struct {
		in      string
		want    configs.Action
		wantErr bool
	}{
		{"SCMP_ACT_KILL", configs.Kill, false},
		{"SCMP_ACT_KILL_THREAD", configs.KillThread, false},
		{"SCMP_ACT_KILL_PROCESS", configs.KillProcess, false},
		{"SCMP_ACT_ERRNO", configs.Errno, false},
		{"SCMP_ACT_TRAP", configs.Trap, false},
		{"SCMP_ACT_ALLOW", configs.Allow, false},
		{"SCMP_ACT_TRACE", configs.Trace, false},
		{"SCMP_ACT_LOG", configs.Log, false},
		{"SCMP_ACT_NOTIFY", configs.Notify, false},
		{"SCMP_ACT_BOGUS", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in+" converts as expected", func(t *testing.T) {
			got, err := ConvertStringToAction(tc.in)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), tc.in+" is not a valid action") {
					t.Fatalf("got %v, %v; want an error naming %q", got, err, tc.in)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestConvertStringToArch(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"SCMP_ARCH_X86", "x86", false},
		{"SCMP_ARCH_X86_64", "amd64", false},
		{"SCMP_ARCH_X32", "x32", false},
		{"SCMP_ARCH_AARCH64", "arm64", false},
		{"SCMP_ARCH_MIPSEL64N32", "mipsel64n32", false},
		{"SCMP_ARCH_PPC64LE", "ppc64le", false},
		{"SCMP_ARCH_RISCV64", "riscv64", false},
		{"SCMP_ARCH_S390X", "s390x", false},
		{"amd64", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in+" converts as expected", func(t *testing.T) {
			got, err := ConvertStringToArch(tc.in)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), tc.in+" is not a valid arch") {
					t.Fatalf("got %q, %v; want an error naming %q", got, err, tc.in)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestKnownListsAreSortedAndComplete(t *testing.T) {
	tests := []struct {
		name    string
		list    []string
		minLen  int
		convert func(string) error
	}{
		{"operators", KnownOperators(), 7, func(s string) error { _, err := ConvertStringToOperator(s); return err }},
		{"actions", KnownActions(), 9, func(s string) error { _, err := ConvertStringToAction(s); return err }},
		{"archs", KnownArchs(), 17, func(s string) error { _, err := ConvertStringToArch(s); return err }},
	}
	for _, tc := range tests {
		t.Run("known "+tc.name+" are sorted and each converts", func(t *testing.T) {
			if len(tc.list) < tc.minLen {
				t.Fatalf("got %d names, want at least %d", len(tc.list), tc.minLen)
			}
			if !slices.IsSorted(tc.list) {
				t.Fatalf("not sorted: %v", tc.list)
			}
			for _, s := range tc.list {
				if err := tc.convert(s); err != nil {
					t.Errorf("%s: %v", s, err)
				}
			}
		})
	}
}
