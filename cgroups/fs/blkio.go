package fs

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

// BlkioGroup is the v1 blkio controller. Weights go to the CFQ files
// (blkio.weight...) or, on kernels with only BFQ, to blkio.bfq.weight...;
// throttles go to blkio.throttle.*.
type BlkioGroup struct{}

// Name returns "blkio".
func (s *BlkioGroup) Name() string { return "blkio" }

// Apply creates path and moves pid into it.
func (s *BlkioGroup) Apply(path string, _ *configs.Resources, pid int) error {
	return apply(path, pid)
}

// writeWeightFile writes data to the CFQ file cfq, or to the BFQ file bfq
// when the CFQ one does not exist.
func writeWeightFile(path, cfq, bfq, data string) error {
	err := cgroups.WriteFile(path, cfq, data)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || bfq == "" {
		return err
	}
	if err2 := cgroups.WriteFile(path, bfq, data); err2 != nil {
		if errors.Is(err2, fs.ErrNotExist) {
			return fmt.Errorf("blkio weight %q: neither %s nor %s exists in %s (no CFQ or BFQ I/O scheduler)", data, cfq, bfq, path)
		}
		return err2
	}
	return nil
}

// Set writes weights, per-device weights and per-device throttles.
func (s *BlkioGroup) Set(path string, r *configs.Resources) error {
	if r.BlkioWeight != 0 {
		if err := writeWeightFile(path, "blkio.weight", "blkio.bfq.weight", strconv.FormatUint(uint64(r.BlkioWeight), 10)); err != nil {
			return err
		}
	}
	if r.BlkioLeafWeight != 0 {
		if err := cgroups.WriteFile(path, "blkio.leaf_weight", strconv.FormatUint(uint64(r.BlkioLeafWeight), 10)); err != nil {
			return err
		}
	}
	for _, wd := range r.BlkioWeightDevice {
		if wd == nil {
			continue
		}
		if wd.Weight != 0 {
			if err := writeWeightFile(path, "blkio.weight_device", "blkio.bfq.weight_device", wd.WeightString()); err != nil {
				return err
			}
		}
		if wd.LeafWeight != 0 {
			if err := cgroups.WriteFile(path, "blkio.leaf_weight_device", wd.LeafWeightString()); err != nil {
				return err
			}
		}
	}
	for _, t := range []struct {
		file string
		devs []*configs.ThrottleDevice
	}{
		{"blkio.throttle.read_bps_device", r.BlkioThrottleReadBpsDevice},
		{"blkio.throttle.write_bps_device", r.BlkioThrottleWriteBpsDevice},
		{"blkio.throttle.read_iops_device", r.BlkioThrottleReadIOPSDevice},
		{"blkio.throttle.write_iops_device", r.BlkioThrottleWriteIOPSDevice},
	} {
		for _, td := range t.devs {
			if td == nil {
				continue
			}
			if err := cgroups.WriteFile(path, t.file, td.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseBlkioStat parses a blkio statistics file ("maj:min [op] value"
// lines; the "Total" line is skipped).
func parseBlkioStat(path, file string) ([]cgroups.BlkioStatEntry, error) {
	content, err := cgroups.ReadFile(path, file)
	if err != nil {
		return nil, err
	}
	var res []cgroups.BlkioStatEntry
	for _, line := range strings.Split(content, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] == "Total" {
			continue
		}
		var e cgroups.BlkioStatEntry
		if e.Major, e.Minor, err = cgfile.ParseDevice(path, file, f[0]); err != nil {
			return nil, err
		}
		val := f[1]
		if len(f) == 3 {
			e.Op, val = f[1], f[2]
		}
		if e.Value, err = fscommon.ParseUint(val, 10, 64); err != nil {
			return nil, &fscommon.ParseError{Path: path, File: file, Err: err}
		}
		res = append(res, e)
	}
	return res, nil
}

// blkioFile names one statistics file and where its entries go.
type blkioFile struct {
	name string
	dst  func(*cgroups.BlkioStats) *[]cgroups.BlkioStatEntry
}

// blkioStatSet names the statistics files of one I/O policy.
type blkioStatSet struct {
	prefix string
	files  []blkioFile
}

var (
	bytesFile    = blkioFile{"io_service_bytes_recursive", func(b *cgroups.BlkioStats) *[]cgroups.BlkioStatEntry { return &b.IoServiceBytesRecursive }}
	servicedFile = blkioFile{"io_serviced_recursive", func(b *cgroups.BlkioStats) *[]cgroups.BlkioStatEntry { return &b.IoServicedRecursive }}

	// blkioPolicies lists CFQ, BFQ and throttle statistics, in order of
	// preference.
	blkioPolicies = []blkioStatSet{
		{prefix: "blkio.", files: []blkioFile{
			bytesFile, servicedFile,
			{"io_queued_recursive", func(b *cgroups.BlkioStats) *[]cgroups.BlkioStatEntry { return &b.IoQueuedRecursive }},
			{"io_service_time_recursive", func(b *cgroups.BlkioStats) *[]cgroups.BlkioStatEntry { return &b.IoServiceTimeRecursive }},
			{"io_wait_time_recursive", func(b *cgroups.BlkioStats) *[]cgroups.BlkioStatEntry { return &b.IoWaitTimeRecursive }},
			{"io_merged_recursive", func(b *cgroups.BlkioStats) *[]cgroups.BlkioStatEntry { return &b.IoMergedRecursive }},
			{"time_recursive", func(b *cgroups.BlkioStats) *[]cgroups.BlkioStatEntry { return &b.IoTimeRecursive }},
			{"sectors_recursive", func(b *cgroups.BlkioStats) *[]cgroups.BlkioStatEntry { return &b.SectorsRecursive }},
		}},
		{prefix: "blkio.bfq.", files: []blkioFile{bytesFile, servicedFile}},
		{prefix: "blkio.throttle.", files: []blkioFile{bytesFile, servicedFile}},
	}
)

// GetStats fills stats.BlkioStats from the first policy whose files exist
// and hold data.
func (s *BlkioGroup) GetStats(path string, stats *cgroups.Stats) error {
	for i, pol := range blkioPolicies {
		var bs cgroups.BlkioStats
		found, empty := true, true
		for _, f := range pol.files {
			entries, err := parseBlkioStat(path, pol.prefix+f.name)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					found = false
					break
				}
				return err
			}
			if len(entries) > 0 {
				empty = false
			}
			*f.dst(&bs) = entries
		}
		if !found || (empty && i != len(blkioPolicies)-1) {
			continue
		}
		stats.BlkioStats = bs
		return nil
	}
	return nil
}
