package utils

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// MaxNameLen is the maximum length of the name sent along with a file
// descriptor by SendFd (and so the largest payload RecvFd accepts), the
// same as the kernel's PATH_MAX.
const MaxNameLen = 4096

// SendFd sends the file descriptor fd over the unix socket, with name as
// the message payload so the receiver can name the file. name must be
// shorter than MaxNameLen.
func SendFd(socket *os.File, name string, fd uintptr) error {
	if len(name) >= MaxNameLen {
		return fmt.Errorf("sendfd: name %.32q... is %d bytes, must be shorter than %d", name, len(name), MaxNameLen)
	}
	return SendFds(socket, []byte(name), int(fd))
}

// SendFds sends msg and the file descriptors fds (as one SCM_RIGHTS
// control message) over the unix socket in a single sendmsg(2).
func SendFds(socket *os.File, msg []byte, fds ...int) error {
	if len(msg) == 0 {
		// A stream socket does not deliver control data without at
		// least one byte of payload.
		return errors.New("sendfds: message payload must not be empty")
	}
	rc, err := socket.SyscallConn()
	if err != nil {
		return fmt.Errorf("sendfds on %s: %w", socket.Name(), err)
	}
	oob := unix.UnixRights(fds...)
	var sendErr error
	err = rc.Write(func(s uintptr) bool {
		sendErr = unix.Sendmsg(int(s), msg, oob, nil, 0)
		return !errors.Is(sendErr, unix.EAGAIN)
	})
	if err == nil {
		err = sendErr
	}
	if err != nil {
		return fmt.Errorf("sendfds on %s: %w", socket.Name(), err)
	}
	return nil
}

// RecvFd receives exactly one file descriptor sent by SendFd from the unix
// socket and returns it as an *os.File named by the message payload. Any
// other shape of message (no fd, several fds, a payload of MaxNameLen bytes
// or more) is an error, and fds received with it are closed.
func RecvFd(socket *os.File) (*os.File, error) {
	rc, err := socket.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("recvfd on %s: %w", socket.Name(), err)
	}
	name := make([]byte, MaxNameLen)
	// Room for more than one fd, so that a sender that sends extra fds
	// is detected (and those fds closed) instead of silently truncated.
	oob := make([]byte, unix.CmsgSpace(4*4))
	var n, oobn, flags int
	var recvErr error
	err = rc.Read(func(s uintptr) bool {
		n, oobn, flags, _, recvErr = unix.Recvmsg(int(s), name, oob, unix.MSG_CMSG_CLOEXEC)
		return !errors.Is(recvErr, unix.EAGAIN)
	})
	if err == nil {
		err = recvErr
	}
	if err != nil {
		return nil, fmt.Errorf("recvfd on %s: %w", socket.Name(), err)
	}
	fds, err := parseRights(oob[:oobn])
	if err != nil {
		return nil, fmt.Errorf("recvfd on %s: %w", socket.Name(), err)
	}
	fail := func(format string, args ...any) (*os.File, error) {
		for _, fd := range fds {
			_ = unix.Close(fd)
		}
		return nil, fmt.Errorf("recvfd on %s: "+format, append([]any{socket.Name()}, args...)...)
	}
	switch {
	case flags&unix.MSG_CTRUNC != 0:
		return fail("control message truncated")
	case n >= MaxNameLen:
		return fail("name payload is %d bytes or longer", MaxNameLen)
	case n == 0 && len(fds) == 0:
		return fail("connection closed by peer")
	case len(fds) != 1:
		return fail("expected exactly one fd, got %d", len(fds))
	}
	return os.NewFile(uintptr(fds[0]), string(name[:n])), nil
}

// parseRights extracts all file descriptors carried in SCM_RIGHTS control
// messages of oob. On error, fds parsed so far are closed.
func parseRights(oob []byte) ([]int, error) {
	if len(oob) == 0 {
		return nil, nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, fmt.Errorf("parse control message: %w", err)
	}
	var fds []int
	for i := range msgs {
		got, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			for _, fd := range fds {
				_ = unix.Close(fd)
			}
			return nil, fmt.Errorf("parse SCM_RIGHTS: %w", err)
		}
		fds = append(fds, got...)
	}
	return fds, nil
}
