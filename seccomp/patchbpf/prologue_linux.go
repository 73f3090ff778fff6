//go:build linux && cgo

package patchbpf

import "golang.org/x/sys/unix"

// Offsets of the fields of struct seccomp_data the prologue reads.
const (
	seccompDataNr   = 0
	seccompDataArch = 4
)

// retENOSYS is the filter return value that fails a syscall with ENOSYS.
const retENOSYS = unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)

// blockLen is the number of instructions enosysPrologue emits per range.
const blockLen = 6

// enosysPrologue assembles a classic-BPF program fragment that returns
// ENOSYS for a syscall whose audit arch equals a range's arch and whose
// number n satisfies last < n < end. Every other syscall falls through to
// the instruction right after the fragment, with no state the following
// program depends on (it reloads what it needs).
func enosysPrologue(ranges []enosysRange) []unix.SockFilter {
	prog := make([]unix.SockFilter, 0, blockLen*len(ranges))
	for _, r := range ranges {
		// Jump offsets are relative to the next instruction; "next block"
		// is the instruction after this block's last one.
		prog = append(prog,
			stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, seccompDataArch),
			jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, r.audit, 0, 4),
			stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, seccompDataNr),
			jump(unix.BPF_JMP|unix.BPF_JGT|unix.BPF_K, r.last, 0, 2),
			jump(unix.BPF_JMP|unix.BPF_JGE|unix.BPF_K, r.end, 1, 0),
			stmt(unix.BPF_RET|unix.BPF_K, retENOSYS),
		)
	}
	return prog
}

func stmt(code uint16, k uint32) unix.SockFilter {
	return unix.SockFilter{Code: code, K: k}
}

func jump(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
}
