package path

import (
	"errors"
	"testing"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestInner(t *testing.T) {
	tests := []struct {
		name    string
		c       configs.Cgroup
		want    string
		wantErr bool
	}{
		{"an absolute Path is kept", configs.Cgroup{Path: "/a/b"}, "/a/b", false},
		{"a relative Path is kept", configs.Cgroup{Path: "a/b"}, "a/b", false},
		{"Path wins over Parent and Name", configs.Cgroup{Path: "/p", Parent: "x", Name: "y"}, "/p", false},
		{"Parent and Name are joined", configs.Cgroup{Parent: "x", Name: "y"}, "x/y", false},
		{"an absolute Parent stays absolute", configs.Cgroup{Parent: "/x", Name: "y"}, "/x/y", false},
		{"double slashes are cleaned", configs.Cgroup{Path: "/a//b/"}, "/a/b", false},
		{"dot-dot in Path is refused", configs.Cgroup{Path: "/a/../b"}, "", true},
		{"dot-dot in Parent is refused", configs.Cgroup{Parent: "..", Name: "y"}, "", true},
		{"dot-dot in Name is refused", configs.Cgroup{Parent: "x", Name: "../y"}, "", true},
		{"a NUL byte is refused", configs.Cgroup{Path: "/a\x00b"}, "", true},
		{"nothing set is refused", configs.Cgroup{}, "", true},
		{"a dot Path is refused", configs.Cgroup{Path: "."}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Inner(&tc.c)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("Inner(%+v) = %q, %v; want %q, err=%v", tc.c, got, err, tc.want, tc.wantErr)
			}
		})
	}
	if _, err := Inner(&configs.Cgroup{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("Inner of an empty config: %v, want ErrEmpty", err)
	}
}

func TestUnder(t *testing.T) {
	for _, tc := range []struct {
		base, inner string
		ok          bool
	}{
		{"/sys/fs/cgroup/memory", "/a", true},
		{"/sys/fs/cgroup/memory", "a/b", true},
		{"/sys/fs/cgroup/memory", "../cpu", false},
		{"/sys/fs/cgroup/memory", "/a/../../x", false},
	} {
		_, err := Under(tc.base, tc.inner)
		if (err == nil) != tc.ok {
			t.Errorf("Under(%q, %q) error %v, want ok=%v", tc.base, tc.inner, err, tc.ok)
		}
	}
}

func TestCheckHugePageSizeRefusesNamesThatAreNotSizes(t *testing.T) {
	for _, s := range []string{"../../x", "2MB/../../x", "", "3MB"} {
		if err := CheckHugePageSize(s); err == nil {
			t.Errorf("CheckHugePageSize(%q) accepted", s)
		}
	}
}
