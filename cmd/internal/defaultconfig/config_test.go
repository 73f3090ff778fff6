package defaultconfig

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/configs/validate"
	"github.com/b7f961b7/libcontainer/devices"
)

func TestConfig(t *testing.T) {
	rootfs := t.TempDir()
	tests := []struct {
		name  string
		check func(t *testing.T, cfg *configs.Config)
	}{
		{"passes the library's validator", func(t *testing.T, cfg *configs.Config) {
			if err := validate.New().Validate(cfg); err != nil {
				t.Fatalf("Validate: %v", err)
			}
		}},
		{"survives a JSON round trip unchanged", func(t *testing.T, cfg *configs.Config) {
			first, err := json.Marshal(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var back configs.Config
			if err := json.Unmarshal(first, &back); err != nil {
				t.Fatal(err)
			}
			second, err := json.Marshal(&back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, second) {
				t.Fatalf("JSON changed on a round trip:\n%s\n%s", first, second)
			}
		}},
		{"keeps the given rootfs, hostname and cgroup path", func(t *testing.T, cfg *configs.Config) {
			if cfg.Rootfs != rootfs || cfg.Hostname != "box" || cfg.Cgroups.Path != "/box-cg" {
				t.Fatalf("got rootfs %q hostname %q cgroup %q", cfg.Rootfs, cfg.Hostname, cfg.Cgroups.Path)
			}
		}},
		{"creates private mount, UTS, IPC, PID and network namespaces", func(t *testing.T, cfg *configs.Config) {
			for _, ns := range []configs.NamespaceType{configs.NEWNS, configs.NEWUTS, configs.NEWIPC, configs.NEWPID, configs.NEWNET} {
				if !cfg.Namespaces.Contains(ns) || cfg.Namespaces.PathOf(ns) != "" {
					t.Errorf("namespace %s missing or joined by path", ns)
				}
			}
			if cfg.Namespaces.Contains(configs.NEWUSER) {
				t.Error("user namespace requested")
			}
		}},
		{"gives the default capabilities in bounding, effective and permitted sets", func(t *testing.T, cfg *configs.Config) {
			c := cfg.Capabilities
			for name, set := range map[string][]string{"bounding": c.Bounding, "effective": c.Effective, "permitted": c.Permitted} {
				if !slices.Equal(set, DefaultCapabilities) {
					t.Errorf("%s set = %v", name, set)
				}
			}
			if len(c.Inheritable) != 0 || len(c.Ambient) != 0 {
				t.Errorf("inheritable %v ambient %v, want empty", c.Inheritable, c.Ambient)
			}
		}},
		{"allows every device node it creates through a cgroup rule", func(t *testing.T, cfg *configs.Config) {
			rules := cfg.Cgroups.Resources.Devices
			if len(rules) == 0 || rules[0].Allow || rules[0].Type != devices.WildcardDevice {
				t.Fatalf("first rule should deny everything, got %+v", rules)
			}
			for _, d := range cfg.Devices {
				if !slices.ContainsFunc(rules, func(r *devices.Rule) bool { return *r == d.Rule }) {
					t.Errorf("device %s has no allow rule", d.Path)
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, Config(rootfs, "box", "/box-cg"))
		})
	}
}

func TestConfigReturnsIndependentValues(t *testing.T) {
	a := Config("/a", "a", "/a")
	a.Capabilities.Bounding[0] = "CAP_SYS_ADMIN"
	a.Mounts[0].Destination = "/elsewhere"
	b := Config("/b", "b", "/b")
	if b.Capabilities.Bounding[0] == "CAP_SYS_ADMIN" || DefaultCapabilities[0] == "CAP_SYS_ADMIN" {
		t.Error("changing one config's capabilities changed another's")
	}
	if b.Mounts[0].Destination != "/proc" {
		t.Error("changing one config's mounts changed another's")
	}
}

func TestDevicesAreCopies(t *testing.T) {
	devs := Devices()
	if len(devs) == 0 {
		t.Fatal("no default devices")
	}
	devs[0].Permissions = "r"
	if Devices()[0].Permissions == "r" {
		t.Fatal("changing a returned device changed the defaults")
	}
	if len(NodeDevices(devs)) == 0 {
		t.Fatal("no device nodes among the defaults")
	}
}
