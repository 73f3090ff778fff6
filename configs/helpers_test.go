package configs

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestDeviceLimitStrings(t *testing.T) {
	wd := NewWeightDevice(8, 16, 500, 300)
	td := NewThrottleDevice(8, 0, 1048576)
	prio := &IfPrioMap{Interface: "eth0", Priority: 5}
	tests := []struct {
		name, got, want string
	}{
		{"weight string is major:minor weight", wd.WeightString(), "8:16 500"},
		{"leaf weight string is major:minor leafweight", wd.LeafWeightString(), "8:16 300"},
		{"throttle string is major:minor rate", td.String(), "8:0 1048576"},
		{"named throttle string is major:minor name=rate", td.StringName("rbps"), "8:0 rbps=1048576"},
		{"ifpriomap string is interface priority", prio.CgroupString(), "eth0 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestMountPredicates(t *testing.T) {
	tests := []struct {
		name           string
		m              Mount
		bind, idmapped bool
	}{
		{"a plain tmpfs is neither bind nor idmapped", Mount{Device: "tmpfs"}, false, false},
		{"MS_BIND makes a bind mount", Mount{Device: "bind", Flags: unix.MS_BIND | unix.MS_REC}, true, false},
		{"an id mapping makes an idmapped mount", Mount{Flags: unix.MS_BIND, IDMapping: &MountIDMapping{}}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.m.IsBind() != tt.bind || tt.m.IsIDMapped() != tt.idmapped {
				t.Errorf("IsBind=%v IsIDMapped=%v, want %v %v", tt.m.IsBind(), tt.m.IsIDMapped(), tt.bind, tt.idmapped)
			}
		})
	}
}

func TestSeccompConstantsHaveFormatValues(t *testing.T) {
	actions := []Action{Kill, Errno, Trap, Allow, Trace, Log, Notify, KillThread, KillProcess}
	for i, a := range actions {
		if int(a) != i+1 {
			t.Errorf("action #%d = %d, want %d", i, a, i+1)
		}
	}
	ops := []Operator{EqualTo, NotEqualTo, GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo, MaskEqualTo}
	for i, o := range ops {
		if int(o) != i+1 {
			t.Errorf("operator #%d = %d, want %d", i, o, i+1)
		}
	}
}
