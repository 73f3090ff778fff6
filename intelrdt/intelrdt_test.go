package intelrdt

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/b7f961b7/libcontainer/configs"
)

func resctrlMounted() bool {
	_, err := Root()
	return err == nil
}

func TestInertWithoutResctrl(t *testing.T) {
	if resctrlMounted() {
		t.Skip("resctrl is mounted on this host; these cases are about a host without it")
	}
	t.Run("Root says resctrl is not mounted", func(t *testing.T) {
		_, err := Root()
		if err == nil || !strings.Contains(err.Error(), "not mounted") {
			t.Errorf("Root() error = %v, want a not-mounted error", err)
		}
	})
	t.Run("NewManager returns nil", func(t *testing.T) {
		cfg := &configs.Config{IntelRdt: &configs.IntelRdt{L3CacheSchema: "L3:0=f"}}
		if m := NewManager(cfg, "c1", ""); m != nil {
			t.Errorf("NewManager = %+v, want nil", m)
		}
	})
	t.Run("no feature is reported enabled", func(t *testing.T) {
		if IsCATEnabled() || IsMBAEnabled() || IsCMTEnabled() || IsMBMEnabled() {
			t.Error("a feature is reported enabled without resctrl")
		}
	})
}

func TestNewManagerWithoutIntelRdtConfig(t *testing.T) {
	for name, cfg := range map[string]*configs.Config{"a nil config": nil, "a config without IntelRdt": {}} {
		t.Run(name+" gives a nil manager", func(t *testing.T) {
			if m := NewManager(cfg, "c1", ""); m != nil {
				t.Errorf("NewManager = %+v, want nil", m)
			}
		})
	}
}

// fakeResctrl builds a directory laid out like a resctrl mount with CAT,
// MBA, CMT and MBM, for the parsing and writing logic (a real resctrl
// needs RDT hardware this machine does not have).
func fakeResctrl(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"schemata":                               "    L3:0=fffff;1=fffff\n    MB:0=100;1=100\n",
		"tasks":                                  "",
		"info/L3/cbm_mask":                       "fffff\n",
		"info/L3/min_cbm_bits":                   "1\n",
		"info/L3/num_closids":                    "16\n",
		"info/MB/bandwidth_gran":                 "10\n",
		"info/MB/delay_linear":                   "1\n",
		"info/MB/min_bandwidth":                  "10\n",
		"info/MB/num_closids":                    "8\n",
		"info/L3_MON/mon_features":               "llc_occupancy\nmbm_total_bytes\nmbm_local_bytes\n",
		"grp/schemata":                           "L3:0=f;1=f\nMB:0=50;1=50\n",
		"grp/tasks":                              "",
		"grp/mon_data/mon_L3_00/mbm_total_bytes": "100\n",
		"grp/mon_data/mon_L3_00/mbm_local_bytes": "60\n",
		"grp/mon_data/mon_L3_00/llc_occupancy":   "4096\n",
		"grp/mon_data/mon_L3_01/mbm_total_bytes": "200\n",
		"grp/mon_data/mon_L3_01/mbm_local_bytes": "80\n",
		"grp/mon_data/mon_L3_01/llc_occupancy":   "8192\n",
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestReadFeatures(t *testing.T) {
	t.Run("a full tree has every feature", func(t *testing.T) {
		if f := readFeatures(fakeResctrl(t)); f != (features{cat: true, mba: true, cmt: true, mbm: true}) {
			t.Errorf("features = %+v", f)
		}
	})
	t.Run("an empty tree has none", func(t *testing.T) {
		if f := readFeatures(t.TempDir()); f != (features{}) {
			t.Errorf("features = %+v", f)
		}
	})
}

func TestManagerOnFakeTree(t *testing.T) {
	root := fakeResctrl(t)
	cfg := &configs.Config{IntelRdt: &configs.IntelRdt{ClosID: "grp"}}
	m := &Manager{config: cfg, id: "c1", root: root}

	t.Run("the group is named by ClosID", func(t *testing.T) {
		if got := m.GetPath(); got != filepath.Join(root, "grp") {
			t.Errorf("GetPath = %q", got)
		}
	})
	t.Run("Apply writes the pid into the group's tasks", func(t *testing.T) {
		if err := m.Apply(4242); err != nil {
			t.Fatal(err)
		}
		if data, _ := os.ReadFile(filepath.Join(root, "grp", "tasks")); string(data) != "4242" {
			t.Errorf("tasks = %q", data)
		}
	})
	t.Run("GetStats reads info, schemata and monitoring counters", func(t *testing.T) {
		st, err := m.GetStats()
		if err != nil {
			t.Fatal(err)
		}
		want := &Stats{
			L3CacheInfo:       &L3CacheInfo{CbmMask: "fffff", MinCbmBits: 1, NumClosids: 16},
			L3CacheSchemaRoot: "L3:0=fffff;1=fffff",
			L3CacheSchema:     "L3:0=f;1=f",
			MemBwInfo:         &MemBwInfo{BandwidthGran: 10, DelayLinear: 1, MinBandwidth: 10, NumClosids: 8},
			MemBwSchemaRoot:   "MB:0=100;1=100",
			MemBwSchema:       "MB:0=50;1=50",
			MBMStats:          &[]MBMNumaNodeStats{{100, 60}, {200, 80}},
			CMTStats:          &[]CMTNumaNodeStats{{4096}, {8192}},
		}
		if !reflect.DeepEqual(st, want) {
			a, _ := json.Marshal(st)
			b, _ := json.Marshal(want)
			t.Errorf("stats = %s\nwant    %s", a, b)
		}
	})
	t.Run("Set writes both schemata lines in one write", func(t *testing.T) {
		next := &configs.Config{IntelRdt: &configs.IntelRdt{ClosID: "grp", L3CacheSchema: "L3:0=3;1=3", MemBwSchema: "MB:0=20;1=20"}}
		if err := m.Set(next); err != nil {
			t.Fatal(err)
		}
		if data, _ := os.ReadFile(filepath.Join(root, "grp", "schemata")); string(data) != "L3:0=3;1=3\nMB:0=20;1=20\n" {
			t.Errorf("schemata = %q", data)
		}
	})
	t.Run("Destroy leaves a group named by ClosID alone", func(t *testing.T) {
		if err := m.Destroy(); err != nil {
			t.Fatal(err)
		}
		if !isDir(filepath.Join(root, "grp")) {
			t.Error("the ClosID group was removed")
		}
	})
}

func TestManagerGroupPerContainer(t *testing.T) {
	root := fakeResctrl(t)
	m := &Manager{config: &configs.Config{IntelRdt: &configs.IntelRdt{}}, id: "ctr", root: root}
	t.Run("the group is named by the container id and created by Apply", func(t *testing.T) {
		// A real resctrl creates tasks itself on mkdir; emulate it.
		if err := os.Mkdir(filepath.Join(root, "ctr"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "ctr", "tasks"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := m.Apply(-1); err != nil {
			t.Fatal(err)
		}
		if m.GetPath() != filepath.Join(root, "ctr") {
			t.Errorf("GetPath = %q", m.GetPath())
		}
	})
	t.Run("Destroy removes the container's own group", func(t *testing.T) {
		os.Remove(filepath.Join(root, "ctr", "tasks")) // resctrl's rmdir needs no emptying
		if err := m.Destroy(); err != nil {
			t.Fatal(err)
		}
		if isDir(filepath.Join(root, "ctr")) {
			t.Error("the group still exists")
		}
	})
}

func TestManagerErrors(t *testing.T) {
	t.Run("a schema for a missing feature is an error naming the field", func(t *testing.T) {
		m := &Manager{config: &configs.Config{IntelRdt: &configs.IntelRdt{}}, id: "c", root: t.TempDir()}
		err := m.Set(&configs.Config{IntelRdt: &configs.IntelRdt{L3CacheSchema: "L3:0=f"}})
		if err == nil || !strings.Contains(err.Error(), "l3CacheSchema") || !strings.Contains(err.Error(), "CAT") {
			t.Errorf("err = %v", err)
		}
		err = m.Set(&configs.Config{IntelRdt: &configs.IntelRdt{MemBwSchema: "MB:0=10"}})
		if err == nil || !strings.Contains(err.Error(), "memBwSchema") {
			t.Errorf("err = %v", err)
		}
	})
	for _, bad := range []string{".", "..", "a/b"} {
		t.Run("ClosID "+bad+" is refused", func(t *testing.T) {
			m := &Manager{config: &configs.Config{IntelRdt: &configs.IntelRdt{ClosID: bad}}, id: "c", root: t.TempDir()}
			if err := m.Apply(1); err == nil || !strings.Contains(err.Error(), "invalid intelRdt.ClosID") {
				t.Errorf("Apply err = %v", err)
			}
		})
	}
	t.Run("WriteIntelRdtTasks without a directory is an error", func(t *testing.T) {
		if err := WriteIntelRdtTasks("", 1); err == nil {
			t.Error("no error")
		}
	})
	t.Run("WriteIntelRdtTasks never creates a tasks file", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteIntelRdtTasks(dir, 1); err == nil {
			t.Error("no error for a directory without tasks")
		}
		if _, err := os.Stat(filepath.Join(dir, "tasks")); !os.IsNotExist(err) {
			t.Error("tasks file was created")
		}
	})
}

func TestSchemaLine(t *testing.T) {
	tests := []struct{ name, schemata, resource, want string }{
		{"the L3 line is found", "L3:0=f\nMB:0=10\n", "L3", "L3:0=f"},
		{"the MB line is found and trimmed", "  L3:0=f\n   MB:0=10  \n", "MB", "MB:0=10"},
		{"L3CODE is not L3", "L3CODE:0=f\n", "L3", ""},
		{"a missing resource gives empty", "L3:0=f\n", "MB", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := schemaLine(tt.schemata, tt.resource); got != tt.want {
				t.Errorf("schemaLine = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStatsJSON(t *testing.T) {
	data, err := json.Marshal(Stats{L3CacheSchema: "L3:0=f", MBMStats: &[]MBMNumaNodeStats{{1, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"l3_cache_schema":"L3:0=f","mbm_stats":[{"mbm_total_bytes":1,"mbm_local_bytes":2}]}`
	if string(data) != want {
		t.Errorf("json = %s, want %s", data, want)
	}
}
