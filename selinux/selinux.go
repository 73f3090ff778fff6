// Package selinux is the small part of SELinux labelling the container
// init needs, over github.com/opencontainers/selinux (go-selinux and
// go-selinux/label).
//
// Rule of this package: asking for a non-empty label while SELinux is
// disabled (or not supported by the kernel) is an error wrapping
// ErrDisabled, never a silent no-op; an empty label always does nothing.
//
// Process and keyring labels are per thread (exec label) or per thread
// group (key label): call the setters from the locked OS thread that will
// execve(2) the container process.
package selinux

import (
	"errors"
	"fmt"
	"path/filepath"

	goselinux "github.com/opencontainers/selinux/go-selinux"
	"github.com/opencontainers/selinux/go-selinux/label"
)

// ErrDisabled is wrapped by every setter given a non-empty label while
// SELinux is not enabled.
var ErrDisabled = errors.New("selinux label is specified in config, but selinux is disabled or not supported")

// Enabled reports whether SELinux is enabled on the host (selinuxfs
// mounted and usable). The answer is cached by go-selinux.
func Enabled() bool {
	return goselinux.GetEnabled()
}

// SetProcessLabel sets the label the kernel gives the next program the
// calling thread executes (/proc/thread-self/attr/exec, written through a
// verified procfs handle by go-selinux). An empty label does nothing.
func SetProcessLabel(processLabel string) error {
	if processLabel == "" {
		return nil
	}
	if !Enabled() {
		return fmt.Errorf("set process label %q: %w", processLabel, ErrDisabled)
	}
	if err := goselinux.SetExecLabel(processLabel); err != nil {
		return fmt.Errorf("set process label %q: %w", processLabel, err)
	}
	return nil
}

// SetKeyLabel sets the label of the next kernel keyring the process
// creates (/proc/self/attr/keycreate; only the thread-group leader may
// set it). An empty label does nothing.
func SetKeyLabel(keyLabel string) error {
	if keyLabel == "" {
		return nil
	}
	if !Enabled() {
		return fmt.Errorf("set keyring label %q: %w", keyLabel, ErrDisabled)
	}
	if err := goselinux.SetKeyLabel(keyLabel); err != nil {
		return fmt.Errorf("set keyring label %q: %w", keyLabel, err)
	}
	return nil
}

// FormatMountLabel returns the mount data src with the SELinux option
// context="<mountLabel>" appended (comma-separated when src is not
// empty), or src unchanged when mountLabel is empty. It only formats:
// callers pass a mount label only when SELinux is enabled (config
// validation refuses labels otherwise), since kernels without SELinux
// reject the context= option.
func FormatMountLabel(src, mountLabel string) string {
	return label.FormatMountLabel(src, mountLabel)
}

// protectedPaths are host directories whose recursive relabelling would
// break the host; Relabel refuses them.
var protectedPaths = map[string]bool{
	"/": true, "/bin": true, "/boot": true, "/dev": true, "/etc": true, "/etc/pki": true,
	"/home": true, "/lib": true, "/lib64": true, "/media": true, "/opt": true, "/proc": true,
	"/root": true, "/run": true, "/sbin": true, "/srv": true, "/sys": true, "/tmp": true,
	"/usr": true, "/var": true, "/var/lib": true, "/var/log": true,
}

// Relabel sets fileLabel on path and everything below it (the path
// itself last). With shared, the MCS level becomes "s0" so that every
// container may use the content. An empty fileLabel does nothing; a
// system directory such as "/", "/usr" or "/etc" is refused.
func Relabel(path, fileLabel string, shared bool) error {
	if fileLabel == "" {
		return nil
	}
	if clean := filepath.Clean(path); protectedPaths[clean] {
		return fmt.Errorf("relabel %s: refusing to relabel a system directory recursively", clean)
	}
	if !Enabled() {
		return fmt.Errorf("relabel %s to %q: %w", path, fileLabel, ErrDisabled)
	}
	if err := label.Relabel(path, fileLabel, shared); err != nil {
		return fmt.Errorf("relabel %s to %q: %w", path, fileLabel, err)
	}
	return nil
}
