package userns

import (
	"testing"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestIsSameMapping(t *testing.T) {
	m := func(c, h, s int64) configs.IDMap { return configs.IDMap{ContainerID: c, HostID: h, Size: s} }
	tests := []struct {
		name string
		a, b []configs.IDMap
		want bool
	}{
		{"two nil mappings are the same", nil, nil, true},
		{"nil and empty are the same", nil, []configs.IDMap{}, true},
		{"equal single ranges are the same", []configs.IDMap{m(0, 1000, 1)}, []configs.IDMap{m(0, 1000, 1)}, true},
		{"order does not matter", []configs.IDMap{m(0, 1000, 1), m(1, 2000, 10)}, []configs.IDMap{m(1, 2000, 10), m(0, 1000, 1)}, true},
		{"a different size differs", []configs.IDMap{m(0, 1000, 1)}, []configs.IDMap{m(0, 1000, 2)}, false},
		{"a different host id differs", []configs.IDMap{m(0, 1000, 1)}, []configs.IDMap{m(0, 1001, 1)}, false},
		{"different lengths differ", []configs.IDMap{m(0, 1000, 1)}, []configs.IDMap{m(0, 1000, 1), m(0, 1000, 1)}, false},
		{"duplicates are counted", []configs.IDMap{m(0, 1, 1), m(0, 1, 1), m(2, 2, 2)}, []configs.IDMap{m(0, 1, 1), m(2, 2, 2), m(2, 2, 2)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsSameMapping(tt.a, tt.b); got != tt.want {
				t.Errorf("IsSameMapping = %v, want %v", got, tt.want)
			}
			if got := IsSameMapping(tt.b, tt.a); got != tt.want {
				t.Errorf("IsSameMapping (swapped) = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsInitialUIDMap(t *testing.T) {
	tests := []struct {
		name, text string
		want       bool
	}{
		{"the kernel's padded identity map is initial", "         0          0 4294967295\n", true},
		{"an unpadded identity map is initial", "0 0 4294967295", true},
		{"a shifted map is not initial", "0 100000 65536\n", false},
		{"a partial identity map is not initial", "0 0 65536\n", false},
		{"an empty map is not initial", "", false},
		{"two lines are not initial", "0 0 4294967295\n0 0 1\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isInitialUIDMap(tt.text); got != tt.want {
				t.Errorf("isInitialUIDMap(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}
