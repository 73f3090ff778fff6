package libcontainer

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// Execution domains of personality(2).
const (
	perLinux   = 0x0000
	perLinux32 = 0x0008
)

// applyPersonality sets the execution domain the program runs under.
func applyPersonality(p *configs.LinuxPersonality) error {
	if p == nil {
		return nil
	}
	var domain uintptr
	switch p.Domain {
	case configs.PerLinux:
		domain = perLinux
	case configs.PerLinux32:
		domain = perLinux32
	default:
		return fmt.Errorf("personality: unknown domain %q", p.Domain)
	}
	if len(p.Flags) > 0 {
		return fmt.Errorf("personality: flags %v are not supported", p.Flags)
	}
	if _, _, errno := unix.Syscall(unix.SYS_PERSONALITY, domain, 0, 0); errno != 0 {
		return fmt.Errorf("personality %s: %w", p.Domain, errno)
	}
	return nil
}
