package fscommon

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/b7f961b7/libcontainer/cgroups"
)

func TestParseUint(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    uint64
		wantErr bool
	}{
		{"42", 42, false},
		{"-1", 0, false},
		{"-99999999999999999999", 0, false},
		{"18446744073709551615", math.MaxUint64, false},
		{"x", 0, true},
	} {
		got, err := ParseUint(tc.in, 10, 64)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseUint(%q) = %d, %v; want %d, err=%v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseKeyValue(t *testing.T) {
	for _, tc := range []struct {
		in      string
		key     string
		val     uint64
		wantErr bool
	}{
		{"cache 100", "cache", 100, false},
		{"nokey", "", 0, true},
		{"a b c", "", 0, true},
		{"a x", "", 0, true},
	} {
		k, v, err := ParseKeyValue(tc.in)
		if (err != nil) != tc.wantErr || k != tc.key || v != tc.val {
			t.Errorf("ParseKeyValue(%q) = %q, %d, %v", tc.in, k, v, err)
		}
		if err != nil && !errors.Is(err, ErrNotValidFormat) {
			t.Errorf("ParseKeyValue(%q) error %v does not wrap ErrNotValidFormat", tc.in, err)
		}
	}
}

func TestParamReadersInTestMode(t *testing.T) {
	cgroups.TestMode = true
	defer func() { cgroups.TestMode = false }()
	dir := t.TempDir()
	files := map[string]string{"u": "12\n", "max": "max\n", "neg": "-5\n", "kv": "a 1\nb 2\n", "bad": "zz\n"}
	for f, c := range files {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := GetCgroupParamUint(dir, "u"); err != nil || v != 12 {
		t.Errorf("GetCgroupParamUint(u) = %d, %v", v, err)
	}
	if v, err := GetCgroupParamUint(dir, "max"); err != nil || v != math.MaxUint64 {
		t.Errorf("GetCgroupParamUint(max) = %d, %v", v, err)
	}
	if v, err := GetCgroupParamInt(dir, "max"); err != nil || v != math.MaxInt64 {
		t.Errorf("GetCgroupParamInt(max) = %d, %v", v, err)
	}
	if v, err := GetCgroupParamInt(dir, "neg"); err != nil || v != -5 {
		t.Errorf("GetCgroupParamInt(neg) = %d, %v", v, err)
	}
	if v, err := GetValueByKey(dir, "kv", "b"); err != nil || v != 2 {
		t.Errorf("GetValueByKey(kv, b) = %d, %v", v, err)
	}
	if v, err := GetValueByKey(dir, "kv", "c"); err != nil || v != 0 {
		t.Errorf("GetValueByKey(kv, c) = %d, %v; want 0 for an absent key", v, err)
	}
	var pe *ParseError
	if _, err := GetCgroupParamUint(dir, "bad"); !errors.As(err, &pe) || pe.File != "bad" {
		t.Errorf("GetCgroupParamUint(bad) error %v, want a *ParseError for file bad", err)
	}
}

func TestRdmaStatsAndLimitsInTestMode(t *testing.T) {
	cgroups.TestMode = true
	defer func() { cgroups.TestMode = false }()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rdma.current"), []byte("mlx4_0 hca_handle=2 hca_object=2000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rdma.max"), []byte("mlx4_0 hca_handle=max hca_object=10\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := cgroups.NewStats()
	if err := RdmaGetStats(dir, s); err != nil {
		t.Fatal(err)
	}
	if len(s.RdmaStats.RdmaCurrent) != 1 || s.RdmaStats.RdmaCurrent[0].HcaObjects != 2000 || s.RdmaStats.RdmaLimit[0].HcaHandles != math.MaxUint32 {
		t.Errorf("rdma stats %+v", s.RdmaStats)
	}
}
