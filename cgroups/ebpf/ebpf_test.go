package ebpf_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	cgebpf "github.com/b7f961b7/libcontainer/cgroups/ebpf"
	"github.com/b7f961b7/libcontainer/cgroups/internal/testutil"
)

// cgroup2Dir makes an empty cgroup2 directory for t and opens it.
func cgroup2Dir(t *testing.T) int {
	t.Helper()
	testutil.RequireRoot(t)
	mnt := "/sys/fs/cgroup/unified"
	var st unix.Statfs_t
	if err := unix.Statfs(mnt, &st); err != nil || st.Type != unix.CGROUP2_SUPER_MAGIC {
		mnt = "/sys/fs/cgroup"
		if err := unix.Statfs(mnt, &st); err != nil || st.Type != unix.CGROUP2_SUPER_MAGIC {
			t.Skip("skipped: no cgroup2 mount")
		}
	}
	dir := filepath.Join(mnt, testutil.Name(t))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unix.Close(fd)
		if err := unix.Rmdir(dir); err != nil {
			t.Errorf("rmdir %s: %v", dir, err)
		}
	})
	return fd
}

func attached(t *testing.T, fd int) []ebpf.ProgramID {
	t.Helper()
	res, err := link.QueryPrograms(link.QueryOptions{Target: fd, Attach: ebpf.AttachCGroupDevice})
	if err != nil {
		t.Fatal(err)
	}
	var ids []ebpf.ProgramID
	for _, p := range res.Programs {
		ids = append(ids, p.ID)
	}
	return ids
}

func returning(v int32) asm.Instructions {
	return asm.Instructions{asm.Mov.Imm(asm.R0, v), asm.Return()}
}

func TestAttachReplacesThePreviousProgramAndCloseDetaches(t *testing.T) {
	fd := cgroup2Dir(t)
	close1, err := cgebpf.LoadAttachCgroupDeviceFilter(returning(1), "Apache", fd)
	if err != nil {
		t.Fatalf("first attach: %v", err)
	}
	first := attached(t, fd)
	if len(first) != 1 {
		t.Fatalf("after first attach: %d programs, want 1", len(first))
	}
	close2, err := cgebpf.LoadAttachCgroupDeviceFilter(returning(0), "Apache", fd)
	if err != nil {
		t.Fatalf("second attach: %v", err)
	}
	second := attached(t, fd)
	if len(second) != 1 || second[0] == first[0] {
		t.Fatalf("after replacing: programs %v, want one program other than %v", second, first)
	}
	if err := close1(); err == nil {
		t.Error("detaching the replaced program succeeded, want an error (it is no longer attached)")
	}
	if err := close2(); err != nil {
		t.Fatalf("detach: %v", err)
	}
	if ids := attached(t, fd); len(ids) != 0 {
		t.Errorf("after detach: programs %v, want none", ids)
	}
}

func TestAnInvalidProgramIsRefusedAndNothingAttached(t *testing.T) {
	fd := cgroup2Dir(t)
	_, err := cgebpf.LoadAttachCgroupDeviceFilter(asm.Instructions{asm.Return()}, "Apache", fd)
	if err == nil {
		t.Fatal("a program returning an uninitialised R0 was loaded")
	}
	if ids := attached(t, fd); len(ids) != 0 {
		t.Errorf("programs %v attached after a failed load", ids)
	}
}
