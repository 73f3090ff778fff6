package fs2

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
	"github.com/b7f961b7/libcontainer/cgroups/internal/cgfile"
	"github.com/b7f961b7/libcontainer/configs"
)

// setIo writes weights (io.bfq.weight with the v1 scale when BFQ is in
// use, else io.weight converted to the v2 scale) and throttles (io.max).
func setIo(dir string, r *configs.Resources) error {
	bfq := cgroups.PathExists(dir + "/io.bfq.weight")
	if r.BlkioWeight != 0 {
		var err error
		if bfq {
			err = cgroups.WriteFile(dir, "io.bfq.weight", strconv.FormatUint(uint64(r.BlkioWeight), 10))
		} else {
			err = cgroups.WriteFile(dir, "io.weight", "default "+strconv.FormatUint(cgroups.ConvertBlkIOToIOWeightValue(r.BlkioWeight), 10))
		}
		if err != nil {
			return err
		}
	}
	for _, wd := range r.BlkioWeightDevice {
		if wd == nil || wd.Weight == 0 {
			continue
		}
		var err error
		if bfq {
			err = cgroups.WriteFile(dir, "io.bfq.weight", wd.WeightString())
		} else {
			err = cgroups.WriteFile(dir, "io.weight", fmt.Sprintf("%d:%d %d", wd.Major, wd.Minor, cgroups.ConvertBlkIOToIOWeightValue(wd.Weight)))
		}
		if err != nil {
			return err
		}
	}
	for _, t := range []struct {
		key  string
		devs []*configs.ThrottleDevice
	}{
		{"rbps", r.BlkioThrottleReadBpsDevice},
		{"wbps", r.BlkioThrottleWriteBpsDevice},
		{"riops", r.BlkioThrottleReadIOPSDevice},
		{"wiops", r.BlkioThrottleWriteIOPSDevice},
	} {
		for _, td := range t.devs {
			if td == nil {
				continue
			}
			if err := cgroups.WriteFile(dir, "io.max", td.StringName(t.key)); err != nil {
				return err
			}
		}
	}
	return nil
}

// statIo fills stats.BlkioStats from io.stat (bytes and operations per
// device and direction); a cgroup without the io controller yields no
// error.
func statIo(dir string, stats *cgroups.Stats) error {
	content, err := cgroups.ReadFile(dir, "io.stat")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, line := range strings.Split(content, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		major, minor, err := cgfile.ParseDevice(dir, "io.stat", f[0])
		if err != nil {
			return err
		}
		for _, kv := range f[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			val, err := fscommon.ParseUint(v, 10, 64)
			if err != nil {
				return &fscommon.ParseError{Path: dir, File: "io.stat", Err: err}
			}
			e := cgroups.BlkioStatEntry{Major: major, Minor: minor, Value: val}
			switch k {
			case "rbytes":
				e.Op = "Read"
				stats.BlkioStats.IoServiceBytesRecursive = append(stats.BlkioStats.IoServiceBytesRecursive, e)
			case "wbytes":
				e.Op = "Write"
				stats.BlkioStats.IoServiceBytesRecursive = append(stats.BlkioStats.IoServiceBytesRecursive, e)
			case "rios":
				e.Op = "Read"
				stats.BlkioStats.IoServicedRecursive = append(stats.BlkioStats.IoServicedRecursive, e)
			case "wios":
				e.Op = "Write"
				stats.BlkioStats.IoServicedRecursive = append(stats.BlkioStats.IoServicedRecursive, e)
			}
		}
	}
	return nil
}
