package cgroups

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: needs root (euid 0) to create cgroups and files under /sys/fs/cgroup")
	}
}

func TestOpenFileOnlyOpensCgroupFilesBelowTheDirectory(t *testing.T) {
	tmp := t.TempDir()
	if err := os.WriteFile(filepath.Join(tmp, "f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, file, want string
	}{
		{"an empty directory", "", "cgroup.procs", "no directory specified"},
		{"a file outside any cgroup filesystem", tmp, "f", "not a cgroup file"},
		{"a file name climbing out", "/sys/fs/cgroup/devices", "../memory/memory.limit_in_bytes", "leaves the cgroup directory"},
		{"a file that does not exist", "/sys/fs/cgroup", "no-such-file", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := OpenFile(tc.dir, tc.file, os.O_RDONLY)
			if err == nil {
				f.Close()
				t.Fatalf("OpenFile(%q, %q) succeeded", tc.dir, tc.file)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("OpenFile(%q, %q): %v, want %q", tc.dir, tc.file, err, tc.want)
			}
		})
	}
}

func TestOpenFileDoesNotFollowSymlinksOutOfTheCgroupRoot(t *testing.T) {
	requireRoot(t)
	var st unix.Statfs_t
	if err := unix.Statfs(cgroupfsDir, &st); err != nil || st.Type != unix.TMPFS_MAGIC {
		t.Skip("skipped: /sys/fs/cgroup is not a tmpfs (cannot plant a symlink there)")
	}
	link := filepath.Join(cgroupfsDir, "libct-test-escape")
	target := t.TempDir()
	if err := os.WriteFile(filepath.Join(target, "cgroup.procs"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(link)
	if err := WriteFile(link, "cgroup.procs", "1"); err == nil {
		t.Fatal("WriteFile followed a symlink out of /sys/fs/cgroup")
	}
	if b, _ := os.ReadFile(filepath.Join(target, "cgroup.procs")); len(b) != 0 {
		t.Errorf("file outside the cgroup root was written: %q", b)
	}
}

func TestWriteFileErrorNamesTheFileAndTheValue(t *testing.T) {
	requireRoot(t)
	dir := filepath.Join("/sys/fs/cgroup/pids", "libct-test-writefile")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("skipped: cannot create a pids cgroup: %v", err)
	}
	defer os.Remove(dir)
	err := WriteFile(dir, "pids.max", "lots")
	if err == nil {
		t.Fatal("pids.max accepted \"lots\"")
	}
	for _, want := range []string{`"lots"`, filepath.Join(dir, "pids.max")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if !errors.Is(err, unix.EINVAL) {
		t.Errorf("error %v does not wrap EINVAL", err)
	}
	if err := WriteFile(dir, "pids.max", "7"); err != nil {
		t.Fatal(err)
	}
	if s, err := ReadFile(dir, "pids.max"); err != nil || s != "7\n" {
		t.Errorf("ReadFile pids.max = %q, %v", s, err)
	}
}

func TestParseCgroupFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cgroup")
	content := "12:cpu,cpuacct:/a\n3:name=systemd:/b\n0::/c\n"
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ParseCgroupFile(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"cpu": "/a", "cpuacct": "/a", "name=systemd": "/b", "": "/c"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("entry %q = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if err := os.WriteFile(p, []byte("garbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseCgroupFile(p); err == nil {
		t.Error("a malformed line parsed without error")
	}
}

func TestConversions(t *testing.T) {
	for _, tc := range []struct{ in, want uint64 }{{0, 0}, {2, 1}, {1024, 39}, {262144, 10000}} {
		if got := ConvertCPUSharesToCgroupV2Value(tc.in); got != tc.want {
			t.Errorf("ConvertCPUSharesToCgroupV2Value(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   uint16
		want uint64
	}{{0, 0}, {10, 1}, {500, 4950}, {1000, 10000}} {
		if got := ConvertBlkIOToIOWeightValue(tc.in); got != tc.want {
			t.Errorf("ConvertBlkIOToIOWeightValue(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		swap, mem, want int64
		wantErr         bool
	}{
		{0, -1, -1, false},
		{-1, 100, -1, false},
		{0, 100, 0, false},
		{300, 100, 200, false},
		{100, 100, 0, false},
		{50, 100, 0, true},
		{300, 0, 0, true},
		{300, -1, 0, true},
	} {
		got, err := ConvertMemorySwapToCgroupV2Value(tc.swap, tc.mem)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ConvertMemorySwapToCgroupV2Value(%d, %d) = %d, %v; want %d, err=%v", tc.swap, tc.mem, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestPageSizeFormatting(t *testing.T) {
	for in, want := range map[uint64]string{64 << 10: "64KB", 2 << 20: "2MB", 1 << 30: "1GB", 32 << 30: "32GB", 1536 << 10: "1536KB"} {
		if got := formatPageSize(in); got != want {
			t.Errorf("formatPageSize(%d) = %q, want %q", in, got, want)
		}
	}
	for _, s := range HugePageSizes() {
		if !strings.HasSuffix(s, "B") || strings.ContainsAny(s, "/.") {
			t.Errorf("HugePageSizes entry %q", s)
		}
	}
}

func TestMountDiscoveryOnThisHost(t *testing.T) {
	if IsCgroup2UnifiedMode() {
		mnts, err := GetCgroupMounts(false)
		if err != nil || len(mnts) != 1 || mnts[0].Mountpoint != "/sys/fs/cgroup" {
			t.Errorf("unified host: GetCgroupMounts = %v, %v", mnts, err)
		}
		return
	}
	mnt, err := FindCgroupMountpoint("", "devices")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(mnt) == "" || !PathExists(filepath.Join(mnt, "devices.list")) {
		t.Errorf("devices mountpoint %q has no devices.list", mnt)
	}
	mnts, err := GetCgroupMounts(false)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range mnts {
		for _, s := range m.Subsystems {
			if s == "devices" {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("GetCgroupMounts %v has no devices hierarchy", mnts)
	}
	if _, err := FindCgroupMountpoint("", "no-such-controller"); !IsNotFound(err) {
		t.Errorf("unknown controller: %v, want a NotFoundError", err)
	}
	own, err := GetOwnCgroupPath("devices")
	if err != nil || !strings.HasPrefix(own, mnt) {
		t.Errorf("GetOwnCgroupPath(devices) = %q, %v; want below %s", own, err, mnt)
	}
	if IsCgroup2HybridMode() {
		mnt, err := FindCgroupMountpoint("", "")
		if err != nil || mnt != "/sys/fs/cgroup/unified" {
			t.Errorf(`FindCgroupMountpoint("", "") = %q, %v`, mnt, err)
		}
	}
	subs, err := GetAllSubsystems()
	if err != nil || len(subs) == 0 {
		t.Errorf("GetAllSubsystems = %v, %v", subs, err)
	}
}

func TestRemovePathsOfMissingDirectoriesIsNil(t *testing.T) {
	paths := map[string]string{"a": "/sys/fs/cgroup/devices/libct-definitely-missing"}
	if err := RemovePaths(paths); err != nil {
		t.Fatal(err)
	}
	if len(paths) != 0 {
		t.Errorf("RemovePaths left %v in the map", paths)
	}
}

func TestWriteCgroupProcArguments(t *testing.T) {
	if err := WriteCgroupProc("", 1); err == nil {
		t.Error("WriteCgroupProc with an empty dir succeeded")
	}
	if err := WriteCgroupProc("/nonexistent", -1); err != nil {
		t.Errorf("WriteCgroupProc with pid -1: %v, want a no-op", err)
	}
}

func TestRemovePathRemovesNestedCgroups(t *testing.T) {
	requireRoot(t)
	dir := "/sys/fs/cgroup/pids/libct-test-removepath"
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755); err != nil {
		t.Skipf("skipped: cannot create pids cgroups: %v", err)
	}
	if err := RemovePath(dir); err != nil {
		t.Fatal(err)
	}
	if PathExists(dir) {
		t.Errorf("%s still exists", dir)
	}
}
