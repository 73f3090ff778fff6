//go:build linux && cgo

package userns

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestChildError(t *testing.T) {
	tests := []struct {
		name, report string
		want         error
		wantText     string
	}{
		{"a setns failure wraps its errno", "setns:1", unix.EPERM, "setns into the user namespace"},
		{"a read failure after map text names the file", "0 0 1\n\x00gid_map:13", unix.EACCES, "/proc/self/gid_map"},
		{"garbage is reported as is", "???", nil, `"???"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := childError(tt.report)
			if (tt.want != nil && !errors.Is(err, tt.want)) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("childError(%q) = %v", tt.report, err)
			}
		})
	}
}
