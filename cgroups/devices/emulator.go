// Package devices emulates the cgroup v1 devices controller: it models the
// allow/deny state the kernel keeps, computes the rule writes that move a
// cgroup from one state to another, and is the single source of the device
// access semantics that the cgroup v2 eBPF filter reproduces.
package devices

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/b7f961b7/libcontainer/devices"
)

// ruleKey identifies an exception the way the kernel merges them: by exact
// type, major and minor (wildcards are values of their own).
type ruleKey struct {
	typ   devices.Type
	major int64
	minor int64
}

// Emulator models the state of a cgroup v1 devices controller: a default
// (allow or deny everything) plus exceptions to it. The zero value denies
// every device.
type Emulator struct {
	defaultAllow bool
	exceptions   map[ruleKey]devices.Permissions
}

// IsBlacklist reports whether the default is to allow, with exceptions
// denying access.
func (e *Emulator) IsBlacklist() bool {
	return e.defaultAllow
}

// IsAllowAll reports whether every access to every device is allowed.
func (e *Emulator) IsAllowAll() bool {
	return e.defaultAllow && len(e.exceptions) == 0
}

// validateRule checks that rule is something the devices controller accepts.
func validateRule(rule devices.Rule) error {
	if !rule.Type.CanCgroup() {
		return fmt.Errorf("invalid device rule %q: type %q is not a, b or c", rule.CgroupString(), rune(rule.Type))
	}
	if rule.Permissions.IsEmpty() || !rule.Permissions.IsValid() {
		return fmt.Errorf("invalid device rule %q: permissions %q must be a non-empty subset of \"rwm\" in that order", rule.CgroupString(), string(rule.Permissions))
	}
	if rule.Major < devices.Wildcard || rule.Minor < devices.Wildcard {
		return fmt.Errorf("invalid device rule %q: negative device number", rule.CgroupString())
	}
	return nil
}

// Apply changes the state exactly as writing rule to devices.allow
// (rule.Allow) or devices.deny would. A rule of type 'a' resets the state
// to allow-all or deny-all whatever its numbers and permissions; any other
// rule adds permissions to, or removes them from, the exception with the
// same type and numbers.
func (e *Emulator) Apply(rule devices.Rule) error {
	if err := validateRule(rule); err != nil {
		return err
	}
	if rule.Type == devices.WildcardDevice {
		e.defaultAllow = rule.Allow
		e.exceptions = nil
		return nil
	}
	key := ruleKey{typ: rule.Type, major: rule.Major, minor: rule.Minor}
	if rule.Allow == e.defaultAllow {
		// Same direction as the default: take permissions away from
		// the matching exception.
		if cur, ok := e.exceptions[key]; ok {
			if rest := cur.Difference(rule.Permissions); rest.IsEmpty() {
				delete(e.exceptions, key)
			} else {
				e.exceptions[key] = rest
			}
		}
		return nil
	}
	if e.exceptions == nil {
		e.exceptions = make(map[ruleKey]devices.Permissions)
	}
	e.exceptions[key] = e.exceptions[key].Union(rule.Permissions)
	return nil
}

// sortedKeys returns the exception keys in a stable order.
func (e *Emulator) sortedKeys() []ruleKey {
	keys := make([]ruleKey, 0, len(e.exceptions))
	for k := range e.exceptions {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.typ != b.typ {
			return a.typ < b.typ
		}
		if a.major != b.major {
			return a.major < b.major
		}
		return a.minor < b.minor
	})
	return keys
}

// exceptionRule builds the rule for one exception with the given permissions.
func (e *Emulator) exceptionRule(k ruleKey, p devices.Permissions, allow bool) *devices.Rule {
	return &devices.Rule{Type: k.typ, Major: k.major, Minor: k.minor, Permissions: p, Allow: allow}
}

// resetRule returns the rule that resets a cgroup to the default of e.
func (e *Emulator) resetRule() *devices.Rule {
	return &devices.Rule{Type: devices.WildcardDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "rwm", Allow: e.defaultAllow}
}

// Rules returns the rules that build the state of e from scratch: a reset
// rule for the default followed by one rule per exception.
func (e *Emulator) Rules() ([]*devices.Rule, error) {
	rules := []*devices.Rule{e.resetRule()}
	for _, k := range e.sortedKeys() {
		rules = append(rules, e.exceptionRule(k, e.exceptions[k], !e.defaultAllow))
	}
	return rules, nil
}

// Exceptions returns the exceptions of e as rules (allow rules for a
// deny-by-default state, deny rules for an allow-by-default one), in a
// stable order.
func (e *Emulator) Exceptions() []*devices.Rule {
	rules, _ := e.Rules()
	return rules[1:]
}

// Transition returns the rules that, written in order to a cgroup in the
// state of e, leave it in the state of target. Restrictions are written
// before relaxations, and a deny-by-default target starts from a deny-all
// reset, so the cgroup is never more permissive than both states at once.
// Only a change from deny-by-default to allow-by-default with exceptions
// passes briefly through allow-all, because the kernel offers no other way.
func (e *Emulator) Transition(target *Emulator) ([]*devices.Rule, error) {
	if target == nil {
		return nil, errors.New("device transition: nil target")
	}
	if e.defaultAllow != target.defaultAllow {
		return target.Rules()
	}
	var restrict, relax []*devices.Rule
	exceptionsAllow := !target.defaultAllow
	for _, k := range e.sortedKeys() {
		cur := e.exceptions[k]
		extra := cur.Difference(target.exceptions[k])
		if extra.IsEmpty() {
			continue
		}
		// Removing bits from an exception: on a deny-by-default
		// cgroup this restricts, on an allow-by-default one it relaxes.
		r := e.exceptionRule(k, extra, target.defaultAllow)
		if exceptionsAllow {
			restrict = append(restrict, r)
		} else {
			relax = append(relax, r)
		}
	}
	for _, k := range target.sortedKeys() {
		missing := target.exceptions[k].Difference(e.exceptions[k])
		if missing.IsEmpty() {
			continue
		}
		r := e.exceptionRule(k, missing, exceptionsAllow)
		if exceptionsAllow {
			relax = append(relax, r)
		} else {
			restrict = append(restrict, r)
		}
	}
	return append(restrict, relax...), nil
}

// Allows reports whether the state permits access perms to the device of
// type typ (b or c) with the given numbers, exactly as the kernel decides:
// deny-by-default needs one exception covering every requested permission;
// allow-by-default denies when any exception overlaps the request.
func (e *Emulator) Allows(typ devices.Type, major, minor int64, perms devices.Permissions) bool {
	for k, p := range e.exceptions {
		if k.typ != typ || (k.major != devices.Wildcard && k.major != major) || (k.minor != devices.Wildcard && k.minor != minor) {
			continue
		}
		if e.defaultAllow {
			if !p.Intersection(perms).IsEmpty() {
				return false
			}
		} else if perms.Difference(p).IsEmpty() {
			return true
		}
	}
	return e.defaultAllow
}

// Clone returns an independent copy of e.
func (e *Emulator) Clone() *Emulator {
	c := &Emulator{defaultAllow: e.defaultAllow}
	if len(e.exceptions) > 0 {
		c.exceptions = make(map[ruleKey]devices.Permissions, len(e.exceptions))
		for k, v := range e.exceptions {
			c.exceptions[k] = v
		}
	}
	return c
}

// Equal reports whether e and o describe the same state.
func (e *Emulator) Equal(o *Emulator) bool {
	if e.defaultAllow != o.defaultAllow || len(e.exceptions) != len(o.exceptions) {
		return false
	}
	for k, v := range e.exceptions {
		if o.exceptions[k] != v {
			return false
		}
	}
	return true
}

// parseNumber parses a major or minor number of devices.list ("*" = wildcard).
func parseNumber(s string) (int64, error) {
	if s == "*" {
		return devices.Wildcard, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, err
	}
	return int64(n), nil
}

// parseListLine parses one "type major:minor access" line of devices.list.
func parseListLine(line string) (devices.Rule, error) {
	fields := strings.Fields(line)
	if len(fields) != 3 || len(fields[0]) != 1 {
		return devices.Rule{}, fmt.Errorf("malformed devices.list line %q", line)
	}
	majStr, minStr, ok := strings.Cut(fields[1], ":")
	if !ok {
		return devices.Rule{}, fmt.Errorf("malformed device numbers in devices.list line %q", line)
	}
	major, err := parseNumber(majStr)
	if err != nil {
		return devices.Rule{}, fmt.Errorf("bad major number in devices.list line %q: %w", line, err)
	}
	minor, err := parseNumber(minStr)
	if err != nil {
		return devices.Rule{}, fmt.Errorf("bad minor number in devices.list line %q: %w", line, err)
	}
	rule := devices.Rule{
		Type:        devices.Type(fields[0][0]),
		Major:       major,
		Minor:       minor,
		Permissions: devices.Permissions(fields[2]),
		Allow:       true,
	}
	if err := validateRule(rule); err != nil {
		return devices.Rule{}, err
	}
	return rule, nil
}

// EmulatorFromList builds an Emulator from the content of a cgroup v1
// devices.list file. "a *:* rwm" (alone) means allow-all; otherwise every
// line is an allowed exception to deny-all. Note that the kernel does not
// list the deny exceptions of an allow-by-default cgroup, so such a cgroup
// reads back as allow-all.
func EmulatorFromList(list io.Reader) (*Emulator, error) {
	e := &Emulator{}
	s := bufio.NewScanner(list)
	n := 0
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" {
			continue
		}
		n++
		rule, err := parseListLine(line)
		if err != nil {
			return nil, err
		}
		if rule.Type == devices.WildcardDevice {
			if n != 1 || rule.Major != devices.Wildcard || rule.Minor != devices.Wildcard {
				return nil, fmt.Errorf("unexpected wildcard entry %q in devices.list", line)
			}
			e.defaultAllow = true
			continue
		}
		if e.defaultAllow {
			return nil, fmt.Errorf("unexpected entry %q after \"a *:* rwm\" in devices.list", line)
		}
		if err := e.Apply(rule); err != nil {
			return nil, err
		}
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read devices.list: %w", err)
	}
	return e, nil
}

// FromRules builds the Emulator state that applying rules in order to a
// deny-all cgroup produces.
func FromRules(rules []*devices.Rule) (*Emulator, error) {
	e := &Emulator{}
	for _, r := range rules {
		if r == nil {
			continue
		}
		if err := e.Apply(*r); err != nil {
			return nil, err
		}
	}
	return e, nil
}
