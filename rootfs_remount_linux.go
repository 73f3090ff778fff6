package libcontainer

import (
	"fmt"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/utils"
)

// This file applies an MS_REMOUNT config entry to the mount already at
// its destination.

// remountExisting applies the per-mount flags of an MS_REMOUNT config
// entry to the mount already at the destination.
func remountExisting(root string, m *configs.Mount, dest string) error {
	rel, err := resolveMountDest(root, dest, m.Device, true)
	if err != nil {
		return err
	}
	f, err := utils.OpenInRoot(root, rel, unix.O_PATH)
	if err != nil {
		return err
	}
	defer f.Close()
	if got, err := fdPath(f); err != nil || got != filepath.Join(root, rel) {
		return fmt.Errorf("remount target %s changed while it was being set up (opened %q): refusing", rel, got)
	}
	isRoot, err := isMountRoot(f)
	if err != nil {
		return err
	}
	if !isRoot {
		return fmt.Errorf("cannot remount %s: not a mount point", rel)
	}
	set, clr := mountAttrFromFlags(m.Flags)
	if set != 0 || clr != 0 {
		if err := setMountAttr(f, &unix.MountAttr{Attr_set: set, Attr_clr: clr}, false); err != nil {
			return err
		}
	}
	return applyPropagation(f, propagationFlags(m.Flags, m.PropagationFlags))
}
