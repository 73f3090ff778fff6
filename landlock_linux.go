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

// landlockFileRights are the rights Landlock accepts in a rule on a file
// that is not a directory.
const landlockFileRights = unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE |
	unix.LANDLOCK_ACCESS_FS_EXECUTE

// prepareLandlock builds the Landlock ruleset for the config's rules
// (container paths) and returns its fd (close-on-exec), or -1 when there
// is nothing to enforce: no config, or Landlock unavailable in best-effort
// mode. writeFds are O_PATH fds of files the process must still open for
// writing after it enforced the ruleset (the init's exec fifo, which lives
// in the host's state directory): each gets a write rule for that one
// file. Nothing is enforced yet; see restrictLandlock.
func prepareLandlock(l *configs.Landlock, writeFds ...int) (int, error) {
	if l == nil {
		return -1, nil
	}
	attr := landlockRulesetAttr{handledAccessFS: landlockHandled}
	rfd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if errno != 0 {
		if l.BestEffort && (errno == unix.ENOSYS || errno == unix.EOPNOTSUPP) {
			return -1, nil
		}
		return -1, fmt.Errorf("landlock: create ruleset: %w", errno)
	}
	ok := false
	defer func() {
		if !ok {
			unix.Close(int(rfd))
		}
	}()
	addRule := func(fd int, access uint64) unix.Errno {
		pb := landlockPathBeneathAttr{allowedAccess: access, parentFd: int32(fd)}
		_, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, rfd, unix.LANDLOCK_RULE_PATH_BENEATH, uintptr(unsafe.Pointer(&pb)), 0, 0, 0)
		return errno
	}
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
				return -1, fmt.Errorf("landlock: rules[%d].access: unknown word %q", i, a)
			}
		}
		fd, err := unix.Open(r.Path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			if l.BestEffort && errors.Is(err, unix.ENOENT) {
				continue
			}
			return -1, fmt.Errorf("landlock: rules[%d].path %s: %w", i, r.Path, err)
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err == nil && st.Mode&unix.S_IFMT != unix.S_IFDIR {
			// Directory-only rights cannot be granted on a file.
			access &= landlockFileRights
		}
		errno := addRule(fd, access)
		unix.Close(fd)
		if errno != 0 {
			return -1, fmt.Errorf("landlock: add rules[%d] (%s): %w", i, r.Path, errno)
		}
	}
	for _, fd := range writeFds {
		if errno := addRule(fd, unix.LANDLOCK_ACCESS_FS_WRITE_FILE); errno != 0 {
			return -1, fmt.Errorf("landlock: allow writing the runtime's fd %d: %w", fd, errno)
		}
	}
	ok = true
	return int(rfd), nil
}

// restrictLandlock makes the calling thread (and what it execs) enforce
// the ruleset rfd, and closes rfd. Landlock needs no_new_privs (or
// CAP_SYS_ADMIN, which the container process has usually dropped by now),
// so it sets no_new_privs.
func restrictLandlock(rfd int) error {
	defer unix.Close(rfd)
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("landlock: set no_new_privs: %w", err)
	}
	if _, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(rfd), 0, 0); errno != 0 {
		return fmt.Errorf("landlock: restrict self: %w", errno)
	}
	return nil
}
