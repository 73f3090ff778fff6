//go:build !linux || !cgo

package seccomp

import (
	"errors"
	"testing"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestStubRefusesAConfig(t *testing.T) {
	if _, err := InitSeccomp(&configs.Seccomp{DefaultAction: configs.Allow}); !errors.Is(err, ErrSeccompNotEnabled) {
		t.Fatalf("got %v, want ErrSeccompNotEnabled", err)
	}
	if fd, err := InitSeccomp(nil); err != nil || fd != -1 {
		t.Fatalf("nil config: got %d, %v; want -1, nil", fd, err)
	}
	if Enabled {
		t.Fatal("Enabled is true in a build without cgo")
	}
}
