package configs

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// readConfigDoc loads the hand-written state.json-style document.
func readConfigDoc(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/config.json")
	if err != nil {
		t.Fatalf("read testdata: %v", err)
	}
	return b
}

// decodeAny decodes JSON into generic maps and slices for comparison.
func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode generic JSON: %v", err)
	}
	return v
}

func TestConfigJSONRoundTripKeepsEveryField(t *testing.T) {
	doc := readConfigDoc(t)
	var cfg Config
	if err := json.Unmarshal(doc, &cfg); err != nil {
		t.Fatalf("unmarshal config: %v", err)
	}
	out, err := json.Marshal(&cfg)
	if err != nil {
		t.Fatalf("marshal config: %v", err)
	}
	want, got := decodeAny(t, doc), decodeAny(t, out)
	if !reflect.DeepEqual(want, got) {
		t.Errorf("round trip changed the document\nwant: %s\ngot:  %s", doc, out)
	}
}

func TestConfigJSONDecodesQuirkyKeys(t *testing.T) {
	var cfg Config
	if err := json.Unmarshal(readConfigDoc(t), &cfg); err != nil {
		t.Fatalf("unmarshal config: %v", err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"cpu_rt_quota fills CpuRtRuntime", cfg.Cgroups.CpuRtRuntime == 950000},
		{"net_cls_classid_u fills NetClsClassid", cfg.Cgroups.NetClsClassid == 1048577},
		{"untagged Systemd is read from key Systemd", cfg.Cgroups.Systemd},
		{"inlined resources are read into the embedded pointer", cfg.Cgroups.Resources != nil && cfg.Cgroups.Memory == 1<<30},
		{"untagged Capabilities keys are Go names", cfg.Capabilities != nil && len(cfg.Capabilities.Permitted) == 2},
		{"device type is a number", len(cfg.Devices) == 1 && cfg.Devices[0].Type == 'c'},
		{"timeout is nanoseconds", len(cfg.Mounts) == 2 && cfg.Mounts[1].PostmountCmds[0].Timeout != nil && cfg.Mounts[1].PostmountCmds[0].Timeout.Seconds() == 1},
		{"hooks decode as command hooks", len(cfg.Hooks[CreateRuntime]) == 1 && len(cfg.Hooks[Prestart]) == 0},
		{"idmapped mount is recognised", cfg.Mounts[1].IsIDMapped() && !cfg.Mounts[0].IsIDMapped()},
		{"time namespace is read", cfg.Namespaces.Contains(NEWTIME)},
		{"time offsets are read", cfg.TimeOffsets["monotonic"].Secs == 3600},
		{"net devices are read", cfg.NetDevices["eth1"].Name == "net0"},
		{"landlock is read", cfg.Landlock != nil && cfg.Landlock.BestEffort && cfg.Landlock.Rules[0].Path == "/usr"},
		{"personality is read", cfg.Personality != nil && cfg.Personality.Domain == PerLinux32},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Error("check failed")
			}
		})
	}
}

// jsonKeys collects the JSON object keys of every struct reachable from t.
func jsonKeys(t reflect.Type, seen map[reflect.Type]bool, keys map[string]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" {
			jsonKeys(f.Type, seen, keys)
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		keys[name] = true
		jsonKeys(f.Type, seen, keys)
	}
}

// docKeys collects every object key used anywhere in a decoded document.
func docKeys(v any, keys map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			keys[k] = true
			docKeys(e, keys)
		}
	case []any:
		for _, e := range x {
			docKeys(e, keys)
		}
	}
}

func TestConfigTestdataUsesEveryJSONKey(t *testing.T) {
	want := map[string]bool{}
	jsonKeys(reflect.TypeOf(Config{}), map[reflect.Type]bool{}, want)
	jsonKeys(reflect.TypeOf(Command{}), map[reflect.Type]bool{}, want) // hooks are reached through an interface
	for _, n := range KnownHookNames() {
		want[n] = true
	}
	have := map[string]bool{}
	docKeys(decodeAny(t, readConfigDoc(t)), have)
	var missing []string
	for k := range want {
		if !have[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("testdata/config.json does not use these keys: %v", missing)
	}
}
