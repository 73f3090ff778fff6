//go:build linux

package userns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/b7f961b7/libcontainer/configs"
	"golang.org/x/sys/unix"
)

const helperEnv = "USERNS_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "running-in-userns" {
		fmt.Print(strconv.FormatBool(RunningInUserNS()))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: writing uid/gid maps of other ranges, bind mounts and setns into a user namespace need CAP_SYS_ADMIN")
	}
}

// requireMapReader skips tests of the setns path in builds without cgo.
func requireMapReader(t *testing.T) {
	t.Helper()
	if !mapReaderAvailable {
		t.Skip("built without cgo: the setns-based map reader is not available")
	}
}

var (
	testUIDMap = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	testGIDMap = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 200000, Size: 1000}, {ContainerID: 1000, HostID: 300000, Size: 10}}
)

func toConfigs(in []syscall.SysProcIDMap) []configs.IDMap {
	var out []configs.IDMap
	for _, m := range in {
		out = append(out, configs.IDMap{ContainerID: int64(m.ContainerID), HostID: int64(m.HostID), Size: int64(m.Size)})
	}
	return out
}

// startInUserNS starts a sleeping process in a new user namespace with
// the test mappings; it is killed and reaped when the test ends.
func startInUserNS(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER,
		UidMappings: testUIDMap,
		GidMappings: testGIDMap,
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sleep in a new user namespace: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// bindOnTempFile bind-mounts src onto a new temp file and returns its
// path; the mount is removed when the test ends.
func bindOnTempFile(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "nsfile")
	if err := os.WriteFile(dst, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(src, dst, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind mount %s on %s: %v", src, dst, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dst, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dst, err)
		}
	})
	return dst
}

func TestGetUserNamespaceMappings(t *testing.T) {
	requireRoot(t)
	cmd := startInUserNS(t)
	procPath := fmt.Sprintf("/proc/%d/ns/user", cmd.Process.Pid)
	wantUID, wantGID := toConfigs(testUIDMap), toConfigs(testGIDMap)

	check := func(t *testing.T, path string) {
		t.Helper()
		uid, gid, err := GetUserNamespaceMappings(path)
		if err != nil {
			t.Fatal(err)
		}
		if !IsSameMapping(uid, wantUID) || !IsSameMapping(gid, wantGID) {
			t.Errorf("mappings = %v / %v, want %v / %v", uid, gid, wantUID, wantGID)
		}
	}
	t.Run("a /proc/<pid>/ns/user path is read from /proc", func(t *testing.T) {
		check(t, procPath)
	})
	t.Run("a bind mount of the namespace file is read by joining it", func(t *testing.T) {
		requireMapReader(t)
		check(t, bindOnTempFile(t, procPath))
	})
	t.Run("both paths agree", func(t *testing.T) {
		requireMapReader(t)
		u1, g1, err1 := GetUserNamespaceMappings(procPath)
		u2, g2, err2 := GetUserNamespaceMappings(bindOnTempFile(t, procPath))
		if err1 != nil || err2 != nil || !IsSameMapping(u1, u2) || !IsSameMapping(g1, g2) {
			t.Errorf("proc: %v %v %v; bind: %v %v %v", u1, g1, err1, u2, g2, err2)
		}
	})
}

func TestGetUserNamespaceMappingsOfOwnNamespace(t *testing.T) {
	requireRoot(t)
	own := bindOnTempFile(t, "/proc/self/ns/user")
	uid, gid, err := GetUserNamespaceMappings(own)
	if err != nil {
		t.Fatal(err)
	}
	selfUID, selfGID, err := GetUserNamespaceMappings("/proc/self/ns/user")
	if err != nil {
		t.Fatal(err)
	}
	if !IsSameMapping(uid, selfUID) || !IsSameMapping(gid, selfGID) || len(uid) == 0 {
		t.Errorf("own namespace via bind mount = %v/%v, via /proc/self = %v/%v", uid, gid, selfUID, selfGID)
	}
}

func TestGetUserNamespaceMappingsErrors(t *testing.T) {
	t.Run("a missing file is an error naming it", func(t *testing.T) {
		_, _, err := GetUserNamespaceMappings("/nonexistent/ns")
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "/nonexistent/ns") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a file that is not a user namespace fails setns", func(t *testing.T) {
		requireRoot(t)
		requireMapReader(t)
		regular := filepath.Join(t.TempDir(), "plain")
		if err := os.WriteFile(regular, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := GetUserNamespaceMappings(regular)
		if !errors.Is(err, unix.EINVAL) || !strings.Contains(err.Error(), "setns") {
			t.Errorf("err = %v, want a setns EINVAL error", err)
		}
	})
	t.Run("a network namespace file is not a user namespace", func(t *testing.T) {
		requireRoot(t)
		requireMapReader(t)
		_, _, err := GetUserNamespaceMappings(bindOnTempFile(t, "/proc/self/ns/net"))
		if !errors.Is(err, unix.EINVAL) {
			t.Errorf("err = %v, want EINVAL", err)
		}
	})
}

func TestRunningInUserNS(t *testing.T) {
	t.Run("the test process is in the initial user namespace", func(t *testing.T) {
		data, _ := os.ReadFile("/proc/self/uid_map")
		if !isInitialUIDMap(string(data)) {
			t.Skipf("this test process already runs in a user namespace (uid_map %q)", data)
		}
		if RunningInUserNS() {
			t.Error("RunningInUserNS() = true in the initial user namespace")
		}
	})
	t.Run("a process in a new user namespace sees true", func(t *testing.T) {
		requireRoot(t)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=running-in-userns")
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}},
		}
		out, err := cmd.Output()
		if err != nil || string(out) != "true" {
			t.Errorf("helper says %q, %v; want true", out, err)
		}
	})
}
