package fscommon

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// parseRdmaKV parses one "key=value" pair of an rdma file into entry.
func parseRdmaKV(raw string, entry *cgroups.RdmaEntry) error {
	k, v, ok := strings.Cut(raw, "=")
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotValidFormat, raw)
	}
	var n uint32
	if v == "max" {
		n = math.MaxUint32
	} else {
		u, err := ParseUint(v, 10, 32)
		if err != nil {
			return fmt.Errorf("rdma value %q: %w", raw, err)
		}
		n = uint32(u)
	}
	switch k {
	case "hca_handle":
		entry.HcaHandles = n
	case "hca_object":
		entry.HcaObjects = n
	}
	return nil
}

// readRdmaEntries parses an rdma.max or rdma.current file.
func readRdmaEntries(dir, file string) ([]cgroups.RdmaEntry, error) {
	content, err := cgroups.ReadFile(dir, file)
	if err != nil {
		return nil, err
	}
	var entries []cgroups.RdmaEntry
	for _, line := range strings.Split(content, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		e := cgroups.RdmaEntry{Device: fields[0]}
		for _, kv := range fields[1:] {
			if err := parseRdmaKV(kv, &e); err != nil {
				return nil, &ParseError{Path: dir, File: file, Err: err}
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// RdmaGetStats fills stats.RdmaStats from rdma.max and rdma.current in
// path. A cgroup without the rdma files yields no error.
func RdmaGetStats(path string, stats *cgroups.Stats) error {
	current, err := readRdmaEntries(path, "rdma.current")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	limit, err := readRdmaEntries(path, "rdma.max")
	if err != nil {
		return err
	}
	stats.RdmaStats.RdmaCurrent = current
	stats.RdmaStats.RdmaLimit = limit
	return nil
}

// RdmaSet writes r.Rdma (device → limits) into rdma.max of path.
func RdmaSet(path string, r *configs.Resources) error {
	for dev, lim := range r.Rdma {
		if strings.ContainsAny(dev, " \n=") || dev == "" {
			return fmt.Errorf("invalid rdma device name %q", dev)
		}
		line := dev
		if lim.HcaHandles != nil {
			line += " hca_handle=" + strconv.FormatUint(uint64(*lim.HcaHandles), 10)
		}
		if lim.HcaObjects != nil {
			line += " hca_object=" + strconv.FormatUint(uint64(*lim.HcaObjects), 10)
		}
		if err := cgroups.WriteFile(path, "rdma.max", line); err != nil {
			return err
		}
	}
	return nil
}
