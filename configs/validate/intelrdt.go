package validate

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/sys/mountinfo"

	"github.com/b7f961b7/libcontainer/configs"
)

// intelRdtCheck validates the ClosID as a resctrl group name and requires
// the kernel features each schema needs: CAT for an L3 schema, MBA for a
// memory bandwidth schema, and at least one of them for any RDT config.
func intelRdtCheck(config *configs.Config) error {
	rdt := config.IntelRdt
	if rdt == nil {
		return nil
	}
	if rdt.ClosID == "." || rdt.ClosID == ".." || strings.Contains(rdt.ClosID, "/") || strings.ContainsRune(rdt.ClosID, 0) {
		return invalid("intel_rdt.closID", rdt.ClosID, "invalid intelRdt.ClosID: must be a plain directory name")
	}
	cat, mba := resctrlFeatures()
	if !cat && !mba {
		return invalid("intel_rdt", "", "intelRdt is specified in config, but Intel RDT is not supported or enabled")
	}
	if rdt.L3CacheSchema != "" && !cat {
		return invalid("intel_rdt.l3_cache_schema", rdt.L3CacheSchema, "intelRdt.l3CacheSchema is specified in config, but Intel RDT/CAT is not enabled")
	}
	if rdt.MemBwSchema != "" && !mba {
		return invalid("intel_rdt.memBwSchema", rdt.MemBwSchema, "intelRdt.memBwSchema is specified in config, but Intel RDT/MBA is not enabled")
	}
	return nil
}

// resctrlFeatures reports whether the mounted resctrl filesystem offers
// cache allocation (CAT: info/L3, or info/L3CODE with CDP) and memory
// bandwidth allocation (MBA: info/MB). Both are false without resctrl.
func resctrlFeatures() (cat, mba bool) {
	mounts, err := mountinfo.GetMounts(mountinfo.FSTypeFilter("resctrl"))
	if err != nil || len(mounts) == 0 {
		return false, false
	}
	info := filepath.Join(mounts[0].Mountpoint, "info")
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(info, name))
		return err == nil
	}
	return exists("L3") || exists("L3CODE"), exists("MB")
}
