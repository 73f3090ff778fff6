package devices

import (
	"encoding/json"
	"testing"

	"golang.org/x/sys/unix"
)

func TestTypePredicates(t *testing.T) {
	tests := []struct {
		typ                      Type
		valid, canMknod, canCgrp bool
	}{
		{WildcardDevice, true, false, true},
		{BlockDevice, true, true, true},
		{CharDevice, true, true, true},
		{FifoDevice, true, true, false},
		{Type('x'), false, false, false},
	}
	for _, tt := range tests {
		t.Run("type "+string(tt.typ)+" is classified", func(t *testing.T) {
			if tt.typ.IsValid() != tt.valid || tt.typ.CanMknod() != tt.canMknod || tt.typ.CanCgroup() != tt.canCgrp {
				t.Errorf("IsValid/CanMknod/CanCgroup = %v/%v/%v, want %v/%v/%v",
					tt.typ.IsValid(), tt.typ.CanMknod(), tt.typ.CanCgroup(), tt.valid, tt.canMknod, tt.canCgrp)
			}
		})
	}
}

func TestRuleCgroupStringAndMkdev(t *testing.T) {
	tests := []struct {
		name    string
		rule    Rule
		str     string
		dev     uint64
		wantErr bool
	}{
		{"a concrete char device", Rule{Type: CharDevice, Major: 1, Minor: 3, Permissions: "rwm"}, "c 1:3 rwm", unix.Mkdev(1, 3), false},
		{"a block device with large numbers", Rule{Type: BlockDevice, Major: 259, Minor: 1048575, Permissions: "r"}, "b 259:1048575 r", unix.Mkdev(259, 1048575), false},
		{"wildcard numbers print as stars", Rule{Type: WildcardDevice, Major: Wildcard, Minor: Wildcard, Permissions: "rwm"}, "a *:* rwm", 0, true},
		{"a wildcard minor cannot make a dev_t", Rule{Type: CharDevice, Major: 136, Minor: Wildcard, Permissions: "rwm"}, "c 136:* rwm", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rule.CgroupString(); got != tt.str {
				t.Errorf("CgroupString = %q, want %q", got, tt.str)
			}
			dev, err := tt.rule.Mkdev()
			if (err != nil) != tt.wantErr {
				t.Fatalf("Mkdev error = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && dev != tt.dev {
				t.Errorf("Mkdev = %#x, want %#x", dev, tt.dev)
			}
		})
	}
}

func TestDeviceJSONFlattensRuleAndTypeIsNumber(t *testing.T) {
	d := Device{Rule: Rule{Type: CharDevice, Major: 1, Minor: 3, Permissions: "rwm", Allow: true}, Path: "/dev/null", FileMode: 0o666}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":99,"major":1,"minor":3,"permissions":"rwm","allow":true,"path":"/dev/null","file_mode":438,"uid":0,"gid":0}`
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}
