package libcontainer

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/devices"
)

func TestSplitMountData(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    []mountOption
		wantErr bool
	}{
		{name: "empty data gives no options", data: "", want: nil},
		{
			name: "key=value and flags are split on commas",
			data: "mode=755,size=65536k,newinstance",
			want: []mountOption{
				{key: "mode", value: "755", hasValue: true},
				{key: "size", value: "65536k", hasValue: true},
				{key: "newinstance"},
			},
		},
		{
			name: "quoted values keep their commas and lose their quotes",
			data: `context="system_u:object_r:foo_t:s0:c1,c2",mode=700`,
			want: []mountOption{
				{key: "context", value: "system_u:object_r:foo_t:s0:c1,c2", hasValue: true},
				{key: "mode", value: "700", hasValue: true},
			},
		},
		{
			name: "an escaped comma does not split",
			data: `lowerdir=/a\,b:/c,upperdir=/u`,
			want: []mountOption{
				{key: "lowerdir", value: "/a,b:/c", hasValue: true},
				{key: "upperdir", value: "/u", hasValue: true},
			},
		},
		{
			name: "empty items are skipped",
			data: ",,mode=1777,",
			want: []mountOption{{key: "mode", value: "1777", hasValue: true}},
		},
		{
			name: "an empty value is kept as a string option",
			data: "opt=",
			want: []mountOption{{key: "opt", value: "", hasValue: true}},
		},
		{name: "an unterminated quote is an error", data: `context="abc`, wantErr: true},
		{name: "an option without a name is an error", data: "=5", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitMountData(tc.data)
			if (err != nil) != tc.wantErr {
				t.Fatalf("splitMountData(%q) error = %v, want error %v", tc.data, err, tc.wantErr)
			}
			if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("splitMountData(%q) = %#v, want %#v", tc.data, got, tc.want)
			}
		})
	}
}

func TestMountAttrFromFlags(t *testing.T) {
	tests := []struct {
		name     string
		flags    int
		set, clr uint64
	}{
		{name: "no flags give no attributes", flags: 0},
		{
			name:  "restrictive flags map one to one",
			flags: unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_NODIRATIME | unix.MS_NOSYMFOLLOW,
			set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC |
				unix.MOUNT_ATTR_NODIRATIME | unix.MOUNT_ATTR_NOSYMFOLLOW,
		},
		{name: "noatime replaces the atime field", flags: unix.MS_NOATIME, set: unix.MOUNT_ATTR_NOATIME, clr: unix.MOUNT_ATTR__ATIME},
		{name: "strictatime replaces the atime field", flags: unix.MS_STRICTATIME, set: unix.MOUNT_ATTR_STRICTATIME, clr: unix.MOUNT_ATTR__ATIME},
		{name: "relatime replaces the atime field", flags: unix.MS_RELATIME, set: unix.MOUNT_ATTR_RELATIME, clr: unix.MOUNT_ATTR__ATIME},
		{name: "bind, rec and propagation bits are not attributes", flags: unix.MS_BIND | unix.MS_REC | unix.MS_SHARED | unix.MS_SYNCHRONOUS},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, clr := mountAttrFromFlags(tc.flags)
			if set != tc.set || clr != tc.clr {
				t.Fatalf("mountAttrFromFlags(%#x) = (%#x, %#x), want (%#x, %#x)", tc.flags, set, clr, tc.set, tc.clr)
			}
		})
	}
}

func TestCheckMountFlags(t *testing.T) {
	tests := []struct {
		name    string
		flags   int
		wantErr bool
	}{
		{name: "usual bind flags are accepted", flags: unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY | unix.MS_NOSUID},
		{name: "superblock and atime flags are accepted", flags: unix.MS_SYNCHRONOUS | unix.MS_DIRSYNC | unix.MS_LAZYTIME | unix.MS_STRICTATIME},
		{name: "MS_MOVE is refused", flags: unix.MS_MOVE, wantErr: true},
		{name: "kernel-internal bits are refused", flags: unix.MS_KERNMOUNT, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkMountFlags(tc.flags)
			if (err != nil) != tc.wantErr {
				t.Fatalf("checkMountFlags(%#x) = %v, want error %v", tc.flags, err, tc.wantErr)
			}
		})
	}
}

func TestSuperblockOptions(t *testing.T) {
	got := superblockOptions(unix.MS_SYNCHRONOUS | unix.MS_DIRSYNC | unix.MS_LAZYTIME | unix.MS_MANDLOCK | unix.MS_RDONLY | unix.MS_NOSUID)
	want := []string{"sync", "dirsync", "lazytime", "mand"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("superblockOptions = %q, want %q", got, want)
	}
	if got := superblockOptions(unix.MS_RDONLY); got != nil {
		t.Fatalf("superblockOptions(MS_RDONLY) = %q, want none (read-only is a mount attribute)", got)
	}
}

func TestPropagationFlags(t *testing.T) {
	tests := []struct {
		name  string
		flags int
		extra []int
		want  []int
	}{
		{name: "no propagation gives none", flags: unix.MS_BIND, want: nil},
		{name: "propagation in Flags keeps MS_REC", flags: unix.MS_BIND | unix.MS_REC | unix.MS_SLAVE, want: []int{unix.MS_SLAVE | unix.MS_REC}},
		{
			name:  "PropagationFlags follow in order",
			flags: unix.MS_PRIVATE,
			extra: []int{unix.MS_SHARED | unix.MS_REC, unix.MS_UNBINDABLE},
			want:  []int{unix.MS_PRIVATE, unix.MS_SHARED | unix.MS_REC, unix.MS_UNBINDABLE},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := propagationFlags(tc.flags, tc.extra)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("propagationFlags(%#x, %v) = %v, want %v", tc.flags, tc.extra, got, tc.want)
			}
		})
	}
}

func TestCheckProcDestination(t *testing.T) {
	tests := []struct {
		name     string
		rel      string
		device   string
		procRoot bool
		wantErr  string
	}{
		{name: "proc on /proc is allowed", rel: "/proc", device: "proc"},
		{name: "a bind of a procfs root on /proc is allowed", rel: "/proc", device: "bind", procRoot: true},
		{name: "tmpfs on /proc is refused", rel: "/proc", device: "tmpfs", wantErr: "not of type proc"},
		{name: "a bind of another directory on /proc is refused", rel: "/proc", device: "bind", wantErr: "not of type proc"},
		{name: "an lxcfs-style bind on /proc/meminfo is allowed", rel: "/proc/meminfo", device: "bind"},
		{name: "a bind on /proc/net/dev is allowed", rel: "/proc/net/dev", device: "bind"},
		{name: "a tmpfs on /proc/self/attr is refused", rel: "/proc/self/attr", device: "tmpfs", wantErr: "inside /proc"},
		{name: "a bind on /proc/sysrq-trigger is refused", rel: "/proc/sysrq-trigger", device: "bind", wantErr: "inside /proc"},
		{name: "a bind on /proc/sys/kernel is refused", rel: "/proc/sys/kernel", device: "bind", wantErr: "inside /proc"},
		{name: "a path that only starts with /proc is not inside /proc", rel: "/procfoo", device: "tmpfs"},
		{name: "ordinary destinations are allowed", rel: "/tmp", device: "tmpfs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkProcDestination(tc.rel, tc.device, tc.procRoot)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("checkProcDestination(%q, %q) = %v, want nil", tc.rel, tc.device, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("checkProcDestination(%q, %q) = %v, want an error containing %q", tc.rel, tc.device, err, tc.wantErr)
			}
		})
	}
}

func TestCleanMountDest(t *testing.T) {
	tests := []struct {
		name    string
		dest    string
		want    string
		wantErr bool
	}{
		{name: "an absolute path is cleaned", dest: "/a/./b/../c/", want: "/a/c"},
		{name: "a relative path counts from the root", dest: "a/b", want: "/a/b"},
		{name: "dot-dot cannot climb above the root", dest: "/../../etc", want: "/etc"},
		{name: "an empty destination is an error", dest: "", wantErr: true},
		{name: "a NUL byte is an error", dest: "/a\x00b", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cleanMountDest(tc.dest)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("cleanMountDest(%q) = (%q, %v), want (%q, error %v)", tc.dest, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestResolveInRoot(t *testing.T) {
	root := t.TempDir()
	mustSymlink := func(target, link string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "real/dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustSymlink("/real", "abs")
	mustSymlink("../../../../outside", "escape")
	mustSymlink("/", "toroot")
	mustSymlink("../..", "dotdot")
	mustSymlink("/proc/self", "self")

	tests := []struct {
		name       string
		dest       string
		followLast bool
		want       string
		wantErr    string
	}{
		{name: "a plain path stays as it is", dest: "/real/dir", followLast: true, want: "/real/dir"},
		{name: "an absolute symlink is evaluated inside the root", dest: "/abs/dir/x", followLast: true, want: "/real/dir/x"},
		{name: "a symlink climbing out is clamped to the root", dest: "/escape/sub", followLast: true, want: "/outside/sub"},
		{name: "a last symlink is kept when not followed", dest: "/abs", followLast: false, want: "/abs"},
		{name: "parents are still resolved when the last component is not followed", dest: "/abs/dir", followLast: false, want: "/real/dir"},
		{name: "a symlink to / ending the path is on the top of rootfs", dest: "/toroot", followLast: true, wantErr: "on the top of rootfs"},
		{name: "dot-dot symlinks to the root are on the top of rootfs", dest: "/dotdot", followLast: true, wantErr: "on the top of rootfs"},
		{name: "the root itself is on the top of rootfs", dest: "/", followLast: true, wantErr: "on the top of rootfs"},
		{name: "a path through a symlink into /proc resolves under /proc", dest: "/self/attr", followLast: true, want: "/proc/self/attr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveInRoot(root, tc.dest, tc.followLast)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("resolveInRoot(%q) = (%q, %v), want an error containing %q", tc.dest, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("resolveInRoot(%q) = (%q, %v), want %q", tc.dest, got, err, tc.want)
			}
		})
	}
}

func TestResolveMountDest(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "real/dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self", filepath.Join(root, "self")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dest    string
		device  string
		want    string
		wantErr string
	}{
		{name: "an ordinary destination resolves inside the root", dest: "/real/dir", device: "tmpfs", want: "/real/dir"},
		{name: "a tmpfs on /proc as written is refused", dest: "/proc", device: "tmpfs", wantErr: "not of type proc"},
		{name: "a destination that resolves into /proc is refused", dest: "/self/attr", device: "tmpfs", wantErr: "inside /proc"},
		{name: "a destination on the top of the rootfs is refused", dest: "/", device: "tmpfs", wantErr: "on the top of rootfs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveMountDest(root, tc.dest, tc.device, true)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("resolveMountDest(%q, %q) = (%q, %v), want an error containing %q", tc.dest, tc.device, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("resolveMountDest(%q, %q) = (%q, %v), want %q", tc.dest, tc.device, got, err, tc.want)
			}
		})
	}
}

func TestCgroupComountLinks(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{dir: "cpu", want: nil},
		{dir: "cpu,cpuacct", want: []string{"cpu", "cpuacct"}},
		{dir: "net_cls,net_prio", want: []string{"net_cls", "net_prio"}},
		{dir: "systemd", want: nil},
	}
	for _, tc := range tests {
		t.Run("directory "+tc.dir, func(t *testing.T) {
			if got := cgroupComountLinks(tc.dir); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("cgroupComountLinks(%q) = %q, want %q", tc.dir, got, tc.want)
			}
		})
	}
}

func TestCgroupV1Options(t *testing.T) {
	tests := []struct {
		name string
		subs []string
		want []mountOption
	}{
		{name: "one controller is one flag", subs: []string{"memory"}, want: []mountOption{{key: "memory"}}},
		{name: "comounted controllers are flags", subs: []string{"cpu", "cpuacct"}, want: []mountOption{{key: "cpu"}, {key: "cpuacct"}}},
		{
			name: "a named hierarchy gets none and its name",
			subs: []string{"name=systemd"},
			want: []mountOption{{key: "name", value: "systemd", hasValue: true}, {key: "none"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cgroupV1Options(tc.subs); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("cgroupV1Options(%q) = %#v, want %#v", tc.subs, got, tc.want)
			}
		})
	}
}

func TestOwnCgroupDir(t *testing.T) {
	own := map[string]string{"memory": "/a/b", "": "/c"}
	pick := func(key string) func(map[string]string) (string, error) {
		return func(m map[string]string) (string, error) { return m[key], nil }
	}
	tests := []struct {
		name, mountpoint, mroot, key, want string
		wantErr                            bool
	}{
		{name: "a hierarchy mounted from its root", mountpoint: "/sys/fs/cgroup/memory", mroot: "/", key: "memory", want: "/sys/fs/cgroup/memory/a/b"},
		{name: "a hierarchy mounted from a subtree", mountpoint: "/sys/fs/cgroup/memory", mroot: "/a", key: "memory", want: "/sys/fs/cgroup/memory/b"},
		{name: "a cgroup outside the mounted subtree is an error", mountpoint: "/sys/fs/cgroup/memory", mroot: "/x", key: "memory", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ownCgroupDir(tc.mountpoint, tc.mroot, pick(tc.key), own)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("ownCgroupDir = (%q, %v), want (%q, error %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestDeviceFileType(t *testing.T) {
	tests := []struct {
		typ     devices.Type
		want    uint32
		wantErr bool
	}{
		{typ: devices.CharDevice, want: unix.S_IFCHR},
		{typ: devices.BlockDevice, want: unix.S_IFBLK},
		{typ: devices.FifoDevice, want: unix.S_IFIFO},
		{typ: devices.WildcardDevice, wantErr: true},
	}
	for _, tc := range tests {
		t.Run("type "+string(rune(tc.typ)), func(t *testing.T) {
			got, err := deviceFileType(tc.typ)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("deviceFileType(%q) = (%#o, %v), want (%#o, error %v)", rune(tc.typ), got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestSuperblockReadonlyOK(t *testing.T) {
	for fstype, want := range map[string]bool{"proc": false, "sysfs": false, "tmpfs": false, "cgroup": false, "overlay": true, "ext4": true} {
		t.Run("filesystem "+fstype, func(t *testing.T) {
			if got := superblockReadonlyOK(fstype); got != want {
				t.Fatalf("superblockReadonlyOK(%q) = %v, want %v", fstype, got, want)
			}
		})
	}
}
