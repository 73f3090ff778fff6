package cgfile

import (
	"math"
	"strconv"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
)

// WritePidsMax writes limit to pids.max in dir (the file is the same in v1
// and v2): a negative limit is "max", 0 leaves the file alone.
func WritePidsMax(dir string, limit int64) error {
	if limit == 0 {
		return nil
	}
	v := "max"
	if limit > 0 {
		v = strconv.FormatInt(limit, 10)
	}
	return cgroups.WriteFile(dir, "pids.max", v)
}

// ReadPids returns pids.current and pids.max of dir; an unlimited ("max")
// limit is reported as 0. The error of reading pids.current comes first,
// as it is, so a cgroup without the pids controller satisfies
// errors.Is(err, fs.ErrNotExist).
func ReadPids(dir string) (current, limit uint64, err error) {
	if current, err = fscommon.GetCgroupParamUint(dir, "pids.current"); err != nil {
		return 0, 0, err
	}
	if limit, err = fscommon.GetCgroupParamUint(dir, "pids.max"); err != nil {
		return 0, 0, err
	}
	if limit == math.MaxUint64 {
		limit = 0
	}
	return current, limit, nil
}
