package devices

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// DeviceFromPath describes the node at path (not following a final
// symlink) with the given cgroup permissions. It returns ErrNotADevice
// itself (unwrapped) if path is not a block, character or fifo node; a failed lstat is returned
// as an *os.PathError so os.IsNotExist and errors.Is work on it.
func DeviceFromPath(path, permissions string) (*Device, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return nil, &os.PathError{Op: "lstat", Path: path, Err: err}
	}
	var t Type
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		t = BlockDevice
	case unix.S_IFCHR:
		t = CharDevice
	case unix.S_IFIFO:
		t = FifoDevice
	default:
		// Returned bare, as in v1.1, so callers comparing with == work.
		return nil, ErrNotADevice
	}
	rdev := uint64(st.Rdev) // Rdev is uint32 on some architectures.
	return &Device{
		Rule: Rule{
			Type:        t,
			Major:       int64(unix.Major(rdev)),
			Minor:       int64(unix.Minor(rdev)),
			Permissions: Permissions(permissions),
		},
		Path:     path,
		FileMode: os.FileMode(st.Mode &^ unix.S_IFMT),
		Uid:      st.Uid,
		Gid:      st.Gid,
	}, nil
}

// HostDevices returns every block and character device under /dev, as
// GetDevices("/dev") does.
func HostDevices() ([]*Device, error) {
	return GetDevices("/dev")
}

// skippedDeviceDirs are directories GetDevices does not descend into:
// they hold per-session or runtime-private nodes, not host devices.
var skippedDeviceDirs = map[string]bool{
	"pts":         true,
	"shm":         true,
	"fd":          true,
	"mqueue":      true,
	".lxc":        true,
	".lxd-mounts": true,
	".udev":       true,
}

// GetDevices walks path recursively and returns its block and character
// device nodes with permissions "rwm". It skips the directories pts, shm,
// fd, mqueue, .lxc, .lxd-mounts and .udev, any entry named "console",
// fifos, non-device files, and entries that vanish during the walk.
func GetDevices(path string) ([]*Device, error) {
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("read device dir: %w", err)
	}
	var out []*Device
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(path, name)
		if e.IsDir() {
			if skippedDeviceDirs[name] {
				continue
			}
			sub, err := GetDevices(full)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
			continue
		}
		if name == "console" {
			continue
		}
		dev, err := DeviceFromPath(full, "rwm")
		if err != nil {
			if errors.Is(err, ErrNotADevice) || errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, err
		}
		if dev.Type == FifoDevice {
			continue
		}
		out = append(out, dev)
	}
	return out, nil
}
