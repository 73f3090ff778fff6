package intelrdt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// L3CacheInfo is the read-only L3 cache allocation information of the
// host (resctrl info/L3).
type L3CacheInfo struct {
	CbmMask    string `json:"cbm_mask,omitempty"`
	MinCbmBits uint64 `json:"min_cbm_bits,omitempty"`
	NumClosids uint64 `json:"num_closids,omitempty"`
}

// MemBwInfo is the read-only memory bandwidth allocation information of
// the host (resctrl info/MB).
type MemBwInfo struct {
	BandwidthGran uint64 `json:"bandwidth_gran,omitempty"`
	DelayLinear   uint64 `json:"delay_linear,omitempty"`
	MinBandwidth  uint64 `json:"min_bandwidth,omitempty"`
	NumClosids    uint64 `json:"num_closids,omitempty"`
}

// MBMNumaNodeStats holds the memory bandwidth monitoring counters of one
// L3 domain (NUMA node).
type MBMNumaNodeStats struct {
	// MBMTotalBytes is the total bytes transferred (mbm_total_bytes).
	MBMTotalBytes uint64 `json:"mbm_total_bytes"`
	// MBMLocalBytes is the bytes transferred to local memory
	// (mbm_local_bytes).
	MBMLocalBytes uint64 `json:"mbm_local_bytes"`
}

// CMTNumaNodeStats holds the cache monitoring counter of one L3 domain.
type CMTNumaNodeStats struct {
	// LLCOccupancy is the last-level cache occupancy in bytes.
	LLCOccupancy uint64 `json:"llc_occupancy"`
}

// Stats are the Intel RDT statistics of a container.
type Stats struct {
	// L3CacheInfo is the host's L3 cache allocation information.
	L3CacheInfo *L3CacheInfo `json:"l3_cache_info,omitempty"`
	// L3CacheSchemaRoot is the L3 line of the root group's schemata.
	L3CacheSchemaRoot string `json:"l3_cache_schema_root,omitempty"`
	// L3CacheSchema is the L3 line of the container group's schemata.
	L3CacheSchema string `json:"l3_cache_schema,omitempty"`
	// MemBwInfo is the host's memory bandwidth allocation information.
	MemBwInfo *MemBwInfo `json:"mem_bw_info,omitempty"`
	// MemBwSchemaRoot is the MB line of the root group's schemata.
	MemBwSchemaRoot string `json:"mem_bw_schema_root,omitempty"`
	// MemBwSchema is the MB line of the container group's schemata.
	MemBwSchema string `json:"mem_bw_schema,omitempty"`
	// MBMStats are the memory bandwidth counters per L3 domain.
	MBMStats *[]MBMNumaNodeStats `json:"mbm_stats,omitempty"`
	// CMTStats are the cache occupancy counters per L3 domain.
	CMTStats *[]CMTNumaNodeStats `json:"cmt_stats,omitempty"`
}

// readUint reads a file holding one unsigned decimal number.
func readUint(path string) (uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parse %s: %w", path, err)
	}
	return v, nil
}

// readString reads a file and trims surrounding white space.
func readString(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(data)), nil
}

func readL3CacheInfo(root string) (*L3CacheInfo, error) {
	dir := filepath.Join(root, "info", "L3")
	var info L3CacheInfo
	var err error
	if info.CbmMask, err = readString(filepath.Join(dir, "cbm_mask")); err != nil {
		return nil, fmt.Errorf("intelrdt: read L3 cache info: %w", err)
	}
	if info.MinCbmBits, err = readUint(filepath.Join(dir, "min_cbm_bits")); err != nil {
		return nil, fmt.Errorf("intelrdt: read L3 cache info: %w", err)
	}
	if info.NumClosids, err = readUint(filepath.Join(dir, "num_closids")); err != nil {
		return nil, fmt.Errorf("intelrdt: read L3 cache info: %w", err)
	}
	return &info, nil
}

func readMemBwInfo(root string) (*MemBwInfo, error) {
	dir := filepath.Join(root, "info", "MB")
	var info MemBwInfo
	for name, dst := range map[string]*uint64{
		"bandwidth_gran": &info.BandwidthGran,
		"delay_linear":   &info.DelayLinear,
		"min_bandwidth":  &info.MinBandwidth,
		"num_closids":    &info.NumClosids,
	} {
		v, err := readUint(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("intelrdt: read memory bandwidth info: %w", err)
		}
		*dst = v
	}
	return &info, nil
}

// schemaLine returns the line of a schemata file for resource ("L3" or
// "MB"), trimmed, or "" if there is none.
func schemaLine(schemata, resource string) string {
	for _, line := range strings.Split(schemata, "\n") {
		line = strings.TrimSpace(line)
		name, _, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(name) == resource {
			return line
		}
	}
	return ""
}

// readMonStats reads the per-domain monitoring counters below
// <group>/mon_data/mon_L3_*.
func readMonStats(group string, mbm, cmt bool, stats *Stats) error {
	domains, err := filepath.Glob(filepath.Join(group, "mon_data", "mon_L3_*"))
	if err != nil {
		return err
	}
	var mbmStats []MBMNumaNodeStats
	var cmtStats []CMTNumaNodeStats
	for _, d := range domains {
		if mbm {
			var s MBMNumaNodeStats
			if s.MBMTotalBytes, err = readUint(filepath.Join(d, "mbm_total_bytes")); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("intelrdt: read MBM stats: %w", err)
			}
			if s.MBMLocalBytes, err = readUint(filepath.Join(d, "mbm_local_bytes")); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("intelrdt: read MBM stats: %w", err)
			}
			mbmStats = append(mbmStats, s)
		}
		if cmt {
			var s CMTNumaNodeStats
			if s.LLCOccupancy, err = readUint(filepath.Join(d, "llc_occupancy")); err != nil {
				return fmt.Errorf("intelrdt: read CMT stats: %w", err)
			}
			cmtStats = append(cmtStats, s)
		}
	}
	if mbm {
		stats.MBMStats = &mbmStats
	}
	if cmt {
		stats.CMTStats = &cmtStats
	}
	return nil
}
