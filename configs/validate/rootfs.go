package validate

import (
	"path/filepath"

	"github.com/b7f961b7/libcontainer/configs"
)

// rootfsCheck requires Rootfs to exist and to be an absolute, clean path
// with no symlink in it.
func rootfsCheck(config *configs.Config) error {
	abs, err := filepath.Abs(config.Rootfs)
	if err != nil {
		return invalidCause("rootfs", config.Rootfs, err, "invalid rootfs")
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return invalidCause("rootfs", config.Rootfs, err, "invalid rootfs")
	}
	if filepath.Clean(config.Rootfs) != resolved {
		return invalid("rootfs", config.Rootfs, "invalid rootfs: not an absolute path, or a symlink")
	}
	return nil
}
