package cgfile

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/unix"
)

// Gone reports whether err says that a cgroup file is not there: it never
// existed (ENOENT), or its cgroup is being removed, when reading a file
// that is still open or looked up gives ENODEV.
func Gone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENODEV)
}
