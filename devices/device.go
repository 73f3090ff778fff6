package devices

import (
	"errors"
	"os"
)

// Device is a device node to create in (or bind into) a container,
// together with the cgroup rule that grants access to it. The embedded
// Rule's fields appear inline in the JSON object.
type Device struct {
	Rule

	// Path is the node's path inside the container.
	Path string `json:"path"`
	// FileMode holds the node's permission bits (no file-type bits).
	FileMode os.FileMode `json:"file_mode"`
	// Uid is the owner of the node.
	Uid uint32 `json:"uid"`
	// Gid is the group of the node.
	Gid uint32 `json:"gid"`
}

// ErrNotADevice is returned by DeviceFromPath when the path exists but is
// not a block, character or fifo node.
var ErrNotADevice = errors.New("not a device node")
