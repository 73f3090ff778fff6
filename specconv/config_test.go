package specconv

import (
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestCreateLibcontainerConfig(t *testing.T) {
	tests := []struct {
		name    string
		opts    CreateOpts
		edit    func(s *specs.Spec)
		check   func(t *testing.T, bundle string, c *configs.Config)
		wantErr string
	}{
		{
			name: "a relative root is joined to the bundle directory",
			check: func(t *testing.T, bundle string, c *configs.Config) {
				if c.Rootfs != filepath.Join(bundle, "rootfs") {
					t.Fatalf("Rootfs %q", c.Rootfs)
				}
			},
		},
		{name: "a missing root is refused", edit: func(s *specs.Spec) { s.Root = nil }, wantErr: "root must be specified"},
		{
			name: "annotations become sorted labels followed by the bundle",
			edit: func(s *specs.Spec) { s.Annotations = map[string]string{"b": "2", "a": "1"} },
			check: func(t *testing.T, bundle string, c *configs.Config) {
				want := []string{"a=1", "b=2", "bundle=" + bundle}
				if !reflect.DeepEqual(c.Labels, want) {
					t.Fatalf("Labels %q, want %q", c.Labels, want)
				}
			},
		},
		{
			name: "options, hostname, domainname and version are copied",
			opts: CreateOpts{NoPivotRoot: true, NoNewKeyring: true, RootlessEUID: true, RootlessCgroups: true},
			edit: func(s *specs.Spec) { s.Hostname, s.Domainname, s.Root.Readonly = "h", "d", true },
			check: func(t *testing.T, _ string, c *configs.Config) {
				if !c.NoPivotRoot || !c.NoNewKeyring || !c.RootlessEUID || !c.RootlessCgroups || !c.Readonlyfs ||
					c.Hostname != "h" || c.Domainname != "d" || c.Version != specs.Version {
					t.Fatalf("config %+v", c)
				}
			},
		},
		{
			name: "a bind mount gets device bind and a bundle-relative source",
			edit: func(s *specs.Spec) {
				s.Mounts = []specs.Mount{{Destination: "/data", Type: "none", Source: "data", Options: []string{"rbind", "ro"}}}
			},
			check: func(t *testing.T, bundle string, c *configs.Config) {
				m := c.Mounts[0]
				if m.Device != "bind" || m.Source != filepath.Join(bundle, "data") || m.Flags != unix.MS_BIND|unix.MS_REC|unix.MS_RDONLY {
					t.Fatalf("mount %+v", m)
				}
			},
		},
		{
			name: "type bind without a bind option is still a bind mount",
			edit: func(s *specs.Spec) { s.Mounts = []specs.Mount{{Destination: "/d", Type: "bind", Source: "/src"}} },
			check: func(t *testing.T, _ string, c *configs.Config) {
				if m := c.Mounts[0]; m.Device != "bind" || !m.IsBind() || m.Source != "/src" {
					t.Fatalf("mount %+v", m)
				}
			},
		},
		{
			name: "a tmpfs mount keeps its type, flags and data",
			edit: func(s *specs.Spec) {
				s.Mounts = []specs.Mount{{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "mode=1777", "tmpcopyup", "rprivate"}}}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				m := c.Mounts[0]
				if m.Device != "tmpfs" || m.Source != "tmpfs" || m.Flags != unix.MS_NOSUID || m.Data != "mode=1777" ||
					m.Extensions != configs.EXT_COPYUP || !reflect.DeepEqual(m.PropagationFlags, []int{unix.MS_PRIVATE | unix.MS_REC}) {
					t.Fatalf("mount %+v", m)
				}
			},
		},
		{name: "a NUL byte in a mount source is refused", edit: func(s *specs.Spec) { s.Mounts = []specs.Mount{{Destination: "/a", Source: "x\x00y"}} },
			wantErr: "mounts[0].source"},
		{name: "a NUL byte in a mount destination is refused", edit: func(s *specs.Spec) {
			s.Mounts = []specs.Mount{{Destination: "/a"}, {Destination: "/b\x00"}}
		}, wantErr: "mounts[1].destination"},
		{name: "a NUL byte in a mount type is refused", edit: func(s *specs.Spec) { s.Mounts = []specs.Mount{{Destination: "/a", Type: "tmp\x00fs"}} },
			wantErr: "mounts[0].type"},
		{name: "a NUL byte in a mount option is refused", edit: func(s *specs.Spec) {
			s.Mounts = []specs.Mount{{Destination: "/a", Options: []string{"ro", "size=1\x00"}}}
		}, wantErr: "mounts[0].options[1]"},
		{
			name: "an idmapped mount keeps its own mappings",
			edit: func(s *specs.Spec) {
				s.Mounts = []specs.Mount{{Destination: "/d", Source: "/s", Options: []string{"bind", "ridmap"},
					UIDMappings: []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 10}},
					GIDMappings: []specs.LinuxIDMapping{{ContainerID: 0, HostID: 2000, Size: 10}}}}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				want := &configs.MountIDMapping{
					UIDMappings: []configs.IDMap{{ContainerID: 0, HostID: 1000, Size: 10}},
					GIDMappings: []configs.IDMap{{ContainerID: 0, HostID: 2000, Size: 10}},
					Recursive:   true,
				}
				if !reflect.DeepEqual(c.Mounts[0].IDMapping, want) {
					t.Fatalf("IDMapping %+v, want %+v", c.Mounts[0].IDMapping, want)
				}
			},
		},
		{
			name: "an idmap option without mappings takes the container's",
			edit: func(s *specs.Spec) {
				s.Mounts = []specs.Mount{{Destination: "/d", Source: "/s", Options: []string{"bind", "idmap"}}}
				s.Linux.Namespaces = []specs.LinuxNamespace{{Type: "user"}}
				s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
				s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 200000, Size: 65536}}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				m := c.Mounts[0].IDMapping
				if m == nil || m.Recursive || m.UIDMappings[0].HostID != 100000 || m.GIDMappings[0].HostID != 200000 {
					t.Fatalf("IDMapping %+v", m)
				}
			},
		},
		{
			name: "an idmap option without any mappings is refused",
			edit: func(s *specs.Spec) {
				s.Mounts = []specs.Mount{{Destination: "/d", Source: "/s", Options: []string{"bind", "idmap"}}}
			},
			wantErr: "mounts[0] (/d): an idmapped mount needs both uid and gid mappings",
		},
		{
			name: "rlimits are converted",
			edit: func(s *specs.Spec) {
				s.Process = &specs.Process{Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1024, Soft: 512}, {Type: "RLIMIT_CORE"}}}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				want := []configs.Rlimit{{Type: unix.RLIMIT_NOFILE, Hard: 1024, Soft: 512}, {Type: unix.RLIMIT_CORE}}
				if !reflect.DeepEqual(c.Rlimits, want) {
					t.Fatalf("Rlimits %+v, want %+v", c.Rlimits, want)
				}
			},
		},
		{name: "an unknown rlimit is refused by name", edit: func(s *specs.Spec) {
			s.Process = &specs.Process{Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE"}, {Type: "RLIMIT_BOGUS"}}}
		}, wantErr: `process.rlimits[1]: wrong rlimit value: unknown type "RLIMIT_BOGUS"`},
		{name: "a soft rlimit above the hard one is refused", edit: func(s *specs.Spec) {
			s.Process = &specs.Process{Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 2, Hard: 1}}}
		}, wantErr: "process.rlimits[0] (RLIMIT_NOFILE): soft limit 2 is above hard limit 1"},
		{
			name: "process settings are copied",
			edit: func(s *specs.Spec) {
				s.Process = &specs.Process{
					OOMScoreAdj: ptr(-500), NoNewPrivileges: true, User: specs.User{Umask: ptr(uint32(0o27))},
					SelinuxLabel: "label", ApparmorProfile: "prof",
					Capabilities: &specs.LinuxCapabilities{Bounding: []string{"CAP_KILL"}, Effective: []string{"CAP_CHOWN"},
						Inheritable: []string{"CAP_A"}, Permitted: []string{"CAP_B"}, Ambient: []string{"CAP_C"}},
				}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				wantCaps := &configs.Capabilities{Bounding: []string{"CAP_KILL"}, Effective: []string{"CAP_CHOWN"},
					Inheritable: []string{"CAP_A"}, Permitted: []string{"CAP_B"}, Ambient: []string{"CAP_C"}}
				if *c.OomScoreAdj != -500 || !c.NoNewPrivileges || *c.Umask != 0o27 || c.ProcessLabel != "label" ||
					c.AppArmorProfile != "prof" || !reflect.DeepEqual(c.Capabilities, wantCaps) {
					t.Fatalf("config %+v", c)
				}
			},
		},
		{
			name: "a private network namespace gets a loopback interface",
			edit: func(s *specs.Spec) { s.Linux.Namespaces = []specs.LinuxNamespace{{Type: "network"}} },
			check: func(t *testing.T, _ string, c *configs.Config) {
				if len(c.Networks) != 1 || c.Networks[0].Type != "loopback" {
					t.Fatalf("Networks %+v", c.Networks)
				}
			},
		},
		{
			name: "a joined network namespace gets no interface",
			edit: func(s *specs.Spec) {
				s.Linux.Namespaces = []specs.LinuxNamespace{{Type: "network", Path: "/proc/self/ns/net"}}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				if c.Networks != nil {
					t.Fatalf("Networks %+v", c.Networks)
				}
			},
		},
		{name: "a duplicated namespace is refused", edit: func(s *specs.Spec) {
			s.Linux.Namespaces = []specs.LinuxNamespace{{Type: "pid"}, {Type: "pid"}}
		}, wantErr: "duplicated ns"},
		{
			name: "linux security and kernel settings are copied",
			edit: func(s *specs.Spec) {
				s.Linux.MaskedPaths = []string{"/proc/kcore"}
				s.Linux.ReadonlyPaths = []string{"/proc/sys"}
				s.Linux.MountLabel = "mlabel"
				s.Linux.Sysctl = map[string]string{"net.ipv4.ip_forward": "1"}
				s.Linux.IntelRdt = &specs.LinuxIntelRdt{ClosID: "c", L3CacheSchema: "L3:0=f", MemBwSchema: "MB:0=50"}
				s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				if c.MaskPaths[0] != "/proc/kcore" || c.ReadonlyPaths[0] != "/proc/sys" || c.MountLabel != "mlabel" ||
					c.Sysctl["net.ipv4.ip_forward"] != "1" || *c.IntelRdt != (configs.IntelRdt{ClosID: "c", L3CacheSchema: "L3:0=f", MemBwSchema: "MB:0=50"}) ||
					c.Seccomp == nil || c.Seccomp.DefaultAction != configs.Allow {
					t.Fatalf("config %+v", c)
				}
			},
		},
		{
			name: "time namespace offsets, personality and net devices are copied",
			edit: func(s *specs.Spec) {
				s.Linux.Namespaces = []specs.LinuxNamespace{{Type: "time"}, {Type: "network"}}
				s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 10, Nanosecs: 5}}
				s.Linux.Personality = &specs.LinuxPersonality{Domain: specs.PerLinux32}
				s.Linux.NetDevices = map[string]specs.LinuxNetDevice{"eth1": {Name: "ctr0"}}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				if !c.Namespaces.Contains(configs.NEWTIME) ||
					c.TimeOffsets["monotonic"] != (specs.LinuxTimeOffset{Secs: 10, Nanosecs: 5}) ||
					c.Personality == nil || c.Personality.Domain != configs.PerLinux32 ||
					c.NetDevices["eth1"] == nil || c.NetDevices["eth1"].Name != "ctr0" {
					t.Fatalf("config %+v", c)
				}
			},
		},
		{name: "an unknown personality domain is refused", edit: func(s *specs.Spec) {
			s.Linux.Personality = &specs.LinuxPersonality{Domain: "WINDOWS"}
		}, wantErr: `linux.personality.domain "WINDOWS": invalid personality domain`},
		{name: "an unknown seccomp flag is refused", edit: func(s *specs.Spec) {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Flags: []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_BOGUS"}}
		}, wantErr: "SECCOMP_FILTER_FLAG_BOGUS"},
		{name: "a memory policy is refused", edit: func(s *specs.Spec) {
			s.Linux.MemoryPolicy = &specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0"}
		}, wantErr: "linux.memoryPolicy is not supported"},
		{name: "intelRdt schemata are refused", edit: func(s *specs.Spec) {
			s.Linux.IntelRdt = &specs.LinuxIntelRdt{Schemata: []string{"L3:0=f"}}
		}, wantErr: "linux.intelRdt.schemata is not supported"},
		{name: "a process scheduler is refused", edit: func(s *specs.Spec) {
			s.Process = &specs.Process{Scheduler: &specs.Scheduler{Policy: specs.SchedBatch}}
		}, wantErr: "process.scheduler is not supported"},
		{name: "a process I/O priority is refused", edit: func(s *specs.Spec) {
			s.Process = &specs.Process{IOPriority: &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE}}
		}, wantErr: "process.ioPriority is not supported"},
		{
			name: "hooks become command hooks",
			edit: func(s *specs.Spec) { s.Hooks = &specs.Hooks{Poststop: []specs.Hook{{Path: "/bin/true"}}} },
			check: func(t *testing.T, _ string, c *configs.Config) {
				if len(c.Hooks[configs.Poststop]) != 1 {
					t.Fatalf("Hooks %+v", c.Hooks)
				}
			},
		},
		{
			name: "a private cgroup namespace with a writable cgroup mount owns its cgroup",
			edit: func(s *specs.Spec) {
				s.Linux.Namespaces = []specs.LinuxNamespace{{Type: "cgroup"}}
				s.Mounts = []specs.Mount{{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"nosuid"}}}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				if c.Cgroups.OwnerUID == nil || *c.Cgroups.OwnerUID != 0 {
					t.Fatalf("OwnerUID %v, want 0", c.Cgroups.OwnerUID)
				}
			},
		},
		{
			name: "a read-only cgroup mount leaves the cgroup owner alone",
			edit: func(s *specs.Spec) {
				s.Linux.Namespaces = []specs.LinuxNamespace{{Type: "cgroup"}}
				s.Mounts = []specs.Mount{{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"ro"}}}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				if c.Cgroups.OwnerUID != nil {
					t.Fatalf("OwnerUID %v, want nil", *c.Cgroups.OwnerUID)
				}
			},
		},
		{
			name: "user namespace mappings are copied and devices are owned by the container's root",
			edit: func(s *specs.Spec) {
				s.Linux.Namespaces = []specs.LinuxNamespace{{Type: "user"}}
				s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
				s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 200000, Size: 65536}}
			},
			check: func(t *testing.T, _ string, c *configs.Config) {
				if !reflect.DeepEqual(c.UidMappings, []configs.IDMap{{HostID: 100000, Size: 65536}}) ||
					!reflect.DeepEqual(c.GidMappings, []configs.IDMap{{HostID: 200000, Size: 65536}}) {
					t.Fatalf("mappings %+v %+v", c.UidMappings, c.GidMappings)
				}
				for _, d := range c.Devices {
					if d.Uid != 100000 || d.Gid != 200000 {
						t.Fatalf("device %s owned by %d:%d", d.Path, d.Uid, d.Gid)
					}
				}
				for _, d := range AllowedDevices {
					if d.Uid != 0 || d.Gid != 0 {
						t.Fatalf("AllowedDevices entry %s was modified to %d:%d", d.Path, d.Uid, d.Gid)
					}
				}
			},
		},
		{name: "a user namespace without a mapping for root is refused", edit: func(s *specs.Spec) {
			s.Linux.Namespaces = []specs.LinuxNamespace{{Type: "user"}}
			s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 1, HostID: 100000, Size: 10}}
			s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 10}}
		}, wantErr: "no user mapping found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bundle := newBundle(t)
			spec := minimalSpec()
			if tc.edit != nil {
				tc.edit(spec)
			}
			opts := tc.opts
			opts.CgroupName = "ctr"
			opts.Spec = spec
			c, err := CreateLibcontainerConfig(&opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, bundle, c)
		})
	}
}

func TestRootfsPropagation(t *testing.T) {
	tests := []struct {
		value       string
		noPivotRoot bool
		want        int
		wantErr     string
	}{
		{value: "", want: 0},
		{value: "private", want: unix.MS_PRIVATE},
		{value: "rprivate", want: unix.MS_PRIVATE | unix.MS_REC},
		{value: "slave", want: unix.MS_SLAVE},
		{value: "rslave", want: unix.MS_SLAVE | unix.MS_REC},
		{value: "shared", want: unix.MS_SHARED},
		{value: "rshared", want: unix.MS_SHARED | unix.MS_REC},
		{value: "unbindable", want: unix.MS_UNBINDABLE},
		{value: "runbindable", want: unix.MS_UNBINDABLE | unix.MS_REC},
		{value: "rslave", noPivotRoot: true, want: unix.MS_SLAVE | unix.MS_REC},
		{value: "bogus", wantErr: `linux.rootfsPropagation "bogus" is not supported`},
		{value: "rprivate", noPivotRoot: true, wantErr: "not safe without pivot_root"},
		{value: "private", noPivotRoot: true, wantErr: "not safe without pivot_root"},
	}
	for _, tc := range tests {
		name := "rootfsPropagation " + strconv.Quote(tc.value)
		if tc.noPivotRoot {
			name += " without pivot_root"
		}
		t.Run(name+" converts as expected", func(t *testing.T) {
			newBundle(t)
			spec := minimalSpec()
			spec.Linux.RootfsPropagation = tc.value
			c, err := CreateLibcontainerConfig(&CreateOpts{Spec: spec, NoPivotRoot: tc.noPivotRoot})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || c.RootPropagation != tc.want {
				t.Fatalf("got %#x, %v; want %#x", c.RootPropagation, err, tc.want)
			}
		})
	}
}

func TestCreateLibcontainerConfigRefusesANilSpec(t *testing.T) {
	for _, opts := range []*CreateOpts{nil, {}} {
		if _, err := CreateLibcontainerConfig(opts); err == nil {
			t.Fatalf("CreateLibcontainerConfig(%+v) succeeded", opts)
		}
	}
}
