package fs2

import (
	"errors"
	"io/fs"
	"math"
	"strconv"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/configs"
)

// setPids writes pids.max: negative is "max", 0 leaves it.
func setPids(dir string, r *configs.Resources) error {
	if r.PidsLimit == 0 {
		return nil
	}
	v := "max"
	if r.PidsLimit > 0 {
		v = strconv.FormatInt(r.PidsLimit, 10)
	}
	return cgroups.WriteFile(dir, "pids.max", v)
}

// statPids fills stats.PidsStats; without the pids controller it counts
// the processes of the subtree instead.
func statPids(dir string, stats *cgroups.Stats) error {
	cur, err := fscommon.GetCgroupParamUint(dir, "pids.current")
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
	max, err := fscommon.GetCgroupParamUint(dir, "pids.max")
	if err != nil {
		return err
	}
	if max == math.MaxUint64 {
		max = 0
	}
	stats.PidsStats.Current, stats.PidsStats.Limit = cur, max
	return nil
}
