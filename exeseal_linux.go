package libcontainer

import (
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// The container init runs from a sealed in-memory copy of the host binary:
// /proc/<init>/exe then names the memfd, which nothing can write, so a
// container that reopens it (CVE-2019-5736) cannot reach the host binary.
// The copy is made once per process and reused by every container.
var sealedExe struct {
	once sync.Once
	f    *os.File
	err  error
}

// sealedExePath returns a path that execs the sealed copy of
// /proc/self/exe, making the copy on first use.
func sealedExePath() (string, error) {
	sealedExe.once.Do(func() {
		sealedExe.f, sealedExe.err = sealExe("/proc/self/exe")
	})
	if sealedExe.err != nil {
		return "", sealedExe.err
	}
	return fmt.Sprintf("/proc/self/fd/%d", sealedExe.f.Fd()), nil
}

// sealExe copies the binary at path into a memfd and seals it against
// every change: writes, growing, shrinking, and further seal changes.
func sealExe(path string) (*os.File, error) {
	src, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seal init binary: %w", err)
	}
	defer src.Close()
	fd, err := unix.MemfdCreate("libcontainer-init", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING|unix.MFD_EXEC)
	if err != nil {
		// Kernels before 6.3 do not know MFD_EXEC.
		fd, err = unix.MemfdCreate("libcontainer-init", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	}
	if err != nil {
		return nil, fmt.Errorf("seal init binary: memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "memfd:libcontainer-init")
	if _, err := io.Copy(f, src); err != nil {
		f.Close()
		return nil, fmt.Errorf("seal init binary: copy: %w", err)
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, seals|unix.F_SEAL_EXEC); err != nil {
		if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, seals); err != nil {
			f.Close()
			return nil, fmt.Errorf("seal init binary: %w", err)
		}
	}
	// Move the memfd to a high fd number: exec.Cmd dup2()s ExtraFiles onto
	// 3, 4, ... before execve, and must not overwrite the fd it execs.
	for _, min := range []int{4096, 1000, 512, 256} {
		if high, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, min); err == nil {
			f.Close()
			return os.NewFile(uintptr(high), "memfd:libcontainer-init"), nil
		}
	}
	return f, nil
}
