package libcontainer

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/configs/validate"
)

func TestRootlessConfig(t *testing.T) {
	base := func() *configs.Config {
		return &configs.Config{
			RootlessEUID:    true,
			RootlessCgroups: true,
			Namespaces:      configs.Namespaces{{Type: configs.NEWUSER}, {Type: configs.NEWNET}},
			Networks:        []*configs.Network{{Type: "loopback"}},
			Cgroups:         &configs.Cgroup{Resources: &configs.Resources{}},
		}
	}
	for _, tc := range []struct {
		name   string
		change func(*configs.Config)
		fail   string // part of the error, "" for success
		check  func(*testing.T, *configs.Config)
	}{
		{name: "a cgroup without a path is named for the container and marked rootless",
			check: func(t *testing.T, c *configs.Config) {
				if c.Cgroups.Name != "ctr" || !c.Cgroups.Rootless || c.Cgroups.Path != "" {
					t.Errorf("cgroup %+v, want Name ctr, Rootless, no Path", *c.Cgroups)
				}
			}},
		{name: "a delegated cgroup path is kept",
			change: func(c *configs.Config) { c.Cgroups.Path = "/user.slice/ctr" },
			check: func(t *testing.T, c *configs.Config) {
				if c.Cgroups.Path != "/user.slice/ctr" || c.Cgroups.Name != "" || !c.Cgroups.Rootless {
					t.Errorf("cgroup %+v, want the given Path, Rootless", *c.Cgroups)
				}
			}},
		{name: "without rootless cgroups the cgroup config is left alone",
			change: func(c *configs.Config) { c.RootlessCgroups = false },
			check: func(t *testing.T, c *configs.Config) {
				if c.Cgroups.Rootless || c.Cgroups.Name != "" {
					t.Errorf("cgroup %+v changed", *c.Cgroups)
				}
			}},
		{name: "a veth network is refused",
			change: func(c *configs.Config) { c.Networks = append(c.Networks, &configs.Network{Type: "veth"}) },
			fail:   `networks[1].type "veth"`},
		{name: "intel rdt is refused",
			change: func(c *configs.Config) { c.IntelRdt = &configs.IntelRdt{ClosID: "x"} },
			fail:   "intel_rdt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base()
			if tc.change != nil {
				tc.change(cfg)
			}
			before := cfg.Cgroups.Name
			got, err := rootlessConfig("ctr", cfg)
			if tc.fail != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fail) || !errors.Is(err, validate.ErrInvalidConfig) {
					t.Fatalf("err %v, want an invalid-config error containing %q", err, tc.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Cgroups.Name != before || (cfg.Cgroups.Rootless && got.Cgroups == cfg.Cgroups) {
				t.Errorf("the caller's cgroup config was modified: %+v", *cfg.Cgroups)
			}
			tc.check(t, got)
		})
	}
	t.Run("an unprivileged caller without RootlessEUID is refused", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("runs as root: the check applies to unprivileged callers only")
		}
		cfg := base()
		cfg.RootlessEUID = false
		if _, err := rootlessConfig("ctr", cfg); err == nil || !strings.Contains(err.Error(), "rootless_euid") {
			t.Fatalf("err %v, want one naming rootless_euid", err)
		}
	})
}

func TestSameMaps(t *testing.T) {
	ns := []configs.IDMap{{ContainerID: 0, HostID: 1000, Size: 1}, {ContainerID: 1, HostID: 100000, Size: 65536}}
	for _, tc := range []struct {
		name  string
		given []configs.IDMap
		ok    bool
	}{
		{"no maps given are taken from the namespace", nil, true},
		{"the namespace's maps match", ns, true},
		{"the namespace's maps in another order match", []configs.IDMap{ns[1], ns[0]}, true},
		{"other maps are refused", ns[:1], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sameMaps("uid_mappings", tc.given, ns, "/proc/1/ns/user")
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "uid_mappings") {
				t.Errorf("error %q does not name the field", err)
			}
		})
	}
}

func TestNeedsMapHelper(t *testing.T) {
	if os.Geteuid() == 0 {
		if needsMapHelper([]configs.IDMap{{ContainerID: 0, HostID: 5, Size: 10}}, 0) {
			t.Fatal("root needs no map helper")
		}
		return
	}
	own := os.Geteuid()
	for _, tc := range []struct {
		name string
		maps []configs.IDMap
		want bool
	}{
		{"the caller's own id alone is written directly", []configs.IDMap{{ContainerID: 0, HostID: int64(own), Size: 1}}, false},
		{"a range needs the helper", []configs.IDMap{{ContainerID: 0, HostID: int64(own), Size: 2}}, true},
		{"another id needs the helper", []configs.IDMap{{ContainerID: 0, HostID: int64(own) + 1, Size: 1}}, true},
		{"several ranges need the helper", []configs.IDMap{{ContainerID: 0, HostID: int64(own), Size: 1}, {ContainerID: 1, HostID: 100000, Size: 10}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := needsMapHelper(tc.maps, own); got != tc.want {
				t.Fatalf("needsMapHelper = %v, want %v", got, tc.want)
			}
		})
	}
}
