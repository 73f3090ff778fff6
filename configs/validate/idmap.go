package validate

import (
	"fmt"
	"sort"

	"github.com/b7f961b7/libcontainer/configs"
)

// The kernel's limits for uid_map/gid_map contents.
const (
	// maxIDMapExtents is the most lines a uid_map or gid_map may have.
	maxIDMapExtents = 340
	// idSpace is the size of the 32-bit id space; ids are 0..idSpace-1.
	idSpace int64 = 1 << 32
)

// checkIDMappings rejects ranges the kernel would refuse when the map is
// written: empty or negative ranges, ranges running past the 32-bit id
// space, overlapping ranges (inside or outside), and too many lines.
func checkIDMappings(field string, maps []configs.IDMap) error {
	if len(maps) > maxIDMapExtents {
		return invalid(field, fmt.Sprint(len(maps)), "at most %d ranges are allowed", maxIDMapExtents)
	}
	for i, m := range maps {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case m.Size <= 0:
			return invalid(f+".size", fmt.Sprint(m.Size), "must be positive")
		case m.ContainerID < 0 || m.ContainerID >= idSpace:
			return invalid(f+".container_id", fmt.Sprint(m.ContainerID), "must be a 32-bit id")
		case m.HostID < 0 || m.HostID >= idSpace:
			return invalid(f+".host_id", fmt.Sprint(m.HostID), "must be a 32-bit id")
		case m.Size > idSpace-m.ContainerID || m.Size > idSpace-m.HostID:
			return invalid(f+".size", fmt.Sprint(m.Size), "range runs past the 32-bit id space")
		}
	}
	if i, j, ok := overlapping(maps, func(m configs.IDMap) int64 { return m.ContainerID }); ok {
		return invalid(fmt.Sprintf("%s[%d]", field, j), "", "container id range overlaps %s[%d]", field, i)
	}
	if i, j, ok := overlapping(maps, func(m configs.IDMap) int64 { return m.HostID }); ok {
		return invalid(fmt.Sprintf("%s[%d]", field, j), "", "host id range overlaps %s[%d]", field, i)
	}
	return nil
}

// overlapping finds two ranges [start(m), start(m)+Size) that intersect
// and returns their indexes (i < j).
func overlapping(maps []configs.IDMap, start func(configs.IDMap) int64) (int, int, bool) {
	order := make([]int, len(maps))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return start(maps[order[a]]) < start(maps[order[b]]) })
	for k := 1; k < len(order); k++ {
		prev, cur := maps[order[k-1]], maps[order[k]]
		if start(cur) < start(prev)+prev.Size {
			i, j := order[k-1], order[k]
			if i > j {
				i, j = j, i
			}
			return i, j, true
		}
	}
	return 0, 0, false
}
