package libcontainer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// syncType names a message on the init pipe. Both ends are this library
// (the nsenter C code writes the first few), so the names are internal.
type syncType string

const (
	syncUsermap     syncType = "usermap"         // nsenter: write my id maps
	syncPid         syncType = "pid"             // nsenter: the final pid
	procError       syncType = "procError"       // child: failed, with message
	procHooks       syncType = "procHooks"       // child: mounts done, run prestart hooks
	procResume      syncType = "procResume"      // parent: hooks done
	procReady       syncType = "procReady"       // child: ready to exec, write state
	procRun         syncType = "procRun"         // parent: go on
	procSeccomp     syncType = "procSeccomp"     // child: I have a seccomp notify fd
	procSeccompFd   syncType = "procSeccompFd"   // parent: send it (SCM_RIGHTS, next)
	procSeccompDone syncType = "procSeccompDone" // parent: the listener has it
)

// syncMsg is one message on the init pipe: a JSON object on one line.
type syncMsg struct {
	Type    syncType `json:"type"`
	Pid     int      `json:"pid,omitempty"`
	Forked  bool     `json:"forked,omitempty"`
	Fd      int      `json:"fd,omitempty"`
	Message string   `json:"message,omitempty"`
}

// syncPipe is one end of the init pipe with a JSON stream on it.
type syncPipe struct {
	f   *os.File
	dec *json.Decoder
}

func newSyncPipe(f *os.File) *syncPipe {
	return &syncPipe{f: f, dec: json.NewDecoder(f)}
}

// send writes one message.
func (p *syncPipe) send(m syncMsg) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if _, err := p.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("send %s on init pipe: %w", m.Type, err)
	}
	return nil
}

// sendType writes a message that has only a type.
func (p *syncPipe) sendType(t syncType) error {
	return p.send(syncMsg{Type: t})
}

// recv reads one message. A procError from the other side becomes an error
// wrapping ErrInit; io.EOF is returned as is.
func (p *syncPipe) recv() (syncMsg, error) {
	var m syncMsg
	if err := p.dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return m, io.EOF
		}
		return m, fmt.Errorf("read init pipe: %w", err)
	}
	if m.Type == procError {
		return m, &InitError{Message: m.Message}
	}
	return m, nil
}

// expect reads one message and fails unless it has type t.
func (p *syncPipe) expect(t syncType) (syncMsg, error) {
	m, err := p.recv()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return m, fmt.Errorf("waiting for %s: %w", t, io.ErrUnexpectedEOF)
		}
		return m, err
	}
	if m.Type != t {
		return m, fmt.Errorf("init pipe: got %q, want %q", m.Type, t)
	}
	return m, nil
}

// InitError is a failure reported by the container's init or by a process
// joining a container, carrying the child's own message. It matches ErrInit.
type InitError struct {
	Message string
}

// Error returns the child's message.
func (e *InitError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrInit) true.
func (e *InitError) Is(target error) bool { return target == ErrInit }
