package devices

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"golang.org/x/sys/unix"
)

func TestDeviceFromPath(t *testing.T) {
	t.Run("/dev/null is char device 1:3", func(t *testing.T) {
		d, err := DeviceFromPath("/dev/null", "rwm")
		if err != nil {
			t.Fatalf("DeviceFromPath: %v", err)
		}
		if d.Type != CharDevice || d.Major != 1 || d.Minor != 3 || d.Permissions != "rwm" || d.Path != "/dev/null" {
			t.Errorf("got %+v", d)
		}
		if d.FileMode&^os.ModePerm != 0 || d.FileMode.Perm() == 0 {
			t.Errorf("FileMode %o is not plain permission bits", d.FileMode)
		}
	})
	t.Run("a regular file is not a device", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := DeviceFromPath(f, "rwm"); !errors.Is(err, ErrNotADevice) {
			t.Errorf("err = %v, want ErrNotADevice", err)
		}
	})
	t.Run("a symlink to a device is not followed", func(t *testing.T) {
		l := filepath.Join(t.TempDir(), "null")
		if err := os.Symlink("/dev/null", l); err != nil {
			t.Fatal(err)
		}
		if _, err := DeviceFromPath(l, "rwm"); !errors.Is(err, ErrNotADevice) {
			t.Errorf("err = %v, want ErrNotADevice", err)
		}
	})
	t.Run("a missing path reports not-exist", func(t *testing.T) {
		_, err := DeviceFromPath(filepath.Join(t.TempDir(), "nope"), "rwm")
		if !os.IsNotExist(err) {
			t.Errorf("err = %v, want a not-exist error", err)
		}
	})
	t.Run("a fifo is a fifo device", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "fifo")
		if err := unix.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := DeviceFromPath(p, "")
		if err != nil || d.Type != FifoDevice {
			t.Errorf("got %+v, %v", d, err)
		}
	})
}

func TestGetDevicesSkipsPrivateDirsConsoleAndFifos(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("creating device nodes with mknod needs root (CAP_MKNOD)")
	}
	root := t.TempDir()
	mknod := func(rel string, mode uint32, major, minor uint32) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := unix.Mknod(p, mode|0o600, int(unix.Mkdev(major, minor))); err != nil {
			t.Fatalf("mknod %s: %v", p, err)
		}
	}
	mknod("null", unix.S_IFCHR, 1, 3)
	mknod("sub/deeper/loop9", unix.S_IFBLK, 7, 9)
	for _, dir := range []string{"pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"} {
		mknod(dir+"/hidden", unix.S_IFCHR, 1, 5)
	}
	mknod("console", unix.S_IFCHR, 5, 1)
	mknod("fifo", unix.S_IFIFO, 0, 0)
	if err := os.WriteFile(filepath.Join(root, "regular"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("null", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}

	devs, err := GetDevices(root)
	if err != nil {
		t.Fatalf("GetDevices: %v", err)
	}
	var got []string
	for _, d := range devs {
		rel, _ := filepath.Rel(root, d.Path)
		got = append(got, rel+" "+d.CgroupString())
	}
	sort.Strings(got)
	want := []string{"null c 1:3 rwm", "sub/deeper/loop9 b 7:9 rwm"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("GetDevices = %q, want %q", got, want)
	}
}

func TestHostDevicesFindsDevNull(t *testing.T) {
	devs, err := HostDevices()
	if err != nil {
		t.Fatalf("HostDevices: %v", err)
	}
	for _, d := range devs {
		if d.Path == "/dev/null" {
			return
		}
	}
	t.Error("/dev/null not among host devices")
}

func TestGetDevicesOnMissingDirFails(t *testing.T) {
	if _, err := GetDevices(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want not-exist", err)
	}
}
