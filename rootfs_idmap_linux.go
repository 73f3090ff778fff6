package libcontainer

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// This file is the init's side of idmapped mounts: the parent made them
// detached on the host (idmap_parent_linux.go) and passed them as extra
// files; the init takes each one over for its config mount, attaches it
// like any other mount, and closes it.

// idmappedMounts holds, in the container init only, the detached
// idmapped mounts the parent made, by config mount. adoptIDMappedMounts
// fills it before the rootfs is prepared; takeIDMappedMount empties it.
var idmappedMounts map[*configs.Mount]*os.File

// adoptIDMappedMounts takes over the mount fds the parent passed, fds
// mapping config mount indexes to fd numbers, and marks them
// close-on-exec so that no command run while mounting inherits them.
func adoptIDMappedMounts(fds map[int]int, mounts []*configs.Mount) error {
	idmappedMounts = make(map[*configs.Mount]*os.File, len(fds))
	for i, fd := range fds {
		if i < 0 || i >= len(mounts) || mounts[i] == nil || mounts[i].IDMapping == nil {
			closeIDMappedMounts()
			return fmt.Errorf("idmapped mount fd %d names mounts[%d], which is not an idmapped mount", fd, i)
		}
		if fd < 3 {
			closeIDMappedMounts()
			return fmt.Errorf("idmapped mount fd %d for mounts[%d] is not a passed file", fd, i)
		}
		unix.CloseOnExec(fd)
		idmappedMounts[mounts[i]] = os.NewFile(uintptr(fd), "idmapped:"+mounts[i].Destination)
	}
	return nil
}

// takeIDMappedMount hands over the detached idmapped mount the parent made
// for m; the caller closes it.
func takeIDMappedMount(m *configs.Mount) (*os.File, error) {
	f, ok := idmappedMounts[m]
	if !ok {
		return nil, fmt.Errorf("idmapped mount %s: the parent passed no mount for it", m.Destination)
	}
	delete(idmappedMounts, m)
	return f, nil
}

// closeIDMappedMounts closes the passed mounts no config mount took (none
// when the rootfs was prepared without error), so that no host mount fd
// reaches the container process.
func closeIDMappedMounts() {
	for m, f := range idmappedMounts {
		f.Close()
		delete(idmappedMounts, m)
	}
}
