package devices

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/b7f961b7/libcontainer/devices"
)

func rule(s string, allow bool) devices.Rule {
	r, err := parseListLine(s)
	if err != nil {
		panic(err)
	}
	r.Allow = allow
	return r
}

// applied returns a zero Emulator with rules applied in order.
func applied(t *testing.T, rules []devices.Rule) *Emulator {
	t.Helper()
	e := &Emulator{}
	for _, r := range rules {
		if err := e.Apply(r); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func rulesOf(e *Emulator) string {
	rs, _ := e.Rules()
	var b strings.Builder
	for _, r := range rs {
		if r.Allow {
			b.WriteString("allow ")
		} else {
			b.WriteString("deny ")
		}
		b.WriteString(r.CgroupString() + "; ")
	}
	return b.String()
}

func TestApplyBehavesLikeTheKernel(t *testing.T) {
	tests := []struct {
		name  string
		rules []devices.Rule
		want  string
	}{
		{"the zero emulator denies everything", nil, "deny a *:* rwm; "},
		{"an allow adds an exception to deny-all", []devices.Rule{rule("c 1:3 rw", true)}, "deny a *:* rwm; allow c 1:3 rw; "},
		{"allows of the same device merge", []devices.Rule{rule("c 1:3 r", true), rule("c 1:3 w", true)}, "deny a *:* rwm; allow c 1:3 rw; "},
		{"a deny removes bits from the identical exception", []devices.Rule{rule("c 1:3 rwm", true), rule("c 1:3 w", false)}, "deny a *:* rwm; allow c 1:3 rm; "},
		{"a deny of other numbers leaves exceptions alone", []devices.Rule{rule("c *:* rwm", true), rule("c 1:3 rwm", false)}, "deny a *:* rwm; allow c *:* rwm; "},
		{"an a-type allow resets to allow-all", []devices.Rule{rule("c 1:3 rwm", true), rule("a *:* r", true)}, "allow a *:* rwm; "},
		{"a deny after allow-all is an exception", []devices.Rule{rule("a *:* rwm", true), rule("b 8:0 w", false)}, "allow a *:* rwm; deny b 8:0 w; "},
		{"an a-type deny resets to deny-all", []devices.Rule{rule("a *:* rwm", true), rule("b 8:0 w", false), rule("a *:* m", false)}, "deny a *:* rwm; "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := applied(t, tc.rules)
			if got := rulesOf(e); got != tc.want {
				t.Errorf("state %q, want %q", got, tc.want)
			}
		})
	}
}

func TestApplyRejectsInvalidRules(t *testing.T) {
	for _, r := range []devices.Rule{
		{Type: 'p', Major: 1, Minor: 1, Permissions: "r"},
		{Type: 'x', Major: 1, Minor: 1, Permissions: "r"},
		{Type: 'c', Major: 1, Minor: 1, Permissions: ""},
		{Type: 'c', Major: 1, Minor: 1, Permissions: "wr"},
		{Type: 'c', Major: 1, Minor: 1, Permissions: "rwx"},
		{Type: 'c', Major: -2, Minor: 1, Permissions: "r"},
	} {
		if err := (&Emulator{}).Apply(r); err == nil {
			t.Errorf("Apply(%+v) accepted an invalid rule", r)
		}
	}
}

func TestEmulatorFromList(t *testing.T) {
	tests := []struct {
		name    string
		list    string
		want    string
		wantErr bool
	}{
		{"allow-all", "a *:* rwm\n", "allow a *:* rwm; ", false},
		{"an empty list is deny-all", "", "deny a *:* rwm; ", false},
		{"a whitelist", "c 1:3 rwm\nb 8:* r\nc *:* m\n", "deny a *:* rwm; allow b 8:* r; allow c *:* m; allow c 1:3 rwm; ", false},
		{"garbage", "c 1-3 rwm\n", "", true},
		{"a wildcard after entries", "c 1:3 rwm\na *:* rwm\n", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := EmulatorFromList(strings.NewReader(tc.list))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("parsed %q without error", tc.list)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rulesOf(e); got != tc.want {
				t.Errorf("state %q, want %q", got, tc.want)
			}
		})
	}
}

// randomRule returns a random valid rule over a small device space, so
// that rules collide often.
func randomRule(r *rand.Rand) devices.Rule {
	types := []devices.Type{'a', 'b', 'c', 'c', 'c'}
	nums := []int64{-1, 1, 3, 5}
	perms := []devices.Permissions{"r", "w", "m", "rw", "rm", "wm", "rwm"}
	return devices.Rule{
		Type:        types[r.Intn(len(types))],
		Major:       nums[r.Intn(len(nums))],
		Minor:       nums[r.Intn(len(nums))],
		Permissions: perms[r.Intn(len(perms))],
		Allow:       r.Intn(2) == 0,
	}
}

func randomEmulator(r *rand.Rand) *Emulator {
	e := &Emulator{}
	for i := r.Intn(8); i > 0; i-- {
		if err := e.Apply(randomRule(r)); err != nil {
			panic(err)
		}
	}
	return e
}

func TestTransitionReachesTheTargetWithoutPassingThroughAllowAll(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for i := 0; i < 5000; i++ {
		from, to := randomEmulator(rnd), randomEmulator(rnd)
		rules, err := from.Clone().Transition(to)
		if err != nil {
			t.Fatal(err)
		}
		cur := from.Clone()
		// Only a change to an allow-by-default target with exceptions
		// from a deny-by-default state may pass through allow-all.
		mayAllowAll := to.IsAllowAll() || (!from.IsBlacklist() && to.IsBlacklist())
		for _, r := range rules {
			if err := cur.Apply(*r); err != nil {
				t.Fatal(err)
			}
			if cur.IsAllowAll() && !mayAllowAll {
				t.Fatalf("transition %q -> %q passes through allow-all: %v", rulesOf(from), rulesOf(to), rules)
			}
		}
		if !cur.Equal(to) {
			t.Fatalf("transition %q -> %q ends in %q", rulesOf(from), rulesOf(to), rulesOf(cur))
		}
		if from.Equal(to) && len(rules) != 0 {
			t.Fatalf("transition between equal states %q writes %d rules", rulesOf(from), len(rules))
		}
	}
}

func TestAllowsFollowsKernelMatching(t *testing.T) {
	tests := []struct {
		name  string
		rules []devices.Rule
		perms devices.Permissions
		want  bool
	}{
		{"deny-all denies", nil, "r", false},
		{"an exact allow covers", []devices.Rule{rule("c 1:3 rw", true)}, "rw", true},
		{"a request needs one exception covering all bits", []devices.Rule{rule("c 1:3 r", true), rule("c 1:* w", true)}, "rw", false},
		{"wildcard numbers match", []devices.Rule{rule("c *:* rwm", true)}, "rwm", true},
		{"the type must match", []devices.Rule{rule("b *:* rwm", true)}, "r", false},
		{"a deny exception overlapping one bit denies", []devices.Rule{rule("a *:* rwm", true), rule("c 1:3 w", false)}, "rw", false},
		{"a deny exception of other bits does not", []devices.Rule{rule("a *:* rwm", true), rule("c 1:3 w", false)}, "r", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := applied(t, tc.rules)
			if got := e.Allows(devices.CharDevice, 1, 3, tc.perms); got != tc.want {
				t.Errorf("Allows(c 1:3 %s) = %v, want %v", tc.perms, got, tc.want)
			}
		})
	}
}
