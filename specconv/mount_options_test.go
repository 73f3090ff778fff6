package specconv

import (
	"reflect"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestParseMountOptions(t *testing.T) {
	tests := []struct {
		name    string
		options []string
		want    mountOptions
	}{
		{"no options give nothing", nil, mountOptions{}},
		{"flag words set MS_* flags", []string{"ro", "nosuid", "nodev", "noexec"},
			mountOptions{flags: unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC}},
		{"a later clearing word undoes an earlier flag", []string{"ro", "nosuid", "rw", "suid"}, mountOptions{}},
		{"rbind is a recursive bind", []string{"rbind"}, mountOptions{flags: unix.MS_BIND | unix.MS_REC}},
		{"defaults changes nothing", []string{"defaults"}, mountOptions{}},
		{"propagation words are kept in order", []string{"rprivate", "shared", "runbindable"},
			mountOptions{propagation: []int{unix.MS_PRIVATE | unix.MS_REC, unix.MS_SHARED, unix.MS_UNBINDABLE | unix.MS_REC}}},
		{"unknown words become filesystem data", []string{"mode=755", "nosuid", "size=65536k"},
			mountOptions{flags: unix.MS_NOSUID, data: "mode=755,size=65536k"}},
		{"tmpcopyup sets the copy-up extension", []string{"tmpcopyup"}, mountOptions{extensions: configs.EXT_COPYUP}},
		{"recursive attributes build a MountAttr", []string{"rro", "rnosuid", "rdev"},
			mountOptions{recAttr: &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID, Attr_clr: unix.MOUNT_ATTR_NODEV}}},
		{"a recursive clear overrides an earlier set", []string{"rro", "rrw"},
			mountOptions{recAttr: &unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}}},
		{"recursive atime words also clear the whole atime field", []string{"rnoatime"},
			mountOptions{recAttr: &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_NOATIME, Attr_clr: unix.MOUNT_ATTR__ATIME}}},
		{"the last recursive atime word wins", []string{"rnoatime", "rstrictatime"},
			mountOptions{recAttr: &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_STRICTATIME, Attr_clr: unix.MOUNT_ATTR__ATIME}}},
		{"idmap asks for a non-recursive idmapped mount", []string{"idmap"}, mountOptions{idmap: true}},
		{"ridmap asks for a recursive idmapped mount", []string{"ridmap"}, mountOptions{idmap: true, idmapRec: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := parseMountOptions(tc.options)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("parseMountOptions(%q) = %+v, want %+v", tc.options, got, tc.want)
			}
		})
	}
}

func TestKnownMountOptionsAreSortedAndInterpreted(t *testing.T) {
	known := KnownMountOptions()
	if !slices.IsSorted(known) {
		t.Fatalf("not sorted: %v", known)
	}
	for _, want := range []string{"bind", "rbind", "ro", "nosymfollow", "rprivate", "rro", "rnoatime", "tmpcopyup", "idmap", "ridmap"} {
		if !slices.Contains(known, want) {
			t.Errorf("%q missing from KnownMountOptions", want)
		}
	}
	for _, o := range known {
		if got := parseMountOptions([]string{o}); got.data != "" {
			t.Errorf("known option %q is passed on as data", o)
		}
	}
}
