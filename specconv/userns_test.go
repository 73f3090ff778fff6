package specconv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// startInUserNS starts a sleeping process in a new user namespace mapping
// container 0..999 to host uid 100000 and gid 200000, and stops it when
// the test ends.
func startInUserNS(t *testing.T) *exec.Cmd {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: mapping host ids other than our own into a new user namespace requires CAP_SETUID and CAP_SETGID")
	}
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  unix.CLONE_NEWUSER,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 1000}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 200000, Size: 1000}},
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start process in a new user namespace: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

func TestJoinedUserNamespaceMappings(t *testing.T) {
	cmd := startInUserNS(t)
	pid := cmd.Process.Pid
	nsUID := []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 1000}}
	nsGID := []configs.IDMap{{ContainerID: 0, HostID: 200000, Size: 1000}}

	tests := []struct {
		name    string
		path    string
		uidMaps []specs.LinuxIDMapping
		wantErr string
		// needsCgo marks paths userns can only read with its cgo helper.
		needsCgo bool
	}{
		{name: "mappings are read from /proc/<pid>/ns/user", path: fmt.Sprintf("/proc/%d/ns/user", pid)},
		{name: "mappings are read for another path to the namespace", path: fmt.Sprintf("/proc/%d/task/%d/ns/user", pid, pid), needsCgo: true},
		{name: "given mappings that agree are accepted", path: fmt.Sprintf("/proc/%d/ns/user", pid),
			uidMaps: []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 1000}}},
		{name: "given mappings that differ are refused", path: fmt.Sprintf("/proc/%d/ns/user", pid),
			uidMaps: []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100001, Size: 1000}}, wantErr: "linux.uidMappings do not match"},
		{name: "a path that is not a namespace is refused", path: "/nonexistent/ns", wantErr: "user namespace /nonexistent/ns"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.needsCgo && !haveCgo {
				t.Skip("reading a user namespace through a path other than /proc/<pid>/ns/user needs the cgo helper of package userns, and this build has cgo off")
			}
			newBundle(t)
			spec := minimalSpec()
			spec.Linux.Namespaces = []specs.LinuxNamespace{{Type: "user", Path: tc.path}}
			spec.Linux.UIDMappings = tc.uidMaps
			c, err := CreateLibcontainerConfig(&CreateOpts{Spec: spec})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.UidMappings, nsUID) || !reflect.DeepEqual(c.GidMappings, nsGID) {
				t.Fatalf("mappings %+v %+v, want %+v %+v", c.UidMappings, c.GidMappings, nsUID, nsGID)
			}
			for _, d := range c.Devices {
				if d.Uid != 100000 || d.Gid != 200000 {
					t.Fatalf("device %s owned by %d:%d, want 100000:200000", d.Path, d.Uid, d.Gid)
				}
			}
		})
	}
}

func TestPinnedUserNamespaceWithoutProcessesIsRead(t *testing.T) {
	if !haveCgo {
		t.Skip("reading a user namespace through a path other than /proc/<pid>/ns/user needs the cgo helper of package userns, and this build has cgo off")
	}
	cmd := startInUserNS(t)
	// Pin the namespace with a bind mount, then let its only process go.
	pin := filepath.Join(t.TempDir(), "userns")
	if err := os.WriteFile(pin, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(fmt.Sprintf("/proc/%d/ns/user", cmd.Process.Pid), pin, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("pin user namespace: %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(pin, unix.MNT_DETACH) })
	_ = cmd.Process.Kill()
	_ = cmd.Wait()

	newBundle(t)
	spec := minimalSpec()
	spec.Linux.Namespaces = []specs.LinuxNamespace{{Type: "user", Path: pin}}
	c, err := CreateLibcontainerConfig(&CreateOpts{Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	want := []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 1000}}
	if !reflect.DeepEqual(c.UidMappings, want) {
		t.Fatalf("uid mappings %+v, want %+v", c.UidMappings, want)
	}
}
