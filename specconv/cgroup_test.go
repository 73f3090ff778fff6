package specconv

import (
	"reflect"
	"strings"
	"testing"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"
	dbus "github.com/godbus/dbus/v5"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

func TestCreateCgroupConfigPlacement(t *testing.T) {
	tests := []struct {
		name       string
		systemd    bool
		path       string
		wantPath   string
		wantParent string
		wantPrefix string
		wantName   string
		wantErr    string
	}{
		{name: "cgroupfs without a path is named after the container", wantName: "ctr"},
		{name: "cgroupfs keeps an absolute path", path: "/a/b", wantPath: "/a/b"},
		{name: "cgroupfs cleans a relative path so it cannot climb", path: "../../a/./b", wantPath: "a/b"},
		{name: "systemd without a path uses the runc scope prefix", systemd: true, wantPrefix: "runc", wantName: "ctr"},
		{name: "systemd splits slice:prefix:name", systemd: true, path: "system.slice:docker:abc",
			wantParent: "system.slice", wantPrefix: "docker", wantName: "abc"},
		{name: "systemd refuses a path of another form", systemd: true, path: "/a/b", wantErr: `linux.cgroupsPath "/a/b"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := minimalSpec()
			spec.Linux.CgroupsPath = tc.path
			c, err := CreateCgroupConfig(&CreateOpts{CgroupName: "ctr", UseSystemdCgroup: tc.systemd, RootlessCgroups: true, Spec: spec}, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := [4]string{c.Path, c.Parent, c.ScopePrefix, c.Name}
			want := [4]string{tc.wantPath, tc.wantParent, tc.wantPrefix, tc.wantName}
			if got != want {
				t.Fatalf("path/parent/prefix/name = %q, want %q", got, want)
			}
			if c.Systemd != tc.systemd || !c.Rootless || c.Resources == nil {
				t.Fatalf("Systemd %v Rootless %v Resources %v", c.Systemd, c.Rootless, c.Resources)
			}
		})
	}
}

func TestSystemdPropertiesFromAnnotations(t *testing.T) {
	tests := []struct {
		name        string
		annotations map[string]string
		want        []systemdDbus.Property
		wantErr     string
	}{
		{name: "other annotations are ignored", annotations: map[string]string{"foo": "bar"}},
		{
			name: "properties are parsed as variants in key order",
			annotations: map[string]string{
				"org.systemd.property.TasksAccounting": "true",
				"org.systemd.property.CollectMode":     "'inactive-or-failed'",
			},
			want: []systemdDbus.Property{
				{Name: "CollectMode", Value: dbus.MakeVariant("inactive-or-failed")},
				{Name: "TasksAccounting", Value: dbus.MakeVariant(true)},
			},
		},
		{
			name:        "a Sec property becomes USec in microseconds",
			annotations: map[string]string{"org.systemd.property.TimeoutStopSec": "uint64 5"},
			want:        []systemdDbus.Property{{Name: "TimeoutStopUSec", Value: dbus.MakeVariant(uint64(5_000_000))}},
		},
		{
			name:        "fractional seconds are rounded to microseconds",
			annotations: map[string]string{"org.systemd.property.RuntimeMaxSec": "1.5"},
			want:        []systemdDbus.Property{{Name: "RuntimeMaxUSec", Value: dbus.MakeVariant(uint64(1_500_000))}},
		},
		{
			name:        "a USec property is left alone",
			annotations: map[string]string{"org.systemd.property.CPUQuotaPeriodUSec": "uint64 1000"},
			want:        []systemdDbus.Property{{Name: "CPUQuotaPeriodUSec", Value: dbus.MakeVariant(uint64(1000))}},
		},
		{name: "a name shorter than 3 letters is refused", annotations: map[string]string{"org.systemd.property.AB": "1"}, wantErr: `property name "AB"`},
		{name: "a name with a non-letter is refused", annotations: map[string]string{"org.systemd.property.Ab1": "1"}, wantErr: `property name "Ab1"`},
		{name: "an unparsable value is refused", annotations: map[string]string{"org.systemd.property.Foo": "[[["}, wantErr: "value parse error"},
		{name: "a non-numeric Sec value is refused", annotations: map[string]string{"org.systemd.property.TimeoutSec": "'x'"}, wantErr: "must be a number"},
		{name: "a negative Sec value is refused", annotations: map[string]string{"org.systemd.property.TimeoutSec": "-1"}, wantErr: "out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := minimalSpec()
			spec.Annotations = tc.annotations
			c, err := CreateCgroupConfig(&CreateOpts{CgroupName: "ctr", UseSystemdCgroup: true, Spec: spec}, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.SystemdProps, tc.want) {
				t.Fatalf("got %+v, want %+v", c.SystemdProps, tc.want)
			}
		})
	}
}

func TestDeviceCgroupRules(t *testing.T) {
	tests := []struct {
		name    string
		in      []specs.LinuxDeviceCgroup
		want    []string
		wantErr string
	}{
		{name: "type, major and minor default to all", in: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}, want: []string{"a *:* rwm deny"}},
		{name: "explicit numbers are kept", in: []specs.LinuxDeviceCgroup{{Allow: true, Type: "c", Major: ptr(int64(1)), Minor: ptr(int64(3)), Access: "rw"}},
			want: []string{"c 1:3 rw allow"}},
		{name: "block rules are kept", in: []specs.LinuxDeviceCgroup{{Allow: true, Type: "b", Major: ptr(int64(8)), Access: "r"}}, want: []string{"b 8:* r allow"}},
		{name: "an empty access is refused", in: []specs.LinuxDeviceCgroup{{Allow: true, Type: "c"}}, wantErr: "linux.resources.devices[0]: access cannot be empty"},
		{name: "an unknown access letter is refused", in: []specs.LinuxDeviceCgroup{{Allow: true, Access: "rx"}}, wantErr: `invalid access "rx"`},
		{name: "an unknown type is refused", in: []specs.LinuxDeviceCgroup{{Type: "p", Access: "r"}}, wantErr: `invalid device type "p"`},
	}
	defaults := []*devices.Device{{Rule: devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 5, Permissions: "rwm", Allow: true}}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := minimalSpec()
			spec.Linux.Resources = &specs.LinuxResources{Devices: tc.in}
			c, err := CreateCgroupConfig(&CreateOpts{CgroupName: "ctr", Spec: spec}, defaults)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range c.Resources.Devices {
				verdict := "deny"
				if r.Allow {
					verdict = "allow"
				}
				got = append(got, r.CgroupString()+" "+verdict)
			}
			want := append(tc.want, "c 1:5 rwm allow") // defaults come last
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %q, want %q", got, want)
			}
			if c.Resources.Devices[len(got)-1] == &defaults[0].Rule {
				t.Fatal("default rule is shared with the caller's device, want a copy")
			}
		})
	}
}

func TestResourcesAreConverted(t *testing.T) {
	spec := minimalSpec()
	spec.Linux.Resources = &specs.LinuxResources{
		Memory: &specs.LinuxMemory{Limit: ptr(int64(1 << 30)), Reservation: ptr(int64(1 << 29)), Swap: ptr(int64(2 << 30)),
			Kernel: ptr(int64(1)), Swappiness: ptr(uint64(10)), DisableOOMKiller: ptr(true)},
		CPU: &specs.LinuxCPU{Shares: ptr(uint64(1024)), Quota: ptr(int64(50000)), Period: ptr(uint64(100000)),
			RealtimeRuntime: ptr(int64(10)), RealtimePeriod: ptr(uint64(20)), Cpus: "0-1", Mems: "0"},
		Pids: &specs.LinuxPids{Limit: ptr(int64(100))},
		BlockIO: &specs.LinuxBlockIO{Weight: ptr(uint16(500)), LeafWeight: ptr(uint16(300)),
			WeightDevice:            []specs.LinuxWeightDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Weight: ptr(uint16(200))}},
			ThrottleReadBpsDevice:   []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 1000}},
			ThrottleWriteIOPSDevice: []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 16}, Rate: 50}}},
		HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1 << 21}},
		Network:        &specs.LinuxNetwork{ClassID: ptr(uint32(0x100001)), Priorities: []specs.LinuxInterfacePriority{{Name: "eth0", Priority: 5}}},
		Rdma:           map[string]specs.LinuxRdma{"mlx5_0": {HcaHandles: ptr(uint32(3))}},
		Unified:        map[string]string{"memory.high": "1G"},
	}
	c, err := CreateCgroupConfig(&CreateOpts{CgroupName: "ctr", Spec: spec}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Resources
	checks := []struct {
		name      string
		got, want any
	}{
		{"memory limit", r.Memory, int64(1 << 30)},
		{"memory reservation", r.MemoryReservation, int64(1 << 29)},
		{"memory+swap", r.MemorySwap, int64(2 << 30)},
		{"swappiness", *r.MemorySwappiness, uint64(10)},
		{"oom killer disabled", r.OomKillDisable, true},
		{"cpu shares", r.CpuShares, uint64(1024)},
		{"cpu weight derived from shares", r.CpuWeight, cgroups.ConvertCPUSharesToCgroupV2Value(1024)},
		{"cpu quota", r.CpuQuota, int64(50000)},
		{"cpu period", r.CpuPeriod, uint64(100000)},
		{"rt runtime", r.CpuRtRuntime, int64(10)},
		{"rt period", r.CpuRtPeriod, uint64(20)},
		{"cpuset cpus", r.CpusetCpus, "0-1"},
		{"cpuset mems", r.CpusetMems, "0"},
		{"pids limit", r.PidsLimit, int64(100)},
		{"blkio weight", r.BlkioWeight, uint16(500)},
		{"blkio leaf weight", r.BlkioLeafWeight, uint16(300)},
		{"blkio weight device", r.BlkioWeightDevice[0].WeightString(), "8:0 200"},
		{"read bps device", r.BlkioThrottleReadBpsDevice[0].String(), "8:0 1000"},
		{"write iops device", r.BlkioThrottleWriteIOPSDevice[0].String(), "8:16 50"},
		{"hugetlb", *r.HugetlbLimit[0], configs.HugepageLimit{Pagesize: "2MB", Limit: 1 << 21}},
		{"net_cls classid", r.NetClsClassid, uint32(0x100001)},
		{"net_prio map", r.NetPrioIfpriomap[0].CgroupString(), "eth0 5"},
		{"rdma", *r.Rdma["mlx5_0"].HcaHandles, uint32(3)},
		{"unified", r.Unified, map[string]string{"memory.high": "1G"}},
	}
	for _, c := range checks {
		t.Run(c.name+" is copied", func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Fatalf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestPidsLimitOfZeroOrLessMeansUnlimited(t *testing.T) {
	for _, tc := range []struct {
		in, want int64
	}{{0, -1}, {-5, -1}, {1, 1}} {
		spec := minimalSpec()
		spec.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr(tc.in)}}
		c, err := CreateCgroupConfig(&CreateOpts{Spec: spec}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Resources.PidsLimit != tc.want {
			t.Errorf("pids limit %d converted to %d, want %d", tc.in, c.Resources.PidsLimit, tc.want)
		}
	}
}

func TestUnsupportedResourcesAreRefused(t *testing.T) {
	tests := []struct {
		name    string
		res     *specs.LinuxResources
		wantErr string
	}{
		{"cpu burst is refused", &specs.LinuxResources{CPU: &specs.LinuxCPU{Burst: ptr(uint64(1))}}, "linux.resources.cpu.burst"},
		{"cpu idle is refused", &specs.LinuxResources{CPU: &specs.LinuxCPU{Idle: ptr(int64(1))}}, "linux.resources.cpu.idle"},
		{"memory checkBeforeUpdate is refused", &specs.LinuxResources{Memory: &specs.LinuxMemory{CheckBeforeUpdate: ptr(true)}}, "checkBeforeUpdate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := minimalSpec()
			spec.Linux.Resources = tc.res
			_, err := CreateCgroupConfig(&CreateOpts{Spec: spec}, nil)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
			}
		})
	}
}
