package selinux

import (
	"errors"
	"strings"
	"testing"
)

func TestFormatMountLabel(t *testing.T) {
	tests := []struct {
		name, src, label, want string
	}{
		{"no data and no label stay empty", "", "", ""},
		{"data without a label is unchanged", "ro,nosuid", "", "ro,nosuid"},
		{"a label alone becomes a quoted context option", "", "system_u:object_r:container_file_t:s0", `context="system_u:object_r:container_file_t:s0"`},
		{"a label is appended after a comma", "mode=755", "system_u:object_r:container_file_t:s0:c1,c2",
			`mode=755,context="system_u:object_r:container_file_t:s0:c1,c2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatMountLabel(tt.src, tt.label); got != tt.want {
				t.Errorf("FormatMountLabel(%q, %q) = %q, want %q", tt.src, tt.label, got, tt.want)
			}
		})
	}
}

func TestSettersWithSELinuxDisabled(t *testing.T) {
	if Enabled() {
		t.Skip("SELinux is enabled on this host; these cases are about a host without it")
	}
	const lbl = "system_u:system_r:container_t:s0:c1,c2"
	tests := []struct {
		name string
		set  func(string) error
	}{
		{"SetProcessLabel", SetProcessLabel},
		{"SetKeyLabel", SetKeyLabel},
		{"Relabel", func(l string) error { return Relabel(t.TempDir(), l, false) }},
	}
	for _, tt := range tests {
		t.Run(tt.name+" with an empty label does nothing", func(t *testing.T) {
			if err := tt.set(""); err != nil {
				t.Errorf("%s(\"\") = %v, want nil", tt.name, err)
			}
		})
		t.Run(tt.name+" with a label says SELinux is disabled", func(t *testing.T) {
			err := tt.set(lbl)
			if !errors.Is(err, ErrDisabled) || !strings.Contains(err.Error(), "selinux is disabled") {
				t.Errorf("%s(label) = %v, want ErrDisabled", tt.name, err)
			}
		})
	}
}

func TestRelabelRefusesSystemDirectories(t *testing.T) {
	for _, p := range []string{"/", "/usr", "/etc/", "/var/lib"} {
		t.Run("relabelling "+p+" is refused", func(t *testing.T) {
			err := Relabel(p, "system_u:object_r:container_file_t:s0", true)
			if err == nil || !strings.Contains(err.Error(), "system directory") {
				t.Errorf("Relabel(%s) = %v, want a refusal", p, err)
			}
		})
	}
}
