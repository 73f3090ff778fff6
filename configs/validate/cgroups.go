package validate

import (
	"fmt"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// cgroupsCheck rejects Path combined with Name/Parent, Unified on cgroup
// v1 (wrapping cgroups.ErrV1NoUnified), a memory+swap limit that cannot be
// expressed on cgroup v2, and unified keys or hugetlb page sizes that are
// not plain file-name parts.
func cgroupsCheck(config *configs.Config) error {
	c := config.Cgroups
	if c == nil {
		return nil
	}
	if (c.Name != "" || c.Parent != "") && c.Path != "" {
		return invalid("cgroups.path", c.Path, "cgroup: either Path or Name and Parent should be used, not both")
	}
	r := c.Resources
	if r == nil {
		return nil
	}
	unified := cgroups.IsCgroup2UnifiedMode()
	if !unified && r.Unified != nil {
		return invalidCause("cgroups.unified", "", cgroups.ErrV1NoUnified, "not supported on this host")
	}
	if unified {
		if _, err := cgroups.ConvertMemorySwapToCgroupV2Value(r.MemorySwap, r.Memory); err != nil {
			return invalidCause("cgroups.memory_swap", fmt.Sprint(r.MemorySwap), err, "cannot be converted for cgroup v2")
		}
	}
	for key := range r.Unified {
		if !isPlainName(key) {
			return invalid("cgroups.unified", key, "key must be a cgroup file name (no '/', not '.' or '..')")
		}
	}
	for i, h := range r.HugetlbLimit {
		if h == nil {
			return invalid(fmt.Sprintf("cgroups.hugetlb_limit[%d]", i), "", "must not be null")
		}
		if !isPlainName(h.Pagesize) {
			return invalid(fmt.Sprintf("cgroups.hugetlb_limit[%d].page_size", i), h.Pagesize, "must be a page size such as \"2MB\"")
		}
	}
	return nil
}

// isPlainName reports whether s can be used as one path component.
func isPlainName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\x00")
}
