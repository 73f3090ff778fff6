package libcontainer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"

	"golang.org/x/sys/unix"
)

// The container init runs from a sealed in-memory copy of the host binary:
// /proc/<init>/exe then names the memfd, which nothing can write, so a
// container that reopens it (CVE-2019-5736) cannot reach the host binary.
// The copy is made once per process and reused by every container.
//
// A container can still hold the copy open for writing (writes fail, but
// the open succeeds) if it reaches it, e.g. with a "#!/proc/self/exe"
// script the runtime execs for it; execve of the copy then fails with
// ETXTBSY. startSealed answers that by making a fresh copy, so one
// container cannot stop others from starting.
var sealedExe struct {
	mu sync.RWMutex // held for reading while a start execs the copy
	f  *os.File
}

// sealedPlaceholder is the InitPath value replaced by the sealed copy.
const sealedPlaceholder = "/proc/self/exe"

// startSealed starts cmd from the sealed copy of /proc/self/exe (cmd.Path
// is ignored). It returns the command that started: a copy of cmd when the
// first copy had to be replaced.
func startSealed(cmd *exec.Cmd) (*exec.Cmd, error) {
	for attempt := 0; ; attempt++ {
		f, err := currentSealedExe()
		if err != nil {
			return cmd, err
		}
		sealedExe.mu.RLock()
		if sealedExe.f != f {
			sealedExe.mu.RUnlock()
			continue // replaced meanwhile
		}
		cmd.Path = fmt.Sprintf("/proc/self/fd/%d", f.Fd())
		err = cmd.Start()
		sealedExe.mu.RUnlock()
		if !errors.Is(err, unix.ETXTBSY) || attempt > 0 {
			return cmd, err
		}
		if err := replaceSealedExe(f); err != nil {
			return cmd, err
		}
		cmd = cloneCmd(cmd)
	}
}

// cloneCmd returns a not yet started copy of cmd, whose stdio are files:
// an exec.Cmd cannot be started twice, even after a failed Start.
func cloneCmd(cmd *exec.Cmd) *exec.Cmd {
	return &exec.Cmd{
		Path: cmd.Path, Args: cmd.Args, Env: cmd.Env, Dir: cmd.Dir,
		Stdin: cmd.Stdin, Stdout: cmd.Stdout, Stderr: cmd.Stderr,
		ExtraFiles: cmd.ExtraFiles, SysProcAttr: cmd.SysProcAttr,
	}
}

// currentSealedExe returns the sealed copy, making it on first use.
func currentSealedExe() (*os.File, error) {
	sealedExe.mu.RLock()
	f := sealedExe.f
	sealedExe.mu.RUnlock()
	if f != nil {
		return f, nil
	}
	sealedExe.mu.Lock()
	defer sealedExe.mu.Unlock()
	if sealedExe.f == nil {
		nf, err := sealExe("/proc/self/exe")
		if err != nil {
			return nil, err
		}
		sealedExe.f = nf
	}
	return sealedExe.f, nil
}

// replaceSealedExe makes a fresh copy if stale is still the current one;
// no start is using stale once the write lock is held.
func replaceSealedExe(stale *os.File) error {
	sealedExe.mu.Lock()
	defer sealedExe.mu.Unlock()
	if sealedExe.f != stale {
		return nil
	}
	nf, err := sealExe("/proc/self/exe")
	if err != nil {
		return err
	}
	sealedExe.f = nf
	stale.Close()
	return nil
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
