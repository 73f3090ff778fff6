package validate

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/selinux/go-selinux"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// baseConfig returns a valid config whose rootfs is a fresh temp dir and
// which has private mount, UTS, IPC, PID and network namespaces.
func baseConfig(t *testing.T) *configs.Config {
	t.Helper()
	return &configs.Config{
		Rootfs: t.TempDir(),
		Namespaces: configs.Namespaces{
			{Type: configs.NEWNS},
			{Type: configs.NEWUTS},
			{Type: configs.NEWIPC},
			{Type: configs.NEWPID},
			{Type: configs.NEWNET},
		},
		Mounts: []*configs.Mount{
			{Source: "proc", Destination: "/proc", Device: "proc", Flags: unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
			{Source: "tmpfs", Destination: "/dev", Device: "tmpfs", Data: "mode=755"},
		},
		Devices: []*devices.Device{
			{Rule: devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm"}, Path: "/dev/null", FileMode: 0o666},
		},
		Cgroups: &configs.Cgroup{
			Path: "/test/ctr",
			Resources: &configs.Resources{
				Devices: []*devices.Rule{
					{Type: devices.WildcardDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "rwm"},
					{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm", Allow: true},
				},
			},
		},
		MaskPaths:     []string{"/proc/kcore"},
		ReadonlyPaths: []string{"/proc/sys"},
	}
}

// userns adds a new user namespace with root mapped to 100000..165535.
func userns(c *configs.Config) {
	c.Namespaces = append(c.Namespaces, configs.Namespace{Type: configs.NEWUSER})
	c.UidMappings = []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	c.GidMappings = []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
}

// addMount appends m to the config's mounts (it becomes mounts[2]).
func addMount(m configs.Mount) func(*configs.Config) {
	return func(c *configs.Config) { c.Mounts = append(c.Mounts, &m) }
}

// bindMount returns a bind mount of /srv onto dest.
func bindMount(dest string) configs.Mount {
	return configs.Mount{Source: "/srv", Destination: dest, Device: "bind", Flags: unix.MS_BIND | unix.MS_REC}
}

// idmaps is a valid single-range mapping.
var idmaps = []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}

// seccompWith returns a seccomp config allowing by default plus the rules.
func seccompWith(rules ...*configs.Syscall) func(*configs.Config) {
	return func(c *configs.Config) {
		c.Seccomp = &configs.Seccomp{DefaultAction: configs.Allow, Syscalls: rules}
	}
}

// sysctl sets one sysctl.
func sysctl(key string) func(*configs.Config) {
	return func(c *configs.Config) { c.Sysctl = map[string]string{key: "1"} }
}

// drop removes the namespace of type t.
func drop(t configs.NamespaceType) func(*configs.Config) {
	return func(c *configs.Config) { c.Namespaces.Remove(t) }
}

// all applies several mutations in order.
func all(fs ...func(*configs.Config)) func(*configs.Config) {
	return func(c *configs.Config) {
		for _, f := range fs {
			f(c)
		}
	}
}

// validationCase is one row of the rule tables: mutate a valid base
// config, then expect success (field "") or a ConfigError on field.
type validationCase struct {
	name   string
	mutate func(*configs.Config)
	field  string
}

// runValidationCases runs rows against fresh base configs.
func runValidationCases(t *testing.T, cases []validationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := baseConfig(t)
			if tc.mutate != nil {
				tc.mutate(c)
			}
			err := New().Validate(c)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			assertConfigError(t, err, tc.field)
		})
	}
}

// assertConfigError checks that err is a *ConfigError about field that
// matches ErrInvalidConfig and names the field in its message.
func assertConfigError(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Validate succeeded, want an error on %s", field)
	}
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *ConfigError", err, err)
	}
	if ce.Field != field {
		t.Errorf("error on field %q, want %q: %v", ce.Field, field, err)
	}
	if !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("error %v does not match ErrInvalidConfig", err)
	}
	if !strings.HasPrefix(err.Error(), "invalid config: "+field) {
		t.Errorf("message %q does not start by naming the field", err)
	}
}

func TestValidateAcceptsGoodConfigs(t *testing.T) {
	offsets := map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 10}, "boottime": {Secs: -5, Nanosecs: 999999999}}
	runValidationCases(t, []validationCase{
		{name: "the base config is valid"},
		{name: "a hostname with a private UTS namespace is valid", mutate: func(c *configs.Config) { c.Hostname = "box" }},
		{name: "a domainname with a private UTS namespace is valid", mutate: func(c *configs.Config) { c.Domainname = "example.org" }},
		{name: "cgroup Name and Parent without Path are valid", mutate: func(c *configs.Config) { c.Cgroups.Path = ""; c.Cgroups.Name = "ctr"; c.Cgroups.Parent = "parent" }},
		{name: "a cgroup without resources is valid", mutate: func(c *configs.Config) { c.Cgroups.Resources = nil }},
		{name: "a new user namespace with mappings is valid", mutate: userns},
		{name: "joining a user namespace without mappings is valid", mutate: func(c *configs.Config) {
			c.Namespaces = append(c.Namespaces, configs.Namespace{Type: configs.NEWUSER, Path: "/proc/self/ns/user"})
		}},
		{name: "several disjoint mapping ranges are valid", mutate: all(userns, func(c *configs.Config) {
			c.UidMappings = []configs.IDMap{{ContainerID: 1000, HostID: 1000, Size: 1}, {ContainerID: 0, HostID: 100000, Size: 1000}}
		})},
		{name: "a cgroup namespace is valid", mutate: func(c *configs.Config) { c.Namespaces.Add(configs.NEWCGROUP, "") }},
		{name: "time offsets with a new time namespace are valid", mutate: func(c *configs.Config) {
			c.Namespaces.Add(configs.NEWTIME, "")
			c.TimeOffsets = offsets
		}},
		{name: "an allowlisted bind mount below /proc is valid", mutate: addMount(bindMount("/proc/meminfo"))},
		{name: "a bind mount with only flags is valid", mutate: addMount(bindMount("/data"))},
		{name: "an idmapped bind mount with maps is valid", mutate: addMount(configs.Mount{
			Source: "/srv", Destination: "/data", Device: "bind", Flags: unix.MS_BIND,
			IDMapping: &configs.MountIDMapping{UIDMappings: idmaps, GIDMappings: idmaps, Recursive: true},
		})},
		{name: "an idmapped bind mount with a user namespace path is valid", mutate: addMount(configs.Mount{
			Source: "/srv", Destination: "/data", Device: "bind", Flags: unix.MS_BIND,
			IDMapping: &configs.MountIDMapping{UserNSPath: "/proc/1/ns/user"},
		})},
		{name: "recursive slave root propagation is valid", mutate: func(c *configs.Config) { c.RootPropagation = unix.MS_SLAVE | unix.MS_REC }},
		{name: "an IPC sysctl with a private IPC namespace is valid", mutate: sysctl("kernel.shmmax")},
		{name: "an mqueue sysctl with a private IPC namespace is valid", mutate: sysctl("fs.mqueue.msg_max")},
		{name: "a net sysctl with a new network namespace is valid", mutate: sysctl("net.ipv4.ip_forward")},
		{name: "a slash-spelled net sysctl is valid", mutate: sysctl("net/ipv4/conf/eth0.100/forwarding")},
		{name: "kernel.domainname with a private UTS namespace is valid", mutate: sysctl("kernel.domainname")},
		{name: "a user sysctl with a private user namespace is valid", mutate: all(userns, sysctl("user.max_user_namespaces"))},
		{name: "rootless with mappings and a mapped uid option is valid", mutate: all(userns, func(c *configs.Config) {
			c.RootlessEUID = true
			c.Mounts[1].Data = "mode=755,uid=5,gid=5"
		})},
		{name: "an rlimit with soft equal to hard is valid", mutate: func(c *configs.Config) {
			c.Rlimits = []configs.Rlimit{{Type: unix.RLIMIT_NOFILE, Soft: 1024, Hard: 1024}}
		}},
		{name: "moving a network device with a good name is valid", mutate: func(c *configs.Config) {
			c.NetDevices = map[string]*configs.LinuxNetDevice{"eth1": {Name: "net0"}, "dummy0": {}}
		}},
		{name: "a notify rule with a listener path is valid", mutate: all(seccompWith(&configs.Syscall{
			Name: "mkdir", Action: configs.Notify, Args: []*configs.Arg{{Index: 1, Value: 0o700, Op: configs.MaskEqualTo, ValueTwo: 0o700}},
		}), func(c *configs.Config) { c.Seccomp.ListenerPath = "/run/listener.sock" })},
		{name: "landlock rules with absolute paths and known words are valid", mutate: func(c *configs.Config) {
			c.Landlock = &configs.Landlock{Rules: []configs.LandlockRule{{Path: "/usr", Access: []string{"read", "exec"}}, {Path: "/tmp", Access: []string{"write"}}}}
		}},
		{name: "the LINUX32 personality is valid", mutate: func(c *configs.Config) {
			c.Personality = &configs.LinuxPersonality{Domain: configs.PerLinux32}
		}},
	})
}

func TestValidateCgroupRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "Path together with Name is rejected", mutate: func(c *configs.Config) { c.Cgroups.Name = "x" }, field: "cgroups.path"},
		{name: "Path together with Parent is rejected", mutate: func(c *configs.Config) { c.Cgroups.Parent = "x" }, field: "cgroups.path"},
		{name: "a hugetlb page size that is a path is rejected", mutate: func(c *configs.Config) {
			c.Cgroups.HugetlbLimit = []*configs.HugepageLimit{{Pagesize: "../2MB", Limit: 1}}
		}, field: "cgroups.hugetlb_limit[0].page_size"},
		{name: "a null hugetlb limit is rejected", mutate: func(c *configs.Config) {
			c.Cgroups.HugetlbLimit = []*configs.HugepageLimit{nil}
		}, field: "cgroups.hugetlb_limit[0]"},
	})
}

func TestValidateUnifiedDependsOnCgroupMode(t *testing.T) {
	c := baseConfig(t)
	c.Cgroups.Unified = map[string]string{"memory.high": "max"}
	err := New().Validate(c)
	if cgroups.IsCgroup2UnifiedMode() {
		if err != nil {
			t.Fatalf("unified on a cgroup v2 host: %v", err)
		}
		c.Cgroups.Unified = map[string]string{"../escape": "1"}
		assertConfigError(t, New().Validate(c), "cgroups.unified")
		c.Cgroups.Unified = nil
		c.Cgroups.MemorySwap = 100
		assertConfigError(t, New().Validate(c), "cgroups.memory_swap")
		return
	}
	assertConfigError(t, err, "cgroups.unified")
	if !errors.Is(err, cgroups.ErrV1NoUnified) {
		t.Errorf("error %v does not match cgroups.ErrV1NoUnified", err)
	}
}

func TestValidateRootfs(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "a missing rootfs is rejected", mutate: func(c *configs.Config) { c.Rootfs = filepath.Join(c.Rootfs, "missing") }, field: "rootfs"},
		{name: "a relative rootfs is rejected", mutate: func(c *configs.Config) { c.Rootfs = "." }, field: "rootfs"},
		{name: "an empty rootfs is rejected", mutate: func(c *configs.Config) { c.Rootfs = "" }, field: "rootfs"},
		{name: "a trailing slash on the rootfs is accepted", mutate: func(c *configs.Config) { c.Rootfs += "/" }},
		{name: "a rootfs below a symlinked directory is rejected", mutate: func(c *configs.Config) {
			link := c.Rootfs + ".parent"
			if err := os.Symlink(filepath.Dir(c.Rootfs), link); err != nil {
				panic(err)
			}
			c.Rootfs = filepath.Join(link, filepath.Base(c.Rootfs))
		}, field: "rootfs"},
		{name: "a symlinked rootfs is rejected", mutate: func(c *configs.Config) {
			link := c.Rootfs + ".link"
			if err := os.Symlink(c.Rootfs, link); err != nil {
				panic(err)
			}
			c.Rootfs = link
		}, field: "rootfs"},
	})
}

func TestValidateNamespaceRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "an unknown namespace type is rejected", mutate: func(c *configs.Config) {
			c.Namespaces = append(c.Namespaces, configs.Namespace{Type: "NEWFOO"})
		}, field: "namespaces[5].type"},
		{name: "a duplicated namespace type is rejected", mutate: func(c *configs.Config) {
			c.Namespaces = append(c.Namespaces, configs.Namespace{Type: configs.NEWNET, Path: "/proc/self/ns/net"})
		}, field: "namespaces[5].type"},
		{name: "a relative namespace path is rejected", mutate: func(c *configs.Config) { c.Namespaces[4].Path = "ns/net" }, field: "namespaces[4].path"},
		{name: "networks without a network namespace are rejected", mutate: all(drop(configs.NEWNET), func(c *configs.Config) {
			c.Networks = []*configs.Network{{Type: "loopback"}}
		}), field: "networks"},
		{name: "routes without a network namespace are rejected", mutate: all(drop(configs.NEWNET), func(c *configs.Config) {
			c.Routes = []*configs.Route{{Destination: "0.0.0.0/0"}}
		}), field: "routes"},
		{name: "a hostname without a UTS namespace is rejected", mutate: all(drop(configs.NEWUTS), func(c *configs.Config) { c.Hostname = "box" }), field: "hostname"},
		{name: "a domainname without a UTS namespace is rejected", mutate: all(drop(configs.NEWUTS), func(c *configs.Config) { c.Domainname = "x.org" }), field: "domainname"},
		{name: "masked paths without a mount namespace are rejected", mutate: all(drop(configs.NEWNS), func(c *configs.Config) { c.ReadonlyPaths = nil }), field: "mask_paths"},
		{name: "read-only paths without a mount namespace are rejected", mutate: all(drop(configs.NEWNS), func(c *configs.Config) { c.MaskPaths = nil }), field: "readonly_paths"},
		{name: "time offsets without a time namespace are rejected", mutate: func(c *configs.Config) {
			c.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 1}}
		}, field: "time_offsets"},
		{name: "time offsets for a joined time namespace are rejected", mutate: func(c *configs.Config) {
			c.Namespaces.Add(configs.NEWTIME, "/proc/self/ns/time")
			c.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 1}}
		}, field: "time_offsets"},
		{name: "an offset for an unknown clock is rejected", mutate: func(c *configs.Config) {
			c.Namespaces.Add(configs.NEWTIME, "")
			c.TimeOffsets = map[string]specs.LinuxTimeOffset{"realtime": {Secs: 1}}
		}, field: `time_offsets["realtime"]`},
		{name: "an offset with a second or more of nanoseconds is rejected", mutate: func(c *configs.Config) {
			c.Namespaces.Add(configs.NEWTIME, "")
			c.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Nanosecs: 1_000_000_000}}
		}, field: `time_offsets["boottime"].nanosecs`},
	})
}

func TestValidateProcessLabelNeedsSELinux(t *testing.T) {
	if selinux.GetEnabled() {
		t.Skip("SELinux is enabled on this host, so a process label is accepted")
	}
	c := baseConfig(t)
	c.ProcessLabel = "system_u:system_r:container_t:s0"
	assertConfigError(t, New().Validate(c), "process_label")
}

func TestValidateUserNamespaceRules(t *testing.T) {
	setUID := func(m ...configs.IDMap) func(*configs.Config) {
		return all(userns, func(c *configs.Config) { c.UidMappings = m })
	}
	runValidationCases(t, []validationCase{
		{name: "uid mappings without a user namespace are rejected", mutate: func(c *configs.Config) { c.UidMappings = idmaps }, field: "uid_mappings"},
		{name: "gid mappings without a user namespace are rejected", mutate: func(c *configs.Config) { c.GidMappings = idmaps }, field: "gid_mappings"},
		{name: "a new user namespace without mappings is rejected", mutate: all(userns, func(c *configs.Config) {
			c.UidMappings, c.GidMappings = nil, nil
		}), field: "namespaces"},
		{name: "a new user namespace without gid mappings is rejected", mutate: all(userns, func(c *configs.Config) { c.GidMappings = nil }), field: "gid_mappings"},
		{name: "a new user namespace without uid mappings is rejected", mutate: all(userns, func(c *configs.Config) { c.UidMappings = nil }), field: "uid_mappings"},
		{name: "a mapping of size zero is rejected", mutate: setUID(configs.IDMap{HostID: 1000, Size: 0}), field: "uid_mappings[0].size"},
		{name: "a negative container id is rejected", mutate: setUID(configs.IDMap{ContainerID: -1, HostID: 1000, Size: 1}), field: "uid_mappings[0].container_id"},
		{name: "a host id beyond 32 bits is rejected", mutate: setUID(configs.IDMap{HostID: 1 << 32, Size: 1}), field: "uid_mappings[0].host_id"},
		{name: "a range running past the id space is rejected", mutate: setUID(configs.IDMap{HostID: 1<<32 - 10, Size: 11}), field: "uid_mappings[0].size"},
		{name: "overlapping container ranges are rejected", mutate: setUID(
			configs.IDMap{ContainerID: 0, HostID: 100000, Size: 100},
			configs.IDMap{ContainerID: 99, HostID: 300000, Size: 10},
		), field: "uid_mappings[1]"},
		{name: "overlapping host ranges are rejected", mutate: all(userns, func(c *configs.Config) {
			c.GidMappings = []configs.IDMap{{ContainerID: 500, HostID: 100050, Size: 10}, {ContainerID: 0, HostID: 100000, Size: 100}}
		}), field: "gid_mappings[1]"},
		{name: "more ranges than the kernel accepts are rejected", mutate: all(userns, func(c *configs.Config) {
			c.UidMappings = nil
			for i := int64(0); i <= maxIDMapExtents; i++ {
				c.UidMappings = append(c.UidMappings, configs.IDMap{ContainerID: i, HostID: 100000 + i, Size: 1})
			}
		}), field: "uid_mappings"},
	})
}

func TestValidateMountRules(t *testing.T) {
	idmapped := func(idm configs.MountIDMapping) configs.Mount {
		m := bindMount("/data")
		m.IDMapping = &idm
		return m
	}
	runValidationCases(t, []validationCase{
		{name: "a null mount is rejected", mutate: func(c *configs.Config) { c.Mounts = append(c.Mounts, nil) }, field: "mounts[2]"},
		{name: "a relative destination is rejected", mutate: addMount(bindMount("data")), field: "mounts[2].destination"},
		{name: "a mount on the container root is rejected", mutate: addMount(bindMount("/")), field: "mounts[2].destination"},
		{name: "a NUL byte in the source is rejected", mutate: addMount(configs.Mount{Source: "/s\x00rv", Destination: "/d", Device: "tmpfs"}), field: "mounts[2].source"},
		{name: "a NUL byte in the destination is rejected", mutate: addMount(configs.Mount{Source: "tmpfs", Destination: "/d\x00", Device: "tmpfs"}), field: "mounts[2].destination"},
		{name: "a NUL byte in the type is rejected", mutate: addMount(configs.Mount{Source: "tmpfs", Destination: "/d", Device: "tmp\x00fs"}), field: "mounts[2].device"},
		{name: "a NUL byte in the data is rejected", mutate: addMount(configs.Mount{Source: "tmpfs", Destination: "/d", Device: "tmpfs", Data: "size=1\x00"}), field: "mounts[2].data"},
		{name: "a tmpfs on /proc is rejected", mutate: func(c *configs.Config) { c.Mounts[0].Device = "tmpfs" }, field: "mounts[0].device"},
		{name: "a bind mount on /proc is rejected", mutate: addMount(bindMount("/proc/")), field: "mounts[2].device"},
		{name: "a bind mount below /proc outside the allowlist is rejected", mutate: addMount(bindMount("/proc/sys/kernel/core_pattern")), field: "mounts[2].destination"},
		{name: "a dot-dot walk into /proc is rejected", mutate: addMount(bindMount("/data/../proc/self/attr")), field: "mounts[2].destination"},
		{name: "a non-bind mount on an allowlisted /proc file is rejected", mutate: addMount(configs.Mount{Source: "tmpfs", Destination: "/proc/meminfo", Device: "tmpfs"}), field: "mounts[2].destination"},
		{name: "a bind mount with filesystem data is rejected", mutate: addMount(configs.Mount{Source: "/srv", Destination: "/d", Device: "bind", Flags: unix.MS_BIND, Data: "mode=755"}), field: "mounts[2].data"},
		{name: "an MS_BIND mount of another type with data is rejected", mutate: addMount(configs.Mount{Source: "/srv", Destination: "/d", Device: "none", Flags: unix.MS_BIND, Data: "x"}), field: "mounts[2].data"},
		{name: "an unknown relabel mode is rejected", mutate: addMount(configs.Mount{Source: "tmpfs", Destination: "/d", Device: "tmpfs", Relabel: "q"}), field: "mounts[2].relabel"},
		{name: "MOUNT_ATTR_IDMAP in rec_attr is rejected", mutate: addMount(configs.Mount{
			Source: "/srv", Destination: "/d", Device: "bind", Flags: unix.MS_BIND, RecAttr: &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP},
		}), field: "mounts[2].rec_attr"},
		{name: "an idmapped mount that is neither a bind nor a tmpfs is rejected", mutate: addMount(configs.Mount{
			Source: "mqueue", Destination: "/d", Device: "mqueue", IDMapping: &configs.MountIDMapping{UIDMappings: idmaps, GIDMappings: idmaps},
		}), field: "mounts[2].id_mapping"},
		{name: "an idmapped mount without uid maps is rejected", mutate: addMount(idmapped(configs.MountIDMapping{GIDMappings: idmaps})), field: "mounts[2].id_mapping.uid_mappings"},
		{name: "an idmapped mount without gid maps is rejected", mutate: addMount(idmapped(configs.MountIDMapping{UIDMappings: idmaps})), field: "mounts[2].id_mapping.gid_mappings"},
		{name: "an idmapped mount with a zero-size range is rejected", mutate: addMount(idmapped(configs.MountIDMapping{
			UIDMappings: idmaps, GIDMappings: []configs.IDMap{{HostID: 1, Size: 0}},
		})), field: "mounts[2].id_mapping.gid_mappings[0].size"},
		{name: "an idmapped mount with both a path and maps is rejected", mutate: addMount(idmapped(configs.MountIDMapping{
			UIDMappings: idmaps, GIDMappings: idmaps, UserNSPath: "/proc/1/ns/user",
		})), field: "mounts[2].id_mapping.userns_path"},
		{name: "an idmapped mount with a relative user namespace path is rejected", mutate: addMount(idmapped(configs.MountIDMapping{
			UserNSPath: "ns/user",
		})), field: "mounts[2].id_mapping.userns_path"},
		{name: "an idmapped mount in a rootless container is rejected", mutate: all(userns, func(c *configs.Config) { c.RootlessEUID = true },
			addMount(idmapped(configs.MountIDMapping{UIDMappings: idmaps, GIDMappings: idmaps}))), field: "mounts[2].id_mapping"},
		{name: "an unknown root propagation is rejected", mutate: func(c *configs.Config) { c.RootPropagation = unix.MS_BIND }, field: "rootPropagation"},
		{name: "two root propagation types at once are rejected", mutate: func(c *configs.Config) { c.RootPropagation = unix.MS_SHARED | unix.MS_SLAVE }, field: "rootPropagation"},
		{name: "private root propagation without pivot_root is rejected", mutate: func(c *configs.Config) {
			c.NoPivotRoot = true
			c.RootPropagation = unix.MS_PRIVATE | unix.MS_REC
		}, field: "rootPropagation"},
	})
}

func TestValidateSysctlRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "an IPC sysctl without an IPC namespace is rejected", mutate: all(drop(configs.NEWIPC), sysctl("kernel.msgmax")), field: `sysctl["kernel.msgmax"]`},
		{name: "an mqueue sysctl without an IPC namespace is rejected", mutate: all(drop(configs.NEWIPC), sysctl("fs/mqueue/queues_max")), field: `sysctl["fs/mqueue/queues_max"]`},
		{name: "a net sysctl without a network namespace is rejected", mutate: all(drop(configs.NEWNET), sysctl("net.ipv4.ip_forward")), field: `sysctl["net.ipv4.ip_forward"]`},
		{name: "a net sysctl in the caller's network namespace is rejected", mutate: all(func(c *configs.Config) {
			c.Namespaces.Add(configs.NEWNET, "/proc/self/ns/net")
		}, sysctl("net.ipv4.ip_forward")), field: `sysctl["net.ipv4.ip_forward"]`},
		{name: "a net sysctl for a missing namespace path is rejected", mutate: all(func(c *configs.Config) {
			c.Namespaces.Add(configs.NEWNET, "/nonexistent/netns")
		}, sysctl("net.ipv4.ip_forward")), field: `sysctl["net.ipv4.ip_forward"]`},
		{name: "kernel.hostname is rejected because it conflicts with hostname", mutate: sysctl("kernel.hostname"), field: `sysctl["kernel.hostname"]`},
		{name: "kernel.domainname without a UTS namespace is rejected", mutate: all(drop(configs.NEWUTS), sysctl("kernel.domainname")), field: `sysctl["kernel.domainname"]`},
		{name: "a user sysctl without a user namespace is rejected", mutate: sysctl("user.max_user_namespaces"), field: `sysctl["user.max_user_namespaces"]`},
		{name: "a global kernel sysctl is rejected", mutate: sysctl("kernel.core_pattern"), field: `sysctl["kernel.core_pattern"]`},
		{name: "a vm sysctl is rejected", mutate: sysctl("vm.swappiness"), field: `sysctl["vm.swappiness"]`},
		{name: "a net sysctl walking out with dot-dot is rejected", mutate: sysctl("net.a/../../kernel.core_pattern"), field: `sysctl["net.a/../../kernel.core_pattern"]`},
		{name: "a sysctl with an empty component is rejected", mutate: sysctl("net..ipv4"), field: `sysctl["net..ipv4"]`},
	})
}

func TestValidateNetSysctlInJoinedNetworkNamespace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("starting a process in a new network namespace needs root")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skipf("needs a sleep binary to hold a network namespace: %v", err)
	}
	cmd := exec.Command(sleep, "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start process in a new network namespace: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	c := baseConfig(t)
	c.Namespaces.Add(configs.NEWNET, fmt.Sprintf("/proc/%d/ns/net", cmd.Process.Pid))
	c.Sysctl = map[string]string{"net.ipv4.ip_forward": "1"}
	if err := New().Validate(c); err != nil {
		t.Errorf("net sysctl in a joined private netns: %v", err)
	}
}

func TestValidateNetDeviceRules(t *testing.T) {
	dev := func(host, name string) func(*configs.Config) {
		return func(c *configs.Config) {
			c.NetDevices = map[string]*configs.LinuxNetDevice{host: {Name: name}}
		}
	}
	runValidationCases(t, []validationCase{
		{name: "net devices without a network namespace are rejected", mutate: all(drop(configs.NEWNET), dev("eth1", "")), field: "netDevices"},
		{name: "net devices in a rootless container are rejected", mutate: all(userns, func(c *configs.Config) { c.RootlessEUID = true }, dev("eth1", "")), field: "netDevices"},
		{name: "an empty host name is rejected", mutate: dev("", "x"), field: `netDevices[""]`},
		{name: "a dot host name is rejected", mutate: dev(".", ""), field: `netDevices["."]`},
		{name: "a dot-dot container name is rejected", mutate: dev("eth1", ".."), field: `netDevices["eth1"].name`},
		{name: "a name longer than 15 bytes is rejected", mutate: dev("eth1", "abcdefghijklmnop"), field: `netDevices["eth1"].name`},
		{name: "a name with a slash is rejected", mutate: dev("eth1", "a/b"), field: `netDevices["eth1"].name`},
		{name: "a name with a colon is rejected", mutate: dev("eth1", "a:b"), field: `netDevices["eth1"].name`},
		{name: "a name with a space is rejected", mutate: dev("eth 1", ""), field: `netDevices["eth 1"]`},
	})
}

func TestValidateIntelRdtRules(t *testing.T) {
	cat, mba := resctrlFeatures()
	rdt := func(r configs.IntelRdt) func(*configs.Config) {
		return func(c *configs.Config) { c.IntelRdt = &r }
	}
	cases := []validationCase{
		{name: "a dot-dot ClosID is rejected", mutate: rdt(configs.IntelRdt{ClosID: ".."}), field: "intel_rdt.closID"},
		{name: "a ClosID with a slash is rejected", mutate: rdt(configs.IntelRdt{ClosID: "a/b"}), field: "intel_rdt.closID"},
	}
	switch {
	case !cat && !mba:
		cases = append(cases, validationCase{name: "RDT without resctrl support is rejected", mutate: rdt(configs.IntelRdt{ClosID: "grp"}), field: "intel_rdt"})
	case !cat:
		cases = append(cases, validationCase{name: "an L3 schema without CAT is rejected", mutate: rdt(configs.IntelRdt{L3CacheSchema: "L3:0=f"}), field: "intel_rdt.l3_cache_schema"})
	case !mba:
		cases = append(cases, validationCase{name: "an MB schema without MBA is rejected", mutate: rdt(configs.IntelRdt{MemBwSchema: "MB:0=50"}), field: "intel_rdt.memBwSchema"})
	}
	runValidationCases(t, cases)
}

func TestValidateRootlessRules(t *testing.T) {
	rootless := func(c *configs.Config) { c.RootlessEUID = true }
	runValidationCases(t, []validationCase{
		{name: "rootless without a user namespace is rejected", mutate: rootless, field: "namespaces"},
		{name: "rootless joining a user namespace needs no mappings", mutate: all(rootless, func(c *configs.Config) {
			c.Namespaces.Add(configs.NEWUSER, "/proc/self/ns/user")
		})},
		{name: "a uid mount option outside the mapping is rejected", mutate: all(userns, rootless, func(c *configs.Config) {
			c.Mounts[1].Data = "uid=70000"
		}), field: "mounts[1].data"},
		{name: "a gid mount option outside the mapping is rejected", mutate: all(userns, rootless, func(c *configs.Config) {
			c.Mounts[1].Data = "mode=700,gid=65536"
		}), field: "mounts[1].data"},
		{name: "a non-numeric uid option is left to the filesystem", mutate: all(userns, rootless, func(c *configs.Config) {
			c.Mounts[1].Data = "uid=auto"
		})},
	})
}

func TestValidateRlimitAndDeviceRules(t *testing.T) {
	rule := func(r devices.Rule) func(*configs.Config) {
		return func(c *configs.Config) { c.Cgroups.Devices = append(c.Cgroups.Devices, &r) }
	}
	runValidationCases(t, []validationCase{
		{name: "an rlimit with soft above hard is rejected", mutate: func(c *configs.Config) {
			c.Rlimits = []configs.Rlimit{{Type: unix.RLIMIT_NOFILE, Soft: 2048, Hard: 1024}}
		}, field: "rlimits[0].soft"},
		{name: "an unknown rlimit type is rejected", mutate: func(c *configs.Config) {
			c.Rlimits = []configs.Rlimit{{Type: 99}}
		}, field: "rlimits[0].type"},
		{name: "a wildcard device node is rejected", mutate: func(c *configs.Config) { c.Devices[0].Type = devices.WildcardDevice }, field: "devices[0].type"},
		{name: "a device node with a relative path is rejected", mutate: func(c *configs.Config) { c.Devices[0].Path = "dev/null" }, field: "devices[0].path"},
		{name: "a device node with wildcard numbers is rejected", mutate: func(c *configs.Config) { c.Devices[0].Minor = devices.Wildcard }, field: "devices[0]"},
		{name: "a null device node is rejected", mutate: func(c *configs.Config) { c.Devices = append(c.Devices, nil) }, field: "devices[1]"},
		{name: "a device rule with an unknown type is rejected", mutate: rule(devices.Rule{Type: 'x', Major: 1, Minor: 1, Permissions: "r"}), field: "cgroups.devices[2].type"},
		{name: "a device rule for fifos is rejected", mutate: rule(devices.Rule{Type: devices.FifoDevice, Major: 1, Minor: 1, Permissions: "r"}), field: "cgroups.devices[2].type"},
		{name: "a device rule with empty permissions is rejected", mutate: rule(devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 1}), field: "cgroups.devices[2].permissions"},
		{name: "a device rule with unknown permission letters is rejected", mutate: rule(devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 1, Permissions: "rwx"}), field: "cgroups.devices[2].permissions"},
		{name: "a device rule with a negative major is rejected", mutate: rule(devices.Rule{Type: devices.CharDevice, Major: -2, Minor: 1, Permissions: "r"}), field: "cgroups.devices[2]"},
		{name: "a null device rule is rejected", mutate: func(c *configs.Config) { c.Cgroups.Devices = append(c.Cgroups.Devices, nil) }, field: "cgroups.devices[2]"},
	})
}

func TestValidateSeccompRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "NOTIFY as the default action is rejected", mutate: func(c *configs.Config) {
			c.Seccomp = &configs.Seccomp{DefaultAction: configs.Notify, ListenerPath: "/run/l.sock"}
		}, field: "seccomp.default_action"},
		{name: "an unset default action is rejected", mutate: func(c *configs.Config) { c.Seccomp = &configs.Seccomp{} }, field: "seccomp.default_action"},
		{name: "an unknown rule action is rejected", mutate: seccompWith(&configs.Syscall{Name: "mkdir", Action: 42}), field: "seccomp.syscalls[0].action"},
		{name: "NOTIFY on write is rejected", mutate: all(seccompWith(&configs.Syscall{Name: "write", Action: configs.Notify}), func(c *configs.Config) {
			c.Seccomp.ListenerPath = "/run/l.sock"
		}), field: "seccomp.syscalls[0].action"},
		{name: "NOTIFY without a listener path is rejected", mutate: seccompWith(&configs.Syscall{Name: "mkdir", Action: configs.Notify}), field: "seccomp.listener_path"},
		{name: "a null rule is rejected", mutate: seccompWith(&configs.Syscall{Name: "mkdir", Action: configs.Errno}, nil), field: "seccomp.syscalls[1]"},
		{name: "a rule without a name is rejected", mutate: seccompWith(&configs.Syscall{Action: configs.Errno}), field: "seccomp.syscalls[0].name"},
		{name: "a null argument condition is rejected", mutate: seccompWith(&configs.Syscall{Name: "mkdir", Action: configs.Errno, Args: []*configs.Arg{nil}}), field: "seccomp.syscalls[0].args[0]"},
		{name: "an argument index past six is rejected", mutate: seccompWith(&configs.Syscall{Name: "mkdir", Action: configs.Errno, Args: []*configs.Arg{{Index: 6, Op: configs.EqualTo}}}), field: "seccomp.syscalls[0].args[0].index"},
		{name: "an unknown operator is rejected", mutate: seccompWith(&configs.Syscall{Name: "mkdir", Action: configs.Errno, Args: []*configs.Arg{{Index: 0}}}), field: "seccomp.syscalls[0].args[0].op"},
	})
}

func TestValidateLandlockAndPersonalityRules(t *testing.T) {
	landlock := func(r ...configs.LandlockRule) func(*configs.Config) {
		return func(c *configs.Config) { c.Landlock = &configs.Landlock{Rules: r} }
	}
	runValidationCases(t, []validationCase{
		{name: "a landlock rule with a relative path is rejected", mutate: landlock(configs.LandlockRule{Path: "usr", Access: []string{"read"}}), field: "landlock.rules[0].path"},
		{name: "a landlock rule with an unknown access word is rejected", mutate: landlock(
			configs.LandlockRule{Path: "/usr", Access: []string{"read"}},
			configs.LandlockRule{Path: "/tmp", Access: []string{"read", "truncate"}},
		), field: "landlock.rules[1].access[1]"},
		{name: "a landlock rule granting nothing is rejected", mutate: landlock(configs.LandlockRule{Path: "/usr"}), field: "landlock.rules[0].access"},
		{name: "an unknown personality domain is rejected", mutate: func(c *configs.Config) {
			c.Personality = &configs.LinuxPersonality{Domain: "SVR4"}
		}, field: "personality.domain"},
		{name: "personality flags are rejected", mutate: func(c *configs.Config) {
			c.Personality = &configs.LinuxPersonality{Domain: configs.PerLinux, Flags: []configs.LinuxPersonalityFlag{"ADDR_NO_RANDOMIZE"}}
		}, field: "personality.flags[0]"},
	})
}

func TestValidateRejectsNilConfig(t *testing.T) {
	assertConfigError(t, New().Validate(nil), "config")
}

func TestConfigErrorMessageNamesFieldAndValue(t *testing.T) {
	err := invalid("mounts[2].destination", "x", "must be an absolute path")
	if got, want := err.Error(), `invalid config: mounts[2].destination "x": must be an absolute path`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	cause := errors.New("cause")
	err = invalidCause("rootfs", "", cause, "invalid rootfs")
	if got, want := err.Error(), "invalid config: rootfs: invalid rootfs: cause"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, cause) || !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("error %v matches neither its cause nor ErrInvalidConfig", err)
	}
}
