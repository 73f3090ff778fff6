package user

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParsePasswd(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []User
	}{
		{"a full line fills every field",
			"root:x:0:0:root:/root:/bin/bash\n",
			[]User{{"root", "x", 0, 0, "root", "/root", "/bin/bash"}}},
		{"blank lines and comments are skipped",
			"\n   \n# comment\nadm:x:3:4::/var/adm:/sbin/nologin\n\n",
			[]User{{"adm", "x", 3, 4, "", "/var/adm", "/sbin/nologin"}}},
		{"missing trailing fields are empty",
			"short:x:5\n",
			[]User{{Name: "short", Pass: "x", Uid: 5}}},
		{"malformed ids become zero",
			"bad:x:abc:1e3:::\n",
			[]User{{Name: "bad", Pass: "x"}}},
		{"surrounding white space is trimmed",
			"  sp:x:7:8::/h:/s  \r\n",
			[]User{{"sp", "x", 7, 8, "", "/h", "/s"}}},
		{"a last line without newline is parsed",
			"a:x:1:1::/:/bin/sh\nb:x:2:2::/:/bin/sh",
			[]User{{"a", "x", 1, 1, "", "/", "/bin/sh"}, {"b", "x", 2, 2, "", "/", "/bin/sh"}}},
		{"extra fields are ignored",
			"e:x:9:9:g:/h:/s:extra:more\n",
			[]User{{"e", "x", 9, 9, "g", "/h", "/s"}}},
		{"empty input gives no entries", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePasswd(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseGroup(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []Group
	}{
		{"members are split on commas",
			"wheel:x:10:alice,bob\n",
			[]Group{{"wheel", "x", 10, []string{"alice", "bob"}}}},
		{"an empty member list is empty but not nil",
			"empty:x:20:\n",
			[]Group{{"empty", "x", 20, []string{}}}},
		{"comments and blank lines are skipped",
			"# header\n\nstaff:x:50:carol\n#staff2:x:51:\n",
			[]Group{{"staff", "x", 50, []string{"carol"}}}},
		{"a malformed gid becomes zero",
			"odd:x:notanumber:dave\n",
			[]Group{{"odd", "x", 0, []string{"dave"}}}},
		{"missing fields are empty",
			"bare\n",
			[]Group{{Name: "bare", List: []string{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseGroup(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseLongLines(t *testing.T) {
	t.Run("a group with very many members is parsed in full", func(t *testing.T) {
		members := make([]string, 200000)
		for i := range members {
			members[i] = "u" + strings.Repeat("x", 5)
		}
		input := "big:x:100:" + strings.Join(members, ",") + "\nafter:x:101:\n"
		got, err := ParseGroup(strings.NewReader(input))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || len(got[0].List) != len(members) || got[1].Name != "after" {
			t.Errorf("got %d groups, first has %d members; want 2 groups, %d members", len(got), len(got[0].List), len(members))
		}
	})
	t.Run("a hostile line longer than the limit is skipped and parsing goes on", func(t *testing.T) {
		hostile := "evil:x:0:0:" + strings.Repeat("A", maxLineLen+10) + "\n"
		input := "before:x:1:1::/:/bin/sh\n" + hostile + "after:x:2:2::/:/bin/sh\n"
		for _, p := range []struct {
			name string
			run  func(io.Reader) (int, []string, error)
		}{
			{"passwd", func(r io.Reader) (int, []string, error) {
				us, err := ParsePasswd(r)
				var names []string
				for _, u := range us {
					names = append(names, u.Name)
				}
				return len(us), names, err
			}},
			{"group", func(r io.Reader) (int, []string, error) {
				gs, err := ParseGroup(r)
				var names []string
				for _, g := range gs {
					names = append(names, g.Name)
				}
				return len(gs), names, err
			}},
		} {
			n, names, err := p.run(strings.NewReader(input))
			if err != nil {
				t.Fatalf("%s: %v", p.name, err)
			}
			if n != 2 || names[0] != "before" || names[1] != "after" {
				t.Errorf("%s: got %v, want [before after]", p.name, names)
			}
		}
	})
	t.Run("lines are assembled correctly from one-byte reads", func(t *testing.T) {
		got, err := ParseGroup(iotest.OneByteReader(strings.NewReader("a:x:1:m,n\nb:x:2:\n")))
		want := []Group{{"a", "x", 1, []string{"m", "n"}}, {"b", "x", 2, []string{}}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, %v; want %+v", got, err, want)
		}
	})
	t.Run("a hostile line at the end of input without newline is skipped", func(t *testing.T) {
		input := "ok:x:1:\n" + strings.Repeat("B", maxLineLen+1)
		got, err := ParseGroup(strings.NewReader(input))
		if err != nil || len(got) != 1 || got[0].Name != "ok" {
			t.Errorf("got %+v, %v; want only ok", got, err)
		}
	})
}

func TestParseSubID(t *testing.T) {
	input := "alice:100000:65536\n# c\n\n1000:200000:1000\nbad:x:y\n"
	got, err := ParseSubID(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	want := []SubID{{"alice", 100000, 65536}, {"1000", 200000, 1000}, {"bad", 0, 0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestParseIDMap(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []IDMap
	}{
		{"the kernel's padded format is parsed",
			"         0          0 4294967295\n",
			[]IDMap{{0, 0, 4294967295}}},
		{"several lines are parsed in order",
			"0 100000 1\n1 100001 65535\n",
			[]IDMap{{0, 100000, 1}, {1, 100001, 65535}}},
		{"missing fields become zero",
			"5\n",
			[]IDMap{{ID: 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIDMap(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParsersRejectNilReader(t *testing.T) {
	tests := []struct {
		name, want string
		run        func() error
	}{
		{"passwd", "nil source for passwd-formatted data", func() error { _, err := ParsePasswd(nil); return err }},
		{"group", "nil source for group-formatted data", func() error { _, err := ParseGroup(nil); return err }},
		{"subid", "nil source for subid-formatted data", func() error { _, err := ParseSubID(nil); return err }},
		{"idmap", "nil source for idmap-formatted data", func() error { _, err := ParseIDMap(nil); return err }},
	}
	for _, tt := range tests {
		t.Run("the "+tt.name+" parser says the source is nil", func(t *testing.T) {
			if err := tt.run(); err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParsersReportReadErrors(t *testing.T) {
	r := iotest.ErrReader(io.ErrUnexpectedEOF)
	if _, err := ParseGroup(r); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("err = %v, want the read error", err)
	}
}

func TestFileAndFilterForms(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	passwd := write("passwd", "root:x:0:0::/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\n")
	group := write("group", "root:x:0:\nusers:x:100:bob\n")
	subid := write("subuid", "bob:100000:65536\nroot:200000:10\n")
	idmap := write("uid_map", "0 1000 1\n1 100000 65536\n")

	t.Run("ParsePasswdFile reads every entry", func(t *testing.T) {
		us, err := ParsePasswdFile(passwd)
		if err != nil || len(us) != 2 {
			t.Errorf("got %v, %v; want 2 entries", us, err)
		}
	})
	t.Run("ParsePasswdFileFilter keeps matching entries", func(t *testing.T) {
		us, err := ParsePasswdFileFilter(passwd, func(u User) bool { return u.Uid == 1000 })
		if err != nil || len(us) != 1 || us[0].Name != "bob" {
			t.Errorf("got %v, %v; want bob", us, err)
		}
	})
	t.Run("ParseGroupFileFilter keeps matching entries", func(t *testing.T) {
		gs, err := ParseGroupFileFilter(group, func(g Group) bool { return g.Name == "users" })
		if err != nil || len(gs) != 1 || gs[0].Gid != 100 {
			t.Errorf("got %v, %v; want users", gs, err)
		}
	})
	t.Run("ParseGroupFile reads every entry", func(t *testing.T) {
		gs, err := ParseGroupFile(group)
		if err != nil || len(gs) != 2 {
			t.Errorf("got %v, %v; want 2 entries", gs, err)
		}
	})
	t.Run("ParseSubIDFileFilter keeps matching entries", func(t *testing.T) {
		ss, err := ParseSubIDFileFilter(subid, func(s SubID) bool { return s.Name == "root" })
		if err != nil || len(ss) != 1 || ss[0].SubID != 200000 {
			t.Errorf("got %v, %v; want root", ss, err)
		}
	})
	t.Run("ParseSubIDFile reads every entry", func(t *testing.T) {
		ss, err := ParseSubIDFile(subid)
		if err != nil || len(ss) != 2 {
			t.Errorf("got %v, %v; want 2 entries", ss, err)
		}
	})
	t.Run("ParseIDMapFileFilter keeps matching entries", func(t *testing.T) {
		ms, err := ParseIDMapFileFilter(idmap, func(m IDMap) bool { return m.Count > 1 })
		if err != nil || !reflect.DeepEqual(ms, []IDMap{{1, 100000, 65536}}) {
			t.Errorf("got %v, %v", ms, err)
		}
	})
	t.Run("ParseIDMapFile reads every entry", func(t *testing.T) {
		ms, err := ParseIDMapFile(idmap)
		if err != nil || len(ms) != 2 {
			t.Errorf("got %v, %v; want 2 entries", ms, err)
		}
	})
	t.Run("a missing file is an error", func(t *testing.T) {
		if _, err := ParsePasswdFile(filepath.Join(dir, "nope")); !os.IsNotExist(err) {
			t.Errorf("err = %v, want not-exist", err)
		}
	})
}
