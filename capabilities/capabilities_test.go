//go:build linux

package capabilities

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/syndtr/gocapability/capability"
	"golang.org/x/sys/unix"
)

func TestKnownCapabilities(t *testing.T) {
	names := KnownCapabilities()
	t.Run("every name starts with CAP_ and is upper case", func(t *testing.T) {
		for _, n := range names {
			if !strings.HasPrefix(n, "CAP_") || strings.ToUpper(n) != n {
				t.Errorf("bad name %q", n)
			}
		}
	})
	t.Run("well-known capabilities are listed", func(t *testing.T) {
		for _, want := range []string{"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_BIND_SERVICE", "CAP_BPF"} {
			found := false
			for _, n := range names {
				found = found || n == want
			}
			if !found {
				t.Errorf("%s missing", want)
			}
		}
	})
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		config  *configs.Capabilities
		lastCap capability.Cap
		want    map[capability.CapType][]capability.Cap
		wantErr string
	}{
		{name: "a nil config gives empty sets",
			config: nil, lastCap: 40,
			want: sets(nil, nil, nil, nil, nil)},
		{name: "known names are mapped and duplicates removed",
			config: &configs.Capabilities{
				Bounding:  []string{"CAP_CHOWN", "CAP_KILL", "CAP_CHOWN"},
				Effective: []string{"CAP_KILL"},
				Permitted: []string{"CAP_KILL"},
			}, lastCap: 40,
			want: sets([]capability.Cap{capability.CAP_CHOWN, capability.CAP_KILL},
				[]capability.Cap{capability.CAP_KILL}, nil, []capability.Cap{capability.CAP_KILL}, nil)},
		{name: "an unknown name is an error naming it and its set",
			config:  &configs.Capabilities{Effective: []string{"CAP_CHOWN", "CAP_MAKE_COFFEE"}},
			lastCap: 40, wantErr: `unknown capability "CAP_MAKE_COFFEE" in the Effective set`},
		{name: "a lower-case name is unknown",
			config:  &configs.Capabilities{Bounding: []string{"cap_chown"}},
			lastCap: 40, wantErr: `unknown capability "cap_chown" in the Bounding set`},
		{name: "a name the kernel lacks is dropped",
			config:  &configs.Capabilities{Bounding: []string{"CAP_CHOWN", "CAP_CHECKPOINT_RESTORE"}},
			lastCap: 39,
			want:    sets([]capability.Cap{capability.CAP_CHOWN}, nil, nil, nil, nil)},
		{name: "inheritable is never filled beyond the config (CVE-2022-29162)",
			config: &configs.Capabilities{
				Effective: []string{"CAP_NET_RAW"}, Permitted: []string{"CAP_NET_RAW"}, Bounding: []string{"CAP_NET_RAW"},
			}, lastCap: 40,
			want: sets([]capability.Cap{capability.CAP_NET_RAW}, []capability.Cap{capability.CAP_NET_RAW}, nil,
				[]capability.Cap{capability.CAP_NET_RAW}, nil)},
		{name: "an ambient capability missing from inheritable is dropped",
			config: &configs.Capabilities{
				Permitted: []string{"CAP_KILL", "CAP_CHOWN"}, Inheritable: []string{"CAP_CHOWN"},
				Ambient: []string{"CAP_KILL", "CAP_CHOWN"},
			}, lastCap: 40,
			want: sets(nil, nil, []capability.Cap{capability.CAP_CHOWN},
				[]capability.Cap{capability.CAP_KILL, capability.CAP_CHOWN}, []capability.Cap{capability.CAP_CHOWN})},
		{name: "an ambient capability missing from permitted is dropped",
			config:  &configs.Capabilities{Inheritable: []string{"CAP_KILL"}, Ambient: []string{"CAP_KILL"}},
			lastCap: 40,
			want:    sets(nil, nil, []capability.Cap{capability.CAP_KILL}, nil, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := newCaps(tt.config, tt.lastCap)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.caps, tt.want) {
				t.Errorf("caps = %v, want %v", c.caps, tt.want)
			}
		})
	}
}

// sets builds the expected per-set map; nil lists become empty ones.
func sets(bounding, effective, inheritable, permitted, ambient []capability.Cap) map[capability.CapType][]capability.Cap {
	norm := func(l []capability.Cap) []capability.Cap {
		if l == nil {
			return []capability.Cap{}
		}
		return l
	}
	return map[capability.CapType][]capability.Cap{
		capability.BOUNDING:    norm(bounding),
		capability.EFFECTIVE:   norm(effective),
		capability.INHERITABLE: norm(inheritable),
		capability.PERMITTED:   norm(permitted),
		capability.AMBIENT:     norm(ambient),
	}
}

// threadCaps holds the capability masks of one thread.
type threadCaps struct {
	Inh, Prm, Eff, Bnd, Amb uint64
}

// mask builds a capability bit mask.
func mask(caps ...capability.Cap) uint64 {
	var m uint64
	for _, c := range caps {
		m |= 1 << uint(c)
	}
	return m
}

// inThrowawayThread runs fn on a goroutine locked to a fresh OS thread
// that is never unlocked, so the Go runtime destroys the thread (and with
// it any capability change) when fn returns. It returns the capability
// masks of that thread after fn.
func inThrowawayThread(t *testing.T, fn func() error) (threadCaps, error) {
	t.Helper()
	type result struct {
		caps threadCaps
		err  error
	}
	done := make(chan result)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: the thread exits with the goroutine.
		if err := fn(); err != nil {
			done <- result{err: err}
			return
		}
		caps, err := readThreadCaps()
		done <- result{caps, err}
	}()
	r := <-done
	return r.caps, r.err
}

func readThreadCaps() (threadCaps, error) {
	f, err := os.Open(fmt.Sprintf("/proc/self/task/%d/status", unix.Gettid()))
	if err != nil {
		return threadCaps{}, err
	}
	defer f.Close()
	var tc threadCaps
	fields := map[string]*uint64{"CapInh:": &tc.Inh, "CapPrm:": &tc.Prm, "CapEff:": &tc.Eff, "CapBnd:": &tc.Bnd, "CapAmb:": &tc.Amb}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) == 2 && fields[parts[0]] != nil {
			v, err := strconv.ParseUint(parts[1], 16, 64)
			if err != nil {
				return tc, err
			}
			*fields[parts[0]] = v
		}
	}
	return tc, sc.Err()
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: changing the bounding and permitted sets requires CAP_SETPCAP and the caps themselves")
	}
}

func TestApplyAsRoot(t *testing.T) {
	requireRoot(t)
	tests := []struct {
		name   string
		config *configs.Capabilities
		want   threadCaps
	}{
		{name: "all five sets are set exactly as configured",
			config: &configs.Capabilities{
				Bounding:    []string{"CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_KILL"},
				Effective:   []string{"CAP_CHOWN", "CAP_NET_BIND_SERVICE"},
				Permitted:   []string{"CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_KILL"},
				Inheritable: []string{"CAP_NET_BIND_SERVICE"},
				Ambient:     []string{"CAP_NET_BIND_SERVICE"},
			},
			want: threadCaps{
				Bnd: mask(capability.CAP_CHOWN, capability.CAP_NET_BIND_SERVICE, capability.CAP_KILL),
				Eff: mask(capability.CAP_CHOWN, capability.CAP_NET_BIND_SERVICE),
				Prm: mask(capability.CAP_CHOWN, capability.CAP_NET_BIND_SERVICE, capability.CAP_KILL),
				Inh: mask(capability.CAP_NET_BIND_SERVICE),
				Amb: mask(capability.CAP_NET_BIND_SERVICE),
			}},
		{name: "extra permitted caps leave inheritable and ambient empty (CVE-2022-29162)",
			config: &configs.Capabilities{
				Bounding:  []string{"CAP_NET_RAW", "CAP_CHOWN"},
				Effective: []string{"CAP_NET_RAW", "CAP_CHOWN"},
				Permitted: []string{"CAP_NET_RAW", "CAP_CHOWN"},
			},
			want: threadCaps{
				Bnd: mask(capability.CAP_NET_RAW, capability.CAP_CHOWN),
				Eff: mask(capability.CAP_NET_RAW, capability.CAP_CHOWN),
				Prm: mask(capability.CAP_NET_RAW, capability.CAP_CHOWN),
			}},
		{name: "an empty config drops every capability",
			config: &configs.Capabilities{},
			want:   threadCaps{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.config)
			if err != nil {
				t.Fatal(err)
			}
			got, err := inThrowawayThread(t, func() error {
				if err := c.ApplyBoundingSet(); err != nil {
					return err
				}
				return c.ApplyCaps()
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("thread caps = %+x, want %+x", got, tt.want)
			}
		})
	}
}

func TestApplyAfterSetuidWithKeepCaps(t *testing.T) {
	requireRoot(t)
	c, err := New(&configs.Capabilities{
		Bounding:  []string{"CAP_NET_BIND_SERVICE", "CAP_SETPCAP"},
		Effective: []string{"CAP_NET_BIND_SERVICE"},
		Permitted: []string{"CAP_NET_BIND_SERVICE"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var uid uintptr
	got, err := inThrowawayThread(t, func() error {
		if err := c.ApplyBoundingSet(); err != nil {
			return err
		}
		if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
			return err
		}
		// setresuid for this thread only (the raw syscall, not Go's
		// all-threads unix.Setresuid).
		if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, 1000, 1000, 1000); e != 0 {
			return fmt.Errorf("setresuid: %w", e)
		}
		uid, _, _ = unix.RawSyscall(unix.SYS_GETUID, 0, 0, 0)
		if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 0, 0, 0, 0); err != nil {
			return err
		}
		return c.ApplyCaps()
	})
	if err != nil {
		t.Fatal(err)
	}
	if uid != 1000 {
		t.Fatalf("thread uid = %d, want 1000", uid)
	}
	want := threadCaps{
		Bnd: mask(capability.CAP_NET_BIND_SERVICE, capability.CAP_SETPCAP),
		Eff: mask(capability.CAP_NET_BIND_SERVICE),
		Prm: mask(capability.CAP_NET_BIND_SERVICE),
	}
	if got != want {
		t.Errorf("thread caps after setuid = %+x, want %+x", got, want)
	}
}

func TestApplyBoundingSetWithoutSetpcapFails(t *testing.T) {
	requireRoot(t)
	c, err := New(&configs.Capabilities{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = inThrowawayThread(t, func() error {
		// Remove CAP_SETPCAP from the effective set only.
		lim, err := New(&configs.Capabilities{
			Effective: []string{"CAP_CHOWN"},
			Permitted: []string{"CAP_CHOWN", "CAP_SETPCAP"},
		})
		if err != nil {
			return err
		}
		pid, err := capability.NewPid2(0)
		if err != nil {
			return err
		}
		pid.Clear(capability.CAPS)
		pid.Set(capability.EFFECTIVE, lim.caps[capability.EFFECTIVE]...)
		pid.Set(capability.PERMITTED, lim.caps[capability.PERMITTED]...)
		if err := pid.Apply(capability.CAPS); err != nil {
			return fmt.Errorf("setup capset: %w", err)
		}
		return c.ApplyBoundingSet()
	})
	if err == nil || !strings.Contains(err.Error(), "needs CAP_SETPCAP") {
		t.Errorf("err = %v, want a bounding-set drop error mentioning CAP_SETPCAP", err)
	}
}
