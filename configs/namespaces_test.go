package configs

import (
	"os"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

func TestNsNameAndSyscallCoverEveryType(t *testing.T) {
	tests := []struct {
		typ  NamespaceType
		name string
		flag int
	}{
		{NEWNET, "net", unix.CLONE_NEWNET},
		{NEWNS, "mnt", unix.CLONE_NEWNS},
		{NEWPID, "pid", unix.CLONE_NEWPID},
		{NEWIPC, "ipc", unix.CLONE_NEWIPC},
		{NEWUSER, "user", unix.CLONE_NEWUSER},
		{NEWUTS, "uts", unix.CLONE_NEWUTS},
		{NEWCGROUP, "cgroup", unix.CLONE_NEWCGROUP},
		{NEWTIME, "time", unix.CLONE_NEWTIME},
		{NamespaceType("NEWBOGUS"), "", 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+" maps to its proc name and clone flag", func(t *testing.T) {
			if got := NsName(tt.typ); got != tt.name {
				t.Errorf("NsName = %q, want %q", got, tt.name)
			}
			ns := Namespace{Type: tt.typ}
			if got := ns.Syscall(); got != tt.flag {
				t.Errorf("Syscall = %#x, want %#x", got, tt.flag)
			}
		})
	}
}

func TestNamespaceTypesKeepsUserFirstAndTimeLast(t *testing.T) {
	want := []NamespaceType{NEWUSER, NEWIPC, NEWUTS, NEWNET, NEWPID, NEWNS, NEWCGROUP, NEWTIME}
	if got := NamespaceTypes(); !reflect.DeepEqual(got, want) {
		t.Errorf("NamespaceTypes = %v, want %v", got, want)
	}
}

func TestIsNamespaceSupportedMatchesProcSelfNs(t *testing.T) {
	for _, typ := range NamespaceTypes() {
		t.Run(string(typ)+" support agrees with /proc/self/ns", func(t *testing.T) {
			_, err := os.Stat("/proc/self/ns/" + NsName(typ))
			if got, want := IsNamespaceSupported(typ), err == nil; got != want {
				t.Errorf("IsNamespaceSupported = %v, want %v", got, want)
			}
		})
	}
	t.Run("an unknown type is unsupported", func(t *testing.T) {
		if IsNamespaceSupported("NEWBOGUS") {
			t.Error("unknown namespace type reported as supported")
		}
	})
}

func TestNamespaceGetPathNamesTheProcFile(t *testing.T) {
	ns := Namespace{Type: NEWNS}
	if got := ns.GetPath(42); got != "/proc/42/ns/mnt" {
		t.Errorf("GetPath = %q", got)
	}
}

func TestNamespacesListHelpers(t *testing.T) {
	var ns Namespaces
	ns.Add(NEWPID, "")
	ns.Add(NEWNET, "/run/netns/a")
	ns.Add(NEWUTS, "")

	t.Run("Add replaces the path of an existing type", func(t *testing.T) {
		ns.Add(NEWNET, "/run/netns/b")
		if len(ns) != 3 || ns.PathOf(NEWNET) != "/run/netns/b" {
			t.Errorf("after re-Add: %+v", ns)
		}
	})
	t.Run("Contains and PathOf find present types only", func(t *testing.T) {
		if !ns.Contains(NEWPID) || ns.Contains(NEWUSER) {
			t.Errorf("Contains wrong for %+v", ns)
		}
		if ns.PathOf(NEWUSER) != "" {
			t.Error("PathOf absent type is not empty")
		}
	})
	t.Run("CloneFlags covers only namespaces to create", func(t *testing.T) {
		want := uintptr(unix.CLONE_NEWPID | unix.CLONE_NEWUTS)
		if got := ns.CloneFlags(); got != want {
			t.Errorf("CloneFlags = %#x, want %#x", got, want)
		}
	})
	t.Run("Remove deletes a present type and reports absence", func(t *testing.T) {
		if !ns.Remove(NEWPID) {
			t.Fatal("Remove(NEWPID) = false")
		}
		if ns.Contains(NEWPID) || len(ns) != 2 {
			t.Errorf("after Remove: %+v", ns)
		}
		if ns.Remove(NEWPID) {
			t.Error("second Remove(NEWPID) = true")
		}
	})
}
