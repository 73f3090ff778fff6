package devices

import "testing"

func TestPermissionsAlgebra(t *testing.T) {
	tests := []struct {
		name                  string
		p, o                  Permissions
		union, diff, intersec Permissions
	}{
		{"disjoint sets combine in canonical order", "m", "wr", "rwm", "m", ""},
		{"overlapping sets share their common letter", "rw", "wm", "rwm", "r", "w"},
		{"equal sets leave nothing in the difference", "rwm", "rwm", "rwm", "", "rwm"},
		{"the empty set is neutral for union", "", "mw", "wm", "", ""},
		{"unordered input comes out canonical", "mr", "", "rm", "rm", ""},
		{"repeated letters collapse", "rrw", "r", "rw", "w", "r"},
		{"unknown letters are dropped", "rx", "q", "r", "r", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Union(tt.o); got != tt.union {
				t.Errorf("%q.Union(%q) = %q, want %q", tt.p, tt.o, got, tt.union)
			}
			if got := tt.p.Difference(tt.o); got != tt.diff {
				t.Errorf("%q.Difference(%q) = %q, want %q", tt.p, tt.o, got, tt.diff)
			}
			if got := tt.p.Intersection(tt.o); got != tt.intersec {
				t.Errorf("%q.Intersection(%q) = %q, want %q", tt.p, tt.o, got, tt.intersec)
			}
		})
	}
}

func TestPermissionsPredicates(t *testing.T) {
	tests := []struct {
		p            Permissions
		empty, valid bool
	}{
		{"", true, true},
		{"r", false, true},
		{"rw", false, true},
		{"rwm", false, true},
		{"wm", false, true},
		{"wr", false, false},
		{"rr", false, false},
		{"rwx", false, false},
		{"a", false, false},
	}
	for _, tt := range tests {
		t.Run("permissions "+string(tt.p)+" are classified", func(t *testing.T) {
			if got := tt.p.IsEmpty(); got != tt.empty {
				t.Errorf("IsEmpty = %v, want %v", got, tt.empty)
			}
			if got := tt.p.IsValid(); got != tt.valid {
				t.Errorf("IsValid = %v, want %v", got, tt.valid)
			}
		})
	}
}
