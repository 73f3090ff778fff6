package specconv

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestExampleConvertsToAConfig(t *testing.T) {
	bundle := newBundle(t)
	spec := Example()
	// Round-trip through JSON like a config.json on disk.
	data, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var loaded specs.Spec
	if err := json.Unmarshal(data, &loaded); err != nil {
		t.Fatal(err)
	}
	c, err := CreateLibcontainerConfig(&CreateOpts{CgroupName: "example", Spec: &loaded})
	if err != nil {
		t.Fatal(err)
	}

	checks := []struct {
		name string
		ok   bool
	}{
		{"the rootfs is the bundle's read-only rootfs dir", c.Rootfs == filepath.Join(bundle, "rootfs") && c.Readonlyfs},
		{"the hostname is runc", c.Hostname == "runc"},
		{"seven mounts are converted", len(c.Mounts) == 7},
		{"/sys is mounted read-only", c.Mounts[5].Destination == "/sys" && c.Mounts[5].Flags&unix.MS_RDONLY != 0},
		{"/dev gets its data options", c.Mounts[1].Data == "mode=755,size=65536k" && c.Mounts[1].Flags == unix.MS_NOSUID|unix.MS_STRICTATIME},
		{"the pid, net, ipc, uts and mount namespaces are private", c.Namespaces.Contains(configs.NEWPID) &&
			c.Namespaces.Contains(configs.NEWNET) && c.Namespaces.Contains(configs.NEWIPC) &&
			c.Namespaces.Contains(configs.NEWUTS) && c.Namespaces.Contains(configs.NEWNS)},
		{"the private network namespace has loopback", len(c.Networks) == 1 && c.Networks[0].Type == "loopback"},
		{"the six standard device nodes are created", len(c.Devices) == 6},
		{"the device rules deny all, then allow the defaults", len(c.Cgroups.Resources.Devices) == 12 &&
			!c.Cgroups.Resources.Devices[0].Allow && c.Cgroups.Resources.Devices[0].CgroupString() == "a *:* rwm"},
		{"the cgroup is named after the container", c.Cgroups.Name == "example" && c.Cgroups.Path == ""},
		{"three capabilities are kept", slices.Equal(c.Capabilities.Bounding, []string{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"})},
		{"NOFILE is limited to 1024", len(c.Rlimits) == 1 && c.Rlimits[0] == configs.Rlimit{Type: unix.RLIMIT_NOFILE, Hard: 1024, Soft: 1024}},
		{"masked and read-only paths are copied", slices.Contains(c.MaskPaths, "/proc/kcore") && slices.Contains(c.ReadonlyPaths, "/proc/sys")},
		{"no new privileges is set", c.NoNewPrivileges},
		{"the bundle label is set", slices.Contains(c.Labels, "bundle="+bundle)},
	}
	for _, ch := range checks {
		t.Run(ch.name, func(t *testing.T) {
			if !ch.ok {
				t.Fatalf("config: %+v", c)
			}
		})
	}
}

func TestToRootless(t *testing.T) {
	spec := Example()
	spec.Linux.Namespaces = append(spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace, Path: "/proc/1/ns/user"})
	ToRootless(spec)

	var types []specs.LinuxNamespaceType
	for _, ns := range spec.Linux.Namespaces {
		types = append(types, ns.Type)
		if ns.Type == specs.UserNamespace && ns.Path != "" {
			t.Errorf("user namespace keeps path %q", ns.Path)
		}
	}
	if slices.Contains(types, specs.NetworkNamespace) {
		t.Errorf("network namespace kept: %v", types)
	}
	if n := len(slices.DeleteFunc(slices.Clone(types), func(x specs.LinuxNamespaceType) bool { return x != specs.UserNamespace })); n != 1 {
		t.Errorf("%d user namespaces, want 1: %v", n, types)
	}
	wantUID := []specs.LinuxIDMapping{{HostID: uint32(os.Geteuid()), ContainerID: 0, Size: 1}}
	wantGID := []specs.LinuxIDMapping{{HostID: uint32(os.Getegid()), ContainerID: 0, Size: 1}}
	if !slices.Equal(spec.Linux.UIDMappings, wantUID) || !slices.Equal(spec.Linux.GIDMappings, wantGID) {
		t.Errorf("mappings %v %v, want %v %v", spec.Linux.UIDMappings, spec.Linux.GIDMappings, wantUID, wantGID)
	}
	for _, m := range spec.Mounts {
		if m.Destination == "/sys" && (m.Source != "/sys" || !slices.Contains(m.Options, "rbind") || !slices.Contains(m.Options, "ro")) {
			t.Errorf("/sys mount %+v, want a read-only rbind of /sys", m)
		}
		for _, o := range m.Options {
			if len(o) > 4 && (o[:4] == "uid=" || o[:4] == "gid=") {
				t.Errorf("mount %s keeps option %q", m.Destination, o)
			}
		}
	}
	if spec.Linux.Resources != nil {
		t.Errorf("resources kept: %+v", spec.Linux.Resources)
	}
}

func TestToRootlessCreatesALinuxSection(t *testing.T) {
	spec := &specs.Spec{}
	ToRootless(spec)
	if spec.Linux == nil || len(spec.Linux.Namespaces) != 1 || spec.Linux.Namespaces[0].Type != specs.UserNamespace {
		t.Fatalf("linux section %+v", spec.Linux)
	}
}
