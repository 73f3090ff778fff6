package libcontainer

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/utils"
)

// devptsSuperMagic is the f_type of a devpts filesystem.
const devptsSuperMagic = 0x1cd1

// setupConsole makes a pseudo-terminal in the container's devpts, sends
// its master over the console socket (fd socketFd), and makes the slave the
// process's stdio and controlling terminal. For the init the slave is also
// bind-mounted on /dev/console. The slave is reached from the master with
// TIOCGPTPEER, never by a path the container could swap (CVE-2025-52565).
func setupConsole(socketFd int, cfg *initConfig, mountConsole bool) error {
	socket := os.NewFile(uintptr(socketFd), "console-socket")
	defer socket.Close()
	// The devpts instance's own ptmx, never a symlink /dev/ptmx may be.
	master, err := os.OpenFile("/dev/pts/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return fmt.Errorf("open /dev/pts/ptmx: %w", err)
	}
	defer master.Close()
	var fs unix.Statfs_t
	if err := unix.Fstatfs(int(master.Fd()), &fs); err != nil || fs.Type != devptsSuperMagic {
		return fmt.Errorf("/dev/pts/ptmx is not on a devpts filesystem")
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		return fmt.Errorf("unlock pty: %w", err)
	}
	sfd, _, errno := unix.Syscall(unix.SYS_IOCTL, master.Fd(), unix.TIOCGPTPEER, uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
	if errno != 0 {
		return fmt.Errorf("open pty peer: %w", errno)
	}
	slave := os.NewFile(sfd, "pty-slave")
	defer slave.Close()
	if cfg.ConsoleWidth > 0 && cfg.ConsoleHeight > 0 {
		ws := &unix.Winsize{Col: cfg.ConsoleWidth, Row: cfg.ConsoleHeight}
		if err := unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, ws); err != nil {
			return fmt.Errorf("set console size: %w", err)
		}
	}
	if mountConsole {
		if err := mountConsoleOn(slave); err != nil {
			return err
		}
	}
	if err := utils.SendFd(socket, master.Name(), master.Fd()); err != nil {
		return fmt.Errorf("send console master: %w", err)
	}
	for i := 0; i <= 2; i++ {
		if err := unix.Dup3(int(slave.Fd()), i, 0); err != nil {
			return fmt.Errorf("dup console to fd %d: %w", i, err)
		}
	}
	if err := unix.IoctlSetInt(0, unix.TIOCSCTTY, 0); err != nil {
		return fmt.Errorf("set controlling terminal: %w", err)
	}
	return nil
}

// mountConsoleOn bind-mounts the pty slave on /dev/console, creating the
// mountpoint without following a symlink planted there.
func mountConsoleOn(slave *os.File) error {
	if fd, err := unix.Open("/dev/console", unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600); err == nil {
		unix.Close(fd)
	} else if err != unix.EEXIST {
		return fmt.Errorf("create /dev/console: %w", err)
	}
	fd, err := unix.Open("/dev/console", unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /dev/console: %w", err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("stat /dev/console: %w", err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK || st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return fmt.Errorf("/dev/console is a symlink or directory: refused")
	}
	src := fmt.Sprintf("/proc/self/fd/%d", slave.Fd())
	dst := fmt.Sprintf("/proc/self/fd/%d", fd)
	if err := unix.Mount(src, dst, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind console on /dev/console: %w", err)
	}
	return nil
}
