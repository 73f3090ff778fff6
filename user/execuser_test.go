package user

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testPasswd contains a hostile entry named "1000" with uid 0 (the
// CVE-2016-3697 setup) and entries whose names look like numbers.
const testPasswd = `root:x:0:0:root:/root:/bin/bash
adm:x:42:43:adm:/var/adm:/bin/false
1000:x:0:0:impostor:/:/bin/sh
alice:x:1000:1000:Alice:/home/alice:/bin/sh
+7:x:0:0:plus seven:/:/bin/sh
-1:x:0:0:minus one:/:/bin/sh
0x1:x:77:77:hex-looking name:/hex:/bin/sh
this is just random garbage
huge:x:4294967296:1::/:/bin/sh
alice2:x:2000:2000::/:/bin/sh
`

const testGroup = `root:x:0:root
adm:x:43:
1000:x:0:alice
alice:x:1000:
wheel:x:10:alice,bob
video:x:44:alice
audio:x:45:bob
bad:x:4294967296:alice2
`

func TestGetExecUser(t *testing.T) {
	defaults := &ExecUser{Uid: 8888, Gid: 8888, Sgids: []int{8888}, Home: "/8888"}
	tests := []struct {
		name     string
		spec     string
		defaults *ExecUser
		want     *ExecUser
		wantErr  error
	}{
		{name: "an empty spec with nil defaults finds root by uid 0",
			spec: "", want: &ExecUser{Uid: 0, Gid: 0, Sgids: []int{0}, Home: "/root"}},
		{name: "an empty spec keeps the default uid when passwd has no entry",
			spec: "", defaults: defaults, want: &ExecUser{Uid: 8888, Gid: 8888, Sgids: []int{8888}, Home: "/8888"}},
		{name: "a user name takes uid, gid, home and memberships from the files",
			spec: "alice", want: &ExecUser{Uid: 1000, Gid: 1000, Sgids: []int{0, 10, 44}, Home: "/home/alice"}},
		{name: "a numeric user is an id even when a name 1000 exists (CVE-2016-3697)",
			spec: "1000", want: &ExecUser{Uid: 1000, Gid: 1000, Sgids: []int{0, 10, 44}, Home: "/home/alice"}},
		{name: "a numeric user and group are both ids (CVE-2016-3697)",
			spec: "1000:1000", want: &ExecUser{Uid: 1000, Gid: 1000, Sgids: []int{}, Home: "/home/alice"}},
		{name: "a numeric group never matches a group named 1000",
			spec: "adm:1000", want: &ExecUser{Uid: 42, Gid: 1000, Sgids: []int{}, Home: "/var/adm"}},
		{name: "a numeric uid missing from passwd is used with default gid",
			spec: "3333", defaults: defaults, want: &ExecUser{Uid: 3333, Gid: 8888, Sgids: []int{8888}, Home: "/8888"}},
		{name: "a numeric uid and gid missing from the files are used as is",
			spec: "3333:4444", want: &ExecUser{Uid: 3333, Gid: 4444, Sgids: []int{}}},
		{name: "a user with a trailing colon keeps the passwd gid",
			spec: "1:", defaults: defaults, want: &ExecUser{Uid: 1, Gid: 8888, Sgids: []int{8888}, Home: "/8888"}},
		{name: "an explicit group name sets the gid and keeps default sgids",
			spec: "alice:audio", defaults: defaults, want: &ExecUser{Uid: 1000, Gid: 45, Sgids: []int{8888}, Home: "/home/alice"}},
		{name: "a numeric uid with a group name works",
			spec: "5:wheel", want: &ExecUser{Uid: 5, Gid: 10, Sgids: []int{}}},
		{name: "only a group keeps the default uid",
			spec: ":video", defaults: defaults, want: &ExecUser{Uid: 8888, Gid: 44, Sgids: []int{8888}, Home: "/8888"}},
		{name: "a plus-signed number is an id, not the name +7",
			spec: "+7", want: &ExecUser{Uid: 7, Sgids: []int{}}},
		{name: "a hex-looking spec is a name, not the number 1",
			spec: "0x1", want: &ExecUser{Uid: 77, Gid: 77, Sgids: []int{}, Home: "/hex"}},
		{name: "a negative number is out of range, not the name -1",
			spec: "-1", wantErr: ErrRange},
		{name: "a negative gid is out of range",
			spec: "1:-1", wantErr: ErrRange},
		{name: "a uid above 2147483647 is out of range",
			spec: "2147483648", wantErr: ErrRange},
		{name: "a uid that overflows int64 is out of range",
			spec: "99999999999999999999999", wantErr: ErrRange},
		{name: "the largest valid uid is accepted",
			spec: "2147483647:2147483647", want: &ExecUser{Uid: 2147483647, Gid: 2147483647, Sgids: []int{}}},
		{name: "a passwd entry with an out-of-range uid is refused",
			spec: "huge", wantErr: ErrRange},
		{name: "a numeric uid with an empty group keeps gid 0",
			spec: "1234:", want: &ExecUser{Uid: 1234, Sgids: []int{}}},
		{name: "a membership in a group with an out-of-range gid is refused",
			spec: "alice2", wantErr: ErrRange},
		{name: "an unknown user name is an error",
			spec: "nobody-here", wantErr: ErrNoPasswdEntries},
		{name: "a name with a leading space is a name, not a number",
			spec: " 1", wantErr: ErrNoPasswdEntries},
		{name: "an unknown group name is an error",
			spec: "alice:nogroup", wantErr: ErrNoGroupEntries},
		{name: "a spec with two colons is an error",
			spec: "a:b:c", wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GetExecUser(tt.spec, tt.defaults, strings.NewReader(testPasswd), strings.NewReader(testGroup))
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

// errAny stands for "some error" in the tables.
var errAny = errors.New("any error")

func checkResult(t *testing.T, got *ExecUser, err error, want *ExecUser, wantErr error) {
	t.Helper()
	if wantErr != nil {
		if err == nil {
			t.Fatalf("got %+v, want error %v", got, wantErr)
		}
		if wantErr != errAny && !errors.Is(err, wantErr) {
			t.Fatalf("err = %v, want %v", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestGetExecUserWithoutFiles(t *testing.T) {
	tests := []struct {
		name    string
		spec    string
		want    *ExecUser
		wantErr error
	}{
		{name: "numeric ids work without passwd and group",
			spec: "1000:1000", want: &ExecUser{Uid: 1000, Gid: 1000, Sgids: []int{}}},
		{name: "an empty spec gives the defaults",
			spec: "", want: &ExecUser{Sgids: []int{}}},
		{name: "a user name cannot be resolved",
			spec: "alice", wantErr: ErrNoPasswdEntries},
		{name: "a group name cannot be resolved",
			spec: "0:wheel", wantErr: ErrNoGroupEntries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GetExecUser(tt.spec, nil, nil, nil)
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestGetExecUserDoesNotShareDefaultSgids(t *testing.T) {
	defaults := &ExecUser{Sgids: []int{1, 2}}
	got, err := GetExecUser("3333", defaults, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got.Sgids[0] = 99
	if defaults.Sgids[0] != 1 {
		t.Error("changing the result changed defaults.Sgids")
	}
}

func TestGetExecUserReadError(t *testing.T) {
	_, err := GetExecUser("alice", nil, errReader{}, nil)
	if err == nil || !strings.Contains(err.Error(), "unable to find user alice") {
		t.Errorf("err = %v, want a read error naming alice", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestGetExecUserPath(t *testing.T) {
	dir := t.TempDir()
	passwd := filepath.Join(dir, "passwd")
	group := filepath.Join(dir, "group")
	if err := os.WriteFile(passwd, []byte(testPasswd), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(group, []byte(testGroup), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("names resolve through the files", func(t *testing.T) {
		got, err := GetExecUserPath("alice:wheel", nil, passwd, group)
		checkResult(t, got, err, &ExecUser{Uid: 1000, Gid: 10, Sgids: []int{}, Home: "/home/alice"}, nil)
	})
	t.Run("missing files still allow numeric ids", func(t *testing.T) {
		got, err := GetExecUserPath("12:34", nil, filepath.Join(dir, "none"), filepath.Join(dir, "none"))
		checkResult(t, got, err, &ExecUser{Uid: 12, Gid: 34, Sgids: []int{}}, nil)
	})
	t.Run("missing files make names fail", func(t *testing.T) {
		got, err := GetExecUserPath("alice", nil, filepath.Join(dir, "none"), group)
		checkResult(t, got, err, nil, ErrNoPasswdEntries)
	})
}

func TestGetAdditionalGroups(t *testing.T) {
	tests := []struct {
		name    string
		groups  []string
		want    []int
		wantErr error
	}{
		{name: "no groups give an empty list", groups: nil, want: []int{}},
		{name: "names resolve to gids in order", groups: []string{"video", "wheel"}, want: []int{44, 10}},
		{name: "numeric gids are ids, never the group named 1000", groups: []string{"1000"}, want: []int{1000}},
		{name: "numeric gids missing from the file are accepted", groups: []string{"5555"}, want: []int{5555}},
		{name: "duplicates are removed", groups: []string{"wheel", "10", "wheel"}, want: []int{10}},
		{name: "an unknown name is an error", groups: []string{"wheel", "nosuch"}, wantErr: ErrNoGroupEntries},
		{name: "a negative gid is out of range", groups: []string{"-1"}, wantErr: ErrRange},
		{name: "a gid above 2147483647 is out of range", groups: []string{"2147483648"}, wantErr: ErrRange},
		{name: "a group entry with an out-of-range gid is refused", groups: []string{"bad"}, wantErr: ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GetAdditionalGroups(tt.groups, strings.NewReader(testGroup))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got %v, %v; want error %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGetAdditionalGroupsPath(t *testing.T) {
	group := filepath.Join(t.TempDir(), "group")
	if err := os.WriteFile(group, []byte(testGroup), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("names resolve through the file", func(t *testing.T) {
		got, err := GetAdditionalGroupsPath([]string{"audio", "7"}, group)
		if err != nil || !reflect.DeepEqual(got, []int{45, 7}) {
			t.Errorf("got %v, %v; want [45 7]", got, err)
		}
	})
	t.Run("a missing file still allows numeric gids", func(t *testing.T) {
		got, err := GetAdditionalGroupsPath([]string{"7"}, group+".missing")
		if err != nil || !reflect.DeepEqual(got, []int{7}) {
			t.Errorf("got %v, %v; want [7]", got, err)
		}
	})
	t.Run("a missing file makes names fail", func(t *testing.T) {
		_, err := GetAdditionalGroupsPath([]string{"audio"}, group+".missing")
		if !errors.Is(err, ErrNoGroupEntries) {
			t.Errorf("err = %v, want ErrNoGroupEntries", err)
		}
	})
}
