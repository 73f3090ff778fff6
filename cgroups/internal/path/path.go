// Package path computes the cgroup path a configuration asks for and makes
// sure it can never leave the cgroup hierarchy it is joined to.
package path

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// ErrEmpty is returned when a configuration names no cgroup at all.
var ErrEmpty = errors.New("cgroup path is empty: set Path, or Parent and Name")

// CheckComponents returns an error when p (a cgroup path or part of one,
// from field) contains a ".." component or a NUL byte.
func CheckComponents(field, p string) error {
	if strings.ContainsRune(p, 0) {
		return fmt.Errorf("invalid cgroup %s %q: contains a NUL byte", field, p)
	}
	for _, c := range strings.Split(p, "/") {
		if c == ".." {
			return fmt.Errorf("invalid cgroup %s %q: must not contain \"..\"", field, p)
		}
	}
	return nil
}

// CheckName returns an error unless name (from field) is a single path
// element: not empty, not "." or "..", without "/" or NUL.
func CheckName(field, name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("invalid cgroup %s %q: must be a single file name", field, name)
	}
	return nil
}

// Inner returns the cgroup path of c inside a hierarchy: Path when set,
// else Parent/Name. An absolute result is from the hierarchy root; a
// relative one is below the caller's own cgroup. ".." is rejected in every
// field, so the result never climbs out of where it is joined.
func Inner(c *configs.Cgroup) (string, error) {
	if c == nil {
		return "", errors.New("cgroup config is nil")
	}
	if c.Path != "" {
		if err := CheckComponents("Path", c.Path); err != nil {
			return "", err
		}
		p := filepath.Clean(c.Path)
		if p == "." {
			return "", ErrEmpty
		}
		return p, nil
	}
	if err := CheckComponents("Parent", c.Parent); err != nil {
		return "", err
	}
	if err := CheckComponents("Name", c.Name); err != nil {
		return "", err
	}
	if c.Name == "" {
		return "", ErrEmpty
	}
	p := filepath.Clean(filepath.Join(c.Parent, c.Name))
	if p == "." || p == "/" {
		return "", ErrEmpty
	}
	return p, nil
}

// Under joins inner below base and verifies the result stays inside base.
func Under(base, inner string) (string, error) {
	p := filepath.Join(base, inner)
	rel, err := filepath.Rel(base, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("cgroup path %q leaves %s", inner, base)
	}
	return p, nil
}

// CheckHugePageSize returns an error unless size is one of the host's huge
// page sizes (as cgroups.HugePageSizes names them). Since the size becomes
// part of a cgroup file name, this also keeps it from naming another file.
func CheckHugePageSize(size string) error {
	sizes := cgroups.HugePageSizes()
	if !slices.Contains(sizes, size) {
		return fmt.Errorf("invalid hugepage size %q: the host supports %v", size, sizes)
	}
	return nil
}
