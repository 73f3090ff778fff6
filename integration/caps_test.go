package integration

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/syndtr/gocapability/capability"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
)

// capMask is the /proc/<pid>/status hex mask of the named capabilities.
func capMask(t *testing.T, names ...string) string {
	t.Helper()
	var m uint64
	for _, name := range names {
		found := false
		for _, c := range capability.List() {
			if "CAP_"+strings.ToUpper(c.String()) == name {
				m |= 1 << uint(c)
				found = true
			}
		}
		if !found {
			t.Fatalf("unknown capability %s", name)
		}
	}
	return fmt.Sprintf("%016x", m)
}

// checkCapSets compares the Cap* lines of the probe's status output with
// want (set name -> capability names).
func checkCapSets(t *testing.T, out string, want map[string][]string) {
	t.Helper()
	got, _ := probeLines(out)
	for set, names := range want {
		if w := capMask(t, names...); got[set] != w {
			t.Errorf("%s = %s, want %s (%v)", set, got[set], w, names)
		}
	}
}

// TestCapabilitySets checks all five capability sets, as the kernel shows
// them in /proc/self/status, for an init and a joining process, for root
// and for an ordinary user (who keeps only ambient capabilities across
// execve).
func TestCapabilitySets(t *testing.T) {
	requireRoot(t)
	bounding := []string{"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP"}
	full := &configs.Capabilities{
		Bounding:    bounding,
		Effective:   []string{"CAP_KILL", "CAP_NET_BIND_SERVICE"},
		Permitted:   []string{"CAP_KILL", "CAP_NET_BIND_SERVICE"},
		Inheritable: []string{"CAP_NET_BIND_SERVICE"},
		Ambient:     []string{"CAP_NET_BIND_SERVICE"},
	}
	cases := []struct {
		name string
		user string
		caps *configs.Capabilities
		want map[string][]string
	}{
		{
			name: "root gets the bounding set in permitted and effective after execve, and the configured inheritable and ambient sets",
			caps: full,
			want: map[string][]string{"CapBnd": bounding, "CapPrm": bounding, "CapEff": bounding,
				"CapInh": {"CAP_NET_BIND_SERVICE"}, "CapAmb": {"CAP_NET_BIND_SERVICE"}},
		},
		{
			name: "an ordinary user keeps exactly the ambient capabilities",
			user: "1000", caps: full,
			want: map[string][]string{"CapBnd": bounding, "CapPrm": {"CAP_NET_BIND_SERVICE"}, "CapEff": {"CAP_NET_BIND_SERVICE"},
				"CapInh": {"CAP_NET_BIND_SERVICE"}, "CapAmb": {"CAP_NET_BIND_SERVICE"}},
		},
		{
			name: "an ordinary user without ambient capabilities has none",
			user: "1000", caps: &configs.Capabilities{Bounding: bounding, Effective: bounding, Permitted: bounding},
			want: map[string][]string{"CapBnd": bounding, "CapPrm": nil, "CapEff": nil, "CapInh": nil, "CapAmb": nil},
		},
		{
			name: "no capabilities at all leave root with an empty bounding set",
			caps: &configs.Capabilities{},
			want: map[string][]string{"CapBnd": nil, "CapPrm": nil, "CapEff": nil, "CapInh": nil, "CapAmb": nil},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := probeConfig(t)
			cfg.Capabilities = tc.caps
			watchHostOracles(t, cfg)
			c := newContainer(t, cfg)
			var initOut strings.Builder
			init := &libcontainer.Process{Args: []string{"/probe", "status"}, Env: standardEnvironment, User: tc.user, Stdout: &initOut, Init: true}
			runAndWait(t, c, init)
			checkCapSets(t, initOut.String(), tc.want)

			c2, _ := startLongRunning(t, withCgroupSuffix(cfg, "-2"))
			checkCapSets(t, secExec(t, c2, &libcontainer.Process{Args: []string{"/probe", "status"}, User: tc.user}), tc.want)
		})
	}
}

// withCgroupSuffix returns a copy of cfg with its own cgroup path.
func withCgroupSuffix(cfg *configs.Config, suffix string) *configs.Config {
	c := *cfg
	cg := *cfg.Cgroups
	cg.Path += suffix
	c.Cgroups = &cg
	return &c
}

// The header word of struct vfs_cap_data (linux/capability.h).
const (
	vfsCapRevision2      = 0x02000000
	vfsCapFlagsEffective = 0x000001
)

// setFileCaps gives path the file capabilities names, as permitted (p)
// and/or inheritable (i) file sets, with the effective bit.
func setFileCaps(t *testing.T, path string, permitted, inheritable []string) {
	t.Helper()
	mask := func(names []string) uint64 {
		m, err := strconv.ParseUint(capMask(t, names...), 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	p, i := mask(permitted), mask(inheritable)
	// struct vfs_cap_data, revision 2: magic_etc, then permitted and
	// inheritable as two 32-bit halves each.
	data := make([]byte, 20)
	binary.LittleEndian.PutUint32(data[0:], vfsCapRevision2|vfsCapFlagsEffective)
	binary.LittleEndian.PutUint32(data[4:], uint32(p))
	binary.LittleEndian.PutUint32(data[8:], uint32(i))
	binary.LittleEndian.PutUint32(data[12:], uint32(p>>32))
	binary.LittleEndian.PutUint32(data[16:], uint32(i>>32))
	if err := unix.Setxattr(path, "security.capability", data, 0); err != nil {
		t.Skipf("file capabilities cannot be set on the test rootfs (%v), so CVE-2022-29162 cannot be staged", err)
	}
}

// TestInheritableCapabilitiesNeverGranted covers CVE-2022-29162 (and crun
// CVE-2022-27650): capabilities given to a process are never added to its
// inheritable set, so a binary with inheritable file capabilities gains
// nothing from them at execve.
func TestInheritableCapabilitiesNeverGranted(t *testing.T) {
	requireRoot(t)
	cfg := probeConfig(t)
	// The attacker's binary: cap_net_raw in its inheritable file set (+ei).
	setFileCaps(t, filepath.Join(cfg.Rootfs, "probe"), nil, []string{"CAP_NET_RAW"})
	watchHostOracles(t, cfg)
	c, _ := startLongRunning(t, cfg)
	extra := &configs.Capabilities{}
	for _, set := range []*[]string{&extra.Bounding, &extra.Effective, &extra.Permitted} {
		*set = append(append([]string{}, cfg.Capabilities.Bounding...), "CAP_NET_ADMIN", "CAP_SYS_PTRACE")
	}
	// Control: a process that asks for inheritable CAP_NET_RAW does gain
	// it from the file as an ordinary user, so the file capabilities work
	// and the cases below are meaningful.
	asked := &configs.Capabilities{Bounding: cfg.Capabilities.Bounding, Inheritable: []string{"CAP_NET_RAW"}}
	got, _ := probeLines(secExec(t, c, &libcontainer.Process{Args: []string{"/probe", "status"}, User: "1000", Capabilities: asked}))
	if got["CapEff"] != capMask(t, "CAP_NET_RAW") {
		t.Fatalf("control: with inheritable CAP_NET_RAW asked for, CapEff is %s, want %s", got["CapEff"], capMask(t, "CAP_NET_RAW"))
	}
	for _, tc := range []struct {
		name string
		p    libcontainer.Process
	}{
		{"the init's capabilities as root", libcontainer.Process{}},
		{"extra capabilities for one process as root (exec --cap)", libcontainer.Process{Capabilities: extra}},
		{"the init's capabilities as an ordinary user", libcontainer.Process{User: "1000"}},
		{"extra capabilities for one process as an ordinary user", libcontainer.Process{User: "1000", Capabilities: extra}},
	} {
		t.Run(tc.name+": inheritable and ambient stay empty", func(t *testing.T) {
			p := tc.p
			p.Args = []string{"/probe", "status"}
			got, _ := probeLines(secExec(t, c, &p))
			if got["CapInh"] != capMask(t) || got["CapAmb"] != capMask(t) {
				t.Fatalf("CapInh %s CapAmb %s, want both empty", got["CapInh"], got["CapAmb"])
			}
			if p.User != "" {
				netRaw := capMask(t, "CAP_NET_RAW")
				eff, _ := strconv.ParseUint(got["CapEff"], 16, 64)
				prm, _ := strconv.ParseUint(got["CapPrm"], 16, 64)
				bit, _ := strconv.ParseUint(netRaw, 16, 64)
				if eff&bit != 0 || prm&bit != 0 {
					t.Fatalf("an ordinary user gained CAP_NET_RAW from the binary's inheritable file set: CapPrm %s CapEff %s", got["CapPrm"], got["CapEff"])
				}
			}
		})
	}
}

// TestUnknownCapabilityIsAnError checks that a capability name the library
// does not know fails the process before anything is made, naming it.
func TestUnknownCapabilityIsAnError(t *testing.T) {
	requireRoot(t)
	bad := []string{"CAP_KILL", "CAP_FLY"}
	t.Run("in the config", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		cfg.Capabilities = &configs.Capabilities{Bounding: bad, Effective: bad, Permitted: bad}
		watchHostOracles(t, cfg)
		_, err := runContainer(t, cfg, "true")
		if err == nil || !strings.Contains(err.Error(), `"CAP_FLY"`) {
			t.Fatalf("run: %v, want an error naming CAP_FLY", err)
		}
	})
	t.Run("for one process", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		watchHostOracles(t, cfg)
		c, _ := startLongRunning(t, cfg)
		p := &libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Capabilities: &configs.Capabilities{Ambient: []string{"CAP_FLY"}}}
		err := c.Run(p)
		if err == nil || !strings.Contains(err.Error(), `"CAP_FLY"`) {
			_, _ = p.Wait()
			t.Fatalf("exec: %v, want an error naming CAP_FLY", err)
		}
		if errors.Is(err, libcontainer.ErrInit) {
			t.Fatalf("the bad name was found only by the container process: %v", err)
		}
	})
}
