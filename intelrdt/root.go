// Package intelrdt manages Intel Resource Director Technology (RDT) for
// containers through the resctrl filesystem: cache allocation (CAT),
// memory bandwidth allocation (MBA) and the matching monitoring (CMT,
// MBM). On a machine without RDT or without resctrl mounted everything
// here is inert: NewManager returns nil, Root returns an error saying
// resctrl is not mounted and the Is*Enabled functions return false.
package intelrdt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/moby/sys/mountinfo"
)

// defaultRoot is where resctrl is conventionally mounted.
const defaultRoot = "/sys/fs/resctrl"

var rootOnce = sync.OnceValues(findRoot)

// Root returns the mount point of the resctrl filesystem (normally
// /sys/fs/resctrl), found in /proc/self/mountinfo. The answer is cached.
// When resctrl is not mounted the error says so.
func Root() (string, error) {
	return rootOnce()
}

func findRoot() (string, error) {
	mounts, err := mountinfo.GetMounts(mountinfo.FSTypeFilter("resctrl"))
	if err != nil {
		return "", fmt.Errorf("intelrdt: find resctrl mount: %w", err)
	}
	if len(mounts) == 0 {
		return "", fmt.Errorf("intelrdt: the resctrl filesystem is not mounted (expected at %s; the CPU or kernel may lack Intel RDT)", defaultRoot)
	}
	for _, m := range mounts {
		if m.Mountpoint == defaultRoot {
			return defaultRoot, nil
		}
	}
	return mounts[0].Mountpoint, nil
}

// features lists which RDT features a resctrl root offers, from the
// directories and files the kernel creates under info/ only for supported
// hardware.
type features struct {
	cat, mba, cmt, mbm bool
}

func readFeatures(root string) features {
	var f features
	f.cat = isDir(filepath.Join(root, "info", "L3")) || isDir(filepath.Join(root, "info", "L3CODE"))
	f.mba = isDir(filepath.Join(root, "info", "MB"))
	if mon, err := os.ReadFile(filepath.Join(root, "info", "L3_MON", "mon_features")); err == nil {
		for _, line := range bytes.Fields(mon) {
			switch string(line) {
			case "llc_occupancy":
				f.cmt = true
			case "mbm_total_bytes", "mbm_local_bytes":
				f.mbm = true
			}
		}
	}
	return f
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

var hostFeatures = sync.OnceValue(func() features {
	root, err := Root()
	if err != nil {
		return features{}
	}
	return readFeatures(root)
})

// IsCATEnabled reports whether L3 cache allocation (CAT) is available.
func IsCATEnabled() bool { return hostFeatures().cat }

// IsMBAEnabled reports whether memory bandwidth allocation (MBA) is
// available.
func IsMBAEnabled() bool { return hostFeatures().mba }

// IsCMTEnabled reports whether cache monitoring (CMT, llc_occupancy) is
// available.
func IsCMTEnabled() bool { return hostFeatures().cmt }

// IsMBMEnabled reports whether memory bandwidth monitoring (MBM) is
// available.
func IsMBMEnabled() bool { return hostFeatures().mbm }
