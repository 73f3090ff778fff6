package user

import (
	"fmt"
	"io"
	"os"
	"slices"
)

// GetAdditionalGroups resolves group names or numeric gids to gids, using
// group-formatted data for the names. A numeric entry is always a gid
// (never looked up as a name) and must be in 0..2147483647 (ErrRange); a
// name that is not in group is an error wrapping ErrNoGroupEntries. The
// result keeps the order of additionalGroups without duplicates and is
// never nil. group may be nil when the file does not exist.
func GetAdditionalGroups(additionalGroups []string, group io.Reader) ([]int, error) {
	var names []string
	for _, ag := range additionalGroups {
		if !looksNumeric(ag) {
			names = append(names, ag)
		}
	}
	var groups []Group
	if len(names) > 0 {
		var err error
		groups, err = ParseGroupFilter(group, func(g Group) bool { return slices.Contains(names, g.Name) })
		if err != nil && group != nil {
			return nil, fmt.Errorf("unable to find additional groups %v: %w", names, err)
		}
	}

	gids := []int{}
	seen := make(map[int]bool)
	for _, ag := range additionalGroups {
		gid, numeric, err := parseID(ag)
		if err != nil {
			return nil, fmt.Errorf("invalid additional group %q: %w", ag, err)
		}
		if !numeric {
			i := slices.IndexFunc(groups, func(g Group) bool { return g.Name == ag })
			if i < 0 {
				return nil, fmt.Errorf("unable to find group %s: %w", ag, ErrNoGroupEntries)
			}
			gid = groups[i].Gid
			if err := checkRange(fmt.Sprintf("group entry %q", ag), gid); err != nil {
				return nil, err
			}
		}
		if !seen[gid] {
			seen[gid] = true
			gids = append(gids, gid)
		}
	}
	return gids, nil
}

// GetAdditionalGroupsPath is GetAdditionalGroups reading the group file at
// groupPath; a file that cannot be opened is treated as absent, so only
// numeric gids resolve then.
func GetAdditionalGroupsPath(additionalGroups []string, groupPath string) ([]int, error) {
	var group io.Reader
	if f, err := os.Open(groupPath); err == nil {
		defer f.Close()
		group = f
	}
	return GetAdditionalGroups(additionalGroups, group)
}
