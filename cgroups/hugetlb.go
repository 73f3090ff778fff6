package cgroups

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

var (
	hugePageSizesOnce sync.Once
	hugePageSizes     []string
)

// HugePageSizes lists the huge page sizes of the host, from
// /sys/kernel/mm/hugepages, formatted as the hugetlb controller names them
// ("64KB", "2MB", "1GB"). The list is read once and cached.
func HugePageSizes() []string {
	hugePageSizesOnce.Do(func() {
		entries, err := os.ReadDir("/sys/kernel/mm/hugepages")
		if err != nil {
			return
		}
		for _, e := range entries {
			s, ok := strings.CutPrefix(e.Name(), "hugepages-")
			if !ok {
				continue
			}
			s, ok = strings.CutSuffix(s, "kB")
			if !ok {
				continue
			}
			kb, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				continue
			}
			hugePageSizes = append(hugePageSizes, formatPageSize(kb*1024))
		}
	})
	return hugePageSizes
}

// formatPageSize formats a byte count with the largest binary unit that
// divides it evenly, as "2MB" or "1GB".
func formatPageSize(n uint64) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	i := 0
	for n >= 1024 && n%1024 == 0 && i < len(units)-1 {
		n /= 1024
		i++
	}
	return strconv.FormatUint(n, 10) + units[i]
}
