//go:build linux && cgo

package patchbpf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"unsafe"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// sockFilterSize is the size of struct sock_filter.
const sockFilterSize = 8

// Program is a classic-BPF seccomp program, patched and checked, with the
// seccomp(2) flags it is loaded with. Build it with Patch; Load installs
// it. Splitting the two lets a caller do all the work that can fail for a
// reason worth reporting first, and load the filter as its very last step
// before execve(2).
type Program struct {
	insns []unix.SockFilter
	flags uint
}

// Patch exports filter as classic BPF and prepends the ENOSYS prologue for
// every architecture in the filter (unless the default action lets unknown
// syscalls run anyway: allow or log). It checks the program size and
// config's filter flags (FilterFlags), but loads nothing.
func Patch(config *configs.Seccomp, filter *libseccomp.ScmpFilter) (*Program, error) {
	if config == nil {
		return nil, errors.New("patchbpf: config is nil")
	}
	if filter == nil {
		return nil, errors.New("patchbpf: filter is nil")
	}
	flags, err := FilterFlags(config)
	if err != nil {
		return nil, err
	}
	prog, err := exportBPF(filter)
	if err != nil {
		return nil, err
	}

	defaultAction, err := filter.GetDefaultAction()
	if err != nil {
		return nil, fmt.Errorf("get filter default action: %w", err)
	}
	if base := defaultAction & 0xffff; base != libseccomp.ActAllow && base != libseccomp.ActLog {
		prog = append(enosysPrologue(filterRanges(filter)), prog...)
	}
	if len(prog) > unix.BPF_MAXINSNS {
		return nil, fmt.Errorf("seccomp program has %d instructions, more than the kernel limit of %d", len(prog), unix.BPF_MAXINSNS)
	}
	return &Program{insns: prog, flags: flags}, nil
}

// Flags returns the seccomp(2) flags the program is loaded with.
func (p *Program) Flags() uint { return p.flags }

// Load installs the program into the calling thread with seccomp(2) (or
// prctl when seccomp(2) is missing and no flag is needed). It returns the
// user-notification listener fd (close-on-exec) when the program was
// built from a config with a Notify rule, otherwise -1. It does not set
// no_new_privs; the caller must have done so or hold CAP_SYS_ADMIN. It
// makes no system call other than the one that loads the filter.
func (p *Program) Load() (int, error) {
	return loadFilter(p.insns, p.flags)
}

// PatchAndLoad is Patch followed by Load: it loads filter, patched, into
// the calling thread and returns the user-notification listener fd when
// config has a Notify rule, otherwise -1.
func PatchAndLoad(config *configs.Seccomp, filter *libseccomp.ScmpFilter) (int, error) {
	p, err := Patch(config, filter)
	if err != nil {
		return -1, err
	}
	return p.Load()
}

// exportBPF returns filter's classic BPF program as libseccomp generates it.
func exportBPF(filter *libseccomp.ScmpFilter) ([]unix.SockFilter, error) {
	raw, err := filter.ExportBPFMem()
	if err != nil {
		// libseccomp < 2.6 has no in-memory export: go through a memfd.
		raw, err = exportBPFFile(filter)
		if err != nil {
			return nil, err
		}
	}
	if len(raw) == 0 || len(raw)%sockFilterSize != 0 {
		return nil, fmt.Errorf("libseccomp exported a BPF program of %d bytes, not a whole number of instructions", len(raw))
	}
	prog := make([]unix.SockFilter, len(raw)/sockFilterSize)
	for i := range prog {
		b := raw[i*sockFilterSize:]
		prog[i] = unix.SockFilter{
			Code: binary.NativeEndian.Uint16(b[0:2]),
			Jt:   b[2],
			Jf:   b[3],
			K:    binary.NativeEndian.Uint32(b[4:8]),
		}
	}
	return prog, nil
}

// exportBPFFile exports filter through an anonymous memory file.
func exportBPFFile(filter *libseccomp.ScmpFilter) ([]byte, error) {
	fd, err := unix.MemfdCreate("seccomp-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("create memfd for BPF export: %w", err)
	}
	f := os.NewFile(uintptr(fd), "seccomp-bpf")
	defer f.Close()
	if err := filter.ExportBPF(f); err != nil {
		return nil, fmt.Errorf("export seccomp filter as BPF: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind BPF export: %w", err)
	}
	raw, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read BPF export: %w", err)
	}
	return raw, nil
}

// loadFilter installs prog with seccomp(SECCOMP_SET_MODE_FILTER, flags) and
// returns the listener fd when flags ask for one, otherwise -1. Without
// seccomp(2) (ENOSYS) and with no flags, it falls back to prctl.
func loadFilter(prog []unix.SockFilter, flags uint) (int, error) {
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	ret, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(flags), uintptr(unsafe.Pointer(&fprog)))
	if errno == unix.ENOSYS && flags == 0 {
		err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&fprog)), 0, 0)
		runtime.KeepAlive(prog)
		if err != nil {
			return -1, fmt.Errorf("prctl(PR_SET_SECCOMP): %w", err)
		}
		return -1, nil
	}
	runtime.KeepAlive(prog)
	switch {
	case errno == unix.EACCES:
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER): %w (the caller needs no_new_privs or CAP_SYS_ADMIN)", errno)
	case errno == unix.EINVAL && flags != 0:
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER, flags %#x): %w (a flag may be unsupported by this kernel)", flags, errno)
	case errno != 0:
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER, flags %#x): %w", flags, errno)
	}
	if flags&unix.SECCOMP_FILTER_FLAG_NEW_LISTENER != 0 {
		return int(ret), nil
	}
	return -1, nil
}
