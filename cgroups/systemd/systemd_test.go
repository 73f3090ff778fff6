package systemd

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

func TestExpandSlice(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"-.slice", "/", false},
		{"system.slice", "/system.slice", false},
		{"a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice", false},
		{"user-1000.slice", "/user.slice/user-1000.slice", false},
		{"system", "", true},
		{".slice", "", true},
		{"a/b.slice", "", true},
		{"a--b.slice", "", true},
		{"-a.slice", "", true},
		{"a-.slice", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ExpandSlice(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Errorf("ExpandSlice(%q) = %q, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ExpandSlice(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestRangeToBits(t *testing.T) {
	tests := []struct {
		in      string
		want    []byte
		wantErr bool
	}{
		{"0", []byte{0x01}, false},
		{"0-3", []byte{0x0f}, false},
		{"1,3", []byte{0x0a}, false},
		{"8", []byte{0x00, 0x01}, false},
		{"0-1, 9", []byte{0x03, 0x02}, false},
		{"0-63", bytes.Repeat([]byte{0xff}, 8), false},
		{"", nil, true},
		{"3-1", nil, true},
		{"a", nil, true},
		{"1-", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := RangeToBits(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Errorf("RangeToBits(%q) = %x, want an error", tc.in, got)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tc.want) {
				t.Errorf("RangeToBits(%q) = %x, %v; want %x", tc.in, got, err, tc.want)
			}
		})
	}
}

// propMap turns properties into name → Go value.
func propMap(props []systemdDbus.Property) map[string]any {
	m := map[string]any{}
	for _, p := range props {
		m[p.Name] = p.Value.Value()
	}
	return m
}

func TestV1PropertiesFromResources(t *testing.T) {
	r := &configs.Resources{
		Memory:     1 << 30,
		CpuShares:  512,
		CpuQuota:   50000,
		CpuPeriod:  100000,
		PidsLimit:  -1,
		CpusetCpus: "0-1",
		Devices: []*devices.Rule{
			{Type: 'a', Major: -1, Minor: -1, Permissions: "rwm"},
			{Type: 'c', Major: 1, Minor: 3, Permissions: "rwm", Allow: true},
			{Type: 'c', Major: -1, Minor: -1, Permissions: "m", Allow: true},
			{Type: 'c', Major: 1, Minor: -1, Permissions: "r", Allow: true},
		},
		BlkioWeight: 300,
	}
	props, err := genV1ResourcesProperties(r, 250)
	if err != nil {
		t.Fatal(err)
	}
	m := propMap(props)
	want := map[string]any{
		"MemoryLimit":        uint64(1 << 30),
		"CPUShares":          uint64(512),
		"CPUQuotaPerSecUSec": uint64(500000),
		"CPUQuotaPeriodUSec": uint64(100000),
		"TasksMax":           uint64(math.MaxUint64),
		"BlockIOWeight":      uint64(300),
		"DevicePolicy":       "strict",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v (%T), want %v", k, m[k], m[k], v)
		}
	}
	if b, ok := m["AllowedCPUs"].([]byte); !ok || !bytes.Equal(b, []byte{0x03}) {
		t.Errorf("AllowedCPUs = %v, want [0x03]", m["AllowedCPUs"])
	}
	allow, ok := m["DeviceAllow"].([]deviceAllowEntry)
	if !ok {
		t.Fatalf("DeviceAllow = %T", m["DeviceAllow"])
	}
	got := map[string]string{}
	for _, e := range allow {
		got[e.Path] = e.Perms
	}
	for path, perms := range map[string]string{"/dev/char/1:3": "rwm", "char-*": "m", "char-mem": "r"} {
		if got[path] != perms {
			t.Errorf("DeviceAllow[%s] = %q, want %q (all: %v)", path, got[path], perms, allow)
		}
	}
}

func TestOldSystemdGetsNoNewerProperties(t *testing.T) {
	props, err := genV1ResourcesProperties(&configs.Resources{CpuQuota: 50000, CpuPeriod: 100000, CpusetCpus: "0", Devices: []*devices.Rule{{Type: 'a', Major: -1, Minor: -1, Permissions: "rwm", Allow: true}}}, 230)
	if err != nil {
		t.Fatal(err)
	}
	m := propMap(props)
	for _, k := range []string{"CPUQuotaPeriodUSec", "AllowedCPUs"} {
		if _, ok := m[k]; ok {
			t.Errorf("systemd 230 got %s", k)
		}
	}
	if m["DevicePolicy"] != "auto" {
		t.Errorf("allow-all devices: DevicePolicy = %v, want auto", m["DevicePolicy"])
	}
}

func TestV2PropertiesFromResources(t *testing.T) {
	r := &configs.Resources{
		Memory:            256 << 20,
		MemorySwap:        512 << 20,
		MemoryReservation: 128 << 20,
		CpuShares:         1024,
		PidsLimit:         100,
		Unified:           map[string]string{"memory.high": "200000000", "cpu.idle": "1"},
		SkipDevices:       true,
	}
	props, err := genV2ResourcesProperties(r, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := propMap(props)
	want := map[string]any{
		"MemoryMax":     uint64(256 << 20),
		"MemorySwapMax": uint64(256 << 20),
		"MemoryLow":     uint64(128 << 20),
		"CPUWeight":     uint64(39),
		"TasksMax":      uint64(100),
		"MemoryHigh":    uint64(200000000),
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v (%T), want %v", k, m[k], m[k], v)
		}
	}
	if _, ok := m["DevicePolicy"]; ok {
		t.Error("SkipDevices still produced DevicePolicy")
	}
	if _, err := genV2ResourcesProperties(&configs.Resources{MemorySwap: 100, Memory: 200}, 0); err == nil {
		t.Error("swap below memory accepted")
	}
	if _, err := genV2ResourcesProperties(&configs.Resources{Unified: map[string]string{"memory.max": "lots"}}, 0); err == nil {
		t.Error("unified memory.max \"lots\" accepted")
	}
}

func TestCPUQuotaIsRoundedUpToTenMilliseconds(t *testing.T) {
	for _, tc := range []struct {
		quota  int64
		period uint64
		want   uint64
	}{
		{50000, 100000, 500000},
		{1234, 100000, 20000},
		{-1, 100000, math.MaxUint64},
		{25000, 0, 250000},
	} {
		if got := cpuQuotaPerSecUSec(tc.quota, tc.period); got != tc.want {
			t.Errorf("cpuQuotaPerSecUSec(%d, %d) = %d, want %d", tc.quota, tc.period, got, tc.want)
		}
	}
}

func TestUnitNames(t *testing.T) {
	for _, tc := range []struct {
		c    configs.Cgroup
		want string
	}{
		{configs.Cgroup{ScopePrefix: "docker", Name: "abc"}, "docker-abc.scope"},
		{configs.Cgroup{Name: "abc"}, "abc.scope"},
		{configs.Cgroup{Name: "machine-x.slice", ScopePrefix: "ignored"}, "machine-x.slice"},
	} {
		if got := unitName(&tc.c); got != tc.want {
			t.Errorf("unitName(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
	for _, tc := range []struct {
		c    configs.Cgroup
		want string
	}{
		{configs.Cgroup{ScopePrefix: "p", Name: "n"}, "/system.slice/p-n.scope"},
		{configs.Cgroup{Parent: "a-b.slice", ScopePrefix: "p", Name: "n"}, "/a.slice/a-b.slice/p-n.scope"},
		{configs.Cgroup{Parent: "a.slice", Name: "a-c.slice"}, "/a.slice/a-c.slice"},
	} {
		if got, err := unitCgroupPath(&tc.c); err != nil || got != tc.want {
			t.Errorf("unitCgroupPath(%+v) = %q, %v; want %q", tc.c, got, err, tc.want)
		}
	}
}

func TestCheckConfigRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    configs.Cgroup
		want string
	}{
		{"no name", configs.Cgroup{}, "Name"},
		{"a name with a slash", configs.Cgroup{Name: "../x"}, "invalid unit name"},
		{"a Path", configs.Cgroup{Name: "x", Path: "/x"}, "Path"},
		{"a bad parent slice", configs.Cgroup{Name: "x", Parent: "foo"}, "invalid Parent"},
		{"a bad property name", configs.Cgroup{Name: "x", SystemdProps: []systemdDbus.Property{newProp("Ab", 1)}}, "invalid property name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkConfig(&tc.c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("checkConfig: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestManagersRefuseToWorkWithoutSystemd(t *testing.T) {
	if IsRunningSystemd() {
		t.Skip("skipped: systemd is running on this host")
	}
	c := &configs.Cgroup{Name: "x", ScopePrefix: "p", Resources: &configs.Resources{}}
	if _, err := NewLegacyManager(c, nil); !errors.Is(err, ErrNotRunning) {
		t.Errorf("NewLegacyManager: %v, want ErrNotRunning", err)
	}
	if _, err := NewUnifiedManager(c, ""); !errors.Is(err, ErrNotRunning) {
		t.Errorf("NewUnifiedManager: %v, want ErrNotRunning", err)
	}
	if _, err := connFor(false).get(); !errors.Is(err, ErrNotRunning) {
		t.Errorf("D-Bus connection: %v, want ErrNotRunning", err)
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]int{`"v245.4-1ubuntu3"`: 245, `"252"`: 252, `"252.1-x"`: 252, `"bogus"`: 0} {
		if got := parseVersion(in); got != want {
			t.Errorf("parseVersion(%s) = %d, want %d", in, got, want)
		}
	}
}
