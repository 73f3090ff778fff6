// Package apparmor applies AppArmor profiles to the container process.
package apparmor

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"

	"github.com/b7f961b7/libcontainer/utils"
)

// ErrApparmorNotEnabled is returned (wrapped) by ApplyProfile when a
// profile is requested but AppArmor is not enabled on this host.
var ErrApparmorNotEnabled = errors.New("apparmor: config provided but apparmor not supported")

// IsEnabled reports whether AppArmor is enabled on the host: the
// securityfs directory /sys/kernel/security/apparmor exists and
// /sys/module/apparmor/parameters/enabled starts with 'Y'. The answer is
// computed once and cached. It is a variable so that callers can replace
// it.
var IsEnabled = sync.OnceValue(isEnabled)

func isEnabled() bool {
	if _, err := os.Stat("/sys/kernel/security/apparmor"); err != nil {
		return false
	}
	buf, err := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	return err == nil && len(buf) > 0 && buf[0] == 'Y'
}

// ApplyProfile makes the calling thread switch to the AppArmor profile
// name at its next execve(2), by writing "exec <name>" to
// /proc/thread-self/attr/apparmor/exec (or the older
// /proc/thread-self/attr/exec). The file is checked to be on procfs
// before writing, so a fake /proc cannot swallow the label
// (CVE-2019-16884). An empty name does nothing. A non-empty name while
// AppArmor is not enabled is an error wrapping ErrApparmorNotEnabled
// (stricter than runc v1.1, which tried the write anyway). Call it on the
// locked OS thread that will execve the container process. It is a
// variable so that callers can replace it.
var ApplyProfile = applyProfile

func applyProfile(name string) error {
	if name == "" {
		return nil
	}
	if !IsEnabled() {
		return fmt.Errorf("apply apparmor profile %q: %w", name, ErrApparmorNotEnabled)
	}
	return writeExecAttr([]string{
		"/proc/thread-self/attr/apparmor/exec",
		"/proc/thread-self/attr/exec",
	}, "exec "+name)
}

// writeExecAttr writes value to the first of paths that exists, after
// checking it is a procfs file. The thread is locked for the duration so
// that "thread-self" stays the calling thread.
func writeExecAttr(paths []string, value string) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var f *os.File
	var err error
	for _, p := range paths {
		f, err = os.OpenFile(p, os.O_WRONLY, 0)
		if err == nil || !errors.Is(err, os.ErrNotExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("apparmor: open exec attribute: %w", err)
	}
	defer f.Close()
	if err := utils.EnsureProcHandle(f); err != nil {
		return fmt.Errorf("apparmor: %w", err)
	}
	if _, err := f.Write([]byte(value)); err != nil {
		return fmt.Errorf("apparmor: write %q to %s: %w", value, f.Name(), err)
	}
	return nil
}
