//go:build linux && cgo

package patchbpf

import (
	"fmt"
	"testing"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// fallThrough is what runPrologue reports when the prologue hands the
// syscall on to the program that follows it.
const fallThrough = ^uint32(0)

// runPrologue interprets the classic-BPF instructions enosysPrologue emits
// against one seccomp_data (arch, nr).
func runPrologue(t *testing.T, prog []unix.SockFilter, arch, nr uint32) uint32 {
	t.Helper()
	var acc uint32
	for pc := 0; pc < len(prog); pc++ {
		ins := prog[pc]
		switch ins.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			switch ins.K {
			case seccompDataNr:
				acc = nr
			case seccompDataArch:
				acc = arch
			default:
				t.Fatalf("pc %d: load from unexpected offset %d", pc, ins.K)
			}
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K, unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K:
			var cond bool
			switch ins.Code &^ (unix.BPF_JMP | unix.BPF_K) {
			case unix.BPF_JEQ:
				cond = acc == ins.K
			case unix.BPF_JGT:
				cond = acc > ins.K
			case unix.BPF_JGE:
				cond = acc >= ins.K
			}
			if cond {
				pc += int(ins.Jt)
			} else {
				pc += int(ins.Jf)
			}
			if pc+1 > len(prog) {
				t.Fatalf("pc %d: jump past the end of the prologue", pc)
			}
		case unix.BPF_RET | unix.BPF_K:
			return ins.K
		default:
			t.Fatalf("pc %d: unexpected opcode %#x", pc, ins.Code)
		}
	}
	return fallThrough
}

func TestENOSYSPrologue(t *testing.T) {
	ranges := []enosysRange{
		{audit: unix.AUDIT_ARCH_X86_64, last: 450, end: tableSpan},
		{audit: unix.AUDIT_ARCH_X86_64, last: x32SyscallBit + 547, end: x32SyscallBit + tableSpan},
		{audit: unix.AUDIT_ARCH_I386, last: 460, end: tableSpan},
	}
	prog := enosysPrologue(ranges)
	tests := []struct {
		name string
		arch uint32
		nr   uint32
		want uint32
	}{
		{"a known x86_64 syscall falls through", unix.AUDIT_ARCH_X86_64, 39, fallThrough},
		{"the last known x86_64 syscall falls through", unix.AUDIT_ARCH_X86_64, 450, fallThrough},
		{"the next x86_64 number gets ENOSYS", unix.AUDIT_ARCH_X86_64, 451, retENOSYS},
		{"x86_64 number 1000 gets ENOSYS", unix.AUDIT_ARCH_X86_64, 1000, retENOSYS},
		{"an x86_64 number past the table keeps the default", unix.AUDIT_ARCH_X86_64, tableSpan, fallThrough},
		{"a known x32 syscall falls through", unix.AUDIT_ARCH_X86_64, x32SyscallBit + 100, fallThrough},
		{"an x32 number past the known ones gets ENOSYS", unix.AUDIT_ARCH_X86_64, x32SyscallBit + 600, retENOSYS},
		{"an i386 number past the known ones gets ENOSYS", unix.AUDIT_ARCH_I386, 461, retENOSYS},
		{"an i386 known number falls through", unix.AUDIT_ARCH_I386, 455, fallThrough},
		{"an arch outside the filter falls through", unix.AUDIT_ARCH_AARCH64, 1000, fallThrough},
		{"nr -1 (skipped by a tracer) keeps the default", unix.AUDIT_ARCH_X86_64, ^uint32(0), fallThrough},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := runPrologue(t, prog, tc.arch, tc.nr); got != tc.want {
				t.Fatalf("got %#x, want %#x", got, tc.want)
			}
		})
	}
}

func TestLastKnownSyscallIsTheTopOfLibseccompsTable(t *testing.T) {
	native, err := libseccomp.GetNativeArch()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range abis {
		if a.arch != native {
			continue
		}
		last := lastKnownSyscall(a)
		if last < int64(a.base)+300 || last >= int64(a.base)+tableSpan {
			t.Fatalf("last known native syscall %d is implausible", last)
		}
		if _, err := libseccomp.ScmpSyscall(int32(last)).GetName(); err != nil {
			t.Fatalf("libseccomp does not name syscall %d: %v", last, err)
		}
		for nr := last + 1; nr < int64(a.base)+tableSpan; nr++ {
			if name, err := libseccomp.ScmpSyscall(int32(nr)).GetName(); err == nil {
				t.Fatalf("libseccomp names syscall %d (%s) above the last known %d", nr, name, last)
			}
		}
		return
	}
	t.Fatalf("native arch %v is missing from the abi table", native)
}

func TestFilterRangesCoverEveryArchInTheFilter(t *testing.T) {
	if native, _ := libseccomp.GetNativeArch(); native != libseccomp.ArchAMD64 {
		t.Skipf("expectations are written for amd64, native arch is %v", native)
	}
	filter, err := libseccomp.NewFilter(libseccomp.ActErrno)
	if err != nil {
		t.Fatal(err)
	}
	defer filter.Release()
	for _, arch := range []libseccomp.ScmpArch{libseccomp.ArchX86, libseccomp.ArchX32} {
		if err := filter.AddArch(arch); err != nil {
			t.Fatalf("add %v: %v", arch, err)
		}
	}
	ranges := filterRanges(filter)
	var got []string
	for _, r := range ranges {
		got = append(got, fmt.Sprintf("%#x:%#x", r.audit, r.end))
	}
	want := fmt.Sprint([]string{
		fmt.Sprintf("%#x:%#x", unix.AUDIT_ARCH_I386, tableSpan),
		fmt.Sprintf("%#x:%#x", unix.AUDIT_ARCH_X86_64, tableSpan),
		fmt.Sprintf("%#x:%#x", unix.AUDIT_ARCH_X86_64, x32SyscallBit+tableSpan),
	})
	if fmt.Sprint(got) != want {
		t.Fatalf("ranges %v, want %v", got, want)
	}
}
