package fs2

import (
	"errors"
	"io/fs"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/configs"
)

// setPids writes pids.max: negative is "max", 0 leaves it.
func setPids(dir string, r *configs.Resources) error {
	return cgfile.WritePidsMax(dir, r.PidsLimit)
}

// statPids fills stats.PidsStats; without the pids controller it counts
// the processes of the subtree instead.
func statPids(dir string, stats *cgroups.Stats) error {
	cur, limit, err := cgfile.ReadPids(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		pids, err := cgroups.GetAllPids(dir)
		if err != nil {
			return err
		}
		stats.PidsStats.Current = uint64(len(pids))
		return nil
	}
	stats.PidsStats.Current, stats.PidsStats.Limit = cur, limit
	return nil
}
