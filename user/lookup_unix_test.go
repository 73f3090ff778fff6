//go:build unix

package user

import (
	"errors"
	"os"
	"strconv"
	"testing"
)

func TestLookup(t *testing.T) {
	t.Run("root is found by name and by uid", func(t *testing.T) {
		byName, err := LookupUser("root")
		if err != nil {
			t.Fatal(err)
		}
		byID, err := LookupUid(0)
		if err != nil {
			t.Fatal(err)
		}
		if byName.Uid != 0 || byID.Name != "root" {
			t.Errorf("LookupUser(root) = %+v, LookupUid(0) = %+v", byName, byID)
		}
	})
	t.Run("group 0 is found by name and by gid", func(t *testing.T) {
		g, err := LookupGid(0)
		if err != nil {
			t.Fatal(err)
		}
		byName, err := LookupGroup(g.Name)
		if err != nil || byName.Gid != 0 {
			t.Errorf("LookupGroup(%q) = %+v, %v", g.Name, byName, err)
		}
	})
	t.Run("an unknown user gives ErrNoPasswdEntries", func(t *testing.T) {
		if _, err := LookupUser("no-such-user-xyz"); !errors.Is(err, ErrNoPasswdEntries) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("an unknown group gives ErrNoGroupEntries", func(t *testing.T) {
		if _, err := LookupGroup("no-such-group-xyz"); !errors.Is(err, ErrNoGroupEntries) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("the current user matches the process uid", func(t *testing.T) {
		u, err := CurrentUser()
		if err != nil {
			t.Skipf("uid %d has no passwd entry on this machine: %v", os.Getuid(), err)
		}
		if u.Uid != os.Getuid() {
			t.Errorf("CurrentUser().Uid = %d, want %d", u.Uid, os.Getuid())
		}
	})
	t.Run("the current group matches the process gid", func(t *testing.T) {
		g, err := CurrentGroup()
		if err != nil {
			t.Skipf("gid %d has no group entry on this machine: %v", os.Getgid(), err)
		}
		if g.Gid != os.Getgid() {
			t.Errorf("CurrentGroup().Gid = %d, want %d", g.Gid, os.Getgid())
		}
	})
	t.Run("the system file paths are the standard ones", func(t *testing.T) {
		p, _ := GetPasswdPath()
		g, _ := GetGroupPath()
		if p != "/etc/passwd" || g != "/etc/group" {
			t.Errorf("paths = %q, %q", p, g)
		}
		for _, open := range []func() (interface{ Close() error }, error){
			func() (interface{ Close() error }, error) { return GetPasswd() },
			func() (interface{ Close() error }, error) { return GetGroup() },
		} {
			f, err := open()
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	})
}

func TestCurrentProcessIDMaps(t *testing.T) {
	for name, get := range map[string]func() ([]IDMap, error){
		"uid": CurrentProcessUIDMap,
		"gid": CurrentProcessGIDMap,
	} {
		t.Run("the "+name+" map has at least one non-empty range", func(t *testing.T) {
			maps, err := get()
			if err != nil {
				t.Fatal(err)
			}
			if len(maps) == 0 || maps[0].Count == 0 {
				t.Errorf("%s map = %+v", name, maps)
			}
		})
	}
}

func TestCurrentUserSubIDs(t *testing.T) {
	for name, get := range map[string]func() ([]SubID, error){
		"/etc/subuid": CurrentUserSubUIDs,
		"/etc/subgid": CurrentUserSubGIDs,
	} {
		t.Run(name+" entries all belong to the current user", func(t *testing.T) {
			if _, err := os.Stat(name); err != nil {
				t.Skipf("%s does not exist on this machine", name)
			}
			ids, err := get()
			if err != nil {
				t.Fatal(err)
			}
			u, _ := CurrentUser()
			for _, id := range ids {
				if id.Name != u.Name && id.Name != strconv.Itoa(os.Getuid()) {
					t.Errorf("entry %+v is not for uid %d", id, os.Getuid())
				}
			}
		})
	}
}
