package specconv

import (
	"fmt"
	"os"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/devices"
)

func TestAllowedDevices(t *testing.T) {
	want := []string{
		"c *:* m", "b *:* m",
		"c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm",
		"c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
	}
	wantPaths := map[string]string{
		"c 1:3 rwm": "/dev/null", "c 1:8 rwm": "/dev/random", "c 1:7 rwm": "/dev/full",
		"c 5:0 rwm": "/dev/tty", "c 1:5 rwm": "/dev/zero", "c 1:9 rwm": "/dev/urandom",
	}
	if len(AllowedDevices) != len(want) {
		t.Fatalf("got %d allowed devices, want %d", len(AllowedDevices), len(want))
	}
	for i, d := range AllowedDevices {
		rule := d.CgroupString()
		t.Run("allowed device "+rule+" is as documented", func(t *testing.T) {
			if rule != want[i] {
				t.Fatalf("entry %d is %q, want %q", i, rule, want[i])
			}
			if !d.Allow {
				t.Fatal("rule does not allow")
			}
			if d.Path != wantPaths[rule] {
				t.Fatalf("path %q, want %q", d.Path, wantPaths[rule])
			}
			if d.Path != "" && (d.FileMode != 0o666 || d.Uid != 0 || d.Gid != 0) {
				t.Fatalf("node mode %o uid %d gid %d, want 0666 0 0", d.FileMode, d.Uid, d.Gid)
			}
		})
	}
}

func TestCreateDevices(t *testing.T) {
	charNull := specs.LinuxDevice{Path: "/dev/null", Type: "c", Major: 1, Minor: 3, FileMode: ptr(os.FileMode(0o20600)), UID: ptr(uint32(7)), GID: ptr(uint32(8))}
	tests := []struct {
		name      string
		devs      []specs.LinuxDevice
		wantNodes []string // "path type major:minor mode uid:gid"
		wantDefs  int
		wantErr   string
	}{
		{
			name: "without spec devices the six standard nodes are created",
			wantNodes: []string{
				"/dev/null c 1:3 666 0:0", "/dev/random c 1:8 666 0:0", "/dev/full c 1:7 666 0:0",
				"/dev/tty c 5:0 666 0:0", "/dev/zero c 1:5 666 0:0", "/dev/urandom c 1:9 666 0:0",
			},
			wantDefs: 11,
		},
		{
			name: "a spec device replaces the default node with its path and drops its default rule",
			devs: []specs.LinuxDevice{charNull},
			wantNodes: []string{
				"/dev/random c 1:8 666 0:0", "/dev/full c 1:7 666 0:0", "/dev/tty c 5:0 666 0:0",
				"/dev/zero c 1:5 666 0:0", "/dev/urandom c 1:9 666 0:0", "/dev/null c 1:3 600 7:8",
			},
			wantDefs: 10,
		},
		{
			name: "device types u, b and p are converted",
			devs: []specs.LinuxDevice{
				{Path: "/dev/u", Type: "u", Major: 4, Minor: 1},
				{Path: "/dev/sda", Type: "b", Major: 8, Minor: 0},
				{Path: "/dev/fifo", Type: "p"},
			},
			wantNodes: []string{
				"/dev/null c 1:3 666 0:0", "/dev/random c 1:8 666 0:0", "/dev/full c 1:7 666 0:0",
				"/dev/tty c 5:0 666 0:0", "/dev/zero c 1:5 666 0:0", "/dev/urandom c 1:9 666 0:0",
				"/dev/u c 4:1 0 0:0", "/dev/sda b 8:0 0 0:0", "/dev/fifo p 0:0 0 0:0",
			},
			wantDefs: 11,
		},
		{name: "an unknown device type is refused", devs: []specs.LinuxDevice{{Path: "/dev/x", Type: "x"}}, wantErr: `linux.devices[0]: "x" is not a valid device type`},
		{name: "a device without a path is refused", devs: []specs.LinuxDevice{{Type: "c"}}, wantErr: "linux.devices[0]: path is empty"},
		{name: "a NUL byte in a device path is refused", devs: []specs.LinuxDevice{{Path: "/dev/a\x00b", Type: "c"}}, wantErr: "linux.devices[0].path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := minimalSpec()
			spec.Linux.Devices = tc.devs
			nodes, defs, err := createDevices(spec)
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
			for _, n := range nodes {
				got = append(got, nodeString(n))
			}
			if strings.Join(got, "\n") != strings.Join(tc.wantNodes, "\n") {
				t.Fatalf("nodes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.wantNodes, "\n"))
			}
			if len(defs) != tc.wantDefs {
				t.Fatalf("got %d default rules, want %d", len(defs), tc.wantDefs)
			}
		})
	}
}

func nodeString(d *devices.Device) string {
	return fmt.Sprintf("%s %c %d:%d %o %d:%d", d.Path, d.Type, d.Major, d.Minor, uint32(d.FileMode), d.Uid, d.Gid)
}
