package fs2

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups"
)

// setUnified writes the raw Unified map (file name → value), in sorted
// key order. Keys must be plain file names of dir; failures say whether
// the key is malformed or its controller unavailable.
func setUnified(dir string, res map[string]string) error {
	keys := make([]string, 0, len(res))
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Check every key before writing any.
	for _, k := range keys {
		if strings.Contains(k, "/") {
			return fmt.Errorf("unified resource %q must be a file name (no slashes)", k)
		}
		if k == "" || k == "." || k == ".." || strings.ContainsRune(k, 0) {
			return fmt.Errorf("unified resource %q is not a valid file name", k)
		}
	}
	for _, k := range keys {
		v := res[k]
		err := cgroups.WriteFile(dir, k, v)
		if err == nil {
			continue
		}
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.ENOENT) {
			ctrl, _, ok := strings.Cut(k, ".")
			if !ok || ctrl == "" {
				return fmt.Errorf("unified resource %q must be in the form CONTROLLER.PARAMETER", k)
			}
			if ctrl != "cgroup" {
				avail, rerr := cgroups.ReadFile(dir, "cgroup.controllers")
				if rerr == nil && !slices.Contains(strings.Fields(avail), ctrl) {
					return fmt.Errorf("unified resource %q can't be set: controller %q not available", k, ctrl)
				}
			}
		}
		return fmt.Errorf("unable to set unified resource %q: %w", k, err)
	}
	return nil
}
