package libcontainer

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// Landlock access rights granted by each configs access word.
const (
	landlockRead  = unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR
	landlockWrite = unix.LANDLOCK_ACCESS_FS_WRITE_FILE | unix.LANDLOCK_ACCESS_FS_REMOVE_DIR |
		unix.LANDLOCK_ACCESS_FS_REMOVE_FILE | unix.LANDLOCK_ACCESS_FS_MAKE_CHAR |
		unix.LANDLOCK_ACCESS_FS_MAKE_DIR | unix.LANDLOCK_ACCESS_FS_MAKE_REG |
		unix.LANDLOCK_ACCESS_FS_MAKE_SOCK | unix.LANDLOCK_ACCESS_FS_MAKE_FIFO |
		unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK | unix.LANDLOCK_ACCESS_FS_MAKE_SYM
	landlockExec = unix.LANDLOCK_ACCESS_FS_EXECUTE
	// landlockHandled is every right the ruleset governs (ABI 1): what no
	// rule grants is denied.
	landlockHandled = landlockRead | landlockWrite | landlockExec
)

// landlockRulesetAttr is struct landlock_ruleset_attr (ABI 1 size).
type landlockRulesetAttr struct {
	handledAccessFS uint64
}

// landlockPathBeneathAttr is struct landlock_path_beneath_attr (packed).
type landlockPathBeneathAttr struct {
	allowedAccess uint64
	parentFd      int32
}

// applyLandlock restricts the process's filesystem access to the config's
// rules (container paths) with a Landlock ruleset. It runs right before
// exec, after no_new_privs or with CAP_SYS_ADMIN.
func applyLandlock(l *configs.Landlock) error {
	if l == nil {
		return nil
	}
	attr := landlockRulesetAttr{handledAccessFS: landlockHandled}
	rfd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if errno != 0 {
		if l.BestEffort && (errno == unix.ENOSYS || errno == unix.EOPNOTSUPP) {
			return nil
		}
		return fmt.Errorf("landlock: create ruleset: %w", errno)
	}
	defer unix.Close(int(rfd))
	for i, r := range l.Rules {
		var access uint64
		for _, a := range r.Access {
			switch a {
			case configs.LandlockRead:
				access |= landlockRead
			case configs.LandlockWrite:
				access |= landlockWrite
			case configs.LandlockExec:
				access |= landlockExec
			default:
				return fmt.Errorf("landlock: rules[%d].access: unknown word %q", i, a)
			}
		}
		fd, err := unix.Open(r.Path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			if l.BestEffort && errors.Is(err, unix.ENOENT) {
				continue
			}
			return fmt.Errorf("landlock: rules[%d].path %s: %w", i, r.Path, err)
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err == nil && st.Mode&unix.S_IFMT != unix.S_IFDIR {
			// Directory-only rights cannot be granted on a file.
			access &^= unix.LANDLOCK_ACCESS_FS_READ_DIR | unix.LANDLOCK_ACCESS_FS_REMOVE_DIR |
				unix.LANDLOCK_ACCESS_FS_REMOVE_FILE | unix.LANDLOCK_ACCESS_FS_MAKE_CHAR |
				unix.LANDLOCK_ACCESS_FS_MAKE_DIR | unix.LANDLOCK_ACCESS_FS_MAKE_REG |
				unix.LANDLOCK_ACCESS_FS_MAKE_SOCK | unix.LANDLOCK_ACCESS_FS_MAKE_FIFO |
				unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK | unix.LANDLOCK_ACCESS_FS_MAKE_SYM
		}
		pb := landlockPathBeneathAttr{allowedAccess: access, parentFd: int32(fd)}
		_, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, rfd, unix.LANDLOCK_RULE_PATH_BENEATH, uintptr(unsafe.Pointer(&pb)), 0, 0, 0)
		unix.Close(fd)
		if errno != 0 {
			return fmt.Errorf("landlock: add rules[%d] (%s): %w", i, r.Path, errno)
		}
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("landlock: set no_new_privs: %w", err)
	}
	if _, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, rfd, 0, 0); errno != 0 {
		return fmt.Errorf("landlock: restrict self: %w", errno)
	}
	return nil
}
