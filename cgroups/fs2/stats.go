package fs2

import (
	"errors"
	"fmt"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
)

// GetStats gathers pids, memory, io, cpu, hugetlb and rdma statistics.
// Errors of the individual parts are joined (and ignored when rootless).
func (m *manager) GetStats() (*cgroups.Stats, error) {
	stats := cgroups.NewStats()
	var errs []error
	for _, s := range []struct {
		name string
		fn   func(string, *cgroups.Stats) error
	}{
		{"pids", statPids},
		{"memory", statMemory},
		{"io", statIo},
		{"cpu", statCPU},
		{"hugetlb", statHugeTlb},
		{"rdma", fscommon.RdmaGetStats},
	} {
		if err := s.fn(m.dirPath, stats); err != nil {
			errs = append(errs, fmt.Errorf("%s stats: %w", s.name, err))
		}
	}
	if len(errs) > 0 && !m.config.Rootless {
		return stats, errors.Join(errs...)
	}
	return stats, nil
}
