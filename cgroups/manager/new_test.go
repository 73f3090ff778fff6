package manager

import (
	"strings"
	"testing"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/systemd"
	"github.com/b7f961b7/libcontainer/configs"
)

func TestNewRejectsBadConfigurations(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Error("New(nil) succeeded")
	}
	if !systemd.IsRunningSystemd() {
		_, err := New(&configs.Cgroup{Name: "x", Systemd: true, Resources: &configs.Resources{}})
		if err == nil || !strings.Contains(err.Error(), "systemd not running on this host") {
			t.Errorf("New with Systemd on a host without systemd: %v", err)
		}
	}
}

func TestNewPicksTheDriverOfTheHost(t *testing.T) {
	m, err := New(&configs.Cgroup{Path: "/libct-manager-test", Resources: &configs.Resources{}})
	if err != nil {
		t.Fatal(err)
	}
	paths := m.GetPaths()
	if cgroups.IsCgroup2UnifiedMode() {
		if len(paths) != 1 || paths[""] == "" {
			t.Errorf("unified host: paths %v, want one \"\" entry", paths)
		}
		return
	}
	if paths["devices"] != "/sys/fs/cgroup/devices/libct-manager-test" {
		t.Errorf("v1 host: devices path %q", paths["devices"])
	}
	if cgroups.IsCgroup2HybridMode() && paths[""] != "/sys/fs/cgroup/unified/libct-manager-test" {
		t.Errorf("hybrid host: \"\" path %q", paths[""])
	}
}

func TestNewWithPathsKeepsSavedPaths(t *testing.T) {
	saved := map[string]string{"devices": "/sys/fs/cgroup/devices/saved", "": "/sys/fs/cgroup/unified/saved"}
	if cgroups.IsCgroup2UnifiedMode() {
		saved = map[string]string{"": "/sys/fs/cgroup/saved"}
	}
	m, err := NewWithPaths(&configs.Cgroup{Resources: &configs.Resources{}}, saved)
	if err != nil {
		t.Fatal(err)
	}
	got := m.GetPaths()
	for k, v := range saved {
		if got[k] != v {
			t.Errorf("path %q = %q, want %q", k, got[k], v)
		}
	}
}

func TestUnifiedPathValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		paths map[string]string
		ok    bool
	}{
		{"nil", nil, true},
		{"one clean entry", map[string]string{"": "/sys/fs/cgroup/x"}, true},
		{"two entries", map[string]string{"": "/a", "memory": "/b"}, false},
		{"a controller key", map[string]string{"memory": "/b"}, false},
		{"an unclean path", map[string]string{"": "/sys/fs/cgroup/x/../y"}, false},
		{"a relative path", map[string]string{"": "x"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := unifiedPath(tc.paths)
			if (err == nil) != tc.ok {
				t.Errorf("unifiedPath(%v) error %v, want ok=%v", tc.paths, err, tc.ok)
			}
		})
	}
}
