package cgfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/configs"
)

// testDir turns on cgroups.TestMode for t and returns a temporary
// directory holding files (name → content).
func testDir(t *testing.T, files map[string]string) string {
	t.Helper()
	cgroups.TestMode = true
	t.Cleanup(func() { cgroups.TestMode = false })
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestParseDevice(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		major, minor uint64
		wantErr      string
	}{
		{"splits major and minor", "8:16", 8, 16, ""},
		{"takes large numbers", "259:4294967295", 259, 4294967295, ""},
		{"refuses a key without a colon", "816", 0, 0, `bad device "816"`},
		{"refuses a non-numeric major", "x:1", 0, 0, "unable to parse /d/io.stat"},
		{"refuses a non-numeric minor", "1:y", 0, 0, "unable to parse /d/io.stat"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			major, minor, err := ParseDevice("/d", "io.stat", tc.in)
			if tc.wantErr != "" {
				var pe *fscommon.ParseError
				if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseDevice(%q) error = %v, want a ParseError containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil || major != tc.major || minor != tc.minor {
				t.Errorf("ParseDevice(%q) = %d, %d, %v; want %d, %d", tc.in, major, minor, err, tc.major, tc.minor)
			}
		})
	}
}

func TestReadKeyed(t *testing.T) {
	dir := testDir(t, map[string]string{"ok": "a 1\nb 2\n", "bad": "a 1\nb\nc 3\n"})
	tests := []struct {
		name     string
		file     string
		want     []string
		checkErr func(error) bool
	}{
		{"passes every pair in file order", "ok", []string{"a=1", "b=2"}, func(err error) bool { return err == nil }},
		{"stops at a malformed line with a ParseError", "bad", []string{"a=1"}, func(err error) bool {
			var pe *fscommon.ParseError
			return errors.As(err, &pe) && pe.File == "bad"
		}},
		{"returns a missing file as not-exist", "missing", nil, func(err error) bool { return errors.Is(err, fs.ErrNotExist) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			err := ReadKeyed(dir, tc.file, func(k string, v uint64) { got = append(got, k+"="+strconv.FormatUint(v, 10)) })
			if !tc.checkErr(err) {
				t.Errorf("ReadKeyed(%s) error = %v", tc.file, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ReadKeyed(%s) passed %v, want %v", tc.file, got, tc.want)
			}
		})
	}
}

func TestPidsFiles(t *testing.T) {
	tests := []struct {
		name      string
		limit     int64
		wantFile  string // "" = pids.max not written
		wantLimit uint64
	}{
		{"a positive limit is written as is", 42, "42", 42},
		{"a negative limit is written as max and reads as 0", -1, "max", 0},
		{"a zero limit leaves pids.max alone", 0, "", 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := testDir(t, map[string]string{"pids.current": "3\n", "pids.max": "7\n"})
			if err := WritePidsMax(dir, tc.limit); err != nil {
				t.Fatal(err)
			}
			if tc.wantFile != "" {
				b, err := os.ReadFile(filepath.Join(dir, "pids.max"))
				if err != nil || string(b) != tc.wantFile {
					t.Errorf("pids.max = %q, %v; want %q", b, err, tc.wantFile)
				}
			}
			cur, limit, err := ReadPids(dir)
			if err != nil || cur != 3 || limit != tc.wantLimit {
				t.Errorf("ReadPids = %d, %d, %v; want 3, %d", cur, limit, err, tc.wantLimit)
			}
		})
	}
}

func TestReadPidsWithoutTheControllerIsNotExist(t *testing.T) {
	dir := testDir(t, nil)
	if _, _, err := ReadPids(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadPids of an empty directory: %v, want not-exist", err)
	}
}

func TestWriteHugetlbLimits(t *testing.T) {
	sizes := cgroups.HugePageSizes()
	if len(sizes) == 0 {
		t.Skip("skipped: host has no huge page sizes")
	}
	size := sizes[0]
	tests := []struct {
		name    string
		limits  []*configs.HugepageLimit
		suffix  string
		want    map[string]string // file → content
		wantErr string
	}{
		{"writes the v1 limit and reservation files", []*configs.HugepageLimit{nil, {Pagesize: size, Limit: 4096}}, HugetlbLimitV1,
			map[string]string{"hugetlb." + size + ".limit_in_bytes": "4096", "hugetlb." + size + ".rsvd.limit_in_bytes": "4096"}, ""},
		{"writes the v2 max and reservation files", []*configs.HugepageLimit{{Pagesize: size, Limit: 8192}}, HugetlbLimitV2,
			map[string]string{"hugetlb." + size + ".max": "8192", "hugetlb." + size + ".rsvd.max": "8192"}, ""},
		{"refuses a page size the host does not have", []*configs.HugepageLimit{{Pagesize: "3MB/../x", Limit: 1}}, HugetlbLimitV2,
			nil, "invalid hugepage size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := testDir(t, nil)
			err := WriteHugetlbLimits(dir, tc.limits, tc.suffix)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("files written despite the error: %v", entries)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for f, want := range tc.want {
				if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || string(b) != want {
					t.Errorf("%s = %q, %v; want %q", f, b, err, want)
				}
			}
		})
	}
}

func TestReadHugetlbV2(t *testing.T) {
	sizes := cgroups.HugePageSizes()
	if len(sizes) == 0 {
		t.Skip("skipped: host has no huge page sizes")
	}
	files := map[string]string{}
	for _, s := range sizes {
		files["hugetlb."+s+".current"] = "10\n"
		files["hugetlb."+s+".rsvd.current"] = "20\n"
		files["hugetlb."+s+".events"] = "max 3\n"
	}
	tests := []struct {
		name       string
		files      map[string]string
		preferRsvd bool
		wantUsage  uint64
		wantStats  bool
	}{
		{"reads the fault counter", files, false, 10, true},
		{"prefers the reservation counter when asked", files, true, 20, true},
		{"fills nothing without the controller", nil, true, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := testDir(t, tc.files)
			stats := cgroups.NewStats()
			if err := ReadHugetlbV2(dir, stats, tc.preferRsvd); err != nil {
				t.Fatal(err)
			}
			if !tc.wantStats {
				if len(stats.HugetlbStats) != 0 {
					t.Errorf("stats filled without the controller: %v", stats.HugetlbStats)
				}
				return
			}
			for _, s := range sizes {
				if got := stats.HugetlbStats[s]; got.Usage != tc.wantUsage || got.Failcnt != 3 {
					t.Errorf("%s stats = %+v, want usage %d failcnt 3", s, got, tc.wantUsage)
				}
			}
		})
	}
}
