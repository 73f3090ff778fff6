//go:build linux && cgo

package patchbpf

import (
	"sync"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// tableSpan is how many syscall numbers, from an ABI's first one, are
// probed in libseccomp and covered by the ENOSYS prologue. Linux syscall
// tables are far below this; numbers past it keep the default action, so the
// prologue can never shadow a syscall libseccomp knows.
const tableSpan = 1024

// x32SyscallBit marks x32 syscalls on the x86_64 audit architecture.
const x32SyscallBit = 0x40000000

// abi describes one libseccomp architecture as the kernel reports it in
// seccomp_data: its audit architecture and the first number of its syscall
// table.
type abi struct {
	arch  libseccomp.ScmpArch
	audit uint32
	base  uint32
}

// abis lists every architecture libseccomp-golang can name.
var abis = []abi{
	{libseccomp.ArchX86, unix.AUDIT_ARCH_I386, 0},
	{libseccomp.ArchAMD64, unix.AUDIT_ARCH_X86_64, 0},
	{libseccomp.ArchX32, unix.AUDIT_ARCH_X86_64, x32SyscallBit},
	{libseccomp.ArchARM, unix.AUDIT_ARCH_ARM, 0},
	{libseccomp.ArchARM64, unix.AUDIT_ARCH_AARCH64, 0},
	{libseccomp.ArchMIPS, unix.AUDIT_ARCH_MIPS, 4000},
	{libseccomp.ArchMIPS64, unix.AUDIT_ARCH_MIPS64, 5000},
	{libseccomp.ArchMIPS64N32, unix.AUDIT_ARCH_MIPS64N32, 6000},
	{libseccomp.ArchMIPSEL, unix.AUDIT_ARCH_MIPSEL, 4000},
	{libseccomp.ArchMIPSEL64, unix.AUDIT_ARCH_MIPSEL64, 5000},
	{libseccomp.ArchMIPSEL64N32, unix.AUDIT_ARCH_MIPSEL64N32, 6000},
	{libseccomp.ArchPPC, unix.AUDIT_ARCH_PPC, 0},
	{libseccomp.ArchPPC64, unix.AUDIT_ARCH_PPC64, 0},
	{libseccomp.ArchPPC64LE, unix.AUDIT_ARCH_PPC64LE, 0},
	{libseccomp.ArchS390, unix.AUDIT_ARCH_S390, 0},
	{libseccomp.ArchS390X, unix.AUDIT_ARCH_S390X, 0},
	{libseccomp.ArchPARISC, unix.AUDIT_ARCH_PARISC, 0},
	{libseccomp.ArchPARISC64, unix.AUDIT_ARCH_PARISC64, 0},
	{libseccomp.ArchRISCV64, unix.AUDIT_ARCH_RISCV64, 0},
	{libseccomp.ArchLOONGARCH64, unix.AUDIT_ARCH_LOONGARCH64, 0},
	{libseccomp.ArchM68K, unix.AUDIT_ARCH_M68K, 0},
	{libseccomp.ArchSH, unix.AUDIT_ARCH_SHEL, 0},
	{libseccomp.ArchSHEB, unix.AUDIT_ARCH_SH, 0},
}

// enosysRange is the interval (last, end) of syscall numbers of one ABI
// that libseccomp does not know: last is the highest number it knows, end
// is the first number past the covered table.
type enosysRange struct {
	audit uint32
	last  uint32
	end   uint32
}

var (
	lastKnownMu    sync.Mutex
	lastKnownCache = map[libseccomp.ScmpArch]int64{}
)

// lastKnownSyscall returns the highest syscall number libseccomp can name
// for the ABI within [base, base+tableSpan), or -1 when it names none
// (libseccomp lacks the architecture). Results are cached.
func lastKnownSyscall(a abi) int64 {
	lastKnownMu.Lock()
	defer lastKnownMu.Unlock()
	if last, ok := lastKnownCache[a.arch]; ok {
		return last
	}
	last := int64(-1)
	for nr := int64(a.base) + tableSpan - 1; nr >= int64(a.base); nr-- {
		if _, err := libseccomp.ScmpSyscall(int32(nr)).GetNameByArch(a.arch); err == nil {
			last = nr
			break
		}
	}
	lastKnownCache[a.arch] = last
	return last
}

// filterRanges returns the ENOSYS ranges for every architecture present in
// filter.
func filterRanges(filter *libseccomp.ScmpFilter) []enosysRange {
	var ranges []enosysRange
	for _, a := range abis {
		present, err := filter.IsArchPresent(a.arch)
		if err != nil || !present {
			continue
		}
		last := lastKnownSyscall(a)
		if last < 0 {
			continue
		}
		ranges = append(ranges, enosysRange{audit: a.audit, last: uint32(last), end: a.base + tableSpan})
	}
	return ranges
}
