package integration

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/configs"
)

// tenDays is the clock offset the time namespace tests give the container.
const tenDays = 10 * 24 * 3600

// hostUptime returns the host's uptime in seconds from /proc/uptime.
func hostUptime(t *testing.T) float64 {
	t.Helper()
	return parseUptime(t, readFile(t, "/proc/uptime"))
}

// parseUptime reads the first field of a /proc/uptime text.
func parseUptime(t *testing.T, text string) float64 {
	t.Helper()
	f := strings.Fields(text)
	if len(f) == 0 {
		t.Fatalf("bad /proc/uptime %q", text)
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		t.Fatalf("bad /proc/uptime %q: %v", text, err)
	}
	return v
}

// checkShifted checks that an uptime read in the container lies between
// the host's uptimes before and after, shifted by the offset.
func checkShifted(t *testing.T, inside, before, after float64, offset int64) {
	t.Helper()
	lo, hi := before+float64(offset)-0.01, after+float64(offset)+0.01
	if inside < lo || inside > hi {
		t.Errorf("uptime in the container %.2f, want between %.2f and %.2f (host uptime + %d s)", inside, lo, hi, offset)
	}
}

// timensConfig is the template config with a new time namespace whose
// boottime and monotonic clocks are ahead by offset seconds.
func timensConfig(t *testing.T, offset int64) *configs.Config {
	t.Helper()
	cfg := newTemplateConfig(t)
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWTIME})
	cfg.TimeOffsets = map[string]specs.LinuxTimeOffset{
		"boottime":  {Secs: offset},
		"monotonic": {Secs: offset, Nanosecs: 500},
	}
	return cfg
}

func TestTimeNamespaceOffsets(t *testing.T) {
	requireRoot(t)
	for _, tc := range []struct {
		name   string
		userns bool
	}{
		{"the container's clocks carry the offsets", false},
		{"the offsets apply in a user namespace too", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := timensConfig(t, tenDays)
			if tc.userns {
				cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUSER})
				cfg.UidMappings, cfg.GidMappings = singleRange, singleRange
				shiftOwnership(t, cfg.Rootfs, singleRange)
				makeReachable(t, cfg.Rootfs)
			}
			before := hostUptime(t)
			out := runSh(t, cfg, `cat /proc/uptime; awk '{print $1, $2, $3}' /proc/self/timens_offsets`)
			after := hostUptime(t)
			lines := strings.SplitN(out, "\n", 2)
			if len(lines) != 2 {
				t.Fatalf("output %q", out)
			}
			checkShifted(t, parseUptime(t, lines[0]), before, after, tenDays)
			want := fmt.Sprintf("monotonic %d 500\nboottime %d 0", tenDays, tenDays)
			if lines[1] != want {
				t.Errorf("timens_offsets %q, want %q", lines[1], want)
			}
		})
	}
}

func TestTimeNamespaceIsJoined(t *testing.T) {
	requireRoot(t)
	c, _ := startLongRunning(t, timensConfig(t, tenDays))
	st, err := c.State()
	if err != nil {
		t.Fatal(err)
	}
	initNS, err := os.Readlink(st.NamespacePaths[configs.NEWTIME])
	if err != nil {
		t.Fatal(err)
	}
	if self, _ := os.Readlink("/proc/self/ns/time"); self == initNS {
		t.Fatalf("the init is in the host's time namespace %s", initNS)
	}

	t.Run("an exec'd process is in the container's time namespace", func(t *testing.T) {
		before := hostUptime(t)
		out := execAs(t, c, "", "sh", "-c", "readlink /proc/self/ns/time; cat /proc/uptime")
		after := hostUptime(t)
		ns, uptime, _ := strings.Cut(out, "\n")
		if ns != initNS {
			t.Errorf("exec'd process in time namespace %s, the init in %s", ns, initNS)
		}
		checkShifted(t, parseUptime(t, uptime), before, after, tenDays)
	})
	t.Run("another container joins it by path", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWTIME, Path: st.NamespacePaths[configs.NEWTIME]})
		before := hostUptime(t)
		out := runSh(t, cfg, "readlink /proc/self/ns/time; cat /proc/uptime")
		after := hostUptime(t)
		ns, uptime, _ := strings.Cut(out, "\n")
		if ns != initNS {
			t.Errorf("joining container in time namespace %s, want %s", ns, initNS)
		}
		checkShifted(t, parseUptime(t, uptime), before, after, tenDays)
	})
	t.Run("an exec'd process joins a time namespace owned by a user namespace", func(t *testing.T) {
		cfg := timensConfig(t, tenDays)
		cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUSER})
		cfg.UidMappings, cfg.GidMappings = singleRange, singleRange
		shiftOwnership(t, cfg.Rootfs, singleRange)
		makeReachable(t, cfg.Rootfs)
		uc, _ := startLongRunning(t, cfg)
		before := hostUptime(t)
		out := execAs(t, uc, "", "sh", "-c", "id -u; cat /proc/uptime")
		after := hostUptime(t)
		uid, uptime, _ := strings.Cut(out, "\n")
		if uid != "0" {
			t.Errorf("exec'd process has uid %q, want 0", uid)
		}
		checkShifted(t, parseUptime(t, uptime), before, after, tenDays)
	})
	t.Run("offsets for a joined time namespace are refused", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWTIME, Path: st.NamespacePaths[configs.NEWTIME]})
		cfg.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Secs: 1}}
		if _, err := newFactory(t).Create(containerID(t), cfg); err == nil || !strings.Contains(err.Error(), "time_offsets") {
			t.Fatalf("create: %v, want an error naming time_offsets", err)
		}
	})
}
