// Package userns answers questions about user namespaces: whether the
// process runs inside one, and what the id mappings of a given user
// namespace are.
package userns

import (
	"slices"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/user"
)

// IsSameMapping reports whether a and b hold the same mapping ranges,
// ignoring their order (a duplicated range counts as often as it occurs).
func IsSameMapping(a, b []configs.IDMap) bool {
	if len(a) != len(b) {
		return false
	}
	sa, sb := slices.Clone(a), slices.Clone(b)
	cmp := func(x, y configs.IDMap) int {
		switch {
		case x.ContainerID != y.ContainerID:
			return compare(x.ContainerID, y.ContainerID)
		case x.HostID != y.HostID:
			return compare(x.HostID, y.HostID)
		default:
			return compare(x.Size, y.Size)
		}
	}
	slices.SortFunc(sa, cmp)
	slices.SortFunc(sb, cmp)
	return slices.Equal(sa, sb)
}

func compare(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// toConfigMaps converts parsed uid_map/gid_map lines to config mappings.
func toConfigMaps(maps []user.IDMap) []configs.IDMap {
	out := make([]configs.IDMap, 0, len(maps))
	for _, m := range maps {
		out = append(out, configs.IDMap{ContainerID: m.ID, HostID: m.ParentID, Size: m.Count})
	}
	return out
}
