package libcontainer

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// TestCloneIntoCgroupOnUnifiedHosts checks that on a cgroup2-only host a
// container process is born in its cgroup (clone3 CLONE_INTO_CGROUP), not
// moved there afterwards: the process's first look at /proc/self/cgroup
// already names the container's cgroup.
func TestCloneIntoCgroupOnUnifiedHosts(t *testing.T) {
	if !cgroups.IsCgroup2UnifiedMode() {
		t.Skip("needs a cgroup2-only host: elsewhere processes are moved into v1 hierarchies")
	}
	allowAll := &devices.Rule{Type: devices.WildcardDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "rwm", Allow: true}
	cfg := &configs.Config{
		Rootfs:  t.TempDir(),
		Cgroups: &configs.Cgroup{Path: "/libct-clone-into-test", Resources: &configs.Resources{Devices: []*devices.Rule{allowAll}}},
	}
	f, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ct, err := f.Create("clone-into", cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := ct.(*linuxContainer)
	t.Cleanup(func() { _ = c.cgroupManager.Destroy() })
	var out bytes.Buffer
	p := &parentProcess{c: c, init: true, process: &Process{Init: true},
		cmd: &exec.Cmd{Path: "/bin/cat", Args: []string{"cat", "/proc/self/cgroup"}, Stdout: &out}}
	fd := p.cloneIntoCgroup()
	if fd < 0 {
		t.Fatal("cloneIntoCgroup did not prepare a cgroup fd")
	}
	err = p.cmd.Run()
	closeErr := unix.Close(fd)
	if err != nil {
		t.Fatalf("clone into the cgroup: %v", err)
	}
	if closeErr != nil {
		t.Fatal(closeErr)
	}
	if got := strings.TrimSpace(out.String()); got != "0::/libct-clone-into-test" {
		t.Fatalf("the process started in %q, want 0::/libct-clone-into-test", got)
	}
}
