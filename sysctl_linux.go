package libcontainer

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/utils"
)

// writeSysctls sets kernel parameters through the container's /proc/sys.
// Each file is opened beneath a handle verified to be procfs, following no
// symlink and crossing no mount, so a container that rearranged /proc
// cannot redirect a write (CVE-2025-52881).
func writeSysctls(sysctl map[string]string) error {
	if len(sysctl) == 0 {
		return nil
	}
	dir, err := os.OpenFile("/proc/sys", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return fmt.Errorf("open /proc/sys: %w", err)
	}
	defer dir.Close()
	if err := utils.EnsureProcHandle(dir); err != nil {
		return fmt.Errorf("/proc/sys: %w", err)
	}
	for key, value := range sysctl {
		if err := writeSysctl(dir, key, value); err != nil {
			return err
		}
	}
	return nil
}

// sysctlPath turns "net.ipv4.ip_forward" (or "net/ipv4/ip_forward") into a
// path below /proc/sys; the first separator decides the spelling.
func sysctlPath(key string) string {
	if i := strings.IndexAny(key, "./"); i >= 0 && key[i] == '.' {
		return strings.ReplaceAll(key, ".", "/")
	}
	return key
}

func writeSysctl(dir *os.File, key, value string) error {
	rel := sysctlPath(key)
	if strings.Contains("/"+rel+"/", "/../") {
		return fmt.Errorf("sysctl %q: invalid key", key)
	}
	how := unix.OpenHow{
		Flags:   unix.O_WRONLY | unix.O_CLOEXEC | unix.O_TRUNC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV,
	}
	fd, err := unix.Openat2(int(dir.Fd()), rel, &how)
	if err != nil {
		return fmt.Errorf("sysctl %s: open: %w", key, err)
	}
	f := os.NewFile(uintptr(fd), "/proc/sys/"+rel)
	defer f.Close()
	if err := utils.EnsureProcHandle(f); err != nil {
		return fmt.Errorf("sysctl %s: %w", key, err)
	}
	if _, err := f.WriteString(value); err != nil {
		return fmt.Errorf("sysctl %s=%s: %w", key, value, err)
	}
	return nil
}
