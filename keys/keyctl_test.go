//go:build linux

package keys

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParsePerm(t *testing.T) {
	tests := []struct {
		name    string
		desc    string
		want    uint32
		wantErr bool
	}{
		{"a keyring description gives its mask", "keyring;0;0;3f030000;_ses", 0x3f030000, false},
		{"a description containing semicolons still parses", "user;1000;1000;3f010000;a;b;c", 0x3f010000, false},
		{"too few fields are an error", "keyring;0;0", 0, true},
		{"a non-hex mask is an error", "keyring;0;0;zz;x", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePerm(tt.desc)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parsePerm(%q) = %#x, %v; want %#x, error %v", tt.desc, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// inThrowawayThread runs fn on a goroutine locked to an OS thread that is
// never unlocked: keyrings belong to thread credentials, so the session
// keyring fn joins dies with the thread and the test process's own
// session keyring is never changed.
func inThrowawayThread(fn func() error) error {
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		done <- fn()
	}()
	return <-done
}

func sessionKeyring() (int, error) {
	return unix.KeyctlGetKeyringID(unix.KEY_SPEC_SESSION_KEYRING, false)
}

func TestJoinSessionKeyringAndModPerm(t *testing.T) {
	before, err := sessionKeyring()
	if errors.Is(err, unix.ENOSYS) {
		t.Skip("kernel without keyctl(2) support")
	}
	name := fmt.Sprintf("_ses.test-%d", unix.Getpid())
	err = inThrowawayThread(func() error {
		serial, err := JoinSessionKeyring(name)
		if err != nil {
			return err
		}
		now, err := sessionKeyring()
		if err != nil {
			return err
		}
		if now != int(serial) {
			return fmt.Errorf("session keyring is %d, want the joined %d", now, serial)
		}
		desc, err := unix.KeyctlString(unix.KEYCTL_DESCRIBE, int(serial))
		if err != nil {
			return err
		}
		if !strings.HasPrefix(desc, "keyring;") || !strings.HasSuffix(desc, ";"+name) {
			return fmt.Errorf("description %q, want a keyring named %s", desc, name)
		}
		// Keep only the possessor bits, then grant the user view+read.
		const possessorAll, userViewRead = 0x3f000000, 0x00030000
		if err := ModKeyringPerm(serial, possessorAll, userViewRead); err != nil {
			return err
		}
		desc, _ = unix.KeyctlString(unix.KEYCTL_DESCRIBE, int(serial))
		if perm, err := parsePerm(desc); err != nil || perm != possessorAll|userViewRead {
			return fmt.Errorf("perm after ModKeyringPerm = %#x, %v; want %#x", perm, err, possessorAll|userViewRead)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := sessionKeyring(); after != before {
		t.Errorf("the test thread's session keyring changed from %d to %d", before, after)
	}
}

func TestModKeyringPermOfMissingKey(t *testing.T) {
	err := ModKeyringPerm(KeySerial(0x7ffffff0), 0, 0)
	if err == nil || !strings.Contains(err.Error(), "describe keyring") {
		t.Errorf("err = %v, want a describe error", err)
	}
}
